use rocket::{get, serde::json::Json};

use crate::http::CurrentUser;

use super::dto::{ErrorResponse, UserResponse};

/// The signed-in user.
#[utoipa::path(
    get, path = "/users/me", tag = "users",
    responses(
        (status = 200, description = "The signed-in user", body = UserResponse),
        (status = 401, description = "Missing, invalid or expired access token, or a revoked session",
         body = ErrorResponse, headers(("WWW-Authenticate" = String))),
    ),
    security(("bearerAuth" = []), ("oauth2" = []))
)]
#[get("/users/me")]
pub fn me(user: CurrentUser) -> Json<UserResponse> {
    Json(user.0.user.into())
}
