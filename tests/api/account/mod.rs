//! The account's address and existence, over real SMTP: verifying the email, requiring it,
//! changing it, deleting the account, the account page's security section, the durable mail
//! outbox and the activity these leave behind.
//!
//! - `verify`: the verification mail and its link — hash-only storage, expiry, the page that
//!   does not consume the link on GET, the API, resending and its limit.
//! - `required`: `REQUIRE_EMAIL_VERIFICATION` — log-in refused after the right password only,
//!   the register page that does not sign in, the login page's resend form.
//! - `change`: changing the address through a link to the new one; taken addresses, errors.
//! - `deletion`: deleting the account (API and page) and what remains of it.
//! - `page`: the settings sections' contents — address state, sessions, activity, the email form.
//! - `sections`: the settings area — a page per section, its navigation, log-in and back, errors
//!   inside the section at its own URL, PRG.
//! - `pending`: the email section's pending change and its Cancel.
//! - `expiry`: UNVERIFIED_ACCOUNT_DAYS frees an address nobody confirmed.
//! - `outbox`: a queued mail outlives its instance; two instances deliver each mail once, even
//!   when a send outlasts the lease; a row deleted mid-send and permanent refusals do not stop
//!   the rest of a batch.
//! - `activity`: the event kinds these flows record.
//! - `username`: adding, changing and removing the username through `PATCH /users/me`.

mod activity;
mod change;
mod deletion;
mod expiry;
mod outbox;
mod page;
mod pending;
mod required;
mod sections;
mod username;
mod verify;

use rocket::http::{Header, Status};
use serde_json::{json, Value};

use crate::helpers::{spawn_with, Mail, Options, PageReply, Reply, TestApp, PASSWORD};

const VERIFY_SUBJECT: &str = "Confirm your email address for Gatehouse";
const CONFIRM_NEW_SUBJECT: &str = "Confirm your new email address for Gatehouse";
const CHANGE_NOTICE_SUBJECT: &str = "An email change was requested for your Gatehouse account";
const COMPLETED_SUBJECT: &str = "The email address of your Gatehouse account was changed";
const IN_USE_SUBJECT: &str = "Someone tried to use this address on Gatehouse";
const GOODBYE_SUBJECT: &str = "Your Gatehouse account was deleted";
const RESET_SUBJECT: &str = "Reset your Gatehouse password";
const INVALID_TOKEN: &str = "Invalid or expired verification token";
const INVALID_LINK_PAGE: &str = "This link is invalid or has expired";
const NEW_PASSWORD: &str = "copper-kettle-5150";

