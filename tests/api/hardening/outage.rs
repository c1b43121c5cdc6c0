//! The database goes away (here: its pool is closed). Requests that need it answer 503 with
//! `Retry-After` within a couple of seconds instead of hanging or failing with 500, and a page
//! does not take the failure for a dead session: the browser keeps its cookies.

use std::time::{Duration, Instant};

use rocket::http::{Header, Status};
use serde_json::json;

use super::{browser, page_register, retry_after};
use crate::helpers::{spawn, PageReply, TestApp};

const QUICKLY: Duration = Duration::from_secs(2);

async fn close_database(app: &TestApp) {
    app.state().close_database().await.expect("close the pools");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_answers_503_quickly_when_the_database_is_gone() {
    let app = spawn().await;
    let (access, _) = app.signed_in("outage@example.com").await;
    assert_eq!(app.me(&access).await.status, Status::Ok);
    close_database(&app).await;

    let started = Instant::now();
    let me = app.me(&access).await;
    let took = started.elapsed();
    assert_eq!(me.status, Status::ServiceUnavailable, "{}", me.body);
    assert_eq!(
        me.body,
        json!({ "detail": "Service temporarily unavailable" })
    );
    assert!(retry_after(me.header("Retry-After")) >= 1);
    assert!(took < QUICKLY, "/users/me took {took:?}");

    let started = Instant::now();
    let health = app.get("/health").await;
    let took = started.elapsed();
    assert_eq!(health.status, Status::ServiceUnavailable, "{}", health.body);
    assert!(took < QUICKLY, "/health took {took:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_answers_503_and_keeps_the_session_cookies() {
    let app = browser(&[]).await;
    let registered = page_register(&app, "keep@example.com").await;
    assert_eq!(registered.status, Status::SeeOther, "{}", registered.html);
    assert_eq!(app.page("/account").await.status, Status::Ok);
    close_database(&app).await;

    let started = Instant::now();
    let account = PageReply::from(
        app.client
            .get("/account")
            .header(Header::new("Accept", "text/html"))
            .dispatch()
            .await,
    )
    .await;
    let took = started.elapsed();
    assert_eq!(
        account.status,
        Status::ServiceUnavailable,
        "{}",
        account.html
    );
    assert!(took < QUICKLY, "/account took {took:?}");
    for name in ["__Host-gh_access", "__Host-gh_refresh"] {
        assert!(
            account
                .cookie(name)
                .is_none_or(|c| !c.contains("Max-Age=0")),
            "{name} must not be cleared: {:?}",
            account.cookies
        );
    }
}
