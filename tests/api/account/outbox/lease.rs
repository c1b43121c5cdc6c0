//! A send slower than the lease: the sending instance keeps renewing its lease, so the other
//! instance on the database never takes the row and each mail goes out once.

use std::{collections::BTreeMap, time::Duration};

use super::{relay::Relay, rows};
use crate::helpers::{
    free_port, receive_mail, spawn_with, start_mail_server, try_receive_mail, Mail, Options,
};

/// Longer than the lease, shorter than lettre's 10 s wait for an SMTP reply.
const HOLD: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_send_each_mail_once_when_sending_takes_longer_than_the_lease() {
    let capture_port = free_port();
    let mut capture = start_mail_server(capture_port).await;
    let relay = Relay::start(capture_port, HOLD, true).await;
    let settings = || Options {
        settings: vec![
            ("gatehouse.smtp_port", relay.port.to_string()),
            ("gatehouse.outbox_lease_seconds", "1".to_owned()),
            ("gatehouse.register_limit_per_ip", "100".to_owned()),
        ],
        ..Options::default()
    };
    let a = spawn_with(settings()).await;
    let b = a.spawn_beside(settings()).await;
    let emails: Vec<String> = (0..6).map(|i| format!("slow{i}@example.com")).collect();
    for (i, email) in emails.iter().enumerate() {
        let instance = if i % 2 == 0 { &a } else { &b };
        instance.register(email).await;
    }

    let mut received: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = |mail: Mail| {
        let to = emails
            .iter()
            .find(|email| mail.is_to(email))
            .unwrap_or_else(|| panic!("a mail to one of ours: {}", mail.to));
        *received.entry(to.clone()).or_default() += 1;
    };
    for _ in 0..emails.len() {
        count(receive_mail(&mut capture, Duration::from_secs(20)).await);
    }
    // A second claim of any of them would have its copy arrive within another hold.
    while let Some(extra) = try_receive_mail(&mut capture, HOLD * 2).await {
        count(extra);
    }
    for email in &emails {
        assert_eq!(received.get(email), Some(&1), "{email}: {received:?}");
    }
    for row in rows(&a, "verify_email").await {
        assert_eq!(row.status, "sent", "{row:?}");
        assert_eq!(row.attempts, 1, "claimed once: {row:?}");
    }
    capture.token.cancel();
}
