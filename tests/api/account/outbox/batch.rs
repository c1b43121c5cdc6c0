//! One row's fate does not stop the rest of its batch: an account deleted while its mail and
//! others are on their way to a slow relay.

use std::{collections::BTreeMap, time::Duration};

use rocket::http::Status;
use serde_json::json;

use gatehouse::entities::outbox;

use super::{relay::Relay, rows};
use crate::{
    account::{access_token, delete_json, GOODBYE_SUBJECT},
    helpers::{spawn_with, Mail, Options, PASSWORD},
};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread")]
async fn an_account_deleted_mid_send_leaves_the_rest_of_the_batch_to_finish() {
    // A queues the mails and holds the capture, but sends nothing (its worker is stopped).
    let mut a = spawn_with(Options {
        mail: true,
        ..Options::default()
    })
    .await;
    a.state().stop_background();
    // A pass already under way ends before the first mail is queued.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let emails: Vec<String> = (0..4).map(|i| format!("batch{i}@example.com")).collect();
    for email in &emails {
        a.register(email).await;
    }
    let leaving = emails[1].as_str();
    let access = access_token(&a, leaving, PASSWORD).await;

    // B, on the same database, delivers them to A's capture through a relay that holds each
    // message until the test lets it through.
    let relay = Relay::start(a.smtp_port(), Duration::ZERO, false).await;
    let b = a
        .spawn_beside(Options {
            settings: vec![("gatehouse.smtp_port", relay.port.to_string())],
            ..Options::default()
        })
        .await;
    let held = relay.wait_held(emails.len(), WAIT).await;
    assert_eq!(
        held.len(),
        emails.len(),
        "one batch, all in flight: {held:?}"
    );

    // The account goes while its mail is in flight; that send completes, then the others.
    let reply = delete_json(&a, "/users/me", &access, json!({ "password": PASSWORD })).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    relay.release(leaving);
    a.next_mail_within(WAIT, |m| m.is_verification() && m.is_to(leaving))
        .await;
    // Time for B to record it (before the fix: to give up on the whole batch).
    tokio::time::sleep(Duration::from_millis(500)).await;
    relay.release_all();

    let mut received: BTreeMap<&str, usize> = BTreeMap::new();
    for _ in 1..emails.len() {
        let mail = a.next_mail_within(WAIT, Mail::is_verification).await;
        let to = emails
            .iter()
            .find(|email| mail.is_to(email))
            .unwrap_or_else(|| panic!("a mail to one of ours: {}", mail.to));
        *received.entry(to).or_default() += 1;
    }
    for email in emails.iter().filter(|email| *email != leaving) {
        assert_eq!(
            received.get(email.as_str()),
            Some(&1),
            "{email}: {received:?}"
        );
    }
    a.next_mail_within(WAIT, |m| m.subject == GOODBYE_SUBJECT && m.is_to(leaving))
        .await;
    // A second delivery of any of them would arrive now.
    a.no_mail_where(2000, Mail::is_verification).await;

    let verifications = rows(&b, "verify_email").await;
    assert_eq!(verifications.len(), emails.len() - 1, "{verifications:?}");
    for row in &verifications {
        assert_ne!(
            row.recipient, leaving,
            "the deleted account's rows are gone"
        );
        assert_eq!(row.status, "sent", "{row:?}");
        assert_eq!(row.attempts, 1, "claimed once: {row:?}");
    }
    let goodbye: Vec<outbox::Model> = rows(&b, "goodbye").await;
    assert_eq!(goodbye.len(), 1, "{goodbye:?}");
    assert_eq!(goodbye[0].status, "sent", "{goodbye:?}");
}
