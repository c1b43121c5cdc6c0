//! Cross-site request forgery: every form needs its browser's CSRF token, and the cookie-based
//! API refuses cross-site requests.

use rocket::http::{Header, Status};
use sea_orm::EntityTrait;

use super::{register, web_app};
use crate::helpers::PASSWORD;

#[tokio::test(flavor = "multi_thread")]
async fn forms_without_a_valid_csrf_token_are_refused_and_change_nothing() {
    let app = web_app(false).await;
    app.page("/register").await;
    for token in ["", "forged"] {
        let reply = app
            .submit(
                "/register",
                &[
                    ("email", "csrf@example.com"),
                    ("password", PASSWORD),
                    ("confirm_password", PASSWORD),
                    ("csrf_token", token),
                ],
            )
            .await;
        assert_eq!(reply.status, Status::Forbidden);
        assert!(reply.html.contains("<h1>Forbidden</h1>"));
    }
    assert!(app.user("csrf@example.com").await.is_none());

    // A token is bound to its browser: another browser's token does not work here.
    let other = web_app(false).await;
    let foreign = other.page("/register").await.csrf();
    let reply = app
        .submit(
            "/register",
            &[
                ("email", "csrf@example.com"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
                ("csrf_token", &foreign),
            ],
        )
        .await;
    assert_eq!(reply.status, Status::Forbidden);

    register(&app, "csrf2@example.com", "").await;
    let logout = app.submit("/logout", &[("csrf_token", "nope")]).await;
    assert_eq!(logout.status, Status::Forbidden);
    assert_eq!(
        app.page("/account").await.status,
        Status::Ok,
        "still logged in"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_form_refuses_a_missing_csrf_token() {
    let app = web_app(false).await;
    register(&app, "every@example.com", "").await;
    let user = app.user("every@example.com").await.expect("user");
    let hash = user.password_hash.clone();
    for (path, fields) in [
        (
            "/login",
            vec![("identifier", "every@example.com"), ("password", PASSWORD)],
        ),
        (
            "/register",
            vec![
                ("email", "x@example.com"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        ),
        ("/logout", vec![]),
        (
            "/account/password",
            vec![
                ("current_password", PASSWORD),
                ("new_password", "fresh-pass-9931"),
                ("confirm_password", "fresh-pass-9931"),
            ],
        ),
        ("/forgot-password", vec![("email", "every@example.com")]),
        (
            "/reset-password",
            vec![
                ("token", "t"),
                ("new_password", "fresh-pass-9931"),
                ("confirm_password", "fresh-pass-9931"),
            ],
        ),
    ] {
        let reply = app.submit(path, &fields).await;
        assert_eq!(reply.status, Status::Forbidden, "{path}");
        assert!(reply.html.contains("<h1>Forbidden</h1>"), "{path}: a page");
    }
    let after = app.user("every@example.com").await.expect("user");
    assert_eq!(after.password_hash, hash, "nothing changed");
    assert!(app
        .sessions_of(user.id)
        .await
        .iter()
        .all(|s| s.revoked_at.is_none()));
    assert!(app.user("x@example.com").await.is_none());
    let hits = gatehouse::entities::rate_limit_hit::Entity::find()
        .all(&app.state().db)
        .await
        .expect("hits");
    assert!(
        hits.iter().all(|hit| !hit.bucket.starts_with("forgot:")),
        "the refused forgot-password form counted nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cross_site_cookie_requests_to_the_api_are_refused() {
    let app = web_app(false).await;
    let reply = app
        .client
        .post("/auth/logout")
        .cookie(rocket::http::Cookie::new("refresh_token", "x"))
        .header(Header::new("Origin", "https://evil.example"))
        .dispatch()
        .await;
    assert_eq!(reply.status(), Status::Forbidden);
}
