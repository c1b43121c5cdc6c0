//! Session lifetimes: SESSION_MAX_DAYS (30) is absolute — refreshing keeps a session alive only
//! until then — and REFRESH_TOKEN_EXPIRE_DAYS (7) still ends a session left idle.

use rocket::http::Status;

use crate::helpers::spawn;

const DAY: i64 = 86_400;

#[tokio::test(flavor = "multi_thread")]
async fn refreshing_every_six_days_ends_after_thirty() {
    let app = spawn().await;
    let (_, mut refresh) = app.signed_in("forever@example.com").await;
    let user = app.user("forever@example.com").await.expect("user");
    let created_at = app.sessions_of(user.id).await[0].created_at;

    let mut days = 0;
    let mut access = String::new();
    let ended = loop {
        app.state().clock.advance(6 * DAY);
        days += 6;
        let reply = app.refresh(&refresh).await;
        if days < 30 {
            assert_eq!(reply.status, Status::Ok, "day {days}: {}", reply.body);
            (access, refresh) = reply.tokens();
        } else {
            break reply;
        }
    };
    assert_eq!(days, 30);
    assert_eq!(ended.status, Status::Unauthorized, "day 30: {}", ended.body);

    let session = &app.sessions_of(user.id).await[0];
    let now = app.state().clock.now();
    assert!(
        session.revoked_at.is_some() || session.expires_at <= now,
        "the session row is over: {session:?}"
    );
    assert!(
        session.expires_at <= created_at + 30 * DAY,
        "refreshing never moved the end past 30 days: {session:?}"
    );
    let again = app.refresh(&refresh).await;
    assert_eq!(again.status, Status::Unauthorized, "{}", again.body);
    let me = app.me(&access).await;
    assert_eq!(me.status, Status::Unauthorized, "{}", me.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fresh_access_token_stops_working_at_the_absolute_end() {
    let app = spawn().await;
    let (_, mut refresh) = app.signed_in("edge@example.com").await;
    for _ in 0..4 {
        app.state().clock.advance(6 * DAY);
        let reply = app.refresh(&refresh).await;
        assert_eq!(reply.status, Status::Ok, "{}", reply.body);
        refresh = reply.str("refresh_token");
    }
    // Day 29, 23:50: the last refresh still works, and its access token is good for 15 minutes —
    // but the session itself ends in 10.
    app.state().clock.advance(6 * DAY - 10 * 60);
    let last = app.refresh(&refresh).await;
    assert_eq!(last.status, Status::Ok, "{}", last.body);
    let (access, refresh) = last.tokens();
    assert_eq!(app.me(&access).await.status, Status::Ok);

    app.state().clock.advance(11 * 60);
    let me = app.me(&access).await;
    assert_eq!(me.status, Status::Unauthorized, "past 30 days: {}", me.body);
    let renewed = app.refresh(&refresh).await;
    assert_eq!(renewed.status, Status::Unauthorized, "{}", renewed.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_session_still_ends_after_seven_days() {
    let app = spawn().await;
    let (_, refresh) = app.signed_in("idle@example.com").await;
    app.state().clock.advance(8 * DAY);
    let reply = app.refresh(&refresh).await;
    assert_eq!(reply.status, Status::Unauthorized, "{}", reply.body);
}
