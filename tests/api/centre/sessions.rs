use rocket::http::Status;
use serde_json::json;

use super::{
    assert_unauthorized, current_session_id, delete, rfc3339, session_from, sessions_seen_by,
    CHROME_WINDOWS, FIREFOX_LINUX,
};
use crate::helpers::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn lists_live_sessions_newest_first_with_the_current_one_marked() {
    let app = spawn().await;
    app.register("list@example.com").await;
    let (a, _) = session_from(&app, "list@example.com", CHROME_WINDOWS).await;
    app.state().clock.advance(2);
    let (b, b_refresh) = session_from(&app, "list@example.com", FIREFOX_LINUX).await;

    let seen = sessions_seen_by(&app, &a).await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0]["device"], "Firefox on Linux", "newest first");
    assert_eq!(seen[0]["current"], false);
    assert_eq!(seen[1]["device"], "Chrome on Windows");
    assert_eq!(seen[1]["current"], true);
    assert!(rfc3339(&seen[0]["created_at"]) > rfc3339(&seen[1]["created_at"]));
    for session in &seen {
        for field in [
            "id",
            "created_at",
            "last_used_at",
            "device",
            "ip",
            "current",
        ] {
            assert!(session.get(field).is_some(), "{field} in {session}");
        }
        assert_eq!(
            rfc3339(&session["last_used_at"]),
            rfc3339(&session["created_at"])
        );
    }

    // Each token sees its own session as the current one, and a refresh counts as use.
    let b_id = current_session_id(&app, &b).await;
    assert_eq!(seen[0]["id"], b_id.as_str());
    app.state().clock.advance(30);
    let rotated = app.refresh(&b_refresh).await;
    assert_eq!(rotated.status, Status::Ok, "{}", rotated.body);
    let seen = sessions_seen_by(&app, &a).await;
    let idle = rfc3339(&seen[0]["last_used_at"]) - rfc3339(&seen[0]["created_at"]);
    assert!(
        (30..=35).contains(&idle),
        "last used {idle} s after the start"
    );

    // A logged-out session is no longer listed.
    let out = app
        .post_json(
            "/auth/logout",
            json!({ "refresh_token": rotated.str("refresh_token") }),
        )
        .await;
    assert_eq!(out.status, Status::Ok);
    let seen = sessions_seen_by(&app, &a).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["current"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn ending_a_session_locks_it_out_at_once() {
    let app = spawn().await;
    app.register("end@example.com").await;
    let (a, _) = session_from(&app, "end@example.com", CHROME_WINDOWS).await;
    let (b, b_refresh) = session_from(&app, "end@example.com", FIREFOX_LINUX).await;
    let b_id = current_session_id(&app, &b).await;

    let ended = delete(&app, &format!("/auth/sessions/{b_id}"), Some(&a)).await;
    assert_eq!(ended.status, Status::Ok, "{}", ended.body);
    assert_eq!(ended.body, json!({ "msg": "Session ended" }));

    assert_unauthorized(&app.me(&b).await, "B's access token");
    let refreshed = app.refresh(&b_refresh).await;
    assert_eq!(refreshed.status, Status::Unauthorized, "{}", refreshed.body);
    assert_eq!(app.me(&a).await.status, Status::Ok, "A is untouched");
    assert_eq!(sessions_seen_by(&app, &a).await.len(), 1);

    // Already ended, or never existed: the same 404.
    for id in [b_id.as_str(), "no-such-session"] {
        let again = delete(&app, &format!("/auth/sessions/{id}"), Some(&a)).await;
        assert_eq!(again.status, Status::NotFound, "{id}: {}", again.body);
        assert_eq!(again.body, json!({ "detail": "Not Found" }));
    }

    // Ending the current session is allowed too, and is a log-out.
    let a_id = current_session_id(&app, &a).await;
    let own = delete(&app, &format!("/auth/sessions/{a_id}"), Some(&a)).await;
    assert_eq!(own.status, Status::Ok, "{}", own.body);
    assert_unauthorized(&app.me(&a).await, "A after ending itself");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_user_cannot_end_my_session() {
    let app = spawn().await;
    let (mine, my_refresh) = app.signed_in("owner@example.com").await;
    let (theirs, _) = app.signed_in("intruder@example.com").await;
    let my_id = current_session_id(&app, &mine).await;

    let attempt = delete(&app, &format!("/auth/sessions/{my_id}"), Some(&theirs)).await;
    assert_eq!(attempt.status, Status::NotFound, "{}", attempt.body);
    assert_eq!(attempt.body, json!({ "detail": "Not Found" }));

    assert_eq!(app.me(&mine).await.status, Status::Ok);
    assert_eq!(app.refresh(&my_refresh).await.status, Status::Ok);
    // Nor do they see it, or end it with "all the others".
    let seen = sessions_seen_by(&app, &theirs).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    let others = delete(&app, "/auth/sessions", Some(&theirs)).await;
    assert_eq!(others.body["count"], 0, "{}", others.body);
    assert_eq!(app.me(&mine).await.status, Status::Ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn ending_the_other_sessions_keeps_only_the_current_one() {
    let app = spawn().await;
    app.register("many@example.com").await;
    let (a, _) = session_from(&app, "many@example.com", CHROME_WINDOWS).await;
    let (b, b_refresh) = session_from(&app, "many@example.com", FIREFOX_LINUX).await;
    let (c, c_refresh) = session_from(&app, "many@example.com", "curl/8.5.0").await;
    assert_eq!(sessions_seen_by(&app, &a).await.len(), 3);

    let ended = delete(&app, "/auth/sessions", Some(&a)).await;
    assert_eq!(ended.status, Status::Ok, "{}", ended.body);
    assert_eq!(
        ended.body,
        json!({ "msg": "Other sessions ended", "count": 2 })
    );

    for (access, refresh, name) in [(&b, &b_refresh, "B"), (&c, &c_refresh, "C")] {
        assert_unauthorized(&app.me(access).await, name);
        assert_eq!(
            app.refresh(refresh).await.status,
            Status::Unauthorized,
            "{name}"
        );
    }
    assert_eq!(app.me(&a).await.status, Status::Ok);
    let seen = sessions_seen_by(&app, &a).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["current"], true);

    let again = delete(&app, "/auth/sessions", Some(&a)).await;
    assert_eq!(
        again.body,
        json!({ "msg": "Other sessions ended", "count": 0 })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn session_routes_need_a_live_bearer_token() {
    let app = spawn().await;
    let (access, _) = app.signed_in("guard@example.com").await;
    let id = current_session_id(&app, &access).await;
    let path = format!("/auth/sessions/{id}");

    assert_unauthorized(&app.get("/auth/sessions").await, "GET without a token");
    assert_unauthorized(
        &delete(&app, &path, None).await,
        "DELETE one without a token",
    );
    assert_unauthorized(
        &delete(&app, "/auth/sessions", None).await,
        "DELETE all without",
    );
    let forged = app.get_auth("/auth/sessions", "not-a-jwt").await;
    assert_unauthorized(&forged, "GET with a forged token");
    assert_eq!(
        app.me(&access).await.status,
        Status::Ok,
        "nothing was ended"
    );

    let spec = app.get("/openapi.json").await;
    for (path, method) in [
        ("/auth/sessions", "get"),
        ("/auth/sessions", "delete"),
        ("/auth/sessions/{id}", "delete"),
        ("/users/me/activity", "get"),
    ] {
        let op = &spec.body["paths"][path][method];
        assert!(op.is_object(), "{method} {path} documented");
        assert!(
            op["security"].to_string().contains("bearerAuth"),
            "{path}: {op}"
        );
    }
    let params = &spec.body["paths"]["/users/me/activity"]["get"]["parameters"];
    let names: Vec<&str> = params
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["limit", "before"], "{params}");
}

#[tokio::test(flavor = "multi_thread")]
async fn past_max_sessions_per_user_the_oldest_sessions_end() {
    let app =
        crate::helpers::spawn_with_settings(&[("gatehouse.max_sessions_per_user", "3")]).await;
    app.register("many@example.com").await;
    let mut tokens = Vec::new();
    for _ in 0..5 {
        let reply = app
            .login("many@example.com", crate::helpers::PASSWORD)
            .await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
        tokens.push(reply.tokens());
        app.state().clock.advance(1);
    }
    let (newest, _) = &tokens[4];
    assert_eq!(sessions_seen_by(&app, newest).await.len(), 3, "capped");
    for (access, refresh) in &tokens[..2] {
        assert_eq!(
            app.me(access).await.status,
            Status::Unauthorized,
            "oldest ended"
        );
        assert_eq!(app.refresh(refresh).await.status, Status::Unauthorized);
    }
    for (access, _) in &tokens[2..] {
        assert_eq!(
            app.me(access).await.status,
            Status::Ok,
            "the newest three live"
        );
    }
}
