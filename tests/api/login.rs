use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::helpers::{spawn, spawn_with_settings, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn login_returns_tokens_and_a_strict_httponly_refresh_cookie() {
    let app = spawn().await;
    app.register("jane@example.com").await;
    let reply = app.login("jane@example.com", PASSWORD).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.body["token_type"], "bearer");
    assert_eq!(reply.body["expires_in"], 900);
    assert_eq!(reply.header("Cache-Control"), Some("no-store"));

    let refresh = reply.str("refresh_token");
    let cookie = reply.cookie("refresh_token").expect("refresh cookie");
    assert!(
        cookie.starts_with(&format!("refresh_token={refresh};")),
        "{cookie}"
    );
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/auth",
        "Max-Age=604800",
    ] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }

    // Stored only as a hash.
    let user = app.user("jane@example.com").await.expect("user");
    let sessions = app.sessions_of(user.id).await;
    assert_eq!(sessions.len(), 1);
    assert_ne!(sessions[0].token_hash, refresh);
    assert_eq!(
        sessions[0].token_hash,
        gatehouse::auth::tokens::hash_token(&refresh)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cookie_secure_false_drops_the_secure_flag() {
    let app = spawn_with_settings(&[("gatehouse.cookie_secure", "false")]).await;
    app.register("plain@example.com").await;
    let reply = app.login("plain@example.com", PASSWORD).await;
    let cookie = reply.cookie("refresh_token").expect("cookie");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test(flavor = "multi_thread")]
async fn login_accepts_username_in_either_field_and_the_oauth2_form() {
    let app = spawn().await;
    let body = json!({ "email": "kim@example.com", "password": PASSWORD, "username": "Kim" });
    assert_eq!(
        app.post_json("/auth/register", body).await.status,
        Status::Created
    );

    let by_username = app
        .post_json(
            "/auth/login",
            json!({ "username": "kim", "password": PASSWORD }),
        )
        .await;
    assert_eq!(by_username.status, Status::Ok);
    let email_in_username = app
        .post_json(
            "/auth/login",
            json!({ "username": "KIM@example.com", "password": PASSWORD }),
        )
        .await;
    assert_eq!(email_in_username.status, Status::Ok);
    let username_in_email = app
        .post_json(
            "/auth/login",
            json!({ "email": "Kim", "password": PASSWORD }),
        )
        .await;
    assert_eq!(username_in_email.status, Status::Ok);

    let empty_email = app
        .post_json(
            "/auth/login",
            json!({ "email": "", "username": "kim", "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        empty_email.status,
        Status::Ok,
        "an empty email falls back to the username"
    );

    let form = app
        .post_raw(
            "/auth/login",
            ContentType::Form,
            format!("grant_type=password&username=kim%40example.com&password={PASSWORD}&scope="),
        )
        .await;
    assert_eq!(form.status, Status::Ok, "{}", form.body);
    assert!(form.body["access_token"].is_string());
    assert!(form.cookie("refresh_token").is_some());

    let form_missing = app
        .post_raw("/auth/login", ContentType::Form, "username=kim")
        .await;
    assert_eq!(form_missing.status, Status::UnprocessableEntity);
    assert!(
        form_missing.detail().contains("password"),
        "{}",
        form_missing.detail()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_user_and_wrong_password_are_the_same_401() {
    let app = spawn().await;
    app.register("lee@example.com").await;
    let wrong = app.login("lee@example.com", "not-the-password").await;
    let unknown = app.login("nobody@example.com", PASSWORD).await;
    let unknown_name = app.login("nobody", PASSWORD).await;
    for reply in [&wrong, &unknown, &unknown_name] {
        assert_eq!(reply.status, Status::Unauthorized);
        assert_eq!(reply.body, json!({ "detail": "Invalid credentials" }));
        assert_eq!(reply.header("WWW-Authenticate"), Some("Bearer"));
        assert!(reply.cookie("refresh_token").is_none());
    }
    let user = app.user("lee@example.com").await.expect("user");
    assert!(app.sessions_of(user.id).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn login_without_identifier_or_password_is_422() {
    let app = spawn().await;
    let no_id = app
        .post_json("/auth/login", json!({ "password": PASSWORD }))
        .await;
    assert_eq!(no_id.status, Status::UnprocessableEntity);
    assert_eq!(no_id.detail(), "email or username is required");
    let no_password = app
        .post_json("/auth/login", json!({ "email": "a@example.com" }))
        .await;
    assert_eq!(no_password.status, Status::UnprocessableEntity);
}
