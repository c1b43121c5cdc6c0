//! The registration form: signing in with cookies, and errors shown by their fields.

use rocket::http::Status;

use super::{has_label, logout, register, web_app};
use crate::helpers::PASSWORD;

#[tokio::test(flavor = "multi_thread")]
async fn register_signs_in_with_lax_httponly_cookies_and_shows_the_account() {
    let app = web_app(false).await;
    let reply = register(&app, "page@example.com", "pager").await;
    assert_eq!(reply.status, Status::SeeOther);
    assert_eq!(reply.location.as_deref(), Some("/account"));
    for name in ["__Host-gh_access", "__Host-gh_refresh"] {
        let cookie = reply
            .cookie(name)
            .unwrap_or_else(|| panic!("{name} cookie"));
        for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(
                cookie.contains(attribute),
                "{name}: {attribute} in {cookie}"
            );
        }
    }

    let account = app.page("/account").await;
    assert_eq!(account.status, Status::Ok);
    assert!(account.html.contains("page@example.com"));
    assert!(account.html.contains("pager"));
    assert!(account.html.contains("Member since"));
    assert!(account
        .html
        .contains("Welcome! Your account has been created."));
    assert_eq!(account.header("Cache-Control"), Some("no-store"));
    let password = app.page("/account/password").await;
    for (id, text) in [
        ("current_password", "Current password"),
        ("new_password", "New password"),
        ("confirm_password", "Confirm new password"),
    ] {
        assert!(has_label(&password.html, id, text), "{text}");
    }
    assert!(password.html.contains(">Change password</button>"));
    assert!(account
        .html
        .contains("<form method=\"post\" action=\"/logout\""));
    assert!(account.html.contains(">Log out</button>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn register_errors_are_shown_by_the_fields_with_the_email_kept() {
    let app = web_app(false).await;
    let reply = app
        .submit_with_csrf(
            "/register",
            "/register",
            &[
                ("email", "kept@example.com"),
                ("username", "x"),
                ("password", "password"),
                ("confirm_password", "different"),
            ],
        )
        .await;
    assert_eq!(reply.status, Status::UnprocessableEntity);
    assert!(reply.html.contains("value=\"kept@example.com\""));
    assert!(reply.html.contains("class=\"error-summary\""));
    for field in ["username", "password", "confirm_password"] {
        assert!(
            reply.html.contains(&format!("id=\"{field}-error\"")),
            "{field} error"
        );
        assert!(
            reply.html.contains(&format!("href=\"#{field}\"")),
            "{field} in the summary"
        );
    }
    assert!(reply.html.contains("aria-describedby=\"password-error"));
    assert!(app.user("kept@example.com").await.is_none());

    register(&app, "taken@example.com", "").await;
    logout(&app).await;
    let duplicate = app
        .submit_with_csrf(
            "/register",
            "/register",
            &[
                ("email", "TAKEN@example.com"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(duplicate.status, Status::Conflict);
    assert!(duplicate.html.contains("Email already registered"));
}
