use rocket::http::Status;
use serde_json::json;

use crate::helpers::{spawn, PASSWORD};

const NEW_PASSWORD: &str = "amber-lantern-204";

#[tokio::test(flavor = "multi_thread")]
async fn change_password_keeps_this_session_and_ends_the_others() {
    let app = spawn().await;
    let (access, refresh) = app.signed_in("chg@example.com").await;
    let other_access = app
        .login("chg@example.com", PASSWORD)
        .await
        .str("access_token");
    let before = app.user("chg@example.com").await.expect("user");

    let reply = app.change_password(&access, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(
        reply.body,
        json!({ "msg": "Password changed successfully" })
    );

    let after = app.user("chg@example.com").await.expect("user");
    assert_ne!(before.password_hash, after.password_hash);
    assert_eq!(app.me(&access).await.status, Status::Ok);
    assert_eq!(app.me(&other_access).await.status, Status::Unauthorized);
    let rotated = app.refresh(&refresh).await;
    assert_eq!(rotated.status, Status::Ok);

    assert_eq!(
        app.login("chg@example.com", PASSWORD).await.status,
        Status::Unauthorized
    );
    assert_eq!(
        app.login("chg@example.com", NEW_PASSWORD).await.status,
        Status::Ok
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn change_password_errors() {
    let app = spawn().await;
    let (access, _) = app.signed_in("err@example.com").await;
    let hash = app
        .user("err@example.com")
        .await
        .expect("user")
        .password_hash;

    let wrong = app
        .change_password(&access, "nope-nope-nope", NEW_PASSWORD)
        .await;
    assert_eq!(wrong.status, Status::BadRequest);
    assert_eq!(wrong.detail(), "Current password is incorrect");

    let weak = app.change_password(&access, PASSWORD, "password").await;
    assert_eq!(weak.status, Status::UnprocessableEntity);

    let missing = app
        .post_json_auth(
            "/auth/change-password",
            &access,
            json!({ "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(missing.status, Status::UnprocessableEntity);

    let anonymous = app
        .post_json(
            "/auth/change-password",
            json!({ "current_password": PASSWORD, "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(anonymous.status, Status::Unauthorized);
    assert_eq!(anonymous.header("WWW-Authenticate"), Some("Bearer"));

    let bad_reset = app.reset_password("whatever", NEW_PASSWORD).await;
    assert_eq!(bad_reset.status, Status::BadRequest);
    assert_eq!(bad_reset.detail(), "Invalid or expired reset token");

    assert_eq!(
        app.user("err@example.com")
            .await
            .expect("user")
            .password_hash,
        hash,
        "unchanged"
    );
}
