//! Origins and content types. CORS only ever adds headers for listed origins: it refuses
//! nothing, not even the site's own form posts (which browsers label with `Origin`). JSON routes
//! refuse bodies not labelled `application/json` (all a cross-site HTML form can send), and the
//! form-encoded OAuth2 login refuses senders from other sites.

use rocket::http::{ContentType, Header, Status};
use serde_json::json;

use super::browser;
use crate::helpers::{
    form_encode, spawn, spawn_with_settings, PageReply, Reply, TestApp, PASSWORD,
};

const LISTED: (&str, &str) = ("gatehouse.allowed_origins", "http://localhost:3000");

#[tokio::test(flavor = "multi_thread")]
async fn allowed_origins_do_not_refuse_the_sites_own_form_posts() {
    let app = browser(&[LISTED]).await;
    let csrf = app.page("/register").await.csrf();
    let body = form_encode(&[
        ("email", "own-site@example.com"),
        ("username", ""),
        ("password", PASSWORD),
        ("confirm_password", PASSWORD),
        ("csrf_token", &csrf),
    ]);
    let reply = PageReply::from(
        app.client
            .post("/register")
            .header(ContentType::Form)
            // PUBLIC_URL's default: the site itself, which is not in ALLOWED_ORIGINS.
            .header(Header::new("Origin", "http://localhost:8000"))
            .body(body)
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(reply.status, Status::SeeOther, "{}", reply.html);
    assert_eq!(reply.location.as_deref(), Some("/account"));
    assert!(app.user("own-site@example.com").await.is_some());
}

async fn preflight(app: &TestApp, origin: &str) -> Reply {
    Reply::from(
        app.client
            .options("/auth/login")
            .header(Header::new("Origin", origin.to_owned()))
            .header(Header::new("Access-Control-Request-Method", "POST"))
            .header(Header::new(
                "Access-Control-Request-Headers",
                "content-type",
            ))
            .dispatch()
            .await,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn preflight_is_answered_for_listed_origins_and_nobody_is_refused() {
    let app = spawn_with_settings(&[LISTED]).await;
    let listed = preflight(&app, "http://localhost:3000").await;
    assert_eq!(listed.status, Status::NoContent);
    assert_eq!(
        listed.header("Access-Control-Allow-Origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(
        listed.header("Access-Control-Allow-Credentials"),
        Some("true")
    );
    let methods = listed
        .header("Access-Control-Allow-Methods")
        .expect("Access-Control-Allow-Methods");
    assert!(methods.contains("POST"), "{methods}");
    let headers = listed
        .header("Access-Control-Allow-Headers")
        .expect("Access-Control-Allow-Headers")
        .to_ascii_lowercase();
    assert!(headers.contains("content-type"), "{headers}");

    let unlisted = preflight(&app, "https://evil.example").await;
    assert_eq!(unlisted.status, Status::NoContent, "answered, not refused");
    assert!(unlisted.header("Access-Control-Allow-Origin").is_none());
    assert!(unlisted
        .header("Access-Control-Allow-Credentials")
        .is_none());

    // An actual request from an unlisted origin is served as usual, just without CORS headers.
    app.register("cors@example.com").await;
    let login = Reply::from(
        app.client
            .post("/auth/login")
            .header(Header::new("Origin", "https://evil.example"))
            .json(&json!({ "email": "cors@example.com", "password": PASSWORD }))
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(login.status, Status::Ok, "{}", login.body);
    assert!(login.header("Access-Control-Allow-Origin").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn json_routes_refuse_bodies_not_labelled_json() {
    let app = spawn().await;
    app.register("typed@example.com").await;
    let user = app.user("typed@example.com").await.expect("user");
    let bodies = [
        (
            "/auth/login",
            json!({ "email": "typed@example.com", "password": PASSWORD }),
        ),
        (
            "/auth/register",
            json!({ "email": "plain@example.com", "password": PASSWORD }),
        ),
    ];
    for (path, body) in bodies {
        let reply = app
            .post_raw(path, ContentType::Plain, body.to_string())
            .await;
        assert_eq!(reply.status, Status::UnsupportedMediaType, "{path}");
        assert_eq!(
            reply.body,
            json!({ "detail": "Content-Type must be application/json" }),
            "{path}"
        );
        assert!(reply.cookies.is_empty(), "{path}: {:?}", reply.cookies);
    }
    assert!(app.user("plain@example.com").await.is_none(), "no account");
    assert!(app.sessions_of(user.id).await.is_empty(), "no session");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_oauth2_login_form_works_same_site_and_refuses_other_sites() {
    let app = spawn().await;
    app.register("swagger@example.com").await;
    let user = app.user("swagger@example.com").await.expect("user");
    let form = form_encode(&[("username", "swagger@example.com"), ("password", PASSWORD)]);
    let send = |header: Option<(&'static str, &'static str)>| {
        let mut request = app
            .client
            .post("/auth/login")
            .header(ContentType::Form)
            .body(form.clone());
        if let Some((name, value)) = header {
            request = request.header(Header::new(name, value));
        }
        async move { Reply::from(request.dispatch().await).await }
    };

    for same_site in [None, Some(("Origin", "http://localhost:8000"))] {
        let reply = send(same_site).await;
        assert_eq!(reply.status, Status::Ok, "{same_site:?}: {}", reply.body);
        let (access, refresh) = reply.tokens();
        assert!(!access.is_empty() && !refresh.is_empty());
        assert!(reply.cookie("refresh_token").is_some());
    }
    let sessions = app.sessions_of(user.id).await.len();

    for cross_site in [
        ("Origin", "https://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let reply = send(Some(cross_site)).await;
        assert_eq!(reply.status, Status::Forbidden, "{cross_site:?}");
        assert!(reply.cookies.is_empty(), "{cross_site:?}");
    }
    assert_eq!(app.sessions_of(user.id).await.len(), sessions, "no session");
}
