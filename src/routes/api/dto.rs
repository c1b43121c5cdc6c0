//! The JSON shapes of the API, compatible with the origin design.

use rocket::FromForm;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{entities::user, services::sessions::IssuedTokens};

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    #[schema(example = "john@example.com")]
    pub email: String,
    /// 8 to 256 characters (any script), not a common password, not the email.
    #[schema(example = "correct horse battery staple")]
    pub password: String,
    /// Optional: 3–32 characters from `[a-zA-Z0-9_.-]`.
    #[schema(example = "john")]
    pub username: Option<String>,
}

/// Either field may hold the email or the username.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(example = "john@example.com")]
    pub email: Option<String>,
    pub username: Option<String>,
    #[schema(example = "correct horse battery staple")]
    pub password: String,
}

/// OAuth2 password flow (what Swagger UI's Authorize button sends). `username` may hold the
/// email or the username; other OAuth2 fields are ignored.
#[derive(Debug, FromForm, ToSchema)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    /// Optional when the `refresh_token` cookie is sent.
    pub refresh_token: Option<String>,
}

/// Logged in: `current_password` with a bearer token. Reset: `token` from the reset mail.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: Option<String>,
    pub token: Option<String>,
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ForgotPasswordRequest {
    #[schema(example = "john@example.com")]
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
