//! The login form: a `next` that looks local but is no valid URI falls back to the account page
//! (it used to fail building the redirect), and "Keep me signed in" decides whether the session
//! cookies outlive the browser.

use rocket::http::Status;

use super::{attributes, browser, page_login, page_logout, page_register};
use crate::helpers::{PageReply, PASSWORD};

const SESSION_COOKIES: [&str; 2] = ["__Host-gh_access", "__Host-gh_refresh"];

/// Whether every page session cookie of `reply` has a lifetime (`Max-Age` or `Expires`).
fn lifetimes(reply: &PageReply) -> Vec<bool> {
    SESSION_COOKIES
        .iter()
        .map(|name| {
            let cookie = reply
                .cookie(name)
                .unwrap_or_else(|| panic!("{name} in {:?}", reply.cookies));
            attributes(cookie).iter().any(|a| {
                let a = a.to_ascii_lowercase();
                a.starts_with("max-age=") || a.starts_with("expires=")
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_next_that_is_not_a_valid_uri_goes_to_the_account() {
    let app = browser(&[]).await;
    app.register("next@example.com").await;
    for next in ["/a b", "/ünïcode"] {
        let reply = page_login(&app, "next@example.com", PASSWORD, &[("next", next)]).await;
        assert_eq!(reply.status, Status::SeeOther, "{next:?}: {}", reply.html);
        assert_eq!(reply.location.as_deref(), Some("/account"), "{next:?}");
        page_logout(&app).await;
    }
    let fine = page_login(
        &app,
        "next@example.com",
        PASSWORD,
        &[("next", "/account?x=1")],
    )
    .await;
    assert_eq!(fine.location.as_deref(), Some("/account?x=1"));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_keep_me_signed_in_the_page_session_ends_with_the_browser() {
    let app = browser(&[]).await;
    app.register("brief@example.com").await;
    let login = page_login(&app, "brief@example.com", PASSWORD, &[]).await;
    assert_eq!(login.status, Status::SeeOther, "{}", login.html);
    assert_eq!(lifetimes(&login), [false, false], "{:?}", login.cookies);

    // Renewing the access cookie keeps them session cookies.
    app.state().clock.advance(16 * 60);
    let renewed = app.page("/account").await;
    assert_eq!(renewed.status, Status::Ok);
    assert_eq!(lifetimes(&renewed), [false, false], "{:?}", renewed.cookies);
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_me_logged_in_says_for_how_long_and_registration_asks_too() {
    let app = browser(&[]).await;
    app.register("lasting@example.com").await;
    let login = page_login(
        &app,
        "lasting@example.com",
        PASSWORD,
        &[("remember", "true")],
    )
    .await;
    assert_eq!(login.status, Status::SeeOther, "{}", login.html);
    assert_eq!(lifetimes(&login), [true, true], "{:?}", login.cookies);
    for name in SESSION_COOKIES {
        let cookie = login.cookie(name).expect("cookie");
        assert!(
            attributes(cookie).iter().any(|a| a.starts_with("Max-Age=")),
            "{cookie}"
        );
    }

    app.state().clock.advance(16 * 60);
    let renewed = app.page("/account").await;
    assert_eq!(renewed.status, Status::Ok);
    assert_eq!(lifetimes(&renewed), [true, true], "{:?}", renewed.cookies);

    // Registration asks the same question: unticked, the first session ends with the browser.
    page_logout(&app).await;
    let registered = page_register(&app, "new-page@example.com").await;
    assert_eq!(registered.status, Status::SeeOther, "{}", registered.html);
    assert_eq!(
        lifetimes(&registered),
        [false, false],
        "{:?}",
        registered.cookies
    );
    page_logout(&app).await;
    let fields = [
        ("email", "kept-page@example.com"),
        ("password", PASSWORD),
        ("confirm_password", PASSWORD),
        ("remember", "true"),
    ];
    let kept = app
        .submit_with_csrf("/register", "/register", &fields)
        .await;
    assert_eq!(kept.status, Status::SeeOther, "{}", kept.html);
    assert_eq!(lifetimes(&kept), [true, true], "{:?}", kept.cookies);

    // Both forms say for how long.
    page_logout(&app).await;
    for path in ["/login", "/register"] {
        let form = app.page(path).await;
        assert!(
            form.html.contains("Keep me logged in for 30 days"),
            "{path}: {}",
            form.html
        );
    }
}
