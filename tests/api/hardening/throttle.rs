//! Log-in throttling per account (defaults: LOGIN_MAX_FAILURES=5). After five failures every
//! further attempt waits a delay that doubles (1 s, 2 s, 4 s…), with the right password too, and
//! an unknown address is treated exactly like a known one. A success starts the count over. The
//! owner is mailed once when their account starts being throttled.

use rocket::http::Status;
use serde_json::{json, Value};

use super::{retry_after, start_of_a_second};
use crate::helpers::{spawn, spawn_with_mail, Reply, TestApp, PASSWORD};

const WRONG: &str = "not-the-password";

fn invalid_credentials() -> Value {
    json!({ "detail": "Invalid credentials" })
}

fn too_many_attempts() -> Value {
    json!({ "detail": "Too many attempts, try again later" })
}

async fn assert_refused_as_wrong(app: &TestApp, email: &str, password: &str) {
    let reply = app.login(email, password).await;
    assert_eq!(
        reply.status,
        Status::Unauthorized,
        "{email}: {}",
        reply.body
    );
    assert_eq!(reply.body, invalid_credentials(), "{email}");
    assert!(reply.cookies.is_empty(), "{email}: no cookie");
}

/// A 429 with the throttle's body; returns its `Retry-After`.
async fn assert_throttled(app: &TestApp, email: &str, password: &str) -> i64 {
    let reply = app.login(email, password).await;
    assert_throttled_reply(&reply, email);
    retry_after(reply.header("Retry-After"))
}

fn assert_throttled_reply(reply: &Reply, email: &str) {
    assert_eq!(
        reply.status,
        Status::TooManyRequests,
        "{email}: {}",
        reply.body
    );
    assert_eq!(reply.body, too_many_attempts(), "{email}");
    assert!(retry_after(reply.header("Retry-After")) >= 1, "{email}");
}

/// Five wrong passwords (the fifth at the start of a second, so that the 1 s wait it sets is
/// still running for the next request), then the right one. Returns what each answered.
async fn five_wrong_then_right(app: &TestApp, email: &str) -> Vec<(Status, Value, Option<i64>)> {
    let mut answers = Vec::new();
    for attempt in 1..=6 {
        if attempt == 5 {
            start_of_a_second().await;
        }
        let password = if attempt == 6 { PASSWORD } else { WRONG };
        let reply = app.login(email, password).await;
        let wait = reply.header("Retry-After").map(|v| retry_after(Some(v)));
        answers.push((reply.status, reply.body, wait));
    }
    answers
}

#[tokio::test(flavor = "multi_thread")]
async fn five_failures_throttle_even_the_right_password_alike_for_unknown_accounts() {
    let app = spawn().await;
    app.register("owner@example.com").await;

    let known = five_wrong_then_right(&app, "owner@example.com").await;
    for (i, (status, body, wait)) in known.iter().take(5).enumerate() {
        assert_eq!(*status, Status::Unauthorized, "attempt {}", i + 1);
        assert_eq!(*body, invalid_credentials(), "attempt {}", i + 1);
        assert_eq!(*wait, None, "attempt {}", i + 1);
    }
    let (status, body, wait) = &known[5];
    assert_eq!(
        *status,
        Status::TooManyRequests,
        "the right password: {body}"
    );
    assert_eq!(*body, too_many_attempts());
    assert!(wait.is_some_and(|w| w >= 1), "Retry-After {wait:?}");

    let unknown = five_wrong_then_right(&app, "ghost@example.com").await;
    assert_eq!(unknown, known, "an unknown address answers the same");
}

#[tokio::test(flavor = "multi_thread")]
async fn after_the_wait_the_right_password_works_and_starts_the_count_over() {
    let app = spawn().await;
    app.register("patient@example.com").await;
    let email = "patient@example.com";
    for _ in 0..4 {
        assert_refused_as_wrong(&app, email, WRONG).await;
    }
    start_of_a_second().await;
    assert_refused_as_wrong(&app, email, WRONG).await;
    assert_throttled(&app, email, PASSWORD).await;

    app.state().clock.advance(2);
    let reply = app.login(email, PASSWORD).await;
    assert_eq!(reply.status, Status::Ok, "after the wait: {}", reply.body);

    // The success reset the count: four failures are not enough, the fifth throttles again.
    for _ in 0..4 {
        assert_refused_as_wrong(&app, email, WRONG).await;
    }
    start_of_a_second().await;
    assert_refused_as_wrong(&app, email, WRONG).await;
    assert_throttled(&app, email, PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_further_failure_doubles_the_wait() {
    let app = spawn().await;
    app.register("doubling@example.com").await;
    let email = "doubling@example.com";
    for _ in 0..4 {
        assert_refused_as_wrong(&app, email, WRONG).await;
    }
    start_of_a_second().await;
    assert_refused_as_wrong(&app, email, WRONG).await;
    let first = assert_throttled(&app, email, WRONG).await;
    assert!(first >= 1, "{first}");

    app.state().clock.advance(2);
    start_of_a_second().await;
    assert_refused_as_wrong(&app, email, WRONG).await;
    let second = assert_throttled(&app, email, WRONG).await;
    assert!(second >= 2, "after the 6th failure: {second}");

    app.state().clock.advance(second + 1);
    start_of_a_second().await;
    assert_refused_as_wrong(&app, email, WRONG).await;
    let third = assert_throttled(&app, email, PASSWORD).await;
    assert!(third >= 4, "after the 7th failure: {third}");
    assert!(first < second && second < third, "{first} {second} {third}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_is_mailed_once_when_the_account_becomes_throttled() {
    let mut app = spawn_with_mail().await;
    app.register("mailed@example.com").await;
    let email = "mailed@example.com";
    for _ in 0..4 {
        assert_refused_as_wrong(&app, email, WRONG).await;
    }
    start_of_a_second().await;
    assert_refused_as_wrong(&app, email, WRONG).await;
    for password in [PASSWORD, WRONG, WRONG] {
        assert_throttled(&app, email, password).await;
    }

    let mail = app.next_mail().await;
    assert!(
        mail.subject.contains("Someone tried to log in"),
        "{}",
        mail.subject
    );
    assert!(mail.to.contains(email), "{}", mail.to);
    // The real waits: the streak's longest delay and the account-wide ceiling of this setup.
    for said in [
        "up to 15 minutes",
        "after 100 failed attempts within an hour",
    ] {
        assert!(mail.text.contains(said), "{said}: {}", mail.text);
    }

    // Further failures and refusals tell the owner nothing new.
    app.state().clock.advance(2);
    start_of_a_second().await;
    assert_refused_as_wrong(&app, email, WRONG).await;
    assert_throttled(&app, email, WRONG).await;
    // An unknown address has nobody to tell.
    for _ in 0..5 {
        assert_refused_as_wrong(&app, "nobody@example.com", WRONG).await;
    }
    app.no_mail_within(1500).await;
}
