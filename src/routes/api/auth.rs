//! `/auth/*`: registration, log-in, token rotation, log-out and password changes.

use rocket::{
    form::{Errors, Form},
    http::{CookieJar, Status},
    post,
    serde::json::Json,
    State,
};

use crate::{
    error::{Error, Result},
    http::{cookies, BearerToken, ClientIp, CrossSite, CurrentUser, JsonBody},
    services::{
        accounts::{self, PasswordChange, Registration},
        login::{self as logins, Credentials},
        password_reset::{self, FORGOT_PASSWORD_MSG},
        sessions::{self, IssuedTokens},
        ClientInfo,
    },
    state::AppState,
};

use super::dto::{
    ChangePasswordRequest, ErrorResponse, ForgotPasswordRequest, LoginForm, LoginRequest,
    MessageResponse, RefreshRequest, RegisterRequest, TokenResponse,
};

/// Create an account.
///
/// The email is trimmed and its domain lower-cased; email and username are unique regardless of case.
#[utoipa::path(
    post, path = "/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = MessageResponse),
        (status = 409, description = "Email or username already registered", body = ErrorResponse),
        (status = 413, description = "Body larger than 16 KiB", body = ErrorResponse),
        (status = 422, description = "Invalid email, username or password", body = ErrorResponse),
    )
)]
#[post("/register", data = "<body>")]
pub async fn register(
    app: &State<AppState>,
    client: ClientInfo,
    body: JsonBody<RegisterRequest>,
) -> Result<(Status, Json<MessageResponse>)> {
    let body = body.0;
    let registration = Registration {
        email: body.email,
        password: body.password,
        username: body.username,
        confirm_password: None,
    };
    accounts::register(app, registration, &client).await?;
    Ok((
        Status::Created,
        Json(MessageResponse {
            msg: "user created",
        }),
    ))
}

/// Log in with an email or username and a password.
///
/// JSON (`email` or `username`) or the OAuth2 password form. The refresh token is also set as an
/// `HttpOnly; SameSite=Strict; Path=/auth` cookie.
#[utoipa::path(
    post, path = "/auth/login", tag = "auth",
    request_body(content(
        (LoginRequest = "application/json"),
        (LoginForm = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Logged in; the refresh token is also set as an HttpOnly cookie",
         body = TokenResponse, headers(("Set-Cookie" = String))),
        (status = 401, description = "Unknown user or wrong password (indistinguishable)", body = ErrorResponse),
        (status = 422, description = "Missing fields", body = ErrorResponse),
    )
)]
#[post("/login", data = "<body>", rank = 2)]
pub async fn login(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    client: ClientInfo,
    body: JsonBody<LoginRequest>,
) -> Result<Json<TokenResponse>> {
    let body = body.0;
    let present = |field: Option<String>| field.filter(|id| !id.trim().is_empty());
    let identifier = present(body.email)
        .or(present(body.username))
        .unwrap_or_default();
    let credentials = Credentials {
        identifier: &identifier,
        password: &body.password,
        persistent: true,
    };
    let issued = logins::login(app, credentials, &client).await?;
    Ok(tokens_response(app, jar, issued))
}

/// The OAuth2 password flow: same as [`login`], form-encoded. A form body is what a cross-site
/// HTML form can send, so such requests are refused (login CSRF).
#[post("/login", format = "form", data = "<form>", rank = 1)]
pub async fn login_form(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    cross_site: CrossSite,
    client: ClientInfo,
    form: std::result::Result<Form<LoginForm>, Errors<'_>>,
) -> Result<Json<TokenResponse>> {
    cross_site.refuse()?;
    let form = form.map_err(|errors| {
        if errors.status() == Status::PayloadTooLarge {
            Error::PayloadTooLarge
        } else {
            Error::Malformed(form_errors(&errors))
        }
    })?;
    if [&form.username, &form.password]
        .iter()
        .any(|v| v.contains('\0'))
    {
        return Err(Error::Malformed(
            "Text fields may not contain NUL characters".into(),
        ));
    }
    let credentials = Credentials {
        identifier: &form.username,
        password: &form.password,
        persistent: true,
    };
    let issued = logins::login(app, credentials, &client).await?;
    Ok(tokens_response(app, jar, issued))
}

