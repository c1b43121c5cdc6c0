//! A reset token's life: it expires, a newer one supersedes it, a refused password leaves it
//! usable, and a logged-in password change voids it.

use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use gatehouse::entities::password_reset;

use super::NEW_PASSWORD;
use crate::helpers::{spawn_with_mail, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn tokens_expire() {
    let mut app = spawn_with_mail().await;
    app.register("late@example.com").await;
    app.forgot_password("late@example.com").await;
    let token = app.next_mail().await.reset_token();
    app.state().clock.advance(30 * 60 + 1);
    assert_eq!(
        app.reset_password(&token, NEW_PASSWORD).await.status,
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
    app.forgot_password("twice@example.com").await;
    let first = app.next_mail().await.reset_token();
    app.forgot_password("twice@example.com").await;
    let second = app.next_mail().await.reset_token();
    assert_ne!(first, second);
    assert_eq!(
        app.reset_password(&first, NEW_PASSWORD).await.status,
        Status::BadRequest
    );
    assert_eq!(
        app.reset_password(&second, NEW_PASSWORD).await.status,
        Status::Ok
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_password_leaves_the_token_usable() {
    let mut app = spawn_with_mail().await;
    app.register("weak@example.com").await;
    app.forgot_password("weak@example.com").await;
    let token = app.next_mail().await.reset_token();
    let weak = app.reset_password(&token, "password").await;
    assert_eq!(weak.status, Status::UnprocessableEntity);
    assert!(weak.detail().contains("too common"));
    assert_eq!(
        app.reset_password(&token, NEW_PASSWORD).await.status,
        Status::Ok
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_logged_in_change_voids_reset_tokens_and_sends_a_notice() {
    let mut app = spawn_with_mail().await;
    let (access, _) = app.signed_in("both@example.com").await;
    app.forgot_password("both@example.com").await;
    let token = app.next_mail().await.reset_token();
    let changed = app.change_password(&access, PASSWORD, NEW_PASSWORD).await;
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
        app.reset_password(&token, "yet-another-pass-1")
            .await
            .status,
        Status::BadRequest
    );
}
