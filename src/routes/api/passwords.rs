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

use super::{
    dto::{ChangePasswordRequest, ErrorResponse, ForgotPasswordRequest, MessageResponse},
    responses::{NotAuthenticated, PayloadTooLarge, Unavailable, UnsupportedMediaType},
};

/// Ask for a password-reset link by email.
///
/// The answer is the same, in status, body and timing, whether or not the account exists. A link
/// to `{PUBLIC_URL}/reset-password?token=...` is mailed to existing accounts; it works once,
/// for RESET_TOKEN_EXPIRE_MINUTES.
#[utoipa::path(
    post, path = "/auth/forgot-password", tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "Accepted; the same answer whether or not the account exists",
         body = MessageResponse),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "Not an email address, or a malformed body", body = ErrorResponse),
        (status = 429, description = "Too many requests for this address \
         (FORGOT_PASSWORD_LIMIT_PER_EMAIL an hour) or this client (FORGOT_PASSWORD_LIMIT_PER_IP)",
         body = ErrorResponse, headers(("Retry-After" = u32, description = "Seconds to wait"))),
        (status = 503, response = Unavailable),
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

/// Change the password, logged in or with a reset token.
///
/// Logged in: a bearer token and `current_password`; the current session is kept and every other
/// one ends. With the `token` of a reset mail (no bearer token needed): every session ends. The
/// current password is checked like a log-in, and slowed down like one (429).
#[utoipa::path(
    post, path = "/auth/change-password", tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Password changed; other sessions (or, for a reset, all sessions) revoked",
         body = MessageResponse, example = json!({"msg": "Password changed successfully"})),
        (status = 400, description = "Wrong current password, or an invalid, used or expired reset token",
         body = ErrorResponse),
        (status = 401, response = NotAuthenticated),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "The new password does not meet the rules (or equals the current \
         one), current_password is missing, or a malformed body", body = ErrorResponse),
        (status = 429, description = "Too many wrong current passwords; each further attempt waits",
         body = ErrorResponse, headers(("Retry-After" = u32, description = "Seconds to wait"))),
        (status = 503, response = Unavailable),
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
        let reset = password_reset::reset(app, &token, body.new_password, None, &client);
        if let password_reset::Outcome::LinkInvalid = reset.await? {
            return Err(Error::BadRequest(password_reset::INVALID_TOKEN));
        }
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
