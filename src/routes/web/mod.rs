//! The browser face: server-rendered pages over the same services as the API. Handlers here only
//! read forms, call `services`, and choose a page, a status and a redirect.

mod account;
mod account_view;
mod centre;
mod page;
mod refusal;
mod reset;
mod session;
mod verify;

use rocket::{get, Route};

use crate::http::{CsrfToken, FlashMessage, PageUser};

pub use page::{Page, WebError};

pub fn routes() -> Vec<Route> {
    rocket::routes![
        index,
        session::register_form,
        session::register,
        session::login_form,
        session::login,
        session::logout,
        session::logout_page,
        account::account,
        account::account_login,
        account::change_password,
        account::change_password_login,
        reset::forgot_form,
        reset::forgot,
        reset::forgot_sent,
        reset::reset_form,
        reset::reset,
        verify::verify_form,
        session::resend_verification,
        verify::verify,
        centre::resend_verification,
        centre::end_session,
        centre::end_other_sessions,
        centre::change_email,
        centre::delete_account,
        centre::change_username,
    ]
}

#[get("/")]
pub fn index(user: Option<PageUser>, csrf: CsrfToken, flash: Option<FlashMessage>) -> Page {
    Page::new("index", "Welcome")
        .user(user.as_ref())
        .csrf(&csrf)
        .flash(flash)
}
