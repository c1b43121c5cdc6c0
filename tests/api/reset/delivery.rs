//! Mail delivery never holds up the route: a dead server is only logged, a late one gets the
//! mail on a retry.

use std::time::{Duration, Instant};

use rocket::http::Status;
use sea_orm::EntityTrait;
use serde_json::json;

use gatehouse::entities::password_reset;

use super::ACCEPTED;
use crate::helpers::{free_port, receive_mail, spawn, spawn_with_settings, start_mail_server};

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_smtp_server_does_not_slow_or_fail_the_route() {
    // Without `mail: true` the app points at a port where nothing listens.
    let app = spawn().await;
    app.register("down@example.com").await;
    let started = Instant::now();
    let reply = app.forgot_password("down@example.com").await;
    assert_eq!(reply.status, Status::Accepted);
    assert_eq!(reply.body, json!({ "msg": ACCEPTED }));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The token was still issued (in the background); the failure is only logged.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rows = password_reset::Entity::find()
        .all(&app.state().db)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mail_that_fails_is_retried_until_the_server_is_back() {
    let port = free_port();
    let app = spawn_with_settings(&[
        ("gatehouse.smtp_host", "127.0.0.1"),
        ("gatehouse.smtp_port", &port.to_string()),
    ])
    .await;
    app.register("retry@example.com").await;
    assert_eq!(
        app.forgot_password("retry@example.com").await.status,
        Status::Accepted
    );
    // The first attempt meets a closed port; the server comes up before the retry (2 s later).
    tokio::time::sleep(Duration::from_millis(700)).await;
    let mut server = start_mail_server(port).await;
    // The registration's verification mail was waiting in the outbox too.
    let mut subjects = Vec::new();
    for _ in 0..2 {
        subjects.push(
            receive_mail(&mut server, Duration::from_secs(15))
                .await
                .subject,
        );
    }
    assert!(
        subjects
            .iter()
            .any(|s| s == "Reset your Gatehouse password"),
        "{subjects:?}"
    );
    server.token.cancel();
}
