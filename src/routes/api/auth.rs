//! `/auth/*`: registration, log-in, token rotation and log-out.

use rocket::{
    form::{Errors, Form},
    http::{CookieJar, Status},
    post,
    serde::json::Json,
    State,
};

use crate::{
    domain::Username,
    error::{Error, Field, Result},
    http::{cookies, BearerToken, CrossSite, JsonBody},
    services::{
        accounts::{self, Registration},
        login::{self as logins, Credentials},
        sessions::{self, IssuedTokens},
        ClientInfo,
    },
    state::AppState,
};

use super::{
    dto::{
        ErrorResponse, LoginForm, LoginRequest, MessageResponse, RefreshRequest, RegisterRequest,
        TokenResponse,
    },
    responses::{PayloadTooLarge, Unavailable, UnsupportedMediaType},
};

/// Create an account.
///
/// The email is trimmed and its domain lower-cased; email and username are unique regardless of
/// case. A verification link is mailed to the address.
#[utoipa::path(
    post, path = "/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = MessageResponse,
         example = json!({"msg": "user created"})),
        (status = 409, description = "Email or username already registered", body = ErrorResponse),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "Invalid email, username or password (a common one, or the \
         email), or a body that is not JSON or not of this shape", body = ErrorResponse),
        (status = 429, description = "Too many registrations from this client \
         (REGISTER_LIMIT_PER_IP an hour)", body = ErrorResponse,
         headers(("Retry-After" = u32, description = "Seconds to wait"))),
        (status = 503, response = Unavailable),
    )
)]
#[post("/register", data = "<body>")]
pub async fn register(
    app: &State<AppState>,
    client: ClientInfo,
    body: JsonBody<RegisterRequest>,
) -> Result<(Status, Json<MessageResponse>)> {
    let body = body.0;
    // Pages send an empty field for "no username"; in JSON that is `null` or no field, so a
    // blank string is refused like any other username that is too short.
    if let Some(blank) = body.username.as_deref().filter(|u| u.trim().is_empty()) {
        Username::parse(blank).map_err(|message| Error::invalid(Field::Username, message))?;
    }
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
/// JSON (`email` or `username`) or the OAuth2 password form (what Swagger UI's Authorize button
/// sends; `client_id` and `client_secret` are not used). The refresh token is also set as an
/// `HttpOnly; SameSite=Strict; Path=/auth` cookie. Repeated failures for an account or a client
/// are slowed down (429).
#[utoipa::path(
    post, path = "/auth/login", tag = "auth",
    request_body(content(
        (LoginRequest = "application/json"),
        (LoginForm = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Logged in; the refresh token is also set as an HttpOnly cookie",
         body = TokenResponse, headers(("Set-Cookie" = String, description = "The refresh_token cookie"))),
        (status = 401, description = "Unknown user or wrong password (indistinguishable)", body = ErrorResponse,
         headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 403, description = "A form post from another site (login CSRF), or, when \
         REQUIRE_EMAIL_VERIFICATION is on, a correct password for an unverified address", body = ErrorResponse),
        (status = 413, response = PayloadTooLarge),
        (status = 415, description = "A body that is neither JSON nor a URL-encoded form", body = ErrorResponse),
        (status = 422, description = "No email or username, no password, or a malformed body", body = ErrorResponse),
        (status = 429, description = "Too many failed attempts for this account or client; \
         each further attempt waits", body = ErrorResponse,
         headers(("Retry-After" = u32, description = "Seconds to wait"))),
        (status = 503, response = Unavailable),
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
    let issued = logins::login(app, credentials, &client)
        .await?
        .into_tokens()?;
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
    let issued = logins::login(app, credentials, &client)
        .await?
        .into_tokens()?;
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
/// The token comes from the body's `refresh_token` or, when the body or the field is absent (an
/// empty body is fine), from the `refresh_token` cookie. Every refresh rotates. Presenting an
/// already-rotated token revokes the session, except the immediate parent within a few seconds
/// (a client racing itself), which gets the same answer.
#[utoipa::path(
    post, path = "/auth/refresh", tag = "auth",
    request_body(content = Option<RefreshRequest>,
                 description = "Optional: without it (or without refresh_token) the refresh_token cookie is used"),
    responses(
        (status = 200, description = "Rotated: a new access and refresh token; the cookie is replaced",
         body = TokenResponse, headers(("Set-Cookie" = String, description = "The new refresh_token cookie"))),
        (status = 401, description = "Missing, invalid, expired or reused refresh token (reuse revokes the session)",
         body = ErrorResponse, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 403, description = "The cookie was sent by a cross-site request", body = ErrorResponse),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "A body that is not JSON, or not an object with an optional \
         string refresh_token", body = ErrorResponse),
        (status = 503, response = Unavailable),
    )
)]
#[post("/refresh", data = "<body>")]
pub async fn refresh(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    cross_site: CrossSite,
    client: ClientInfo,
    body: JsonBody<Option<RefreshRequest>>,
) -> Result<Json<TokenResponse>> {
    let from_body = body
        .0
        .and_then(|b| b.refresh_token)
        .filter(|t| !t.is_empty());
    let from_cookie = from_body.is_none();
    let token = if let Some(token) = from_body {
        token
    } else {
        let token =
            cookies::refresh_token(jar).ok_or(Error::Unauthorized("Refresh token missing"))?;
        cross_site.refuse()?;
        token
    };
    match sessions::refresh(app, &token, &client).await {
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
/// The body is optional (an empty body is fine). Ends the session of the refresh token (the
/// body's, else the cookie's) and that of the bearer token, when one is sent. Idempotent:
/// unknown, expired or forged tokens are ignored. Always clears the cookie.
#[utoipa::path(
    post, path = "/auth/logout", tag = "auth",
    request_body(content = Option<RefreshRequest>,
                 description = "Optional: the refresh token, else the cookie or the bearer token"),
    responses(
        (status = 200, description = "Session revoked (idempotent); the cookie is cleared",
         body = MessageResponse, headers(("Set-Cookie" = String, description = "Clears the refresh_token cookie")),
         example = json!({"msg": "logged out"})),
        (status = 403, description = "The cookie was sent by a cross-site request", body = ErrorResponse),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "A body that is not JSON, or not an object with an optional \
         string refresh_token", body = ErrorResponse),
        (status = 503, response = Unavailable),
    ),
    security((), ("bearerAuth" = []), ("oauth2" = []))
)]
#[post("/logout", data = "<body>")]
pub async fn logout(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    cross_site: CrossSite,
    client: ClientInfo,
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
    sessions::logout(app, refresh.as_deref(), bearer.0.as_deref(), &client).await?;
    cookies::clear_refresh(jar, &app.settings);
    Ok(Json(MessageResponse { msg: "logged out" }))
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
