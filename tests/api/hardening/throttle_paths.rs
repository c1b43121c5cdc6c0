//! The log-in throttle wherever a password is checked: a burst of parallel guesses, many
//! accounts from one client (LOGIN_MAX_FAILURES_PER_IP), the login page, and the current
//! password of a logged-in password change.

use rocket::http::Status;
use serde_json::json;

use super::{browser, count, page_login, retry_after, start_of_a_second, tally};
use crate::helpers::{spawn, spawn_with_settings, PASSWORD};

const WRONG: &str = "not-the-password";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_parallel_guesses_get_exactly_five_tries() {
    let app = spawn().await;
    app.register("target@example.com").await;
    let bodies = vec![json!({ "email": "target@example.com", "password": WRONG }); 40];
    // The fifth failure sets a 1 s wait; starting at the top of a second keeps the burst inside
    // it.
    start_of_a_second().await;
    let replies = app.post_json_at_once("/auth/login", bodies).await;
    assert_eq!(
        count(&replies, Status::Unauthorized),
        5,
        "{:?}",
        tally(&replies)
    );
    assert_eq!(
        count(&replies, Status::TooManyRequests),
        35,
        "{:?}",
        tally(&replies)
    );
    for reply in replies
        .iter()
        .filter(|r| r.status == Status::TooManyRequests)
    {
        assert_eq!(reply.detail(), "Too many attempts, try again later");
        assert!(retry_after(reply.header("Retry-After")) >= 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_client_failing_on_many_accounts_is_throttled() {
    let app = spawn_with_settings(&[("gatehouse.login_max_failures_per_ip", "3")]).await;
    for i in 0..4 {
        app.register(&format!("many{i}@example.com")).await;
    }
    for i in 0..3 {
        let reply = app.login(&format!("many{i}@example.com"), WRONG).await;
        assert_eq!(reply.status, Status::Unauthorized, "account {i}");
    }
    let fourth = app.login("many3@example.com", WRONG).await;
    assert_eq!(fourth.status, Status::TooManyRequests, "{}", fourth.body);
    assert_eq!(fourth.detail(), "Too many attempts, try again later");
    assert!(retry_after(fourth.header("Retry-After")) >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_login_page_says_to_wait_with_429_and_retry_after() {
    let app = browser(&[]).await;
    app.register("paged@example.com").await;
    for attempt in 1..=5 {
        if attempt == 5 {
            start_of_a_second().await;
        }
        let reply = page_login(&app, "paged@example.com", WRONG, &[]).await;
        assert_eq!(reply.status, Status::Unauthorized, "attempt {attempt}");
    }
    let throttled = page_login(&app, "paged@example.com", PASSWORD, &[]).await;
    assert_eq!(
        throttled.status,
        Status::TooManyRequests,
        "{}",
        throttled.html
    );
    assert!(
        throttled
            .html
            .contains("after several failed log-ins. You can reset"),
        "{}",
        throttled.html
    );
    assert!(!throttled.html.contains("from here"), "{}", throttled.html);
    assert!(
        throttled
            .header("Content-Type")
            .is_some_and(|ct| ct.starts_with("text/html")),
        "an HTML page"
    );
    assert!(retry_after(throttled.header("Retry-After")) >= 1);
    assert!(
        throttled.cookie("__Host-gh_access").is_none(),
        "not signed in"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_current_passwords_are_throttled_per_session() {
    let app = spawn().await;
    let (access, _) = app.signed_in("changer@example.com").await;
    let hash = app
        .user("changer@example.com")
        .await
        .expect("user")
        .password_hash;
    for attempt in 1..=5 {
        if attempt == 5 {
            start_of_a_second().await;
        }
        let reply = app
            .change_password(&access, WRONG, "maple-river-2024")
            .await;
        assert_eq!(
            reply.status,
            Status::BadRequest,
            "attempt {attempt}: {}",
            reply.body
        );
    }
    let throttled = app
        .change_password(&access, PASSWORD, "maple-river-2024")
        .await;
    assert_eq!(
        throttled.status,
        Status::TooManyRequests,
        "{}",
        throttled.body
    );
    assert!(retry_after(throttled.header("Retry-After")) >= 1);
    let after = app.user("changer@example.com").await.expect("user");
    assert_eq!(after.password_hash, hash, "the password did not change");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_correct_logins_never_count_as_failures() {
    let app = spawn().await;
    app.register("busy@example.com").await;
    let login = json!({ "email": "busy@example.com", "password": PASSWORD });
    // As many at once as failures are allowed: every one succeeds.
    let replies = app
        .post_json_at_once("/auth/login", vec![login.clone(); 5])
        .await;
    assert!(replies.iter().all(|r| r.status == Status::Ok));
    // More than that at once (an API client with many workers): the surplus waits for the
    // checks in flight instead of being refused, and every one succeeds.
    let replies = app.post_json_at_once("/auth/login", vec![login; 12]).await;
    assert_eq!(count(&replies, Status::Ok), 12, "{:?}", tally(&replies));
    let after = app.login("busy@example.com", PASSWORD).await;
    assert_eq!(after.status, Status::Ok, "no lock was left: {}", after.body);
}
