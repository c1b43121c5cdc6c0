//! The account centre's API: the signed-in user's sessions (`/auth/sessions`) and security
//! activity (`/users/me/activity`).
//!
//! - `sessions`: listing live sessions, ending one, ending all the others, who may end what.
//! - `activity`: the event list, its order and fields, pagination, bad parameters.

mod activity;
mod sessions;

use rocket::http::{Header, Status};
use serde_json::{json, Value};

use crate::helpers::{Reply, TestApp, PASSWORD};

const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                              (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

fn bearer(token: &str) -> Header<'static> {
    Header::new("Authorization", format!("Bearer {token}"))
}

/// `POST /auth/login` (JSON) sending `user_agent`; not asserted.
async fn login_from(app: &TestApp, email: &str, password: &str, user_agent: &str) -> Reply {
    let request = app
        .client
        .post("/auth/login")
        .header(Header::new("User-Agent", user_agent.to_owned()))
        .json(&json!({ "email": email, "password": password }));
    Reply::from(request.dispatch().await).await
}

/// Logs in with [`PASSWORD`] from `user_agent`, asserted; returns (access, refresh).
async fn session_from(app: &TestApp, email: &str, user_agent: &str) -> (String, String) {
    let reply = login_from(app, email, PASSWORD, user_agent).await;
    assert_eq!(reply.status, Status::Ok, "login: {}", reply.body);
    reply.tokens()
}

/// A DELETE, with a bearer token when one is given.
async fn delete(app: &TestApp, path: &str, token: Option<&str>) -> Reply {
    let mut request = app.client.delete(path.to_owned());
    if let Some(token) = token {
        request = request.header(bearer(token));
    }
    Reply::from(request.dispatch().await).await
}

/// `GET /auth/sessions`, asserted to be 200; returns the array.
async fn sessions_seen_by(app: &TestApp, access: &str) -> Vec<Value> {
    let reply = app.get_auth("/auth/sessions", access).await;
    assert_eq!(reply.status, Status::Ok, "sessions: {}", reply.body);
    reply.body.as_array().expect("an array of sessions").clone()
}

/// The id of the session an access token belongs to, as the list shows it.
async fn current_session_id(app: &TestApp, access: &str) -> String {
    let sessions = sessions_seen_by(app, access).await;
    let current: Vec<&Value> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(
        current.len(),
        1,
        "exactly one current session: {sessions:?}"
    );
    current[0]["id"].as_str().expect("id").to_owned()
}

/// A 401 that asks for a bearer token.
fn assert_unauthorized(reply: &Reply, what: &str) {
    assert_eq!(reply.status, Status::Unauthorized, "{what}: {}", reply.body);
    assert!(
        reply
            .header("WWW-Authenticate")
            .is_some_and(|v| v.starts_with("Bearer")),
        "{what}: WWW-Authenticate: {:?}",
        reply.header("WWW-Authenticate")
    );
}

/// An RFC 3339 UTC time as the API writes it; returns Unix seconds.
fn rfc3339(value: &Value) -> i64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("a time string: {value}"));
    assert!(text.ends_with('Z'), "UTC: {text}");
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("RFC 3339 {text}: {e}"))
        .timestamp()
}
