//! The account's address and existence: verifying the email, changing it, deleting the account.

use rocket::{delete, http::Status, post, serde::json::Json, State};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    error::Result,
    http::{CurrentUser, JsonBody},
    services::{deletion, email, email_change, ClientInfo},
    state::AppState,
};

use super::dto::{ErrorResponse, MessageResponse};

#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyEmailRequest {
    /// The `token` of the link in the verification (or email-change) mail.
    #[schema(min_length = 1, max_length = 64)]
    pub token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeEmailRequest {
    /// The account's current password.
    pub password: String,
    #[schema(example = "new.address@example.com")]
    pub new_email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DeleteAccountRequest {
    /// The account's current password.
    pub password: String,
}

/// Confirm an email address with the token from a mailed link.
///
/// Verifies the account's address, or completes an email change. Single use.
#[utoipa::path(
    post, path = "/auth/verify-email", tag = "account",
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "Email verified", body = MessageResponse),
        (status = 400, description = "Invalid or expired verification token", body = ErrorResponse),
        (status = 409, description = "The new address was taken meanwhile", body = ErrorResponse),
        (status = 422, description = "Malformed body", body = ErrorResponse),
    )
)]
#[post("/verify-email", data = "<body>")]
pub async fn verify_email(
    app: &State<AppState>,
    client: ClientInfo,
    body: JsonBody<VerifyEmailRequest>,
) -> Result<Json<MessageResponse>> {
    email::confirm(app, &body.0.token, &client).await?;
    Ok(Json(MessageResponse {
        msg: "Email verified",
    }))
}

/// Send the verification mail again.
#[utoipa::path(
    post, path = "/auth/resend-verification", tag = "account",
    responses(
        (status = 202, description = "Sent, unless the address is already verified", body = MessageResponse),
        (status = 401, description = "No valid bearer token", body = ErrorResponse),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorResponse),
    ),
    security(("bearerAuth" = []), ("oauth2" = []))
)]
#[post("/resend-verification")]
pub async fn resend_verification(
    app: &State<AppState>,
    user: CurrentUser,
    client: ClientInfo,
) -> Result<(Status, Json<MessageResponse>)> {
    email::resend(app, &user.0.user, &client).await?;
    Ok((
        Status::Accepted,
        Json(MessageResponse {
            msg: "Verification email sent",
        }),
    ))
}

/// Ask to change the account's email address.
///
/// A confirmation link goes to the new address; the address changes only when it is confirmed.
/// The answer is the same when the address belongs to another account.
#[utoipa::path(
    post, path = "/auth/change-email", tag = "account",
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "Confirmation link sent to the new address", body = MessageResponse),
        (status = 400, description = "Wrong password", body = ErrorResponse),
        (status = 401, description = "No valid bearer token", body = ErrorResponse),
        (status = 422, description = "Not an email address, or the current one", body = ErrorResponse),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorResponse),
    ),
    security(("bearerAuth" = []), ("oauth2" = []))
)]
#[post("/change-email", data = "<body>")]
pub async fn change_email(
    app: &State<AppState>,
    user: CurrentUser,
    client: ClientInfo,
    body: JsonBody<ChangeEmailRequest>,
) -> Result<(Status, Json<MessageResponse>)> {
    let body = body.0;
    email_change::request(app, &user.0.user, &body.password, &body.new_email, &client).await?;
    Ok((
        Status::Accepted,
        Json(MessageResponse {
            msg: "Check the new address for a confirmation link",
        }),
    ))
}

/// Delete the account.
///
/// Its sessions, tokens and pending mails are removed and a goodbye mail is sent; every token of
/// the account is refused at once, and the address can register again.
#[utoipa::path(
    delete, path = "/users/me", tag = "users",
    request_body = DeleteAccountRequest,
    responses(
        (status = 200, description = "Account deleted", body = MessageResponse),
        (status = 400, description = "Wrong password", body = ErrorResponse),
        (status = 401, description = "No valid bearer token", body = ErrorResponse),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorResponse),
    ),
    security(("bearerAuth" = []), ("oauth2" = []))
)]
#[delete("/users/me", data = "<body>")]
pub async fn delete_me(
    app: &State<AppState>,
    user: CurrentUser,
    client: ClientInfo,
    body: JsonBody<DeleteAccountRequest>,
) -> Result<Json<MessageResponse>> {
    deletion::delete_account(app, &user.0.user, &body.0.password, &client).await?;
    Ok(Json(MessageResponse {
        msg: "Account deleted",
    }))
}
