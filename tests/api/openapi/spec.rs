//! The document against the server: bodies, errors, summaries, limits.

use rocket::http::{ContentType, Status};
use serde_json::json;

use super::{operations, schema, spec, statuses};
use crate::helpers::{spawn, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn refresh_and_logout_bodies_are_optional_and_their_errors_documented() {
    let app = spawn().await;
    let spec = spec(&app).await;
    for path in ["/auth/refresh", "/auth/logout"] {
        let op = &spec["paths"][path]["post"];
        assert_eq!(op["requestBody"]["required"], json!(false), "{path}: {op}");
        let documented = statuses(op);
        for status in ["413", "415", "422", "503"] {
            assert!(
                documented.iter().any(|s| s == status),
                "{path} documents {status}"
            );
        }

        // What the document says is what the server does.
        let empty = app.post_raw(path, ContentType::JSON, "").await;
        assert!(
            [Status::Ok, Status::Unauthorized].contains(&empty.status),
            "{path}: an empty body is accepted ({})",
            empty.body
        );
        let unlabelled = app.client.post(path).dispatch().await;
        assert!(
            [Status::Ok, Status::Unauthorized].contains(&unlabelled.status()),
            "{path}: no body and no Content-Type"
        );
        for malformed in [
            "{",
            "\n",
            "[]",
            "[null]",
            "\"token\"",
            "{\"refresh_token\": 5}",
        ] {
            let reply = app.post_raw(path, ContentType::JSON, malformed).await;
            assert_eq!(
                reply.status,
                Status::UnprocessableEntity,
                "{path} {malformed:?}: {}",
                reply.body
            );
        }
        let text = app
            .post_raw(path, ContentType::Text, "{\"refresh_token\": \"x\"}")
            .await;
        assert_eq!(text.status, Status::UnsupportedMediaType, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_documents_the_errors_the_server_can_give() {
    let app = spawn().await;
    let spec = spec(&app).await;
    for (method, path, op) in operations(&spec) {
        let documented = statuses(&op);
        let has = |status: &str| documented.iter().any(|s| s == status);
        assert!(has("503"), "{method} {path}: 503 (database unavailable)");
        let json_body = op["requestBody"]["content"]["application/json"].is_object();
        if json_body {
            for status in ["413", "415", "422"] {
                assert!(has(status), "{method} {path}: {status}");
            }
        }
        // Operations that require a token (no anonymous `{}` alternative) can refuse it.
        let alternatives = op["security"].as_array().cloned().unwrap_or_default();
        let anonymous = alternatives
            .iter()
            .any(|a| a.as_object().is_some_and(serde_json::Map::is_empty));
        if !alternatives.is_empty() && !anonymous {
            assert!(has("401"), "{method} {path}: 401");
        }
        if documented.iter().any(|s| s == "429") {
            let retry = &op["responses"]["429"]["headers"]["Retry-After"];
            assert!(retry.is_object(), "{method} {path}: 429 names Retry-After");
        }
    }
    let unavailable = &spec["components"]["responses"]["Unavailable"];
    assert!(unavailable["headers"]["Retry-After"].is_object());
    for path in ["/auth/register", "/auth/login", "/auth/forgot-password"] {
        assert!(
            spec["paths"][path]["post"]["responses"]["429"].is_object(),
            "{path} is rate-limited"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn summaries_are_plain_text() {
    let app = spawn().await;
    let spec = spec(&app).await;
    for (method, path, op) in operations(&spec) {
        let summary = op["summary"].as_str().unwrap_or_default();
        assert!(!summary.is_empty(), "{method} {path} has a summary");
        assert!(!summary.contains('`'), "{method} {path}: {summary}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn string_limits_are_the_servers() {
    let app = spawn().await;
    let spec = spec(&app).await;
    let register = &schema(&spec, "RegisterRequest")["properties"];
    assert_eq!(register["email"]["maxLength"], 254);
    assert_eq!(register["password"]["minLength"], 8);
    assert_eq!(register["password"]["maxLength"], 256);
    assert_eq!(register["username"]["minLength"], 3);
    assert_eq!(register["username"]["maxLength"], 32);
    assert_eq!(
        schema(&spec, "ForgotPasswordRequest")["properties"]["email"]["maxLength"],
        254
    );
    let token = &schema(&spec, "VerifyEmailRequest")["properties"]["token"];
    assert_eq!(
        (&token["minLength"], &token["maxLength"]),
        (&json!(43), &json!(43))
    );
    let change = spec["components"]["schemas"]["ChangePasswordRequest"].to_string();
    assert!(change.contains("\"minLength\":43"), "{change}");

    // The boundaries, as the server draws them: characters, not bytes.
    let register = |email: &str, password: String, username: Option<String>| {
        let body = json!({ "email": email, "password": password, "username": username });
        let app = &app;
        async move { app.post_json("/auth/register", body).await.status }
    };
    let longest = "é".repeat(256);
    assert_eq!(
        register("a@example.com", longest, None).await,
        Status::Created
    );
    let too_long = "é".repeat(257);
    assert_eq!(
        register("b@example.com", too_long, None).await,
        Status::UnprocessableEntity
    );
    assert_eq!(
        register("c@example.com", "é".repeat(7), None).await,
        Status::UnprocessableEntity
    );
    let name = |n: usize| Some("u".repeat(n));
    assert_eq!(
        register("d@example.com", PASSWORD.into(), name(32)).await,
        Status::Created
    );
    for (email, username) in [
        ("e@example.com", name(33)),
        ("f@example.com", name(2)),
        ("g@example.com", Some(String::new())),
        ("h@example.com", Some("   ".into())),
    ] {
        assert_eq!(
            register(email, PASSWORD.into(), username.clone()).await,
            Status::UnprocessableEntity,
            "{username:?}"
        );
    }
    let email = |label: usize| {
        let (b, c, d) = ("b".repeat(63), "c".repeat(63), "d".repeat(label));
        format!("{}@{b}.{c}.{d}.example.com", "a".repeat(64))
    };
    assert_eq!(email(49).len(), 254);
    assert_eq!(
        register(&email(49), PASSWORD.into(), None).await,
        Status::Created
    );
    assert_eq!(
        register(&email(50), PASSWORD.into(), None).await,
        Status::UnprocessableEntity
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_are_json_objects() {
    let app = spawn().await;
    let as_array = app
        .post_raw(
            "/auth/register",
            ContentType::JSON,
            format!("[\"array@example.com\", \"{PASSWORD}\"]"),
        )
        .await;
    assert_eq!(as_array.status, Status::UnprocessableEntity);
    assert!(
        as_array.detail().contains("expected a map"),
        "{}",
        as_array.body
    );
    let login = app
        .post_raw(
            "/auth/login",
            ContentType::JSON,
            format!("[\"array@example.com\", null, \"{PASSWORD}\"]"),
        )
        .await;
    assert_eq!(login.status, Status::UnprocessableEntity);
}
