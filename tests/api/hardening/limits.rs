//! Rate limits are counted atomically: a burst of truly concurrent requests against a limit of k
//! lets exactly k through, on SQLite and on PostgreSQL alike.

use gatehouse::entities::user;
use rocket::http::Status;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use super::{count, retry_after, tally};
use crate::helpers::{spawn_with, spawn_with_settings, Options, PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_concurrent_forgot_password_requests_send_exactly_three_mails() {
    let mut app = spawn_with(Options {
        mail: true,
        ..Options::default()
    })
    .await;
    app.register("burst@example.com").await;

    let bodies = vec![json!({ "email": "burst@example.com" }); 40];
    let replies = app.post_json_at_once("/auth/forgot-password", bodies).await;
    assert_eq!(
        count(&replies, Status::Accepted),
        3,
        "{:?}",
        tally(&replies)
    );
    assert_eq!(
        count(&replies, Status::TooManyRequests),
        37,
        "{:?}",
        tally(&replies)
    );
    for reply in replies
        .iter()
        .filter(|r| r.status == Status::TooManyRequests)
    {
        assert!(retry_after(reply.header("Retry-After")) >= 1);
    }

    let mut tokens = Vec::new();
    for _ in 0..3 {
        let mail = app.next_mail().await;
        assert!(mail.to.contains("burst@example.com"), "{}", mail.to);
        tokens.push(mail.reset_token());
    }
    app.no_mail_within(1500).await;
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 3, "three different links");
}

/// "Already registered" answers spend a tight budget of their own: once spent, no address can be
/// tested from that network (a free one neither), while sign-ups that create accounts have the
/// larger budget, which answers about taken addresses do not use up.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn taken_address_answers_have_their_own_tight_budget() {
    let app = spawn_with(Options {
        tracked: true,
        settings: vec![
            ("gatehouse.register_taken_limit_per_ip", "3".into()),
            ("gatehouse.register_limit_per_ip", "5".into()),
        ],
        ..Options::default()
    })
    .await;
    let body = |email: &str| json!({ "email": email, "password": PASSWORD });
    for i in 0..4 {
        let made = app
            .post_json("/auth/register", body(&format!("office{i}@example.com")))
            .await;
        assert_eq!(made.status, Status::Created, "sign-up {i}: {}", made.body);
    }
    let probes = (0..6)
        .map(|i| body(&format!("office{}@example.com", i % 4)))
        .collect();
    let replies = app.post_json_at_once("/auth/register", probes).await;
    assert_eq!(
        count(&replies, Status::Conflict),
        3,
        "{:?}",
        tally(&replies)
    );
    assert_eq!(
        count(&replies, Status::TooManyRequests),
        3,
        "{:?}",
        tally(&replies)
    );

    // Spent: a free address is refused too, so the refusal tells nothing about it.
    let free = app
        .post_json("/auth/register", body("new-hire@example.com"))
        .await;
    assert_eq!(free.status, Status::TooManyRequests, "{}", free.body);
    assert!(
        retry_after(free.header("Retry-After")) > 3000,
        "the rest of the hour"
    );
    assert!(app.user("new-hire@example.com").await.is_none());

    // The refusal page says who is limited and why.
    let page = app
        .submit_with_csrf(
            "/register",
            "/register",
            &[
                ("email", "new-hire@example.com"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, Status::TooManyRequests, "{}", page.html);
    assert!(
        page.html
            .contains("used addresses that already have an account. Try again in 60 minutes"),
        "{}",
        page.html
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_from_one_client_stop_at_the_limit() {
    let app = spawn_with_settings(&[("gatehouse.register_limit_per_ip", "3")]).await;
    let bodies = (0..10)
        .map(|i| json!({ "email": format!("crowd{i}@example.com"), "password": PASSWORD }))
        .collect();
    let replies = app.post_json_at_once("/auth/register", bodies).await;
    assert_eq!(count(&replies, Status::Created), 3, "{:?}", tally(&replies));
    assert_eq!(
        count(&replies, Status::TooManyRequests),
        7,
        "{:?}",
        tally(&replies)
    );
    for reply in replies
        .iter()
        .filter(|r| r.status == Status::TooManyRequests)
    {
        assert!(retry_after(reply.header("Retry-After")) >= 1);
    }
    let users = user::Entity::find()
        .count(&app.state().db)
        .await
        .expect("count users");
    assert_eq!(users, 3, "exactly the accepted accounts exist");
}