/// An app whose mail is captured; `tracked` keeps cookies like one browser.
async fn mail_app(tracked: bool, settings: &[(&'static str, &str)]) -> TestApp {
    spawn_with(Options {
        tracked,
        mail: true,
        settings: settings
            .iter()
            .map(|(key, value)| (*key, (*value).to_owned()))
            .collect(),
    })
    .await
}

/// The next mail with this subject to `address` (others are held for later).
async fn mail_to(app: &mut TestApp, subject: &str, address: &str) -> Mail {
    app.next_mail_where(|m| m.subject == subject && m.is_to(address))
        .await
}

/// The token of a mail's `/verify-email` link, checked: `{PUBLIC_URL}/verify-email?token=` and
/// 43 base64url characters (256 bits), the same link in the text and the HTML part.
fn verify_token(app: &TestApp, mail: &Mail) -> String {
    let link = mail.link();
    let prefix = format!("{}/verify-email?token=", app.state().settings.public_url);
    assert!(link.starts_with(&prefix), "{link} starts with {prefix}");
    assert!(mail.text.contains(&link) && mail.html.contains(&link));
    assert!(
        mail.html.contains(&format!(">{link}</a>")),
        "the plain link as text too, for clients that hide buttons: {}",
        mail.html
    );
    let token = mail.token();
    assert_eq!(token.len(), 43, "{token}");
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "base64url: {token}"
    );
    token
}

/// The token of the next verification mail to `address`.
async fn verification_token(app: &mut TestApp, address: &str) -> String {
    let mail = mail_to(app, VERIFY_SUBJECT, address).await;
    verify_token(app, &mail)
}

/// `POST /auth/verify-email`; not asserted.
async fn verify(app: &TestApp, token: &str) -> Reply {
    app.post_json("/auth/verify-email", json!({ "token": token }))
        .await
}

/// Asserts the 400 every unusable token gets from the API.
fn assert_invalid_token(reply: &Reply, what: &str) {
    assert_eq!(reply.status, Status::BadRequest, "{what}: {}", reply.body);
    assert_eq!(reply.body, json!({ "detail": INVALID_TOKEN }), "{what}");
}

/// `GET /users/me`, asserted to be 200.
async fn me(app: &TestApp, access: &str) -> Value {
    let reply = app.me(access).await;
    assert_eq!(reply.status, Status::Ok, "me: {}", reply.body);
    reply.body
}

/// Logs in through the API, asserted; returns the access token.
async fn access_token(app: &TestApp, email: &str, password: &str) -> String {
    let reply = app.login(email, password).await;
    assert_eq!(reply.status, Status::Ok, "login {email}: {}", reply.body);
    reply.str("access_token")
}

/// A request with a bearer token and a JSON body, for methods the helpers lack (DELETE).
async fn delete_json(app: &TestApp, path: &str, access: &str, body: Value) -> Reply {
    let request = app
        .client
        .delete(path.to_owned())
        .header(Header::new("Authorization", format!("Bearer {access}")))
        .json(&body);
    Reply::from(request.dispatch().await).await
}

/// Fills in and sends the registration form, with [`PASSWORD`] twice.
async fn register_page(app: &TestApp, email: &str) -> PageReply {
    let fields = [
        ("email", email),
        ("username", ""),
        ("password", PASSWORD),
        ("confirm_password", PASSWORD),
    ];
    app.submit_with_csrf("/register", "/register", &fields)
        .await
}

/// Fills in and sends the login form.
async fn login_page(app: &TestApp, identifier: &str, password: &str) -> PageReply {
    let fields = [("identifier", identifier), ("password", password)];
    app.submit_with_csrf("/login", "/login", &fields).await
}

/// Opens a mailed link's page (asserted to offer the button) and presses "Confirm my email".
async fn confirm_page(app: &TestApp, token: &str) -> PageReply {
    let page = app.page(&format!("/verify-email?token={token}")).await;
    assert_eq!(page.status, Status::Ok, "the link's page: {}", page.html);
    assert!(page.html.contains("Confirm my email"), "{}", page.html);
    let csrf = page.csrf();
    app.submit("/verify-email", &[("token", token), ("csrf_token", &csrf)])
        .await
}

/// POSTs `/verify-email` with `token` and a valid CSRF token taken from whichever page has one
/// (a dead link's page has no form).
async fn post_token(app: &TestApp, token: &str) -> PageReply {
    for path in ["/login", "/account"] {
        let page = app.page(path).await;
        if page.html.contains("name=\"csrf_token\"") {
            let csrf = page.csrf();
            return app
                .submit("/verify-email", &[("token", token), ("csrf_token", &csrf)])
                .await;
        }
    }
    panic!("no page with a CSRF token");
}

/// Asserts the 400 page every unusable link gets.
fn assert_invalid_page(page: &PageReply, what: &str) {
    assert_eq!(page.status, Status::BadRequest, "{what}");
    assert!(
        page.html.contains(INVALID_LINK_PAGE),
        "{what}: {}",
        page.html
    );
    assert!(!page.html.contains("Confirm my email"), "{what}: no button");
}

/// Asserts a 303 to `to`.
fn assert_redirect(page: &PageReply, to: &str, what: &str) {
    assert_eq!(page.status, Status::SeeOther, "{what}: {}", page.html);
    assert_eq!(page.location.as_deref(), Some(to), "{what}");
}
