//! Password reset by email, received over real SMTP by a server started inside the test.

use std::time::{Duration, Instant};

use rocket::http::{Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use gatehouse::entities::password_reset;

use crate::helpers::{spawn_with, spawn_with_mail, Options, Reply, PASSWORD};

const NEW_PASSWORD: &str = "copper-kettle-5150";
const ACCEPTED: &str = "If an account exists for that email, a reset link has been sent.";

async fn forgot(app: &crate::helpers::TestApp, email: &str) -> Reply {
    app.post_json("/auth/forgot-password", json!({ "email": email }))
        .await
}

async fn reset(app: &crate::helpers::TestApp, token: &str, password: &str) -> Reply {
    app.post_json(
        "/auth/change-password",
        json!({ "token": token, "new_password": password }),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_reset_flow_over_smtp() {
    let mut app = spawn_with_mail().await;
    let (access, refresh) = app.signed_in("reset@example.com").await;

    let reply = forgot(&app, "Reset@Example.com").await;
    assert_eq!(reply.status, Status::Accepted);
    assert_eq!(reply.body, json!({ "msg": ACCEPTED }));

    let mail = app.next_mail().await;
    assert!(mail.to.contains("reset@example.com"), "{}", mail.to);
    assert_eq!(mail.subject, "Reset your Gatehouse password");
    assert!(mail.raw.contains("multipart/alternative"), "text + HTML");
    let link = mail.reset_link();
    assert!(
        link.starts_with("http://localhost:8000/reset-password?token="),
        "{link}"
    );
    let token = mail.reset_token();
    assert!(token.len() >= 43, "256 bits, base64url: {token}");

    // Only the hash is stored.
    let rows = password_reset::Entity::find()
        .all(&app.state().db)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].token_hash,
        gatehouse::auth::tokens::hash_token(&token)
    );
    assert_eq!(rows[0].expires_at - rows[0].created_at, 30 * 60);

    let done = reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert_eq!(done.body, json!({ "msg": "Password changed successfully" }));
    assert!(
        done.body.get("access_token").is_none(),
        "a reset does not log in"
    );

    assert_eq!(
        app.login("reset@example.com", PASSWORD).await.status,
        Status::Unauthorized
    );
    assert_eq!(
        app.login("reset@example.com", NEW_PASSWORD).await.status,
        Status::Ok
    );
    assert_eq!(
        app.get_auth("/users/me", &access).await.status,
        Status::Unauthorized
    );
    let old_refresh = app
        .post_json("/auth/refresh", json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(old_refresh.status, Status::Unauthorized);

    let again = reset(&app, &token, "another-pass-8812").await;
    assert_eq!(again.status, Status::BadRequest);
    assert_eq!(
        again.body,
        json!({ "detail": "Invalid or expired reset token" })
    );

    let changed = app.next_mail().await;
    assert_eq!(changed.subject, "Your Gatehouse password was changed");
    assert!(changed.to.contains("reset@example.com"));
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_addresses_get_the_identical_answer_and_no_mail() {
    let mut app = spawn_with_mail().await;
    app.register("known@example.com").await;
    let known = forgot(&app, "known@example.com").await;
    let unknown = forgot(&app, "unknown@example.com").await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body);
    let names = |r: &Reply| {
        let mut headers: Vec<_> = r
            .headers
            .iter()
            .filter(|(n, _)| n != "Date")
            .cloned()
            .collect();
        headers.sort();
        headers
    };
    assert_eq!(names(&known), names(&unknown));

    let mail = app.next_mail().await;
    assert!(mail.to.contains("known@example.com"));
    app.no_mail_within(1500).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_link_ignores_the_host_header() {
    let mut app = spawn_with_mail().await;
    app.register("host@example.com").await;
    let res = app
        .client
        .post("/auth/forgot-password")
        .header(Header::new("Host", "evil.example"))
        .header(Header::new("X-Forwarded-Host", "evil.example"))
        .json(&json!({ "email": "host@example.com" }))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Accepted);
    drop(res);
    let link = app.next_mail().await.reset_link();
    assert!(
        link.starts_with("http://localhost:8000/reset-password?token="),
        "{link}"
    );
    assert!(!link.contains("evil"));
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_expire() {
    let mut app = spawn_with_mail().await;
    app.register("late@example.com").await;
    forgot(&app, "late@example.com").await;
    let token = app.next_mail().await.reset_token();
    app.state().clock.advance(30 * 60 + 1);
    assert_eq!(
        reset(&app, &token, NEW_PASSWORD).await.status,
        Status::BadRequest
    );
    assert_eq!(
        app.login("late@example.com", PASSWORD).await.status,
        Status::Ok
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_newer_token_supersedes_the_older_one() {
    let mut app = spawn_with_mail().await;
    app.register("twice@example.com").await;
    forgot(&app, "twice@example.com").await;
    let first = app.next_mail().await.reset_token();
    forgot(&app, "twice@example.com").await;
    let second = app.next_mail().await.reset_token();
    assert_ne!(first, second);
    assert_eq!(
        reset(&app, &first, NEW_PASSWORD).await.status,
        Status::BadRequest
    );
    assert_eq!(reset(&app, &second, NEW_PASSWORD).await.status, Status::Ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_password_leaves_the_token_usable() {
    let mut app = spawn_with_mail().await;
    app.register("weak@example.com").await;
    forgot(&app, "weak@example.com").await;
    let token = app.next_mail().await.reset_token();
    let weak = reset(&app, &token, "password").await;
    assert_eq!(weak.status, Status::UnprocessableEntity);
    assert!(weak.detail().contains("too common"));
    assert_eq!(reset(&app, &token, NEW_PASSWORD).await.status, Status::Ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_logged_in_change_voids_reset_tokens_and_sends_a_notice() {
    let mut app = spawn_with_mail().await;
    let (access, _) = app.signed_in("both@example.com").await;
    forgot(&app, "both@example.com").await;
    let token = app.next_mail().await.reset_token();
    let changed = app
        .post_json_auth(
            "/auth/change-password",
            &access,
            json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(changed.status, Status::Ok);
    assert_eq!(
        app.next_mail().await.subject,
        "Your Gatehouse password was changed"
    );
    let user = app.user("both@example.com").await.expect("user");
    let left = password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(user.id))
        .all(&app.state().db)
        .await
        .expect("rows");
    assert!(left.is_empty());
    assert_eq!(
        reset(&app, &token, "yet-another-pass-1").await.status,
        Status::BadRequest
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_are_rate_limited_per_address_known_or_not() {
    let app = spawn_with_mail().await;
    app.register("limit@example.com").await;
    for email in ["limit@example.com", "ghost@example.com"] {
        for _ in 0..3 {
            assert_eq!(forgot(&app, email).await.status, Status::Accepted);
        }
        let limited = forgot(&app, email).await;
        assert_eq!(limited.status, Status::TooManyRequests, "{email}");
        let retry: i64 = limited
            .header("Retry-After")
            .expect("Retry-After")
            .parse()
            .expect("seconds");
        assert!((3590..=3600).contains(&retry), "{retry}");
        assert!(limited.detail().contains("Too many requests"));
    }
    // The window slides: an hour later the address may ask again.
    app.state().clock.advance(3601);
    assert_eq!(
        forgot(&app, "limit@example.com").await.status,
        Status::Accepted
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_are_rate_limited_per_client() {
    let app = spawn_with(Options {
        settings: vec![("gatehouse.forgot_password_limit_per_ip", "5".into())],
        ..Options::default()
    })
    .await;
    for i in 0..5 {
        let reply = forgot(&app, &format!("user{i}@example.com")).await;
        assert_eq!(reply.status, Status::Accepted);
    }
    let limited = forgot(&app, "user9@example.com").await;
    assert_eq!(limited.status, Status::TooManyRequests);
    assert!(limited.header("Retry-After").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_smtp_server_does_not_slow_or_fail_the_route() {
    // Without `mail: true` the app points at a port where nothing listens.
    let app = spawn_with(Options::default()).await;
    app.register("down@example.com").await;
    let started = Instant::now();
    let reply = forgot(&app, "down@example.com").await;
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
async fn forgot_password_validates_its_input() {
    let app = spawn_with(Options::default()).await;
    let bad = forgot(&app, "not-an-email").await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    let missing = app.post_json("/auth/forgot-password", json!({})).await;
    assert_eq!(missing.status, Status::UnprocessableEntity);
    let no_token = reset(&app, "", NEW_PASSWORD).await;
    assert_eq!(
        no_token.status,
        Status::Unauthorized,
        "an empty token falls back to the bearer form"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mail_that_fails_is_retried_until_the_server_is_back() {
    let port = crate::helpers::free_port();
    let app = spawn_with(Options {
        settings: vec![
            ("gatehouse.smtp_host", "127.0.0.1".into()),
            ("gatehouse.smtp_port", port.to_string()),
        ],
        ..Options::default()
    })
    .await;
    app.register("retry@example.com").await;
    assert_eq!(
        forgot(&app, "retry@example.com").await.status,
        Status::Accepted
    );
    // The first attempt meets a closed port; the server comes up before the retry (2 s later).
    tokio::time::sleep(Duration::from_millis(700)).await;
    let mut server = mailcrab::development_mail_server([127, 0, 0, 1], port).await;
    let mail = tokio::time::timeout(Duration::from_secs(15), server.rx.recv())
        .await
        .expect("the retried mail arrives")
        .expect("mail");
    let subject = serde_json::to_value(&mail).expect("json")["subject"].clone();
    assert_eq!(subject, "Reset your Gatehouse password");
    server.token.cancel();
}
