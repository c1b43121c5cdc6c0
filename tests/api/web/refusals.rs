//! Refusals on the pages say who is limited and the real wait, the same wait `Retry-After`
//! carries (rounded up as people say it).

use rocket::http::Status;

use crate::helpers::{spawn_with, Options, PageReply};

/// "40 minutes" for `Retry-After: 2400`, as the server rounds: seconds below a minute, minutes
/// up to 90, hours above, always rounded up.
fn said(retry_after: &str) -> String {
    let secs: i64 = retry_after.parse().expect("seconds");
    let (n, unit) = if secs < 60 {
        (secs, "second")
    } else if secs <= 90 * 60 {
        ((secs + 59) / 60, "minute")
    } else {
        ((secs + 3599) / 3600, "hour")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The text of the page's alert.
fn alert(page: &PageReply) -> String {
    let doc = scraper::Html::parse_document(&page.html);
    let selector = scraper::Selector::parse("[role=alert]").expect("a selector");
    doc.select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_refusal(page: &PageReply, expected: &str) {
    assert_eq!(page.status, Status::TooManyRequests, "{}", page.html);
    let retry_after = page.header("Retry-After").expect("Retry-After");
    let text = alert(page);
    let wanted = expected.replace("{wait}", &said(retry_after));
    assert!(text.contains(&wanted), "{wanted:?} in {text:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_names_who_is_limited_and_the_wait_retry_after_gives() {
    let app = spawn_with(Options {
        tracked: true,
        settings: vec![
            ("gatehouse.register_limit_per_ip", "1".to_owned()),
            ("gatehouse.forgot_password_limit_per_email", "1".to_owned()),
        ],
        ..Options::default()
    })
    .await;
    let first = super::register(&app, "first-signup@example.com", "").await;
    assert_eq!(first.status, Status::SeeOther, "{}", first.html);
    super::logout(&app).await;
    app.state().clock.advance(600);
    assert_refusal(
        &super::register(&app, "second-signup@example.com", "").await,
        "Too many sign-ups from your network. Try again in {wait}.",
    );

    let fields = [("email", "first-signup@example.com")];
    let forgot = || app.submit_with_csrf("/forgot-password", "/forgot-password", &fields);
    assert_eq!(forgot().await.status, Status::SeeOther);
    assert_refusal(
        &forgot().await,
        "We have sent enough links to this address for now. Try again in {wait}",
    );
}
