//! Cookie names and scopes. With COOKIE_SECURE (the default) the page cookies carry the
//! `__Host-` prefix — Secure, `Path=/`, no `Domain` — so a sibling subdomain or plain http cannot
//! plant them. The API's refresh cookie keeps its name and its `/auth` path. Without
//! COOKIE_SECURE (local http) the page cookies go by their plain names, without Secure.
//! Secure cookies mean https, so every response then carries `Strict-Transport-Security`;
//! without them it must not (HSTS over plain http would lock a local setup out of itself).

use rocket::http::Status;

use super::{attributes, browser, page_register};
use crate::helpers::{PageReply, TestApp, PASSWORD};

/// The `Strict-Transport-Security` header of a page, an API answer, a refusal and a static file.
async fn hsts(app: &TestApp) -> Vec<(&'static str, Option<String>)> {
    let mut seen = Vec::new();
    for path in ["/login", "/health", "/users/me", "/static/style.css"] {
        let reply = app.page(path).await;
        seen.push((
            path,
            reply.header("Strict-Transport-Security").map(str::to_owned),
        ));
    }
    seen
}

/// The `Set-Cookie` value for `name` from any of `replies`, the last one that set it.
fn find<'a>(replies: &'a [&PageReply], name: &str) -> &'a str {
    replies
        .iter()
        .rev()
        .find_map(|r| r.cookie(name))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

/// The page that sets the CSRF cookie, then the registration that sets the session cookies.
async fn visit_and_register(app: &TestApp, email: &str) -> (PageReply, PageReply) {
    let form = app.page("/register").await;
    assert_eq!(form.status, Status::Ok);
    let registered = page_register(app, email).await;
    assert_eq!(registered.status, Status::SeeOther, "{}", registered.html);
    (form, registered)
}

#[tokio::test(flavor = "multi_thread")]
async fn secure_page_cookies_carry_the_host_prefix_and_the_api_cookie_its_path() {
    let app = browser(&[]).await;
    let (form, registered) = visit_and_register(&app, "host@example.com").await;
    let replies = [&form, &registered];
    for name in ["__Host-gh_access", "__Host-gh_refresh", "__Host-gh_csrf"] {
        let cookie = find(&replies, name);
        let attrs = attributes(cookie);
        assert!(attrs.contains(&"Secure"), "{cookie}");
        assert!(attrs.contains(&"Path=/"), "{cookie}");
        assert!(attrs.contains(&"HttpOnly"), "{cookie}");
        assert!(
            !attrs
                .iter()
                .any(|a| a.to_ascii_lowercase().starts_with("domain=")),
            "{cookie}"
        );
    }
    for reply in replies {
        for plain in ["gh_access", "gh_refresh", "gh_csrf"] {
            assert!(
                reply.cookie(plain).is_none(),
                "{plain}: {:?}",
                reply.cookies
            );
        }
    }

    let login = app.login("host@example.com", PASSWORD).await;
    assert_eq!(login.status, Status::Ok, "{}", login.body);
    let refresh = login.cookie("refresh_token").expect("refresh_token cookie");
    let attrs = attributes(refresh);
    assert!(attrs.contains(&"Path=/auth"), "{refresh}");
    assert!(attrs.contains(&"HttpOnly"), "{refresh}");
    assert!(attrs.contains(&"SameSite=Strict"), "{refresh}");
    assert!(
        login.cookies.iter().all(|c| !c.starts_with("__Host-")),
        "{:?}",
        login.cookies
    );
    for (path, header) in hsts(&app).await {
        assert_eq!(
            header.as_deref(),
            Some("max-age=31536000; includeSubDomains"),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_cookie_secure_page_cookies_have_plain_names_and_no_secure() {
    let app = browser(&[("gatehouse.cookie_secure", "false")]).await;
    let (form, registered) = visit_and_register(&app, "plain@example.com").await;
    let replies = [&form, &registered];
    for name in ["gh_access", "gh_refresh", "gh_csrf"] {
        let cookie = find(&replies, name);
        let attrs = attributes(cookie);
        assert!(!attrs.contains(&"Secure"), "{cookie}");
        assert!(attrs.contains(&"Path=/"), "{cookie}");
    }
    for reply in replies {
        assert!(
            reply.cookies.iter().all(|c| !c.starts_with("__Host-")),
            "{:?}",
            reply.cookies
        );
    }
    // The session works over these cookies.
    let account = app.page("/account").await;
    assert_eq!(account.status, Status::Ok);
    assert!(account.html.contains("plain@example.com"));
    for (path, header) in hsts(&app).await {
        assert_eq!(header, None, "{path}");
    }
}
