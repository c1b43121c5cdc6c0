//! How requests reach the database: on SQLite one writer, query-only readers and the session
//! probe; on PostgreSQL one pool. Whatever path a read takes, its answer is the same and a logout
//! takes effect at once.

use rocket::http::Status;
use sea_orm::{ConnectionTrait, DbBackend};
use serde_json::json;

use crate::helpers::{spawn, TestApp, PASSWORD};

fn is_sqlite(app: &TestApp) -> bool {
    app.state().db.get_database_backend() == DbBackend::Sqlite
}

#[tokio::test(flavor = "multi_thread")]
async fn on_sqlite_only_the_writer_writes() {
    let app = spawn().await;
    let touch = "UPDATE users SET email = email WHERE id = -1";
    let by_writer = app.state().writer.execute_unprepared(touch).await;
    assert!(by_writer.is_ok(), "{by_writer:?}");
    let by_reader = app.state().db.execute_unprepared(touch).await;
    if is_sqlite(&app) {
        // A write that bypassed the writer would contend for SQLite's lock again.
        let err = by_reader.expect_err("readers are query-only");
        assert!(err.to_string().contains("readonly"), "{err}");
        assert!(app.state().probe.is_some(), "SQLite has the session probe");
        // Without the planner's stability guarantee (.cargo/config.toml), SQLite recompiles
        // every statement with a bound LIMIT on each run.
        let qpsg = app
            .state()
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "SELECT 1 FROM pragma_compile_options WHERE compile_options = 'ENABLE_QPSG'",
            ))
            .await
            .expect("compile options");
        assert!(qpsg.is_some(), "SQLite is built with ENABLE_QPSG");
    } else {
        assert!(by_reader.is_ok(), "{by_reader:?}");
        assert!(app.state().probe.is_none());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn many_sessions_rotate_at_once_and_each_keeps_going() {
    let app = spawn().await;
    app.register("busy@example.com").await;
    let mut refresh_tokens = Vec::new();
    for _ in 0..16 {
        let login = app.login("busy@example.com", PASSWORD).await;
        assert_eq!(login.status, Status::Ok, "{}", login.body);
        refresh_tokens.push(
            login.body["refresh_token"]
                .as_str()
                .expect("refresh")
                .to_owned(),
        );
    }

    // Sixteen truly concurrent rotations of sixteen sessions: on SQLite they queue for the
    // one writer instead of failing on a busy lock.
    let bodies = refresh_tokens
        .iter()
        .map(|token| json!({ "refresh_token": token }))
        .collect();
    let replies = app.post_json_at_once("/auth/refresh", bodies).await;
    let user = app.user("busy@example.com").await.expect("user");
    let sessions = app.sessions_of(user.id).await;
    assert_eq!(sessions.len(), 16);
    for reply in &replies {
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
        let child = reply.body["refresh_token"].as_str().expect("child");
        let hash = gatehouse::auth::tokens::hash_token(child);
        assert!(
            sessions
                .iter()
                .any(|s| s.token_hash == hash && s.revoked_at.is_none()),
            "the child is the stored, live token of its session"
        );
        let access = reply.body["access_token"].as_str().expect("access");
        assert_eq!(app.me(access).await.status, Status::Ok);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_probe_the_pool_answers_the_same() {
    let app = spawn().await;
    let (access, refresh) = app.signed_in("fallback@example.com").await;
    let by_probe = app.me(&access).await;
    assert_eq!(by_probe.status, Status::Ok);
    if let Some(probe) = &app.state().probe {
        probe.close();
    }
    let by_pool = app.me(&access).await;
    assert_eq!(by_pool.status, Status::Ok);
    assert_eq!(by_pool.body, by_probe.body);

    let out = app
        .post_json("/auth/logout", json!({ "refresh_token": refresh }))
        .await;
    assert!(out.status.code < 300, "{}", out.body);
    assert_eq!(app.me(&access).await.detail(), "Session has ended");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remembered_access_token_still_expires_and_ends_with_its_session() {
    let app = spawn().await;
    let (access, refresh) = app.signed_in("remembered@example.com").await;
    // Verified once, then served from the process's memory of verified tokens...
    assert_eq!(app.me(&access).await.status, Status::Ok);
    assert_eq!(app.me(&access).await.status, Status::Ok);
    // ...which decides nothing about the session: a logout ends it at once,
    let second = app.login("remembered@example.com", PASSWORD).await;
    let second = second.body["access_token"]
        .as_str()
        .expect("access")
        .to_owned();
    assert_eq!(app.me(&second).await.status, Status::Ok);
    let out = app
        .post_json("/auth/logout", json!({ "refresh_token": refresh }))
        .await;
    assert!(out.status.code < 300, "{}", out.body);
    assert_eq!(app.me(&access).await.detail(), "Session has ended");
    // and the server clock still expires a token it has seen.
    app.state().clock.advance(901);
    let expired = app.me(&second).await;
    assert_eq!(expired.status, Status::Unauthorized);
    assert_eq!(expired.detail(), "Token expired");
}
