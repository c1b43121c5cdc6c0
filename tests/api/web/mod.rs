//! The HTML pages, through Rocket's client with cookie tracking (a browser without JavaScript).
//!
//! - `pages`: every page's labels, headings and headers; error pages versus JSON errors.
//! - `register`: the registration form, its cookies and its errors.
//! - `login`: the login form, `next`, logging out, renewing an expired access cookie.
//! - `account`: changing the password on the account page.
//! - `reset`: forgot password and the reset page.
//! - `csrf`: forms refuse missing, forged and foreign CSRF tokens; cross-site API requests.
//! - `brand`: BRAND_NAME, BRAND_LOGO and BRAND_ACCENT in pages, titles and mails.
//! - `refusals`: a limit's page names who is limited and the wait `Retry-After` gives.
//! - `guidance`: truthful headers, passphrases, focus and titles after errors, password
//!   managers, no silent moments, contrast of focus rings and borders.

mod account;
mod brand;
mod csrf;
mod guidance;
mod login;
mod pages;
mod refusals;
mod register;
mod reset;

use crate::helpers::{spawn_with, Options, PageReply, TestApp, PASSWORD};

/// An app with cookie tracking, like one browser; with `mail`, its mail is captured.
async fn web_app(mail: bool) -> TestApp {
    spawn_with(Options {
        tracked: true,
        mail,
        ..Options::default()
    })
    .await
}

/// Fills in and sends the registration form, with [`PASSWORD`] twice.
async fn register(app: &TestApp, email: &str, username: &str) -> PageReply {
    app.submit_with_csrf(
        "/register",
        "/register",
        &[
            ("email", email),
            ("username", username),
            ("password", PASSWORD),
            ("confirm_password", PASSWORD),
        ],
    )
    .await
}

/// Fills in and sends the login form.
async fn login(app: &TestApp, identifier: &str, password: &str, next: &str) -> PageReply {
    app.submit_with_csrf(
        "/login",
        "/login",
        &[
            ("identifier", identifier),
            ("password", password),
            ("next", next),
        ],
    )
    .await
}

/// Presses "Log out" on the account page.
async fn logout(app: &TestApp) -> PageReply {
    app.submit_with_csrf("/account", "/logout", &[]).await
}

fn has_label(html: &str, id: &str, text: &str) -> bool {
    html.contains(&format!("<label for=\"{id}\">{text}</label>"))
        && html.contains(&format!("id=\"{id}\""))
}
