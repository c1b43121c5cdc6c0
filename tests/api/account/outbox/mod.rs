//! The mail outbox is durable and shared: a mail queued by an instance that stops is delivered
//! by another on the same database, and instances running side by side deliver each mail once
//! (on PostgreSQL the claim uses `FOR UPDATE SKIP LOCKED`, on SQLite the single writer).
//!
//! - `batch`: an account deleted while its mail and others are being sent; the rest arrive once.
//! - `rejection`: permanent failures (SMTP 5xx, bad address, unreadable payload) fail at once.
//! - `lease`: a send slower than the lease is not taken over by the other instance.
//! - `relay`, `stub_smtp`: a slow relay in front of the capture, and an SMTP server that refuses.

mod batch;
mod lease;
mod rejection;
mod relay;
mod stub_smtp;

use std::{collections::BTreeMap, time::Duration};

use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use gatehouse::entities::outbox;

use super::{access_token, mail_app, NEW_PASSWORD, RESET_SUBJECT};
use crate::helpers::{spawn, Options, TestApp, PASSWORD};

/// The outbox rows of one kind of mail, oldest first.
async fn rows(app: &TestApp, kind: &str) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(kind))
        .order_by_asc(outbox::Column::Id)
        .all(&app.state().db)
        .await
        .expect("outbox rows")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mail_queued_by_a_stopped_instance_is_delivered_by_another() {
    // Instance A's relay is down (nothing listens on its SMTP port).
    let a = spawn().await;
    let email = "durable@example.com";
    a.register(email).await;
    assert_eq!(a.forgot_password(email).await.status, Status::Accepted);
    let mut queued = None;
    for _ in 0..100 {
        queued = rows(&a, "reset_password")
            .await
            .into_iter()
            .find(|row| row.recipient == email && row.status == "pending");
        if queued.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let queued = queued.expect("a pending reset mail in the outbox");
    assert!(!queued.payload.contains(email), "sealed at rest");
    assert!(!queued.payload.contains("reset-password"), "sealed at rest");

    // A stops for good; B starts on the same database with a working relay.
    a.state().stop_background();
    let mut b = a
        .spawn_beside(Options {
            mail: true,
            ..Options::default()
        })
        .await;
    drop(a);
    let mail = b
        .next_mail_within(Duration::from_secs(15), |m| {
            m.subject == RESET_SUBJECT && m.is_to(email)
        })
        .await;
    let token = mail.token();
    assert!(!queued.payload.contains(&token), "the token is sealed");
    let reply = b.reset_password(&token, NEW_PASSWORD).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    access_token(&b, email, NEW_PASSWORD).await;
    assert_eq!(b.login(email, PASSWORD).await.status, Status::Unauthorized);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_on_one_database_send_each_mail_once() {
    let limits = [("gatehouse.register_limit_per_ip", "100")];
    let mut a = mail_app(false, &limits).await;
    // B sends to A's capture, so every delivery from either instance is counted.
    let b = a
        .spawn_beside(Options {
            settings: vec![
                ("gatehouse.smtp_port", a.smtp_port().to_string()),
                ("gatehouse.register_limit_per_ip", "100".to_owned()),
            ],
            ..Options::default()
        })
        .await;
    let emails: Vec<String> = (0..10).map(|i| format!("twin{i}@example.com")).collect();
    for (i, email) in emails.iter().enumerate() {
        let instance = if i % 2 == 0 { &a } else { &b };
        instance.register(email).await;
    }
    // All at once, half to each instance, alternating.
    let bodies = |parity: usize| {
        emails
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .map(|(_, email)| json!({ "email": email }))
            .collect::<Vec<_>>()
    };
    let (to_a, to_b) = tokio::join!(
        a.post_json_at_once("/auth/forgot-password", bodies(0)),
        b.post_json_at_once("/auth/forgot-password", bodies(1)),
    );
    for reply in to_a.iter().chain(&to_b) {
        assert_eq!(reply.status, Status::Accepted, "{}", reply.body);
    }

    let mut received: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..emails.len() {
        let mail = a
            .next_mail_within(Duration::from_secs(15), |m| m.subject == RESET_SUBJECT)
            .await;
        let to = emails
            .iter()
            .find(|email| mail.is_to(email))
            .unwrap_or_else(|| panic!("a mail to one of ours: {}", mail.to));
        *received.entry(to.clone()).or_default() += 1;
    }
    for email in &emails {
        assert_eq!(received.get(email), Some(&1), "{email}: {received:?}");
    }
    // A second delivery of any of them would arrive now.
    a.no_mail_within(3000).await;
    let resets = rows(&a, "reset_password").await;
    assert_eq!(resets.len(), emails.len());
    for row in &resets {
        assert_eq!(row.status, "sent", "{row:?}");
        assert_eq!(row.attempts, 1, "claimed once: {row:?}");
    }
}
