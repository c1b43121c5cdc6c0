use rocket::http::{ContentType, Header, Status};
use serde_json::json;

use crate::helpers::{spawn, spawn_tracked, Reply, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn refresh_rotates_and_reusing_an_old_token_revokes_the_session() {
    let app = spawn().await;
    let (access, first) = app.signed_in("rot@example.com").await;

    let second = app.refresh(&first).await;
    assert_eq!(second.status, Status::Ok, "{}", second.body);
    assert_eq!(second.header("Cache-Control"), Some("no-store"));
    let second_token = second.str("refresh_token");
    assert_ne!(second_token, first);
    assert!(second
        .cookie("refresh_token")
        .is_some_and(|c| c.contains(&second_token)));

    let user = app.user("rot@example.com").await.expect("user");
    let session = &app.sessions_of(user.id).await[0];
    assert_eq!(
        session.token_hash,
        gatehouse::auth::tokens::hash_token(&second_token)
    );

    let third = app.refresh(&second_token).await;
    assert_eq!(third.status, Status::Ok);
    let third_access = third.str("access_token");

    // Past the grace window, the first token is a replay: the family dies.
    app.state().clock.advance(60);
    let replay = app.refresh(&first).await;
    assert_eq!(replay.status, Status::Unauthorized);
    assert_eq!(
        replay.detail(),
        "Refresh token reuse detected; session revoked"
    );
    // The token came in the body: the browser's cookie (which may hold a good token) is left
    // alone. A failing cookie token is cleared (see the cookie tests).
    assert!(replay.cookie("refresh_token").is_none());

    let session = &app.sessions_of(user.id).await[0];
    assert!(session.revoked_at.is_some());
    for token in [&access, &third_access] {
        assert_eq!(app.me(token).await.status, Status::Unauthorized);
    }
    let latest = app.refresh(&third.str("refresh_token")).await;
    assert_eq!(latest.status, Status::Unauthorized);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_racing_itself_keeps_its_session() {
    let app = spawn().await;
    let (_, parent) = app.signed_in("race@example.com").await;

    // Eight truly concurrent refreshes with the same token.
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = app.client.clone();
        let parent = parent.clone();
        set.spawn(async move {
            let res = client
                .post("/auth/refresh")
                .json(&json!({ "refresh_token": parent }))
                .dispatch()
                .await;
            let reply = Reply::from(res).await;
            (
                reply.status,
                reply.body["refresh_token"].as_str().map(str::to_owned),
            )
        });
    }
    let mut children = Vec::new();
    while let Some(result) = set.join_next().await {
        let (status, child) = result.expect("task");
        assert_eq!(status, Status::Ok);
        children.push(child.expect("child token"));
    }
    children.dedup();
    assert_eq!(children.len(), 1, "every racer gets the same single child");

    let user = app.user("race@example.com").await.expect("user");
    let sessions = app.sessions_of(user.id).await;
    assert_eq!(sessions.len(), 1);
    assert!(sessions[0].revoked_at.is_none());
    assert_eq!(
        sessions[0].token_hash,
        gatehouse::auth::tokens::hash_token(&children[0])
    );

    // The session goes on with the child.
    let next = app.refresh(&children[0]).await;
    assert_eq!(next.status, Status::Ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_parent_is_answered_within_the_grace_window_only() {
    let app = spawn().await;
    let (_, parent) = app.signed_in("grace@example.com").await;
    let child = app.refresh(&parent).await;
    app.state().clock.advance(5);
    let again = app.refresh(&parent).await;
    assert_eq!(again.status, Status::Ok, "within 10 s grace");
    assert_eq!(again.str("refresh_token"), child.str("refresh_token"));

    app.state().clock.advance(10);
    let late = app.refresh(&parent).await;
    assert_eq!(late.status, Status::Unauthorized);
    let after = app.refresh(&child.str("refresh_token")).await;
    assert_eq!(
        after.status,
        Status::Unauthorized,
        "reuse revoked the whole family"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_and_logout_work_from_the_cookie() {
    let app = spawn_tracked().await;
    app.register("cookie@example.com").await;
    let login = app.login("cookie@example.com", PASSWORD).await;
    assert_eq!(login.status, Status::Ok);

    let refreshed = Reply::from(app.client.post("/auth/refresh").dispatch().await).await;
    assert_eq!(refreshed.status, Status::Ok, "{}", refreshed.body);
    let access = refreshed.str("access_token");

    let logout = Reply::from(app.client.post("/auth/logout").dispatch().await).await;
    assert_eq!(logout.status, Status::Ok);
    assert_eq!(logout.body, json!({ "msg": "logged out" }));
    let cleared = logout.cookie("refresh_token").expect("cleared cookie");
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("Path=/auth"),
        "{cleared}"
    );

    assert_eq!(app.me(&access).await.status, Status::Unauthorized);
    let user = app.user("cookie@example.com").await.expect("user");
    assert!(app.sessions_of(user.id).await[0].revoked_at.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn cookie_routes_refuse_cross_site_requests() {
    let app = spawn_tracked().await;
    app.register("csrf@example.com").await;
    assert_eq!(
        app.login("csrf@example.com", PASSWORD).await.status,
        Status::Ok
    );

    let evil_origin = Reply::from(
        app.client
            .post("/auth/refresh")
            .header(Header::new("Origin", "https://evil.example"))
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(evil_origin.status, Status::Forbidden);
    let cross_site = Reply::from(
        app.client
            .post("/auth/logout")
            .header(Header::new("Sec-Fetch-Site", "cross-site"))
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(cross_site.status, Status::Forbidden);
    let user = app.user("csrf@example.com").await.expect("user");
    assert!(
        app.sessions_of(user.id).await[0].revoked_at.is_none(),
        "nothing changed"
    );

    let same_origin = Reply::from(
        app.client
            .post("/auth/refresh")
            .header(Header::new("Origin", "http://localhost:8000"))
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(same_origin.status, Status::Ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_by_bearer_or_body_is_idempotent() {
    let app = spawn().await;
    let (access, refresh) = app.signed_in("out@example.com").await;

    let by_bearer = app.post_json_auth("/auth/logout", &access, json!({})).await;
    assert_eq!(by_bearer.status, Status::Ok);
    assert_eq!(app.me(&access).await.status, Status::Unauthorized);
    let refresh_after = app.refresh(&refresh).await;
    assert_eq!(refresh_after.status, Status::Unauthorized);

    let again = app
        .post_json("/auth/logout", json!({ "refresh_token": refresh }))
        .await;
    assert_eq!(again.status, Status::Ok);
    let nothing = app.post_raw("/auth/logout", ContentType::JSON, "").await;
    assert_eq!(nothing.status, Status::Ok);
    assert!(nothing
        .cookie("refresh_token")
        .is_some_and(|c| c.contains("Max-Age=0")));
    let garbage = app
        .post_json("/auth/logout", json!({ "refresh_token": "garbage" }))
        .await;
    assert_eq!(garbage.status, Status::Ok);

    // A second session of the same user is untouched.
    let (access2, refresh2) = app.login("out@example.com", PASSWORD).await.tokens();
    let by_body = app
        .post_json("/auth/logout", json!({ "refresh_token": refresh2 }))
        .await;
    assert_eq!(by_body.status, Status::Ok);
    assert_eq!(app.me(&access2).await.status, Status::Unauthorized);
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_without_any_token_or_with_garbage_is_401() {
    let app = spawn().await;
    let none = app.post_raw("/auth/refresh", ContentType::JSON, "").await;
    assert_eq!(none.status, Status::Unauthorized);
    assert_eq!(none.detail(), "Refresh token missing");
    let garbage = app.refresh("a.b.c").await;
    assert_eq!(garbage.status, Status::Unauthorized);
    assert_eq!(garbage.detail(), "Invalid refresh token");
    let wrong_shape = app
        .post_json("/auth/refresh", json!({ "refresh_token": 5 }))
        .await;
    assert_eq!(wrong_shape.status, Status::UnprocessableEntity);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_refresh_token_is_refused() {
    let app = spawn().await;
    let (_, refresh) = app.signed_in("old@example.com").await;
    app.state().clock.advance(7 * 86_400 + 1);
    let reply = app.refresh(&refresh).await;
    assert_eq!(reply.status, Status::Unauthorized);
    assert_eq!(reply.detail(), "Refresh token expired");
}
