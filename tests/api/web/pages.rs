//! Every page's structure and headers; error pages for browsers, JSON for API clients.

use rocket::http::{ContentType, Header, Status};

use super::{has_label, web_app};
use crate::helpers::PageReply;

type Labels = &'static [(&'static str, &'static str)];

#[tokio::test(flavor = "multi_thread")]
async fn every_page_has_its_labels_buttons_and_one_h1() {
    let app = web_app(false).await;
    let pages: [(&str, Labels, &str); 4] = [
        (
            "/register",
            &[
                ("email", "Email"),
                ("username", "Username (optional)"),
                ("password", "Password"),
                ("confirm_password", "Confirm password"),
            ],
            "Create account",
        ),
        (
            "/login",
            &[
                ("identifier", "Email or username"),
                ("password", "Password"),
            ],
            "Log in",
        ),
        ("/forgot-password", &[("email", "Email")], "Send reset link"),
        ("/", &[], ""),
    ];
    for (path, labels, button) in pages {
        let page = app.page(path).await;
        assert_eq!(page.status, Status::Ok, "{path}");
        assert_eq!(page.html.matches("<h1").count(), 1, "{path}: one h1");
        for (id, text) in labels {
            assert!(has_label(&page.html, id, text), "{path}: label {text}");
        }
        if !button.is_empty() {
            assert!(
                page.html.contains(&format!(">{button}</button>")),
                "{path}: button {button}"
            );
        }
        // Only the same-origin show-password script; the page works without it.
        assert_eq!(page.html.matches("<script").count(), 1, "{path}");
        assert!(page
            .html
            .contains(r#"<script src="/static/show-password.js" defer></script>"#));
        let csp = page.header("Content-Security-Policy").expect("CSP");
        assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(
            page.html
                .contains(r##"<a class="skip-link" href="#main">"##),
            "{path}"
        );
        assert_eq!(page.header("X-Frame-Options"), Some("DENY"));
        assert_eq!(page.header("Referrer-Policy"), Some("no-referrer"));
        assert_eq!(page.header("X-Content-Type-Options"), Some("nosniff"));
    }
    assert!(app
        .page("/login")
        .await
        .html
        .contains(">Forgot your password?</a>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn browsers_get_error_pages_and_api_clients_get_json() {
    let app = web_app(false).await;
    let page = PageReply::from(
        app.client
            .get("/no-such-page")
            .header(Header::new(
                "Accept",
                "text/html,application/xhtml+xml,*/*;q=0.8",
            ))
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(page.status, Status::NotFound);
    assert!(
        page.html.contains("<h1>Page not found</h1>"),
        "{}",
        page.html
    );
    assert!(page.html.contains("href=\"/\""), "a way back home");
    let api = app
        .client
        .get("/users/nope")
        .header(Header::new("Accept", "text/html"))
        .dispatch()
        .await;
    assert_eq!(api.status(), Status::NotFound);
    assert_eq!(api.content_type(), Some(ContentType::JSON));
}
