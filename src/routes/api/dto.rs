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
}

impl From<user::Model> for UserResponse {
    fn from(user: user::Model) -> Self {
        Self {
            id: user.id,
            email: user.email,
            username: user.username,
            created_at: user.created_at,
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
