//! The account's address and existence: verifying the email, changing it, deleting the account.

use rocket::{delete, http::Status, post, serde::json::Json, State};
use serde::Deserialize;
use serde_json::json;
use utoipa::{openapi::ObjectBuilder, ToSchema};

use crate::{
    error::Result,
    http::{CurrentUser, JsonBody},
    services::{deletion, email, email_change, ClientInfo},
    state::AppState,
};

use super::{
    dto::{ErrorResponse, MessageResponse},
    responses::{NotAuthenticated, PayloadTooLarge, Unavailable, UnsupportedMediaType},
    schemas::{current_password_schema, email_schema, mail_token_schema},
};

#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyEmailRequest {
    #[schema(schema_with = verification_token_schema)]
    pub token: String,
}

fn verification_token_schema() -> ObjectBuilder {
    mail_token_schema("The `token` of the link in the verification (or email-change) mail")
}

fn password_schema() -> ObjectBuilder {
    current_password_schema("The account's current password")
}

fn new_email_schema() -> ObjectBuilder {
    email_schema().examples([json!("new.address@example.com")])
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeEmailRequest {
    #[schema(schema_with = password_schema)]
    pub password: String,
    #[schema(schema_with = new_email_schema)]
    pub new_email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DeleteAccountRequest {
    #[schema(schema_with = password_schema)]
    pub password: String,
}

/// Confirm an email address with the token from a mailed link.
///
/// Verifies the account's address, or completes an email change. Single use.
#[utoipa::path(
    post, path = "/auth/verify-email", tag = "account",
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "Email verified", body = MessageResponse,
         example = json!({"msg": "Email verified"})),
        (status = 400, description = "Invalid, used or expired verification token", body = ErrorResponse),
        (status = 409, description = "The new address was taken meanwhile", body = ErrorResponse),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "A body that is not JSON or not of this shape", body = ErrorResponse),
        (status = 503, response = Unavailable),
    )
)]
#[post("/verify-email", data = "<body>")]
pub async fn verify_email(
    app: &State<AppState>,
    client: ClientInfo,
    body: JsonBody<VerifyEmailRequest>,
) -> Result<Json<MessageResponse>> {
    email::confirm(app, &body.0.token, &client)
        .await?
        .or_invalid()?;
    Ok(Json(MessageResponse {
        msg: "Email verified",
    }))
}

/// Send the verification mail again.
#[utoipa::path(
    post, path = "/auth/resend-verification", tag = "account",
    responses(
        (status = 202, description = "Sent, unless the address is already verified", body = MessageResponse),
        (status = 401, response = NotAuthenticated),
        (status = 429, description = "Too many requests for this account or client", body = ErrorResponse,
         headers(("Retry-After" = u32, description = "Seconds to wait"))),
        (status = 503, response = Unavailable),
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
        (status = 401, response = NotAuthenticated),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "An empty password, not an email address or the current one, \
         or a malformed body", body = ErrorResponse),
        (status = 429, description = "Too many wrong passwords, or too many requests for this \
         account or client", body = ErrorResponse,
         headers(("Retry-After" = u32, description = "Seconds to wait"))),
        (status = 503, response = Unavailable),
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
    email_change::request(
        app,
        &user.0.user,
        &user.0.session_id,
        &body.password,
        &body.new_email,
        &client,
    )
    .await?;
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
        (status = 200, description = "Account deleted", body = MessageResponse,
         example = json!({"msg": "Account deleted"})),
        (status = 400, description = "Wrong password", body = ErrorResponse),
        (status = 401, response = NotAuthenticated),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "An empty password, or a malformed body", body = ErrorResponse),
        (status = 429, description = "Too many wrong passwords; each further attempt waits", body = ErrorResponse,
         headers(("Retry-After" = u32, description = "Seconds to wait"))),
        (status = 503, response = Unavailable),
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
    deletion::delete_account(
        app,
        &user.0.user,
        &user.0.session_id,
        deletion::Confirm {
            password: &body.0.password,
            typed_email: None,
        },
        &client,
    )
    .await?;
    Ok(Json(MessageResponse {
        msg: "Account deleted",
    }))
}
