//! `/users/me`: the signed-in user, and changing its profile.

use rocket::{get, patch, serde::json::Json, State};
use serde::{Deserialize, Deserializer};
use serde_json::json;
use utoipa::{
    openapi::{schema::SchemaType, ObjectBuilder, Type},
    ToSchema,
};

use crate::{
    error::Result,
    http::{CurrentUser, JsonBody},
    services::{profile, ClientInfo},
    state::AppState,
};

use super::{
    dto::{ErrorResponse, UserResponse},
    responses::{NotAuthenticated, PayloadTooLarge, Unavailable, UnsupportedMediaType},
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

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateMeRequest {
    /// Left out: unchanged. `null` or `""`: removed.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = new_username_schema)]
    pub username: Option<Present>,
}

/// A field that is there, its value `null` or a string (serde alone reads `null` as absent).
#[derive(Debug)]
pub struct Present(pub Option<String>);

fn present<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Present>, D::Error> {
    Option::<String>::deserialize(d).map(|value| Some(Present(value)))
}

fn new_username_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .pattern(Some("^[ \\t\\n\\r]*([A-Za-z0-9_.-]{3,32})?[ \\t\\n\\r]*$"))
        .description(Some(
            "The new username: 3 to 32 characters from `[A-Za-z0-9_.-]`, unique regardless of \
             case (the rules of registration); surrounding spaces are ignored. `null` or an \
             empty string removes it; leave the field out to keep it.",
        ))
        .examples([json!("john")])
}

/// Change the signed-in user's profile.
///
/// Sets, changes or removes the username, with the same rules and uniqueness as at registration.
/// Answers the user as `GET /users/me` does.
#[utoipa::path(
    patch, path = "/users/me", tag = "users",
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated user", body = UserResponse),
        (status = 401, response = NotAuthenticated),
        (status = 409, description = "Another account has this username", body = ErrorResponse,
         example = json!({"detail": "Username already taken"})),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "Not a valid username, or a malformed body", body = ErrorResponse),
        (status = 503, response = Unavailable),
    ),
    security(("bearerAuth" = []), ("oauth2" = []))
)]
#[patch("/users/me", data = "<body>")]
pub async fn update_me(
    app: &State<AppState>,
    user: CurrentUser,
    client: ClientInfo,
    body: JsonBody<UpdateMeRequest>,
) -> Result<Json<UserResponse>> {
    let account = user.0.user;
    let Some(username) = body.0.username else {
        return Ok(Json(account.into()));
    };
    let name = username.0.unwrap_or_default();
    let (_, updated) = profile::set_username(app, &account, &name, &client).await?;
    Ok(Json(updated.into()))
}
