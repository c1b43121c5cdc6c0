//! Text no database can store: NUL (PostgreSQL refuses it in `text`, which used to surface as a
//! 500) and lone UTF-16 surrogates. Every face refuses it up front with a 422, or treats it as
//! the invalid link it is. Run these on PostgreSQL too.

use gatehouse::entities::user;
use rocket::http::{ContentType, Status};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use super::{browser, page_register};
use crate::helpers::{form_encode, spawn, PageReply, Reply, TestApp, PASSWORD};

async fn users(app: &TestApp) -> u64 {
    user::Entity::find()
        .count(&app.state().db)
        .await
        .expect("count users")
}

/// A 422 with a readable `detail`.
fn assert_unprocessable(reply: &Reply, what: &str) {
    assert_eq!(
        reply.status,
        Status::UnprocessableEntity,
        "{what}: {}",
        reply.body
    );
    assert!(
        reply.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{what}: a detail string in {}",
        reply.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nul_in_json_fields_is_refused_with_422() {
    let app = spawn().await;
    app.register("nul@example.com").await;

    let login = app
        .post_json(
            "/auth/login",
            json!({ "email": "a\u{0}@example.com", "password": "x" }),
        )
        .await;
    assert_unprocessable(&login, "login email");
    let login = app
        .post_json(
            "/auth/login",
            json!({ "email": "nul@example.com", "password": "violet\u{0}" }),
        )
        .await;
    assert_unprocessable(&login, "login password");

    let before = users(&app).await;
    let register = app
        .post_json(
            "/auth/register",
            json!({ "email": "nul-pass@example.com", "password": "violet\u{0}harbor-71" }),
        )
        .await;
    assert_unprocessable(&register, "register password");
    let register = app
        .post_json(
            "/auth/register",
            json!({ "email": "nul-name@example.com", "password": PASSWORD, "username": "a\u{0}b" }),
        )
        .await;
    assert_unprocessable(&register, "register username");
    assert_eq!(users(&app).await, before, "no user row");
    assert!(app.user("nul-pass@example.com").await.is_none());

    let forgot = app.forgot_password("nul\u{0}@example.com").await;
    assert_unprocessable(&forgot, "forgot password");
    let reset = app
        .post_json(
            "/auth/change-password",
            json!({ "token": "\u{0}", "new_password": "maple-river-2024" }),
        )
        .await;
    assert_unprocessable(&reset, "reset token");
}

#[tokio::test(flavor = "multi_thread")]
async fn lone_surrogates_are_refused_with_422() {
    let app = spawn().await;
    let before = users(&app).await;
    for (path, body) in [
        (
            "/auth/login",
            r#"{"email":"\ud800@example.com","password":"x"}"#,
        ),
        (
            "/auth/register",
            r#"{"email":"\ud800@example.com","password":"violet-harbor-71"}"#,
        ),
        (
            "/auth/register",
            r#"{"email":"lone@example.com","password":"violet-\udfff-harbor"}"#,
        ),
    ] {
        let reply = app.post_raw(path, ContentType::JSON, body).await;
        assert_unprocessable(&reply, &format!("{path} {body}"));
    }
    assert_eq!(users(&app).await, before, "no user row");
}

#[tokio::test(flavor = "multi_thread")]
async fn nul_in_the_oauth2_login_form_is_refused_with_422() {
    let app = spawn().await;
    let reply = app
        .post_raw(
            "/auth/login",
            ContentType::Form,
            "username=a%00b%40example.com&password=x",
        )
        .await;
    assert_unprocessable(&reply, "OAuth2 form");
}

#[tokio::test(flavor = "multi_thread")]
async fn nul_in_a_page_form_is_refused_with_a_422_page() {
    let app = browser(&[]).await;
    let before = users(&app).await;
    let reply = page_register(&app, "a\u{0}b@example.com").await;
    assert_eq!(reply.status, Status::UnprocessableEntity, "{}", reply.html);
    assert!(
        reply
            .header("Content-Type")
            .is_some_and(|ct| ct.starts_with("text/html")),
        "an HTML page: {:?}",
        reply.header("Content-Type")
    );
    assert!(reply.html.contains("</html>"), "{}", reply.html);
    assert!(reply.cookie("__Host-gh_access").is_none(), "not signed in");
    assert_eq!(users(&app).await, before, "no user row");

    // The same form without the NUL goes through: the refusal was about the text, not CSRF.
    let ok = page_register(&app, "ab@example.com").await;
    assert_eq!(ok.status, Status::SeeOther, "{}", ok.html);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_link_with_nul_is_an_invalid_link() {
    let app = browser(&[]).await;
    for path in [
        "/reset-password?token=%00",
        "/reset-password?token=abc%00def",
    ] {
        let page = app.page(path).await;
        assert_eq!(page.status, Status::BadRequest, "{path}: {}", page.html);
        assert!(
            page.html.contains("Link invalid or expired"),
            "{path}: {}",
            page.html
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lone_surrogate_in_a_page_form_is_refused_with_422_as_on_the_api() {
    let app = browser(&[]).await;
    let before = users(&app).await;
    let csrf = app.page("/register").await.csrf();
    // U+D800 in CESU-8, as a client that encodes UTF-16 code units one by one sends it; the
    // API refuses the same character (as `\ud800` in JSON) above.
    let password = "violet-%ED%A0%80-harbor";
    let body = format!(
        "email=cesu%40example.com&username=&password={password}&confirm_password={password}&{}",
        form_encode(&[("csrf_token", &csrf)])
    );
    let reply = PageReply::from(
        app.client
            .post("/register")
            .header(ContentType::Form)
            .body(body)
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(reply.status, Status::UnprocessableEntity, "{}", reply.html);
    assert!(
        reply.html.contains("</html>"),
        "an HTML page: {}",
        reply.html
    );
    assert!(reply.cookie("__Host-gh_access").is_none(), "not signed in");
    assert_eq!(users(&app).await, before, "no user row");
}

#[tokio::test(flavor = "multi_thread")]
async fn nul_in_the_session_id_of_the_end_session_page_route_is_a_404() {
    let app = browser(&[]).await;
    let registered = page_register(&app, "nul-session@example.com").await;
    assert_eq!(registered.status, Status::SeeOther, "{}", registered.html);
    for path in ["/account/sessions/%00/end", "/account/sessions/a%00b/end"] {
        let reply = app.submit_with_csrf("/account", path, &[]).await;
        assert_eq!(reply.status, Status::NotFound, "{path}: {}", reply.html);
    }
    // Still signed in: the refusal ended nothing.
    assert_eq!(app.page("/account").await.status, Status::Ok);
}
