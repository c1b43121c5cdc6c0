//! Error responses many operations share, as reusable OpenAPI components
//! (`#/components/responses/...`). Every error body is `{"detail": ...}` ([`ErrorResponse`]).
//! Statuses whose meaning differs by route (400, 401, 403, 404, 409, 422, 429) are described
//! on each route instead.

use utoipa::ToResponse;

use super::dto::ErrorResponse;

/// Body larger than 16 KiB
#[derive(ToResponse)]
#[response(example = json!({"detail": "Request body is too large"}))]
pub struct PayloadTooLarge(pub ErrorResponse);

/// A non-empty body not labelled `Content-Type: application/json`
#[derive(ToResponse)]
#[response(example = json!({"detail": "Content-Type must be application/json"}))]
pub struct UnsupportedMediaType(pub ErrorResponse);

/// The database does not answer, or the password-hashing queue is full; try again after
/// `Retry-After` seconds
#[derive(ToResponse)]
#[response(
    example = json!({"detail": "Service temporarily unavailable"}),
    headers(("Retry-After" = u32, description = "Seconds to wait before trying again")),
)]
pub struct Unavailable(pub ErrorResponse);

/// Missing, invalid or expired access token, or its session has ended
#[derive(ToResponse)]
#[response(
    example = json!({"detail": "Not authenticated"}),
    headers(("WWW-Authenticate" = String, description = "`Bearer`")),
)]
pub struct NotAuthenticated(pub ErrorResponse);
