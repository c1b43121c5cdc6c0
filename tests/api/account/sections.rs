//! The settings area: one page per section, its own navigation with the current section marked,
//! a log-in that returns to the section, errors rendered inside the section at its own URL.

use rocket::http::Status;

use super::{assert_redirect, mail_app, register_page};
use crate::helpers::{PageReply, PASSWORD};

const SECTIONS: [(&str, &str); 6] = [
    ("/account", "Profile"),
    ("/account/password", "Password"),
    ("/account/email", "Email"),
    ("/account/sessions", "Sessions"),
    ("/account/activity", "Activity"),
    ("/account/delete", "Delete account"),
];

fn select<'a>(page: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = scraper::Selector::parse(css).expect("a selector");
    page.select(&selector).collect()
}

fn text(element: &scraper::ElementRef<'_>) -> String {
    element.text().collect::<String>().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_section_has_its_page_and_marks_itself_in_the_navigation() {
    let app = mail_app(true, &[]).await;
    register_page(&app, "sections@example.com").await;
    for (path, label) in SECTIONS {
        let reply = app.page(path).await;
        assert_eq!(reply.status, Status::Ok, "{path}: {}", reply.html);
        let page = scraper::Html::parse_document(&reply.html);
        let links: Vec<(String, String)> = select(&page, "nav[aria-label='Settings'] li a")
            .iter()
            .map(|a| {
                (
                    a.value().attr("href").unwrap_or_default().to_owned(),
                    text(a),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = SECTIONS
            .iter()
            .map(|(p, l)| ((*p).to_owned(), (*l).to_owned()))
            .collect();
        assert_eq!(links, expected, "{path}: the navigation, in order");
        let current = select(&page, "nav[aria-label='Settings'] a[aria-current='page']");
        assert_eq!(current.len(), 1, "{path}: one current section");
        assert_eq!(current[0].value().attr("href"), Some(path));
        let heading = select(&page, "section.settings-section h2#section-title");
        assert_eq!(heading.first().map(text).as_deref(), Some(label), "{path}");
        let title = select(&page, "title");
        assert!(
            title
                .first()
                .map(text)
                .is_some_and(|t| t.starts_with(label)),
            "{path}: {:?}",
            title.first().map(text)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_session_each_section_asks_to_log_in_and_comes_back() {
    let app = mail_app(true, &[]).await;
    for (path, _) in SECTIONS {
        let reply = app.page(path).await;
        assert_redirect(&reply, &format!("/login?next={path}"), path);
    }
    // A form posted after the session ended changes nothing and leads back to its section.
    let late = app.submit("/account/sessions/abc/end", &[]).await;
    assert_redirect(&late, "/login?next=/account/sessions", "late post");

    register_page(&app, "returning@example.com").await;
    app.submit_with_csrf("/account", "/logout", &[]).await;
    let login = app.page("/login?next=/account/activity").await;
    let csrf = login.csrf();
    let back = app
        .submit(
            "/login",
            &[
                ("identifier", "returning@example.com"),
                ("password", PASSWORD),
                ("next", "/account/activity"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_redirect(&back, "/account/activity", "back to the section");
}

/// The error summary of the section, and the message beside `field`.
fn section_errors(reply: &PageReply, field: &str) -> (Vec<String>, Option<String>) {
    let page = scraper::Html::parse_document(&reply.html);
    let summary = select(&page, "section.settings-section .error-summary li a")
        .iter()
        .map(|a| a.value().attr("href").unwrap_or_default().to_owned())
        .collect();
    let beside = select(&page, &format!("section.settings-section #{field}-error"))
        .first()
        .map(text);
    (summary, beside)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_submit_renders_its_section_at_its_own_url_and_a_success_redirects() {
    let app = mail_app(true, &[]).await;
    register_page(&app, "errors@example.com").await;
    let wrong = app
        .submit_with_csrf(
            "/account/password",
            "/account/password",
            &[
                ("current_password", "not-the-one-1"),
                ("new_password", "fresh-granite-88"),
                ("confirm_password", "fresh-granite-88"),
            ],
        )
        .await;
    assert_eq!(wrong.status, Status::BadRequest, "{}", wrong.html);
    let (summary, beside) = section_errors(&wrong, "current_password");
    assert_eq!(summary, ["#current_password"]);
    assert_eq!(beside.as_deref(), Some("Current password is incorrect."));
    let page = scraper::Html::parse_document(&wrong.html);
    assert!(
        select(&page, "main > .error-summary").is_empty(),
        "the error is in the section, not above the navigation"
    );
    assert!(
        !wrong.html.contains("action=\"/account/email\""),
        "only its own form"
    );

    let fields = [
        ("current_password", PASSWORD),
        ("new_password", "fresh-granite-88"),
        ("confirm_password", "fresh-granite-88"),
    ];
    let done = app
        .submit_with_csrf("/account/password", "/account/password", &fields)
        .await;
    assert_redirect(&done, "/account/password", "PRG");
    let after = app.page("/account/password").await;
    let page = scraper::Html::parse_document(&after.html);
    let flash = select(&page, "section.settings-section .flash");
    assert!(
        flash
            .first()
            .map(text)
            .is_some_and(|t| t.starts_with("Your password has been changed.")),
        "{}",
        after.html
    );
    // A reload shows the page, without the confirmation and without posting again.
    let reload = app.page("/account/password").await;
    assert!(!reload.html.contains("Your password has been changed."));
    let api = app.login("errors@example.com", "fresh-granite-88").await;
    assert_eq!(api.status, Status::Ok, "the new password works");
}
