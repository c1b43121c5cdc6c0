//! The password-hashing queue is bounded: a storm of log-ins at a real bcrypt cost is partly
//! turned away at once with 503 and `Retry-After` instead of queueing without end, and the
//! routes that do not hash (health) keep answering meanwhile.

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::{Duration, Instant},
};

use rocket::http::Status;
use serde_json::json;

use super::{count, retry_after, tally};
use crate::helpers::spawn_with_settings;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_login_storm_is_shed_with_503_while_health_answers() {
    let app = spawn_with_settings(&[
        ("gatehouse.bcrypt_cost", "10"),
        // Per-client throttling would answer 429 first; here only the queue is under test.
        ("gatehouse.login_max_failures_per_ip", "100000"),
    ])
    .await;
    // Unknown addresses, all different: no account throttle, but a full hash for each.
    let bodies = (0..120)
        .map(|i| json!({ "email": format!("storm{i}@example.com"), "password": "wrong-password" }))
        .collect();

    let done = AtomicBool::new(false);
    let started = Instant::now();
    let storm = async {
        let replies = app.post_json_at_once("/auth/login", bodies).await;
        done.store(true, Ordering::SeqCst);
        replies
    };
    let health = async {
        let mut checks = Vec::new();
        loop {
            tokio::time::sleep(Duration::from_millis(25)).await;
            if done.load(Ordering::SeqCst) {
                return checks;
            }
            let asked = Instant::now();
            let reply = app.get("/health").await;
            checks.push((reply.status.code, asked.elapsed(), reply.body));
        }
    };
    let (replies, checks) = tokio::join!(storm, health);
    let elapsed = started.elapsed();

    assert!(
        elapsed < Duration::from_secs(30),
        "the storm took {elapsed:?}"
    );
    let unavailable = count(&replies, Status::ServiceUnavailable);
    let refused = count(&replies, Status::Unauthorized);
    assert_eq!(
        unavailable + refused,
        120,
        "only 401 and 503: {:?}",
        tally(&replies)
    );
    assert!(unavailable > 0, "some were shed: {:?}", tally(&replies));
    assert!(refused > 0, "some were checked: {:?}", tally(&replies));
    for reply in replies
        .iter()
        .filter(|r| r.status == Status::ServiceUnavailable)
    {
        assert_eq!(reply.detail(), "Service temporarily unavailable");
        assert!(retry_after(reply.header("Retry-After")) >= 1);
    }

    assert!(!checks.is_empty(), "health was asked during the storm");
    assert!(
        checks.iter().all(|(status, ..)| *status == 200),
        "health during the storm (status, time, body): {checks:?}"
    );
}
