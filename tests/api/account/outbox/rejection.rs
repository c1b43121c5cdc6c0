//! Permanent failures fail at once instead of being retried for a day: a relay that refuses a
//! recipient (SMTP 5xx), an address that does not parse, a payload that no longer opens. The
//! other mails of the batch are delivered all the same.

use std::time::Duration;

use sea_orm::{ActiveModelTrait, Set};

use gatehouse::entities::outbox;

use super::{rows, stub_smtp::StubSmtp};
use crate::helpers::{spawn_with, Options, TestApp};

const REFUSED: &str = "refused@example.com";

/// A row the API cannot queue: written straight into the outbox, due now.
async fn insert_row(app: &TestApp, recipient: &str, payload: &str) -> i32 {
    let now = app.state().clock.now();
    let row = outbox::ActiveModel {
        user_id: Set(None),
        kind: Set("goodbye".to_owned()),
        recipient: Set(recipient.to_owned()),
        payload: Set(payload.to_owned()),
        status: Set("pending".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    };
    row.insert(&app.state().writer).await.expect("insert").id
}

async fn row(app: &TestApp, id: i32) -> outbox::Model {
    use sea_orm::EntityTrait;
    outbox::Entity::find_by_id(id)
        .one(&app.state().db)
        .await
        .expect("query outbox")
        .expect("the row")
}

#[tokio::test(flavor = "multi_thread")]
async fn permanent_failures_fail_at_once_and_the_others_are_delivered() {
    let stub = StubSmtp::start(REFUSED).await;
    let app = spawn_with(Options {
        settings: vec![("gatehouse.smtp_port", stub.port.to_string())],
        ..Options::default()
    })
    .await;
    let unsealed = insert_row(&app, "sealed@example.com", "not a sealed message").await;
    let unparsable = insert_row(&app, "not an address", "not a sealed message").await;
    let kept = ["kept0@example.com", "kept1@example.com"];
    app.register(kept[0]).await;
    app.register(REFUSED).await;
    app.register(kept[1]).await;

    let settled = |rows: &[outbox::Model]| rows.iter().all(|row| row.status != "pending");
    let mut verifications = Vec::new();
    for _ in 0..100 {
        verifications = rows(&app, "verify_email").await;
        if verifications.len() == 3 && settled(&verifications) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(settled(&verifications), "{verifications:?}");
    // Had the refusal been taken for a passing one, a retry would come within 2 s.
    tokio::time::sleep(Duration::from_millis(2500)).await;

    for row in rows(&app, "verify_email").await {
        assert_eq!(row.attempts, 1, "one attempt: {row:?}");
        if row.recipient == REFUSED {
            assert_eq!(row.status, "failed", "{row:?}");
            let error = row.last_error.as_deref().unwrap_or_default();
            assert!(error.contains("550"), "the relay's answer is kept: {error}");
        } else {
            assert_eq!(row.status, "sent", "{row:?}");
        }
    }
    let log = stub.log();
    assert_eq!(
        log.offered.iter().filter(|r| *r == REFUSED).count(),
        1,
        "{log:?}"
    );
    let mut delivered = log.delivered.clone();
    delivered.sort();
    assert_eq!(
        delivered, kept,
        "each kept mail once, nothing else: {log:?}"
    );

    for id in [unsealed, unparsable] {
        let row = row(&app, id).await;
        assert_eq!(
            (row.status.as_str(), row.attempts),
            ("failed", 1),
            "{row:?}"
        );
        let error = row.last_error.unwrap_or_default();
        assert!(
            !error.is_empty() && !error.contains("not a sealed"),
            "{error}"
        );
    }
}