fn form_errors(errors: &Errors<'_>) -> String {
    let fields: Vec<String> = errors
        .iter()
        .map(|e| match e.name.as_ref() {
            Some(name) => format!("{name}: {}", e.kind),
            None => e.kind.to_string(),
        })
        .collect();
    format!("Invalid form: {}", fields.join("; "))
}

/// Rotate the refresh token and get a new access token.
///
/// Every refresh rotates. Presenting an already-rotated token revokes the session, except the
/// immediate parent within a few seconds (a client racing itself), which gets the same answer.
#[utoipa::path(
    post, path = "/auth/refresh", tag = "auth",
    request_body(content = RefreshRequest, description = "Optional when the refresh_token cookie is sent"),
    responses(
        (status = 200, description = "Rotated: a new access and refresh token", body = TokenResponse),
        (status = 401, description = "Missing, invalid, expired or reused refresh token (reuse revokes the session)",
         body = ErrorResponse),
        (status = 403, description = "Cookie sent by a cross-site request", body = ErrorResponse),
    )
)]
#[post("/refresh", data = "<body>")]
pub async fn refresh(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    cross_site: CrossSite,
    body: JsonBody<Option<RefreshRequest>>,
) -> Result<Json<TokenResponse>> {
    let from_body = body
        .0
        .and_then(|b| b.refresh_token)
        .filter(|t| !t.is_empty());
    let from_cookie = from_body.is_none();
    let token = match from_body {
        Some(token) => token,
        None => {
            let token =
                cookies::refresh_token(jar).ok_or(Error::Unauthorized("Refresh token missing"))?;
            cross_site.refuse()?;
            token
        }
    };
    match sessions::refresh(app, &token).await {
        Ok(issued) => Ok(tokens_response(app, jar, issued)),
        Err(err) => {
            // Only the cookie's own failure clears it: a bad token in the body says nothing
            // about the cookie's.
            if from_cookie && matches!(err, Error::Unauthorized(_)) {
                cookies::clear_refresh(jar, &app.settings);
            }
            Err(err)
        }
    }
}

/// End the session of the refresh token (body or cookie) or of the bearer token.
///
/// Idempotent; always clears the cookie.
#[utoipa::path(
    post, path = "/auth/logout", tag = "auth",
    request_body(content = RefreshRequest, description = "Optional: the refresh token, else the cookie or the bearer token"),
    responses(
        (status = 200, description = "Session revoked (idempotent); the cookie is cleared", body = MessageResponse),
        (status = 403, description = "Cookie sent by a cross-site request", body = ErrorResponse),
    ),
    security((), ("bearerAuth" = []))
)]
#[post("/logout", data = "<body>")]
pub async fn logout(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    cross_site: CrossSite,
    bearer: BearerToken,
    body: JsonBody<Option<RefreshRequest>>,
) -> Result<Json<MessageResponse>> {
    let from_body = body
        .0
        .and_then(|b| b.refresh_token)
        .filter(|t| !t.is_empty());
    let from_cookie = cookies::refresh_token(jar);
    if from_body.is_none() && from_cookie.is_some() {
        cross_site.refuse()?;
    }
    let refresh = from_body.or(from_cookie);
    sessions::logout(app, refresh.as_deref(), bearer.0.as_deref()).await?;
    cookies::clear_refresh(jar, &app.settings);
    Ok(Json(MessageResponse { msg: "logged out" }))
}

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
        password_reset::reset(app, &token, body.new_password, None).await?;
    } else {
        let CurrentUser(auth) = user?;
        let current = body.current_password.ok_or_else(|| {
            Error::invalid(
                crate::error::Field::CurrentPassword,
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

fn tokens_response(
    app: &AppState,
    jar: &CookieJar<'_>,
    issued: IssuedTokens,
) -> Json<TokenResponse> {
    cookies::set_refresh(
        jar,
        &app.settings,
        issued.refresh_token.clone(),
        issued.refresh_expires_in,
    );
    Json(issued.into())
}
