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
        assert_form_again(&reply.html, "/register");
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
        assert_form_again(&reply.html, path);
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

/// The refused form is shown again, with the sentence about cookies and a fresh token.
fn assert_form_again(html: &str, path: &str) {
    let page = scraper::Html::parse_document(html);
    let form = scraper::Selector::parse(&format!("form[action='{path}'] input[name='csrf_token']"))
        .expect("a selector");
    let token = page
        .select(&form)
        .next()
        .and_then(|input| input.value().attr("value"))
        .unwrap_or_default();
    assert!(
        !token.is_empty(),
        "{path}: the form again, with a token: {html}"
    );
    assert!(
        html.contains("allow cookies for this site"),
        "{path}: {html}"
    );
    assert!(
        !html.contains("<h1>Forbidden</h1>"),
        "{path}: not a dead end"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_form_comes_back_with_what_was_typed_but_never_a_password() {
    let app = web_app(false).await;
    app.page("/register").await;
    let typed = [
        ("email", "kept@example.com"),
        ("username", "keeper"),
        ("password", "secret-words-1"),
        ("confirm_password", "secret-words-1"),
        ("csrf_token", "expired"),
    ];
    let reply = app.submit("/register", &typed).await;
    assert_eq!(reply.status, Status::Forbidden, "{}", reply.html);
    assert_form_again(&reply.html, "/register");
    let page = scraper::Html::parse_document(&reply.html);
    let value_of = |id: &str| {
        let input = scraper::Selector::parse(&format!("input#{id}")).expect("a selector");
        page.select(&input)
            .next()
            .and_then(|i| i.value().attr("value").map(str::to_owned))
    };
    assert_eq!(value_of("email").as_deref(), Some("kept@example.com"));
    assert_eq!(value_of("username").as_deref(), Some("keeper"));
    assert_eq!(value_of("password"), None);
    assert!(
        !reply.html.contains("secret-words-1"),
        "no password comes back"
    );

    // The fresh token works: sending the form again creates the account.
    let fresh = reply.csrf();
    let again = app
        .submit(
            "/register",
            &[
                ("email", "kept@example.com"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
                ("csrf_token", &fresh),
            ],
        )
        .await;
    assert_eq!(again.status, Status::SeeOther, "{}", again.html);

    // A settings section comes back as itself, with the typed address.
    let section = app
        .submit(
            "/account/email",
            &[
                ("new_email", "moved@example.com"),
                ("current_password", PASSWORD),
                ("csrf_token", "stale"),
            ],
        )
        .await;
    assert_eq!(section.status, Status::Forbidden);
    assert_form_again(&section.html, "/account/email");
    assert!(
        section.html.contains("value=\"moved@example.com\""),
        "{}",
        section.html
    );
    assert!(section.html.contains("aria-current=\"page\">Email</a>"));
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
