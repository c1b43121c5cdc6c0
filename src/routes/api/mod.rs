//! The JSON API: `/auth/*`, `/users/me`, `/health`, and its OpenAPI document.

pub mod auth;
pub mod passwords;
pub mod docs;
pub mod dto;
pub mod health;
pub mod users;

use rocket::Route;

pub fn auth_routes() -> Vec<Route> {
    rocket::routes![
        auth::register,
        auth::login_form,
        auth::login,
        auth::refresh,
        auth::logout,
        passwords::forgot_password,
        passwords::change_password,
    ]
}

pub fn root_routes() -> Vec<Route> {
    rocket::routes![users::me, health::health, docs::redoc]
}
