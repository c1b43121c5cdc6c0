use rocket::{get, serde::json::Json};

use crate::http::CurrentUser;

use super::{
    dto::UserResponse,
    responses::{NotAuthenticated, Unavailable},
};

/// The signed-in user.
#[utoipa::path(
    get, path = "/users/me", tag = "users",
    responses(
        (status = 200, description = "The signed-in user", body = UserResponse),
        (status = 401, response = NotAuthenticated),
        (status = 503, response = Unavailable),
    ),
    security(("bearerAuth" = []), ("oauth2" = []))
)]
#[get("/users/me")]
pub fn me(user: CurrentUser) -> Json<UserResponse> {
    Json(user.0.user.into())
}
