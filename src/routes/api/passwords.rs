//! `/auth/forgot-password` and `/auth/change-password`.

use rocket::{http::Status, post, serde::json::Json, State};

use crate::{
    error::{Error, Field, Result},
    http::{ClientIp, CurrentUser, JsonBody},
    services::{
        accounts::{self, PasswordChange},
        password_reset::{self, FORGOT_PASSWORD_MSG},
        ClientInfo,
    },
    state::AppState,
};

use super::dto::{ChangePasswordRequest, ErrorResponse, ForgotPasswordRequest, MessageResponse};

/// Ask for a password-reset link by email.
#[utoipa::path(
    post, path = "/auth/forgot-password", tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "Accepted; the same answer whether or not the account exists. \
         A link to {PUBLIC_URL}/reset-password?token=... is mailed to existing accounts.", body = MessageResponse),
        (status = 422, description = "Not an email address", body = ErrorResponse),
        (status = 429, description = "Too many requests for this address or client; see Retry-After",
         body = ErrorResponse, headers(("Retry-After" = String))),
    )
)]
#[post("/forgot-password", data = "<body>")]
pub async fn forgot_password(
    app: &State<AppState>,
    client_ip: ClientIp,
    body: JsonBody<ForgotPasswordRequest>,
) -> Result<(Status, Json<MessageResponse>)> {
    password_reset::request(app, &body.0.email, client_ip.0).await?;
    Ok((
        Status::Accepted,
        Json(MessageResponse {
            msg: FORGOT_PASSWORD_MSG,
        }),
    ))
}

/// Change the password: logged in (bearer + `current_password`) or with a reset `token`.
///
/// A logged-in change keeps the current session and ends the others; a reset ends them all.
#[utoipa::path(
    post, path = "/auth/change-password", tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Password changed; other sessions (or, for a reset, all sessions) revoked",
         body = MessageResponse),
        (status = 400, description = "Wrong current password, or an invalid or expired reset token", body = ErrorResponse),
        (status = 401, description = "No valid bearer token (when no reset token is given)", body = ErrorResponse),
        (status = 422, description = "New password does not meet the rules", body = ErrorResponse),
    ),
    security((), ("bearerAuth" = []), ("oauth2" = []))
)]
#[post("/change-password", data = "<body>")]
pub async fn change_password(
    app: &State<AppState>,
    user: std::result::Result<CurrentUser, Error>,
    client: ClientInfo,
    body: JsonBody<ChangePasswordRequest>,
) -> Result<Json<MessageResponse>> {
    let body = body.0;
    if let Some(token) = body.token.filter(|t| !t.is_empty()) {
        password_reset::reset(app, &token, body.new_password, None, &client).await?;
    } else {
        let CurrentUser(auth) = user?;
        let current = body.current_password.ok_or_else(|| {
            Error::invalid(
                Field::CurrentPassword,
                "current_password (or a reset token) is required",
            )
        })?;
        let change = PasswordChange {
            current,
            new: body.new_password,
            confirm: None,
        };
        accounts::change_password(app, &auth.user, &auth.session_id, change, &client).await?;
    }
    Ok(Json(MessageResponse {
        msg: "Password changed successfully",
    }))
}
