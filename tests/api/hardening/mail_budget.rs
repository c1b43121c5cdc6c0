//! UNAUTHENTICATED_MAIL_PER_HOUR: however many addresses and networks a script cycles through,
//! the mails that people who are not signed in can cause are bounded for the whole deployment.

use rocket::http::Status;
use serde_json::{json, Value};

use crate::helpers::{spawn_with, spawn_with_settings, Options, Reply, TestApp, PASSWORD};

async fn post_from(app: &TestApp, peer: &str, path: &'static str, body: Value) -> Reply {
    Reply::from(
        app.client
            .post(path)
            .remote(peer.parse().expect("a socket address"))
            .json(&body)
            .dispatch()
            .await,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hourly_budget_of_unauthenticated_mail_is_shared_by_every_trigger() {
    let app = spawn_with_settings(&[("gatehouse.unauthenticated_mail_per_hour", "3")]).await;
    let register =
        |i: u8| json!({ "email": format!("stranger{i}@example.com"), "password": PASSWORD });
    let first = post_from(&app, "192.0.2.1:1", "/auth/register", register(1)).await;
    assert_eq!(first.status, Status::Created, "{}", first.body);
    let second = post_from(&app, "192.0.2.2:1", "/auth/register", register(2)).await;
    assert_eq!(second.status, Status::Created, "{}", second.body);
    let forgot = json!({ "email": "stranger1@example.com" });
    let third = post_from(&app, "192.0.2.3:1", "/auth/forgot-password", forgot).await;
    assert_eq!(third.status, Status::Accepted, "{}", third.body);

    // Spent: a fresh address from a fresh network is refused, whichever trigger.
    let fourth = post_from(&app, "192.0.2.4:1", "/auth/register", register(4)).await;
    assert_eq!(fourth.status, Status::TooManyRequests, "{}", fourth.body);
    assert!(fourth.header("Retry-After").is_some());
    let forgot = json!({ "email": "stranger2@example.com" });
    let fifth = post_from(&app, "192.0.2.5:1", "/auth/forgot-password", forgot).await;
    assert_eq!(fifth.status, Status::TooManyRequests, "{}", fifth.body);
    assert!(
        app.user("stranger4@example.com").await.is_none(),
        "nothing created"
    );

    // An hour later the budget is back.
    app.state().clock.advance(3601);
    let later = post_from(&app, "192.0.2.6:1", "/auth/register", register(6)).await;
    assert_eq!(later.status, Status::Created, "{}", later.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_spent_budget_skips_the_owners_throttle_notice_but_the_throttle_holds() {
    let mut app = spawn_with(Options {
        mail: true,
        settings: vec![("gatehouse.unauthenticated_mail_per_hour", "1".to_owned())],
        ..Options::default()
    })
    .await;
    // The registration's confirmation mail spends the whole budget.
    let registered = post_from(
        &app,
        "192.0.2.1:1",
        "/auth/register",
        json!({
            "email": "quiet@example.com", "password": PASSWORD
        }),
    )
    .await;
    assert_eq!(registered.status, Status::Created, "{}", registered.body);
    let login = json!({ "email": "quiet@example.com", "password": "not-the-password" });
    for attempt in 1..=5 {
        let reply = post_from(&app, "198.51.100.9:1", "/auth/login", login.clone()).await;
        assert_eq!(
            reply.status,
            Status::Unauthorized,
            "attempt {attempt}: {}",
            reply.body
        );
    }
    let right = json!({ "email": "quiet@example.com", "password": PASSWORD });
    let throttled = post_from(&app, "198.51.100.9:1", "/auth/login", right).await;
    assert_eq!(
        throttled.status,
        Status::TooManyRequests,
        "{}",
        throttled.body
    );
    app.next_mail_where(|m| m.subject.starts_with("Confirm your email"))
        .await;
    app.no_mail_where(1500, |m| m.subject.starts_with("Someone tried to log in"))
        .await;
}
