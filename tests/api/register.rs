use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::helpers::{spawn, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn register_creates_a_user_with_a_normalised_email_and_a_bcrypt_hash() {
    let app = spawn().await;
    let reply = app
        .post_json(
            "/auth/register",
            json!({ "email": "  John.Doe@Example.COM ", "password": PASSWORD, "username": "John_Doe" }),
        )
        .await;
    assert_eq!(reply.status, Status::Created);
    assert_eq!(reply.body, json!({ "msg": "user created" }));

    let user = app.user("john.doe@example.com").await.expect("row");
    assert_eq!(user.email, "John.Doe@example.com");
    assert_eq!(user.username.as_deref(), Some("John_Doe"));
    assert_eq!(user.username_key.as_deref(), Some("john_doe"));
    assert!(
        user.password_hash.starts_with("gh2:$2b$04$"),
        "pre-hashed bcrypt at the configured cost"
    );
    assert!(!user.password_hash.contains(PASSWORD));
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_email_or_username_is_409_regardless_of_case() {
    let app = spawn().await;
    let first = json!({ "email": "ann@example.com", "password": PASSWORD, "username": "ann" });
    assert_eq!(
        app.post_json("/auth/register", first).await.status,
        Status::Created
    );

    let same_email = app
        .post_json(
            "/auth/register",
            json!({ "email": "ANN@example.com", "password": PASSWORD }),
        )
        .await;
    assert_eq!(same_email.status, Status::Conflict);
    assert_eq!(same_email.detail(), "Email already registered");

    let same_name = app
        .post_json(
            "/auth/register",
            json!({ "email": "other@example.com", "password": PASSWORD, "username": "ANN" }),
        )
        .await;
    assert_eq!(same_name.status, Status::Conflict);
    assert_eq!(same_name.detail(), "Username already taken");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_is_422_with_a_readable_detail_and_nothing_stored() {
    let app = spawn().await;
    let long = "a".repeat(257);
    let cases = [
        (
            json!({ "email": "not-an-email", "password": PASSWORD }),
            "not a valid email",
        ),
        (
            json!({ "email": "a@example.com", "password": "short" }),
            "at least 8 characters",
        ),
        (
            json!({ "email": "a@example.com", "password": long }),
            "at most 256 characters",
        ),
        // Characters are counted, not bytes: 257 two-byte characters are refused as characters.
        (
            json!({ "email": "a@example.com", "password": "é".repeat(257) }),
            "at most 256 characters",
        ),
        (
            json!({ "email": "a@example.com", "password": "" }),
            "enter a password",
        ),
        (
            json!({ "email": "a@example.com", "password": "password123" }),
            "too common",
        ),
        (
            json!({ "email": "a@example.com", "password": "Qwertyuiop" }),
            "too common",
        ),
        (
            json!({ "email": "longer.name@example.com", "password": "Longer.Name@example.com" }),
            "same as the email",
        ),
        (
            json!({ "email": "a@example.com", "password": PASSWORD, "username": "ab" }),
            "3 to 32",
        ),
        (
            json!({ "email": "a@example.com", "password": PASSWORD, "username": "bad name!" }),
            "may only contain",
        ),
        (
            json!({ "email": "a@example.com" }),
            "missing field `password`",
        ),
        (json!({ "email": 42, "password": PASSWORD }), "invalid type"),
        (json!([1, 2, 3]), "Invalid request body"),
    ];
    for (body, expected) in cases {
        let reply = app.post_json("/auth/register", body.clone()).await;
        assert_eq!(
            reply.status,
            Status::UnprocessableEntity,
            "{body}: {}",
            reply.body
        );
        assert!(
            reply.detail().contains(expected),
            "{body}: {}",
            reply.detail()
        );
    }
    assert!(app.user("a@example.com").await.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_empty_and_oversized_bodies_get_clear_errors() {
    let app = spawn().await;
    let broken = app
        .post_raw("/auth/register", ContentType::JSON, "{\"email\": ")
        .await;
    assert_eq!(broken.status, Status::UnprocessableEntity);
    assert_eq!(broken.detail(), "Request body is not valid JSON");

    let empty = app.post_raw("/auth/register", ContentType::JSON, "").await;
    assert_eq!(empty.status, Status::UnprocessableEntity);
    assert_eq!(empty.detail(), "Request body is required (JSON)");

    let huge = format!(
        "{{\"email\":\"a@example.com\",\"password\":\"{}\"}}",
        "x".repeat(17 * 1024)
    );
    let too_large = app
        .post_raw("/auth/register", ContentType::JSON, huge)
        .await;
    assert_eq!(too_large.status, Status::PayloadTooLarge);
    assert_eq!(too_large.detail(), "Request body is too large");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_passphrase_is_accepted_and_must_match_in_full() {
    let app = spawn().await;
    // 200 characters, 400 bytes: far past bcrypt's 72-byte input, and every byte counts.
    let password = format!("{}{}", "ж".repeat(198), "9z");
    let reply = app
        .post_json(
            "/auth/register",
            json!({ "email": "max@example.com", "password": password }),
        )
        .await;
    assert_eq!(reply.status, Status::Created, "{}", reply.body);
    assert_eq!(
        app.login("max@example.com", &password).await.status,
        Status::Ok
    );
    let extended = format!("{password}-more");
    assert_eq!(
        app.login("max@example.com", &extended).await.status,
        Status::Unauthorized
    );
}
