//! Every JSON route with every payload in every field, path segment, query parameter and
//! `User-Agent`, anonymous and with a live bearer token: no answer is a 5xx, each carries the
//! security headers, each body is JSON (never a document a browser would render), and none
//! repeats a payload back. The routes that serve documents (docs, static files) carry the
//! headers too.

use rocket::http::{ContentType, Header, Method};
use serde_json::{json, Value};

use super::{long_payload, missing_headers, PAYLOADS};
use crate::helpers::{form_encode, spawn, Reply, TestApp};

/// One request: method, path, body (JSON unless `form`), and whether it goes with the token.
struct Call {
    method: Method,
    path: String,
    body: Option<String>,
    form: bool,
}

fn json_call(method: Method, path: &str, body: &Value) -> Call {
    Call {
        method,
        path: path.to_owned(),
        body: Some(body.to_string()),
        form: false,
    }
}

fn bare(method: Method, path: String) -> Call {
    Call {
        method,
        path,
        body: None,
        form: false,
    }
}

/// Every API route, with `p` wherever a client chooses text.
fn calls(p: &str) -> Vec<Call> {
    let e = form_encode(&[("v", p)])[2..].to_owned();
    vec![
        json_call(
            Method::Post,
            "/auth/register",
            &json!({ "email": p, "password": p, "username": p }),
        ),
        json_call(
            Method::Post,
            "/auth/register",
            &json!({ "email": "battery@example.com", "password": "violet-harbor-71", "username": p }),
        ),
        json_call(
            Method::Post,
            "/auth/login",
            &json!({ "email": p, "password": p }),
        ),
        json_call(
            Method::Post,
            "/auth/login",
            &json!({ "username": p, "password": p }),
        ),
        Call {
            method: Method::Post,
            path: "/auth/login".to_owned(),
            body: Some(form_encode(&[("username", p), ("password", p)])),
            form: true,
        },
        json_call(
            Method::Post,
            "/auth/refresh",
            &json!({ "refresh_token": p }),
        ),
        json_call(Method::Post, "/auth/logout", &json!({ "refresh_token": p })),
        json_call(
            Method::Post,
            "/auth/forgot-password",
            &json!({ "email": p }),
        ),
        json_call(
            Method::Post,
            "/auth/change-password",
            &json!({ "token": p, "new_password": p }),
        ),
        json_call(
            Method::Post,
            "/auth/change-password",
            &json!({ "current_password": p, "new_password": p }),
        ),
        json_call(Method::Post, "/auth/verify-email", &json!({ "token": p })),
        json_call(Method::Post, "/auth/resend-verification", &json!({})),
        json_call(
            Method::Post,
            "/auth/change-email",
            &json!({ "password": p, "new_email": p }),
        ),
        json_call(Method::Delete, "/users/me", &json!({ "password": p })),
        bare(Method::Get, "/users/me".to_owned()),
        bare(
            Method::Get,
            format!("/users/me/activity?limit={e}&before={e}"),
        ),
        bare(Method::Get, "/auth/sessions".to_owned()),
        bare(Method::Delete, format!("/auth/sessions/{e}")),
        bare(Method::Get, format!("/auth/{e}")),
        bare(Method::Get, format!("/health?{e}")),
    ]
}

async fn send(app: &TestApp, call: &Call, agent: &str, token: Option<&str>) -> Reply {
    let mut request = app
        .client
        .req(call.method, call.path.clone())
        .header(Header::new("User-Agent", agent.to_owned()))
        .header(Header::new("Accept", "application/json"));
    if let Some(token) = token {
        request = request.header(Header::new("Authorization", format!("Bearer {token}")));
    }
    if let Some(body) = &call.body {
        let kind = if call.form {
            ContentType::Form
        } else {
            ContentType::JSON
        };
        request = request.header(kind).body(body.clone());
    }
    Reply::from(request.dispatch().await).await
}

fn check(what: &str, reply: &Reply, payload: &str) {
    assert!(
        reply.status.code < 500,
        "{what}: {} {}",
        reply.status,
        reply.body
    );
    let missing = missing_headers(&reply.headers);
    assert!(missing.is_empty(), "{what}: missing {missing:?}");
    if reply.body != Value::String(String::new()) {
        assert!(
            reply
                .header("Content-Type")
                .is_some_and(|ct| ct.starts_with("application/json")),
            "{what}: {:?} {}",
            reply.header("Content-Type"),
            reply.body
        );
    }
    let text = reply.body.to_string();
    assert!(
        !text.contains("data-gh-xss") && !text.contains("gh-tpl"),
        "{what}: the payload {payload:?} came back in {text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_api_route_breaks_or_repeats_a_payload() {
    let app = spawn().await;
    let (access, _) = app.signed_in("api-battery@example.com").await;
    let mut payloads: Vec<String> = PAYLOADS.iter().map(|p| (*p).to_owned()).collect();
    payloads.push(long_payload());
    for p in &payloads {
        for call in calls(p) {
            // Logging out with the bearer token would end the session the rest depends on.
            let own = (call.path != "/auth/logout").then_some(access.as_str());
            for token in [None, own, Some(p.as_str())] {
                let what = format!("{} {} (token: {})", call.method, call.path, token.is_some());
                check(&what, &send(&app, &call, p, token).await, p);
            }
        }
    }
    // The account is still there and still answers: no payload did anything to it.
    assert_eq!(app.me(&access).await.status.code, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn documents_and_static_files_carry_the_security_headers() {
    let app = spawn().await;
    for path in [
        "/docs/",
        "/redoc",
        "/openapi.json",
        "/static/style.css",
        "/favicon.ico",
        "/static/no-such-file.css",
    ] {
        let reply = app.get(path).await;
        assert!(reply.status.code < 500, "{path}: {}", reply.status);
        let missing = missing_headers(&reply.headers);
        assert!(missing.is_empty(), "{path}: missing {missing:?}");
    }
}
