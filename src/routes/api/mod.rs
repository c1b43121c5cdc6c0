//! The JSON API: `/auth/*`, `/users/me`, `/health`, and its OpenAPI document.

pub mod account;
pub mod activity;
pub mod auth;
pub mod docs;
pub mod dto;
pub mod health;
pub mod passwords;
pub mod responses;
mod schemas;
pub mod sessions;
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
        account::verify_email,
        account::resend_verification,
        account::change_email,
        sessions::list,
        sessions::end,
        sessions::end_others,
    ]
}

pub fn root_routes() -> Vec<Route> {
    rocket::routes![users::me, users::update_me, health::health, docs::redoc]
        .into_iter()
        .chain(rocket::routes![activity::activity, account::delete_me])
        .collect()
}
