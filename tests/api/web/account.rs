//! The account page's change-password form, and the account in every page's header.

use rocket::http::Status;

use super::{register, web_app};
use crate::helpers::PASSWORD;

#[tokio::test(flavor = "multi_thread")]
async fn change_password_in_the_browser() {
    let mut app = web_app(true).await;
    register(&app, "web-change@example.com", "").await;
    // One account page, one token, three submissions.
    let csrf = app.page("/account").await.csrf();
    let new = "granite-meadow-640";

    let wrong = app
        .submit(
            "/account/password",
            &[
                ("current_password", "nope-nope-1"),
                ("new_password", new),
                ("confirm_password", new),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(wrong.status, Status::BadRequest);
    assert!(wrong.html.contains("id=\"current_password-error\""));

    let mismatch = app
        .submit(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("confirm_password", "other-thing-1"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(mismatch.status, Status::UnprocessableEntity);
    assert!(mismatch.html.contains("id=\"confirm_password-error\""));

    let ok = app
        .submit(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("confirm_password", new),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(ok.status, Status::SeeOther);
    assert_eq!(
        ok.location.as_deref(),
        Some("/account/password"),
        "back to its section"
    );
    let account = app.page("/account/password").await;
    assert_eq!(account.status, Status::Ok, "this session survives");
    assert!(account.html.contains("Your password has been changed."));
    assert_eq!(
        app.next_mail().await.subject,
        "Your Gatehouse password was changed"
    );
    assert_eq!(
        app.login("web-change@example.com", new).await.status,
        Status::Ok
    );
}

/// The header's name of the account, its links and whether it has a Log out button.
fn header(html: &str) -> (String, Vec<String>, bool) {
    let page = scraper::Html::parse_document(html);
    let select = |css: &str| scraper::Selector::parse(css).expect("a selector");
    let who = page
        .select(&select("header.site .who"))
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_default();
    let links = page
        .select(&select("header.site nav a"))
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    let logout = page
        .select(&select("header.site form[action='/logout'] button"))
        .next()
        .is_some();
    (who, links, logout)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_names_the_account_with_settings_and_log_out() {
    let app = web_app(false).await;
    register(&app, "header@example.com", "").await;
    for path in [
        "/",
        "/account",
        "/account/password",
        "/account/email",
        "/account/sessions",
        "/account/activity",
        "/account/delete",
        "/forgot-password",
        "/logout",
        "/reset-password?token=x",
    ] {
        let page = app.page(path).await;
        let (who, links, logout) = header(&page.html);
        assert_eq!(who, "header@example.com", "{path}");
        assert!(links.contains(&"/account".to_owned()), "{path}: {links:?}");
        // A page without a form token links to the log-out page instead of posting.
        assert!(
            logout || links.contains(&"/logout".to_owned()),
            "{path}: {links:?}"
        );
    }
    // With a username, the header shows it; pressing Log out in the header ends the session.
    let named = app
        .submit_with_csrf("/account", "/account", &[("username", "Heron")])
        .await;
    assert_eq!(named.status, Status::SeeOther, "{}", named.html);
    let account = app.page("/account").await;
    assert_eq!(header(&account.html).0, "Heron");
    assert!(
        header(&account.html).2,
        "the account page posts Log out from the header"
    );
    let out = app.submit_with_csrf("/account", "/logout", &[]).await;
    assert_eq!(out.status, Status::SeeOther);
    let (who, links, _) = header(&app.page("/").await.html);
    assert_eq!(who, "");
    assert!(links.contains(&"/login".to_owned()), "{links:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn please_log_in_is_a_notice_not_a_success() {
    let app = web_app(false).await;
    let away = app.page("/account").await;
    assert_eq!(away.location.as_deref(), Some("/login?next=/account"));
    let login = app.page("/login?next=/account").await;
    let page = scraper::Html::parse_document(&login.html);
    let flash = scraper::Selector::parse(".flash").expect("a selector");
    let notice = page.select(&flash).next().expect("the flash");
    assert!(notice
        .text()
        .collect::<String>()
        .contains("Please log in to continue"));
    let class = notice.value().attr("class").unwrap_or_default();
    assert!(
        class.contains("flash-warning") && !class.contains("flash-success"),
        "{class}"
    );
}
