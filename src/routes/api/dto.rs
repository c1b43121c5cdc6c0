//! The JSON shapes of the API, compatible with the origin design.
//!
//! The request schemas state what the server enforces (lengths, character sets, which fields
//! must be present together), so that a body valid under the OpenAPI document is one the server
//! accepts as well-formed, and a body it refuses as malformed (422) is invalid there too.

use rocket::FromForm;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{
    openapi::{
        schema::{AnyOfBuilder, ObjectBuilder},
        RefOr, Schema,
    },
    PartialSchema, ToSchema,
};

use super::schemas::{
    current_password_schema, email_schema, identifier_schema, login_variant, mail_token_schema,
    new_password_schema, username_schema, NOT_BLANK,
};
use crate::{entities::user, services::sessions::IssuedTokens};

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    #[schema(schema_with = email_schema)]
    pub email: String,
    #[schema(schema_with = new_password_schema)]
    pub password: String,
    #[schema(schema_with = username_schema)]
    pub username: Option<String>,
}

/// `email` or `username` (either may hold the email or the username) and the password.
#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    pub email: Option<String>,
    pub username: Option<String>,
    pub password: String,
}

impl PartialSchema for LoginRequest {
    fn schema() -> RefOr<Schema> {
        AnyOfBuilder::new()
            .description(Some(
                "`email` or `username` (either may hold the email or the username) and the \
                 password. A blank identifier counts as missing.",
            ))
            .item(login_variant("With email", "email"))
            .item(login_variant("With username", "username"))
            .into()
    }
}

impl ToSchema for LoginRequest {}

/// OAuth2 password flow (what Swagger UI's Authorize button sends). `username` may hold the
/// email or the username; other OAuth2 fields (`grant_type`, `scope`, `client_id`,
/// `client_secret`) are ignored.
#[derive(Debug, FromForm, ToSchema)]
pub struct LoginForm {
    #[schema(schema_with = form_username_schema)]
    pub username: String,
    pub password: String,
}

fn form_username_schema() -> ObjectBuilder {
    identifier_schema(false)
        .pattern(Some(NOT_BLANK))
        .examples([json!("john@example.com")])
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    /// The refresh token; omit it (or send no body at all) to use the `refresh_token` cookie.
    pub refresh_token: Option<String>,
}

/// Logged in: `current_password` with a bearer token. Reset: `token` from the reset mail.
#[derive(Debug, Deserialize)]
pub struct ChangePasswordRequest {
    pub current_password: Option<String>,
    pub token: Option<String>,
    pub new_password: String,
}

impl PartialSchema for ChangePasswordRequest {
    fn schema() -> RefOr<Schema> {
        let reset = ObjectBuilder::new()
            .title(Some("With a reset token"))
            .property(
                "token",
                mail_token_schema("The `token` of the link in the password-reset mail"),
            )
            .required("token")
            .property("new_password", new_password_schema())
            .required("new_password");
        let logged_in = ObjectBuilder::new()
            .title(Some("Logged in (bearer token)"))
            .property(
                "current_password",
                current_password_schema("The account's current password"),
            )
            .required("current_password")
            .property("new_password", new_password_schema())
            .required("new_password");
        AnyOfBuilder::new()
            .description(Some(
                "With a non-empty `token` the reset mail's token is used and no bearer token is \
                 needed; otherwise a bearer token and `current_password` are.",
            ))
            .item(reset)
            .item(logged_in)
            .into()
    }
}

impl ToSchema for ChangePasswordRequest {}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ForgotPasswordRequest {
    #[schema(schema_with = email_schema)]
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    #[schema(example = "bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
}

impl From<IssuedTokens> for TokenResponse {
    fn from(issued: IssuedTokens) -> Self {
        Self {
            access_token: issued.access_token,
            refresh_token: issued.refresh_token,
            token_type: "bearer",
            expires_in: issued.expires_in,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    pub msg: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: i32,
    pub email: String,
    pub username: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Whether the address was confirmed through the mailed link.
    pub email_verified: bool,
}

impl From<user::Model> for UserResponse {
    fn from(user: user::Model) -> Self {
        Self {
            id: user.id,
            email: user.email,
            username: user.username,
            created_at: user.created_at,
            email_verified: user.email_verified_at.is_some(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Every error: `{"detail": "..."}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorResponse {
    #[schema(example = "Invalid credentials")]
    pub detail: String,
}

/// A Unix time as a UTC date-time (RFC 3339 in JSON).
fn utc(secs: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// One live session of the signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// The session's id, for `DELETE /auth/sessions/{id}`.
    pub id: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The last log-in or token refresh.
    #[schema(value_type = String, format = DateTime)]
    pub last_used_at: chrono::DateTime<chrono::Utc>,
    /// A short label, never the raw User-Agent.
    #[schema(example = "Firefox on Linux")]
    pub device: Option<String>,
    pub ip: Option<String>,
    /// Whether this is the session of the access token that asked.
    pub current: bool,
}

impl From<crate::services::session_list::SessionInfo> for SessionResponse {
    fn from(info: crate::services::session_list::SessionInfo) -> Self {
        Self {
            created_at: utc(info.created_at),
            last_used_at: utc(info.last_used_at),
            id: info.id,
            device: info.device,
            ip: info.ip,
            current: info.current,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsEndedResponse {
    #[schema(example = "Other sessions ended")]
    pub msg: &'static str,
    /// How many sessions were ended.
    #[schema(example = 2)]
    pub count: u64,
}

/// One security event of the signed-in user's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityEvent {
    #[schema(value_type = String, format = DateTime)]
    pub at: chrono::DateTime<chrono::Utc>,
    /// A stable snake_case name such as `login_succeeded` or `password_changed`.
    #[schema(example = "login_succeeded")]
    pub kind: String,
    pub ip: Option<String>,
    #[schema(example = "Firefox on Linux")]
    pub device: Option<String>,
    /// A small JSON object, e.g. `{"by": "user", "count": 2}` for ended sessions.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<crate::entities::audit_event::Model> for ActivityEvent {
    fn from(event: crate::entities::audit_event::Model) -> Self {
        Self {
            at: utc(event.at),
            detail: serde_json::from_str(&event.detail)
                .unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::new())),
            kind: event.kind,
            ip: event.ip,
            device: event.device,
        }
    }
}

/// A page of activity, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityResponse {
    pub events: Vec<ActivityEvent>,
    /// Pass as `before` for the next (older) page; `null` on the last page. Opaque.
    pub next_cursor: Option<String>,
}
