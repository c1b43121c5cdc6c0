//! Several instances as one: three server processes of the real binary on one database (a
//! PostgreSQL schema when `TEST_DATABASE_URL` is set, else one SQLite file), started together
//! on an empty database, behind no load balancer but the test itself.

mod cluster;
mod restart;

use std::time::Duration;

use serde_json::json;

use crate::helpers::{try_receive_mail, Mail, PASSWORD};
use cluster::Cluster;

fn detail(body: &serde_json::Value) -> &str {
    body["detail"].as_str().unwrap_or("<no detail>")
}

// One story across three processes reads best in one function.
#[allow(clippy::too_many_lines)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_share_sessions_limits_throttles_and_mail() {
    // No race grace: the replayed token below counts as reuse at once (the processes' clocks
    // cannot be moved).
    let mut cluster = Cluster::start_with(3, &[("REFRESH_REUSE_GRACE_SECONDS", "0")]).await;
    let email = "multi@example.com";
    let (status, _) = cluster
        .call(
            0,
            "POST",
            "/auth/register",
            None,
            &json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 201);

    // Log in on A, refresh on B, replay the old token on C: reuse is detected everywhere.
    let login = json!({ "email": email, "password": PASSWORD });
    let (status, first) = cluster.call(0, "POST", "/auth/login", None, &login).await;
    assert_eq!(status, 200, "{first}");
    let old = first["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, rotated) = cluster.refresh(1, &old).await;
    assert_eq!(status, 200, "{rotated}");
    let newer = rotated["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, replay) = cluster.refresh(2, &old).await;
    assert_eq!(status, 401);
    assert_eq!(
        detail(&replay),
        "Refresh token reuse detected; session revoked"
    );
    let (status, _) = cluster.refresh(0, &newer).await;
    assert_eq!(status, 401, "the family died on every instance");

    // Log out on A: the access token is refused on B and C at once.
    let (_, session) = cluster.call(0, "POST", "/auth/login", None, &login).await;
    let access = session["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for i in 0..3 {
        assert_eq!(
            cluster
                .call(i, "GET", "/users/me", Some(&access), &json!(null))
                .await
                .0,
            200
        );
    }
    let (status, _) = cluster
        .call(0, "POST", "/auth/logout", Some(&access), &json!(null))
        .await;
    assert_eq!(status, 200);
    for i in 1..3 {
        assert_eq!(
            cluster
                .call(i, "GET", "/users/me", Some(&access), &json!(null))
                .await
                .0,
            401
        );
    }

    // Failed logins spread over the three instances throttle the account together.
    let wrong = json!({ "email": email, "password": "not-the-password-1" });
    for attempt in 0..5 {
        let (status, _) = cluster
            .call(attempt % 3, "POST", "/auth/login", None, &wrong)
            .await;
        assert_eq!(status, 401, "attempt {attempt}");
    }
    for i in 0..3 {
        let (status, body) = cluster.call(i, "POST", "/auth/login", None, &login).await;
        assert_eq!(status, 429, "instance {i}: {body}");
    }

    // The forgot-password limit (3 per address per hour) counts across instances, and each of
    // the three mails is delivered exactly once although every instance runs a mail worker.
    let forgot = json!({ "email": email });
    for attempt in 0..3 {
        let (status, _) = cluster
            .call(attempt, "POST", "/auth/forgot-password", None, &forgot)
            .await;
        assert_eq!(status, 202, "attempt {attempt}");
    }
    let (status, _) = cluster
        .call(1, "POST", "/auth/forgot-password", None, &forgot)
        .await;
    assert_eq!(status, 429);
    let mut resets = 0;
    let mut others = Vec::new();
    while let Some(mail) = cluster
        .mail_within(Duration::from_secs(if resets < 3 { 15 } else { 3 }))
        .await
    {
        if mail.subject == "Reset your Gatehouse password" {
            resets += 1;
        } else {
            others.push(mail.subject);
        }
    }
    assert_eq!(resets, 3, "each reset mail exactly once");
    others.sort();
    assert_eq!(
        others,
        [
            "Confirm your email address for Gatehouse",
            "Someone tried to log in to your Gatehouse account"
        ],
        "and the verification and the throttling notice once each"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_refreshes_on_different_instances_keep_one_live_child() {
    let cluster = Cluster::start(3).await;
    let email = "race@example.com";
    cluster
        .call(
            0,
            "POST",
            "/auth/register",
            None,
            &json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    let (_, tokens) = cluster
        .call(
            0,
            "POST",
            "/auth/login",
            None,
            &json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    let token = tokens["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let racers: Vec<_> = (0..9)
        .map(|i| {
            let cluster = cluster.handle();
            let token = token.clone();
            tokio::spawn(async move { cluster.refresh(i % 3, &token).await })
        })
        .collect();
    let mut children = Vec::new();
    for racer in racers {
        let (status, body) = racer.await.expect("racer");
        assert_eq!(status, 200, "{body}");
        children.push(
            body["refresh_token"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    children.dedup();
    assert_eq!(children.len(), 1, "one child for every racer");
    let (status, _) = cluster.refresh(1, &children[0]).await;
    assert_eq!(status, 200, "the session lives on");
}

impl Cluster {
    async fn mail_within(&mut self, within: Duration) -> Option<Mail> {
        try_receive_mail(self.mail.as_mut()?, within).await
    }
}
