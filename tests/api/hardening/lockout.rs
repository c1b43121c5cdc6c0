//! What an outsider can do to someone else's account with failed log-ins: slow down their own
//! network only. One budget per account whatever identifier is typed; an account-wide ceiling
//! only a distributed attack reaches; a completed reset lifts any lock; refusals neither cost a
//! write nor extend the forgetting clock; the owner's in-session password checks are their own.

use rocket::http::Status;
use serde_json::json;

use super::{retry_after, start_of_a_second};
use crate::helpers::{spawn, spawn_with_mail, Reply, TestApp, PASSWORD};

const WRONG: &str = "not-the-password";
const ATTACKER: &str = "203.0.113.9:4000";
const OWNER: &str = "198.51.100.7:4000";

/// `POST /auth/login` from the TCP peer `peer` (the client address when no proxy is trusted).
async fn login_from(app: &TestApp, peer: &str, identifier: &str, password: &str) -> Reply {
    Reply::from(
        app.client
            .post("/auth/login")
            .remote(peer.parse().expect("a socket address"))
            .json(&json!({ "email": identifier, "password": password }))
            .dispatch()
            .await,
    )
    .await
}

/// LOGIN_MAX_FAILURES (5) wrong passwords from `peer`, the last at the start of a second so the
/// 1 s wait it sets still runs for the next request.
async fn five_failures(app: &TestApp, peer: &str, identifier: &str) {
    for attempt in 1..=5 {
        if attempt == 5 {
            start_of_a_second().await;
        }
        let reply = login_from(app, peer, identifier, WRONG).await;
        assert_eq!(reply.status, Status::Unauthorized, "attempt {attempt}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_outsiders_failures_never_keep_the_owner_out() {
    let app = spawn().await;
    app.register("victim@example.com").await;
    // The attacker keeps the pace that held the account locked for good before: the limit,
    // then one more each time the wait ends, for a simulated day.
    five_failures(&app, ATTACKER, "victim@example.com").await;
    let locked = login_from(&app, ATTACKER, "victim@example.com", PASSWORD).await;
    assert_eq!(locked.status, Status::TooManyRequests, "{}", locked.body);
    for _ in 0..12 {
        app.state()
            .clock
            .advance(retry_after(locked.header("Retry-After")) + 900);
        let reply = login_from(&app, ATTACKER, "victim@example.com", WRONG).await;
        assert_eq!(reply.status, Status::Unauthorized, "{}", reply.body);
    }
    let owner = login_from(&app, OWNER, "victim@example.com", PASSWORD).await;
    assert_eq!(
        owner.status,
        Status::Ok,
        "the owner elsewhere: {}",
        owner.body
    );
    let attacker = login_from(&app, ATTACKER, "victim@example.com", PASSWORD).await;
    assert_eq!(
        attacker.status,
        Status::TooManyRequests,
        "the attacker's network still waits"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_email_and_the_username_of_one_account_share_one_budget() {
    let app = spawn().await;
    let reply = app
        .post_json(
            "/auth/register",
            json!({ "email": "both@example.com", "username": "bothnames", "password": PASSWORD }),
        )
        .await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    for identifier in [
        "both@example.com",
        "BOTHNAMES",
        "Both@Example.com",
        "bothnames",
    ] {
        let reply = login_from(&app, ATTACKER, identifier, WRONG).await;
        assert_eq!(reply.status, Status::Unauthorized, "{identifier}");
    }
    start_of_a_second().await;
    let fifth = login_from(&app, ATTACKER, "bothnames", WRONG).await;
    assert_eq!(fifth.status, Status::Unauthorized);
    for identifier in ["both@example.com", "bothnames"] {
        let reply = login_from(&app, ATTACKER, identifier, PASSWORD).await;
        assert_eq!(
            reply.status,
            Status::TooManyRequests,
            "{identifier}: {}",
            reply.body
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn many_networks_reach_the_account_ceiling_and_a_reset_lifts_it() {
    let mut app = spawn_with_mail().await;
    let (access, _) = app.signed_in("ceiling@example.com").await;
    // 100 failures in the hour (LOGIN_MAX_FAILURES_PER_ACCOUNT), 5 from each of 20 networks,
    // none of which was locked on its own before the last.
    for net in 0..20 {
        let peer = format!("192.0.2.{}:4000", net + 1);
        for _ in 0..5 {
            let reply = login_from(&app, &peer, "ceiling@example.com", WRONG).await;
            assert_eq!(reply.status, Status::Unauthorized, "{peer}: {}", reply.body);
        }
        app.state().clock.advance(1);
    }
    let owner = login_from(&app, OWNER, "ceiling@example.com", PASSWORD).await;
    assert_eq!(
        owner.status,
        Status::TooManyRequests,
        "account-wide: {}",
        owner.body
    );
    assert!(
        retry_after(owner.header("Retry-After")) > 3000,
        "until the hour ends"
    );

    // The owner's signed-in session still confirms its password: its own budget.
    let changed = app
        .change_password(&access, PASSWORD, "maple-river-2024")
        .await;
    assert_eq!(changed.status, Status::Ok, "in session: {}", changed.body);

    // One mail about it, not one per network.
    let notice = app
        .next_mail_where(|m| m.subject.contains("Someone tried to log in"))
        .await;
    assert!(notice.is_to("ceiling@example.com"));
    app.no_mail_where(500, |m| m.subject.contains("Someone tried to log in"))
        .await;

    // A completed reset proves control of the address: the lock goes at once.
    assert_eq!(
        app.forgot_password("ceiling@example.com").await.status,
        Status::Accepted
    );
    let token = app
        .next_mail_where(|m| m.subject.contains("Reset"))
        .await
        .reset_token();
    let reset = app.reset_password(&token, "cedar-lake-2025").await;
    assert_eq!(reset.status, Status::Ok, "{}", reset.body);
    let after = login_from(&app, OWNER, "ceiling@example.com", "cedar-lake-2025").await;
    assert_eq!(after.status, Status::Ok, "after the reset: {}", after.body);
    let attacker = login_from(
        &app,
        "192.0.2.1:4000",
        "ceiling@example.com",
        "cedar-lake-2025",
    )
    .await;
    assert_eq!(
        attacker.status,
        Status::Ok,
        "every streak of the account started over"
    );
}

/// Every throttle row as (key, updated_at), for comparing what a request wrote.
async fn rows(app: &TestApp) -> Vec<(String, i64)> {
    use sea_orm::EntityTrait;
    let mut rows: Vec<_> = gatehouse::entities::login_throttle::Entity::find()
        .all(&app.state().db)
        .await
        .expect("throttle rows")
        .into_iter()
        .map(|row| (row.key, row.updated_at))
        .collect();
    rows.sort();
    rows
}

#[tokio::test(flavor = "multi_thread")]
async fn refusals_write_nothing_and_do_not_extend_the_forgetting_clock() {
    let app = spawn().await;
    app.register("clock@example.com").await;
    five_failures(&app, ATTACKER, "clock@example.com").await;
    let before = rows(&app).await;
    // Refused while the wait runs: before, each refusal was a write that restarted the day.
    app.state().clock.advance(1);
    let refused = login_from(&app, ATTACKER, "clock@example.com", WRONG).await;
    assert_eq!(refused.status, Status::TooManyRequests);
    assert_eq!(rows(&app).await, before, "a refusal writes nothing");
    // A day after the last failure the streak is forgotten: four more failures are only
    // failures.
    app.state().clock.advance(24 * 3600);
    for attempt in 1..=4 {
        let reply = login_from(&app, ATTACKER, "clock@example.com", WRONG).await;
        assert_eq!(
            reply.status,
            Status::Unauthorized,
            "attempt {attempt}: {}",
            reply.body
        );
    }
}
