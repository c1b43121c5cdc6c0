//! Token confusion: everything that is not a live access token of a live session is a 401.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rocket::http::Status;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::helpers::{spawn, spawn_with_settings, SECRET};

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("json")
}

fn sign(alg: Algorithm, claims: &Value, key: &[u8]) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(key)).expect("sign")
}

#[tokio::test(flavor = "multi_thread")]
async fn access_token_has_the_documented_claims() {
    let app = spawn().await;
    let (access, refresh) = app.signed_in("claims@example.com").await;
    let user = app.user("claims@example.com").await.expect("user");
    let a = claims_of(&access);
    let r = claims_of(&refresh);
    assert_eq!(a["sub"], user.id.to_string());
    assert_eq!(a["typ"], "access");
    assert_eq!(r["typ"], "refresh");
    assert_eq!(a["sid"], r["sid"]);
    assert_eq!(a["iss"], "http://localhost:8000");
    assert_eq!(
        a["exp"].as_i64().expect("exp") - a["iat"].as_i64().expect("iat"),
        900
    );
    assert_ne!(a["jti"], r["jti"]);
    let me = app.me(&access).await;
    assert_eq!(me.status, Status::Ok);
    assert_eq!(me.body["email"], "claims@example.com");
    assert_eq!(me.body["id"], user.id);
    assert!(me.body["username"].is_null());
    assert!(me.body["created_at"]
        .as_str()
        .is_some_and(|s| s.contains('T')));
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_confused_expired_and_orphaned_tokens_are_401() {
    let app = spawn().await;
    let (access, refresh) = app.signed_in("forge@example.com").await;
    let claims = claims_of(&access);
    let key = gatehouse::auth::keys::derive_key(SECRET, "jwt");

    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = access.split('.').nth(1).expect("payload");
    let alg_none = format!("{header_none}.{body}.");
    let other_alg = sign(Algorithm::HS512, &claims, &key);
    let wrong_key = sign(
        Algorithm::HS256,
        &claims,
        b"some-other-key-some-other-key-123",
    );
    let mut bad_sig = access.clone();
    bad_sig.replace_range(bad_sig.len() - 4.., "AAAA");
    let mut admin = claims.clone();
    admin["sub"] = json!("999");
    let tampered = format!(
        "{}.{}.{}",
        access.split('.').next().expect("header"),
        URL_SAFE_NO_PAD.encode(admin.to_string()),
        access.split('.').nth(2).expect("sig")
    );
    let mut wrong_issuer = claims.clone();
    wrong_issuer["iss"] = json!("https://elsewhere.example");
    let wrong_issuer = sign(Algorithm::HS256, &wrong_issuer, &key);

    for (name, token) in [
        ("alg none", alg_none.as_str()),
        ("other algorithm", other_alg.as_str()),
        ("wrong key", wrong_key.as_str()),
        ("bad signature", bad_sig.as_str()),
        ("tampered sub", tampered.as_str()),
        ("wrong issuer", wrong_issuer.as_str()),
        ("refresh as access", refresh.as_str()),
        ("garbage", "not-a-jwt"),
    ] {
        let reply = app.me(token).await;
        assert_eq!(reply.status, Status::Unauthorized, "{name}");
        assert_eq!(reply.header("WWW-Authenticate"), Some("Bearer"), "{name}");
        assert!(reply.body["detail"].is_string(), "{name}");
    }

    // Access token where a refresh token belongs.
    let access_as_refresh = app.refresh(&access).await;
    assert_eq!(access_as_refresh.status, Status::Unauthorized);

    let no_header = app.get("/users/me").await;
    assert_eq!(no_header.status, Status::Unauthorized);
    assert_eq!(no_header.detail(), "Not authenticated");
    assert_eq!(no_header.header("WWW-Authenticate"), Some("Bearer"));

    // Expiry follows the server clock.
    app.state().clock.advance(901);
    let expired = app.me(&access).await;
    assert_eq!(expired.status, Status::Unauthorized);
    assert_eq!(expired.detail(), "Token expired");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_users_tokens_are_refused() {
    let app = spawn().await;
    let (access, refresh) = app.signed_in("gone@example.com").await;
    let user = app.user("gone@example.com").await.expect("user");
    gatehouse::entities::user::Entity::delete_by_id(user.id)
        .exec(&app.state().writer)
        .await
        .expect("delete");
    assert!(
        app.sessions_of(user.id).await.is_empty(),
        "sessions cascade"
    );
    assert_eq!(app.me(&access).await.status, Status::Unauthorized);
    let refreshed = app.refresh(&refresh).await;
    assert_eq!(refreshed.status, Status::Unauthorized);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_deployments_tokens_are_refused() {
    let app = spawn().await;
    let (access, _) = app.signed_in("iso@example.com").await;
    let other = spawn_with_settings(&[(
        "gatehouse.secret_key",
        "another-secret-0123456789abcdef0123456789",
    )])
    .await;
    assert_eq!(other.me(&access).await.status, Status::Unauthorized);
}
