//! UNVERIFIED_ACCOUNT_DAYS: an address nobody confirmed is not held, or reminded, forever.

use rocket::http::Status;
use serde_json::json;

use crate::helpers::{spawn, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn an_unconfirmed_account_expires_and_its_address_and_name_can_register_again() {
    let app = spawn().await;
    let body = json!({ "email": "typo@example.com", "username": "typo", "password": PASSWORD });
    let first = app.post_json("/auth/register", body.clone()).await;
    assert_eq!(first.status, Status::Created, "{}", first.body);
    app.state().clock.advance(6 * 24 * 3600);
    let early = app.post_json("/auth/register", body.clone()).await;
    assert_eq!(early.status, Status::Conflict, "still held on day 6");

    app.state().clock.advance(2 * 24 * 3600);
    let again = app.post_json("/auth/register", body).await;
    assert_eq!(again.status, Status::Created, "day 8: {}", again.body);
    let old = app.login("typo@example.com", PASSWORD).await;
    assert_eq!(old.status, Status::Ok, "the new one logs in");
}

#[tokio::test(flavor = "multi_thread")]
async fn housekeeping_removes_expired_unconfirmed_accounts_and_keeps_confirmed_ones() {
    let app = spawn().await;
    app.register("stale@example.com").await;
    app.register("kept@example.com").await;
    let kept = app.user("kept@example.com").await.expect("user");
    {
        use sea_orm::{ActiveModelTrait, Set};
        let mut active: gatehouse::entities::user::ActiveModel = kept.into();
        active.email_verified_at = Set(Some(app.state().clock.now()));
        active.update(&app.state().writer).await.expect("verified");
    }
    app.state().clock.advance(8 * 24 * 3600);
    gatehouse::services::housekeeping::run_once(app.state())
        .await
        .expect("housekeeping");
    assert!(app.user("stale@example.com").await.is_none(), "removed");
    assert!(
        app.user("kept@example.com").await.is_some(),
        "confirmed: kept"
    );
}
