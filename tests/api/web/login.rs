//! Logging in and out in the browser, and the access cookie renewed behind the scenes.

use rocket::http::Status;

use super::{login, logout, register, web_app};
use crate::helpers::PASSWORD;

#[tokio::test(flavor = "multi_thread")]
async fn login_page_errors_redirects_and_next() {
    let app = web_app(false).await;
    register(&app, "next@example.com", "nexter").await;
    logout(&app).await;

    let anonymous = app.page("/account").await;
    assert_eq!(anonymous.status, Status::SeeOther);
    assert_eq!(anonymous.location.as_deref(), Some("/login?next=/account"));

    let wrong = login(&app, "next@example.com", "wrong-password", "/account").await;
    let unknown = login(&app, "nobody@example.com", PASSWORD, "/account").await;
    for reply in [&wrong, &unknown] {
        assert_eq!(reply.status, Status::Unauthorized);
        assert!(reply.html.contains("Invalid credentials"));
    }
    assert!(
        wrong.html.contains("value=\"next@example.com\""),
        "the identifier is kept"
    );

    let ok = login(&app, "nexter", PASSWORD, "/account?tab=security").await;
    assert_eq!(ok.status, Status::SeeOther);
    assert_eq!(ok.location.as_deref(), Some("/account?tab=security"));

    for evil in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        logout(&app).await;
        let reply = login(&app, "nexter", PASSWORD, evil).await;
        assert_eq!(
            reply.location.as_deref(),
            Some("/account"),
            "{evil} ignored"
        );
    }
    let page = app.page("/login?next=//evil.example").await;
    assert_eq!(
        page.status,
        Status::SeeOther,
        "already logged in: goes to the account"
    );
    assert_eq!(page.location.as_deref(), Some("/account"));
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_is_a_post_that_ends_the_session() {
    let app = web_app(false).await;
    register(&app, "bye@example.com", "").await;
    let user = app.user("bye@example.com").await.expect("user");
    // Typing /logout in the address bar shows a page with the button; it ends nothing itself.
    let typed = app.page("/logout").await;
    assert_eq!(typed.status, Status::Ok);
    assert!(typed.html.contains(">Log out</button>"));
    assert!(
        typed.html.contains("bye@example.com"),
        "the header and page know who it is"
    );

    let reply = logout(&app).await;
    assert_eq!(reply.status, Status::SeeOther);
    assert_eq!(reply.location.as_deref(), Some("/login"));
    for name in ["__Host-gh_access", "__Host-gh_refresh"] {
        assert!(
            reply.cookie(name).is_some_and(|c| c.contains("Max-Age=0")),
            "{name} cleared"
        );
    }
    assert!(app
        .sessions_of(user.id)
        .await
        .iter()
        .all(|s| s.revoked_at.is_some()));
    let login_page = app.page("/login").await;
    assert!(login_page.html.contains("You have been logged out."));
    assert_eq!(app.page("/account").await.status, Status::SeeOther);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_access_cookie_is_renewed_transparently() {
    let app = web_app(false).await;
    register(&app, "renew@example.com", "").await;
    let user = app.user("renew@example.com").await.expect("user");
    let before = app.sessions_of(user.id).await[0].token_hash.clone();

    app.state().clock.advance(16 * 60);
    let page = app.page("/account").await;
    assert_eq!(page.status, Status::Ok);
    assert!(
        page.cookie("__Host-gh_access").is_some() && page.cookie("__Host-gh_refresh").is_some()
    );
    let sessions = app.sessions_of(user.id).await;
    assert_eq!(sessions.len(), 1, "the same session, rotated");
    assert_ne!(sessions[0].token_hash, before);
    assert!(sessions[0].revoked_at.is_none());

    // After the refresh token's lifetime there is nothing to renew.
    app.state().clock.advance(8 * 86_400);
    assert_eq!(app.page("/account").await.status, Status::SeeOther);
}
