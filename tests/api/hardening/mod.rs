//! The hardening contract, one topic per file. Concurrent tests send their requests truly at once
//! (`TestApp::post_json_at_once`); throttle delays are waited out by moving the server's clock.
//!
//! - `origins`: CORS only adds headers; JSON routes want `application/json`; the OAuth2 login
//!   form refuses cross-site senders.
//! - `text`: NUL and other unstorable text is a 422 (or an invalid link), never a 500.
//! - `limits`: rate limits hold exactly under bursts (forgot password, registration per IP).
//! - `client_ip`: which address per-IP limits count: the peer, or the trusted proxy header; IPv6
//!   per /64.
//! - `throttle`: log-in throttling per account — the limit, doubling delays, no enumeration, the
//!   owner's mail.
//! - `lockout`: an outsider's failures slow only their own network; one budget per account; the
//!   account-wide ceiling; a reset lifts a lock; refusals write nothing.
//! - `mail_budget`: the deployment-wide hourly budget of mails unauthenticated requests cause.
//! - `throttle_paths`: the same throttle under a burst, per client, on the login page and on a
//!   password change.
//! - `hashing`: a login storm gets 503s from the bounded hashing queue; health stays up.
//! - `sessions`: SESSION_MAX_DAYS is an absolute lifetime; the idle limit still applies.
//! - `outage`: a database that is gone answers 503 quickly and keeps the page session.
//! - `frozen`: a PostgreSQL that stops answering without closing anything: 503 within about 2 s,
//!   then recovery.
//! - `login_page`: `next` values that are not URIs, and "Keep me signed in".
//! - `cookies`: `__Host-` page cookies when Secure, plain names when not; the API's cookie.

mod client_ip;
mod cookies;
mod frozen;
mod hashing;
mod limits;
mod lockout;
mod login_page;
mod mail_budget;
mod origins;
mod outage;
mod sessions;
mod text;
mod throttle;
mod throttle_paths;

use std::time::Duration;

use rocket::http::Status;

use crate::helpers::{spawn_with, Options, PageReply, Reply, TestApp, PASSWORD};

/// An app that keeps cookies like one browser, with these settings on top.
async fn browser(settings: &[(&'static str, &str)]) -> TestApp {
    spawn_with(Options {
        tracked: true,
        settings: settings
            .iter()
            .map(|(key, value)| (*key, (*value).to_owned()))
            .collect(),
        ..Options::default()
    })
    .await
}

/// The registration form, filled in with [`PASSWORD`] twice.
async fn page_register(app: &TestApp, email: &str) -> PageReply {
    app.submit_with_csrf(
        "/register",
        "/register",
        &[
            ("email", email),
            ("username", ""),
            ("password", PASSWORD),
            ("confirm_password", PASSWORD),
        ],
    )
    .await
}

/// The login form, with `extra` fields (`next`, `remember`) after the credentials.
async fn page_login(
    app: &TestApp,
    identifier: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> PageReply {
    let mut fields = vec![("identifier", identifier), ("password", password)];
    fields.extend_from_slice(extra);
    app.submit_with_csrf("/login", "/login", &fields).await
}

/// "Log out" on the account page.
async fn page_logout(app: &TestApp) {
    let reply = app.submit_with_csrf("/account", "/logout", &[]).await;
    assert_eq!(reply.status, Status::SeeOther, "logout");
}

/// The seconds of a `Retry-After` header, which must be there.
fn retry_after(value: Option<&str>) -> i64 {
    value
        .expect("a Retry-After header")
        .parse()
        .expect("Retry-After in seconds")
}

/// How many of `replies` have `status`.
fn count(replies: &[Reply], status: Status) -> usize {
    replies.iter().filter(|r| r.status == status).count()
}

/// Every status of `replies` with how often it came, for failure messages.
fn tally(replies: &[Reply]) -> Vec<(u16, usize)> {
    let mut codes: Vec<u16> = replies.iter().map(|r| r.status.code).collect();
    codes.sort_unstable();
    let mut tally: Vec<(u16, usize)> = Vec::new();
    for code in codes {
        match tally.last_mut() {
            Some((last, n)) if *last == code => *n += 1,
            _ => tally.push((code, 1)),
        }
    }
    tally
}

/// Waits (less than a second) until just after the wall clock starts a new second. The server
/// counts throttle delays in whole seconds, so a 1 s wait set now may be over as soon as the
/// second turns; starting at its beginning leaves the next requests the whole second. This is
/// no real waiting for a delay: those are skipped with `clock.advance`.
async fn start_of_a_second() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let into_second = u64::from(now.subsec_millis());
    tokio::time::sleep(Duration::from_millis(1000 - into_second + 10)).await;
}

/// The attributes of a `Set-Cookie` value (`name=value` first), trimmed.
fn attributes(cookie: &str) -> Vec<&str> {
    cookie.split(';').map(str::trim).collect()
}
