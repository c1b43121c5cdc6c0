//! BRAND_NAME, BRAND_LOGO and BRAND_ACCENT: the deployment's name in pages, titles and mails, its
//! logo in the header, its accent in a same-origin stylesheet.

use rocket::http::{ContentType, Status};

use super::register;
use crate::helpers::{spawn_with, Options};

const LOGO: &str = "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><rect width='10' height='10'/></svg>";

#[tokio::test(flavor = "multi_thread")]
async fn the_brand_names_pages_titles_and_mails() {
    let dir = tempfile::tempdir().expect("a folder");
    let logo = dir.path().join("logo.svg");
    std::fs::write(&logo, LOGO).expect("the logo");
    let mut app = spawn_with(Options {
        tracked: true,
        mail: true,
        settings: vec![
            ("gatehouse.brand_name", "Acme <Pass>".into()),
            ("gatehouse.brand_logo", logo.to_string_lossy().into_owned()),
            ("gatehouse.brand_accent", "#0B5A2E".into()),
        ],
    })
    .await;

    let login = app.page("/login").await;
    let page = scraper::Html::parse_document(&login.html);
    let first = |css: &str| {
        let selector = scraper::Selector::parse(css).expect("a selector");
        page.select(&selector)
            .next()
            .map(|e| e.text().collect::<String>())
    };
    assert_eq!(first("title").as_deref(), Some("Log in · Acme <Pass>"));
    assert_eq!(first("h1").as_deref(), Some("Log in to Acme <Pass>"));
    assert!(first("header.site .brand").is_some_and(|t| t.contains("Acme <Pass>")));
    let logo_img = scraper::Selector::parse("header.site img.brand-logo[src='/brand/logo']")
        .expect("a selector");
    assert!(page.select(&logo_img).next().is_some(), "{}", login.html);
    let sheet =
        scraper::Selector::parse("link[rel=stylesheet][href='/brand.css']").expect("a selector");
    assert!(page.select(&sheet).next().is_some());
    assert!(
        !login.html.contains("<Pass>"),
        "the name is escaped like everything else"
    );

    let image = app.client.get("/brand/logo").dispatch().await;
    assert_eq!(image.status(), Status::Ok);
    assert_eq!(image.content_type(), Some(ContentType::SVG));
    assert_eq!(image.into_string().await.as_deref(), Some(LOGO));
    let css = app.client.get("/brand.css").dispatch().await;
    assert_eq!(css.content_type(), Some(ContentType::CSS));
    let css = css.into_string().await.unwrap_or_default();
    assert!(css.contains("--accent: #0b5a2e;"), "{css}");

    register(&app, "branded@example.com", "").await;
    let mail = app.next_mail().await;
    assert_eq!(mail.subject, "Confirm your email address for Acme <Pass>");
    assert!(mail.text.contains("Acme <Pass>"), "{}", mail.text);
    assert!(!mail.text.contains("Gatehouse"), "{}", mail.text);
    assert!(mail.html.contains("Acme &lt;Pass&gt;"), "{}", mail.html);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_brand_there_is_no_logo_or_accent_to_fetch() {
    let app = super::web_app(false).await;
    let login = app.page("/login").await;
    assert!(login.html.contains("<title>Log in · Gatehouse</title>"));
    assert!(!login.html.contains("/brand.css") && !login.html.contains("/brand/logo"));
    for path in ["/brand/logo", "/brand.css"] {
        let reply = app.client.get(path).dispatch().await;
        assert_eq!(reply.status(), Status::NotFound, "{path}");
    }
}
