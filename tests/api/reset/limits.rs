//! What forgot-password refuses: too many requests per address or per client, bad input.

use rocket::http::Status;
use serde_json::json;

use super::NEW_PASSWORD;
use crate::helpers::{spawn, spawn_with_mail, spawn_with_settings};

#[tokio::test(flavor = "multi_thread")]
async fn requests_are_rate_limited_per_address_known_or_not() {
    let app = spawn_with_mail().await;
    app.register("limit@example.com").await;
    for email in ["limit@example.com", "ghost@example.com"] {
        for _ in 0..3 {
            assert_eq!(app.forgot_password(email).await.status, Status::Accepted);
        }
        let limited = app.forgot_password(email).await;
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
        app.forgot_password("limit@example.com").await.status,
        Status::Accepted
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_are_rate_limited_per_client() {
    let app = spawn_with_settings(&[("gatehouse.forgot_password_limit_per_ip", "5")]).await;
    for i in 0..5 {
        let reply = app.forgot_password(&format!("user{i}@example.com")).await;
        assert_eq!(reply.status, Status::Accepted);
    }
    let limited = app.forgot_password("user9@example.com").await;
    assert_eq!(limited.status, Status::TooManyRequests);
    assert!(limited.header("Retry-After").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn forgot_password_validates_its_input() {
    let app = spawn().await;
    let bad = app.forgot_password("not-an-email").await;
    assert_eq!(bad.status, Status::UnprocessableEntity);
    let missing = app.post_json("/auth/forgot-password", json!({})).await;
    assert_eq!(missing.status, Status::UnprocessableEntity);
    let no_token = app.reset_password("", NEW_PASSWORD).await;
    assert_eq!(
        no_token.status,
        Status::Unauthorized,
        "an empty token falls back to the bearer form"
    );
}
