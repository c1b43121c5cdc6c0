use rocket::http::Status;
use serde_json::{json, Value};

use super::{
    assert_unauthorized, current_session_id, delete, login_from, rfc3339, session_from,
    CHROME_WINDOWS, FIREFOX_LINUX,
};
use crate::helpers::{spawn, Reply, TestApp, PASSWORD};

const NEW_PASSWORD: &str = "copper-kettle-5150";

/// `GET /users/me/activity<query>` with a bearer token; not asserted.
async fn activity(app: &TestApp, access: &str, query: &str) -> Reply {
    app.get_auth(&format!("/users/me/activity{query}"), access)
        .await
}

/// The events of one page, asserted to be 200.
async fn page_of(app: &TestApp, access: &str, query: &str) -> (Vec<Value>, Value) {
    let page = activity(app, access, query).await;
    assert_eq!(page.status, Status::Ok, "activity{query}: {}", page.body);
    let events = page.body["events"].as_array().expect("events").clone();
    (events, page.body["next_cursor"].clone())
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().filter_map(|e| e["kind"].as_str()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn activity_lists_security_events_newest_first() {
    let app = spawn().await;
    let email = "act@example.com";
    app.register(email).await;
    let failed = login_from(&app, email, "wrong-password-1", FIREFOX_LINUX).await;
    assert_eq!(failed.status, Status::Unauthorized, "{}", failed.body);
    let (a, _) = session_from(&app, email, CHROME_WINDOWS).await;
    let (_, b_refresh) = session_from(&app, email, FIREFOX_LINUX).await;
    let out = app
        .post_json("/auth/logout", json!({ "refresh_token": b_refresh }))
        .await;
    assert_eq!(out.status, Status::Ok, "{}", out.body);
    let changed = app.change_password(&a, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(changed.status, Status::Ok, "{}", changed.body);

    let (events, next) = page_of(&app, &a, "").await;
    assert_eq!(next, Value::Null, "one page: {events:?}");
    // Other features may add events of their own (a verification mail...); these five come in
    // this order, newest first.
    let watched = [
        "password_changed",
        "logout",
        "login_succeeded",
        "login_failed",
    ];
    let seen: Vec<&str> = kinds(&events)
        .into_iter()
        .filter(|kind| watched.contains(kind))
        .collect();
    assert_eq!(
        seen,
        [
            "password_changed",
            "logout",
            "login_succeeded",
            "login_succeeded",
            "login_failed"
        ],
        "{events:?}"
    );
    let mut previous = i64::MAX;
    for event in &events {
        for field in ["at", "kind", "ip", "device", "detail"] {
            assert!(event.get(field).is_some(), "{field} in {event}");
        }
        assert!(event["detail"].is_object(), "{event}");
        let at = rfc3339(&event["at"]);
        assert!(at <= previous, "newest first: {events:?}");
        previous = at;
    }
    let of_kind =
        |kind: &str| -> Vec<&Value> { events.iter().filter(|e| e["kind"] == kind).collect() };
    assert_eq!(of_kind("login_failed")[0]["device"], "Firefox on Linux");
    assert_eq!(of_kind("login_failed")[0]["detail"], json!({}));
    let logins: Vec<&Value> = of_kind("login_succeeded")
        .iter()
        .map(|e| &e["device"])
        .collect();
    assert_eq!(
        logins,
        [&json!("Firefox on Linux"), &json!("Chrome on Windows")]
    );

    // Another account sees only its own.
    let (other, _) = app.signed_in("other@example.com").await;
    let (theirs, _) = page_of(&app, &other, "").await;
    assert!(
        !kinds(&theirs)
            .iter()
            .any(|k| watched[..2].contains(k) || *k == "login_failed"),
        "{theirs:?}"
    );
    assert_eq!(
        kinds(&theirs)
            .iter()
            .filter(|k| **k == "login_succeeded")
            .count(),
        1,
        "{theirs:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ended_sessions_are_recorded_with_who_ended_them() {
    let app = spawn().await;
    let email = "ended@example.com";
    let (a, _) = app.signed_in(email).await;
    let (b, _) = session_from(&app, email, FIREFOX_LINUX).await;
    session_from(&app, email, CHROME_WINDOWS).await;
    let b_id = current_session_id(&app, &b).await;
    let one = delete(&app, &format!("/auth/sessions/{b_id}"), Some(&a)).await;
    assert_eq!(one.status, Status::Ok, "{}", one.body);
    let rest = delete(&app, "/auth/sessions", Some(&a)).await;
    assert_eq!(rest.body["count"], 1, "{}", rest.body);
    // Nothing left to end: no event.
    delete(&app, "/auth/sessions", Some(&a)).await;

    let (events, _) = page_of(&app, &a, "").await;
    let ended: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "session_ended")
        .map(|e| &e["detail"])
        .collect();
    assert_eq!(
        ended,
        [
            &json!({ "by": "user", "count": 1 }),
            &json!({ "by": "user" })
        ],
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn activity_pages_with_a_cursor_without_overlap() {
    let app = spawn().await;
    let email = "pages@example.com";
    let (a, _) = app.signed_in(email).await;
    for agent in [FIREFOX_LINUX, CHROME_WINDOWS, "curl/8.5.0", "Wget/1.21"] {
        session_from(&app, email, agent).await;
    }
    let (all, next) = page_of(&app, &a, "?limit=100").await;
    assert_eq!(next, Value::Null);
    assert!(all.len() >= 5, "{all:?}");

    let (first, cursor) = page_of(&app, &a, "?limit=2").await;
    assert_eq!(first.len(), 2);
    assert!(cursor.is_string(), "a next cursor: {cursor}");
    let mut collected = first;
    let mut cursor = cursor;
    let mut pages = 1;
    while let Some(before) = cursor.as_str() {
        let (page, next) = page_of(&app, &a, &format!("?limit=2&before={before}")).await;
        assert!(!page.is_empty() && page.len() <= 2, "{page:?}");
        if next.is_string() {
            assert_eq!(page.len(), 2, "only the last page is short");
        }
        collected.extend(page);
        cursor = next;
        pages += 1;
        assert!(pages <= all.len(), "pagination ends");
    }
    assert_eq!(
        collected, all,
        "the pages together are the whole list, once"
    );
    assert_eq!(pages, all.len().div_ceil(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn activity_refuses_bad_parameters_and_anonymous_callers() {
    let app = spawn().await;
    let (a, _) = app.signed_in("params@example.com").await;
    for query in [
        "?limit=0",
        "?limit=101",
        "?limit=-1",
        "?limit=ten",
        "?before=garbage",
        "?before=",
        "?before=-5",
        "?limit=2&before=12abc",
    ] {
        let reply = activity(&app, &a, query).await;
        assert_eq!(
            reply.status,
            Status::UnprocessableEntity,
            "{query}: {}",
            reply.body
        );
        assert!(reply.body["detail"].is_string(), "{query}: {}", reply.body);
    }
    for query in ["?limit=1", "?limit=100", "?limit=5&before=999999"] {
        let reply = activity(&app, &a, query).await;
        assert_eq!(reply.status, Status::Ok, "{query}: {}", reply.body);
    }
    assert_unauthorized(&app.get("/users/me/activity").await, "no token");
    assert_unauthorized(
        &app.get("/users/me/activity?limit=0").await,
        "no token, bad limit",
    );
    assert_unauthorized(&activity(&app, "not-a-jwt", "").await, "forged token");
}
