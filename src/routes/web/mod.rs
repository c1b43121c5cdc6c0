//! The browser face: server-rendered pages over the same services as the API. Handlers here only
//! read forms, call `services`, and choose a page, a status and a redirect.

mod page;
mod refusal;
mod reset;
mod retry;
mod session;
mod settings;
mod verify;

use rocket::{get, Route};

use crate::http::{CsrfToken, FlashMessage, PageUser};

pub use page::{Page, WebError};
pub use retry::refused_form;

pub fn routes() -> Vec<Route> {
    let mut routes = rocket::routes![
        index,
        session::register_form,
        session::register,
        session::login_form,
        session::login,
        session::logout,
        session::logout_page,
        reset::forgot_form,
        reset::forgot,
        reset::forgot_sent,
        reset::reset_form,
        reset::reset,
        verify::verify_form,
        session::resend_verification,
        verify::verify,
    ];
    routes.extend(settings::routes());
    routes
}

#[get("/")]
pub fn index(user: Option<PageUser>, csrf: CsrfToken, flash: Option<FlashMessage>) -> Page {
    Page::new("index", "Welcome")
        .user(user.as_ref())
        .csrf(&csrf)
        .flash(flash)
}
