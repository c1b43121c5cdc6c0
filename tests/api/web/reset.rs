//! Forgot password and the reset page, with the reset mail over SMTP.

use rocket::http::Status;

use super::{has_label, login, web_app};
use crate::helpers::PASSWORD;

#[tokio::test(flavor = "multi_thread")]
async fn forgot_and_reset_in_the_browser() {
    let mut app = web_app(true).await;
    app.register("web-reset@example.com").await;

    for email in ["web-reset@example.com", "nobody-here@example.com"] {
        let reply = app
            .submit_with_csrf("/forgot-password", "/forgot-password", &[("email", email)])
            .await;
        assert_eq!(reply.status, Status::SeeOther);
        assert_eq!(reply.location.as_deref(), Some("/forgot-password/sent"));
        // Its own page: the address again, how long the link lasts, where else to look.
        let page = app.page("/forgot-password/sent").await;
        assert!(page
            .html
            .contains("If an account exists for that email, a reset link has been sent."));
        assert!(page.html.contains(email), "{}", page.html);
        assert!(page.html.contains("expires in 30 minutes"));
        assert!(page.html.contains("spam"));
    }
    let link = app.next_mail().await.reset_link();
    let path = link.trim_start_matches("http://localhost:8000");

    let bad = app.page("/reset-password?token=not-a-token").await;
    assert_eq!(bad.status, Status::BadRequest);
    assert!(bad.html.contains("href=\"/forgot-password\""));

    let form = app.page(path).await;
    assert_eq!(form.status, Status::Ok);
    assert!(has_label(&form.html, "new_password", "New password"));
    assert!(has_label(
        &form.html,
        "confirm_password",
        "Confirm new password"
    ));
    assert!(form.html.contains(">Set new password</button>"));
    assert_eq!(form.header("Referrer-Policy"), Some("no-referrer"));
    let token = path.split_once("token=").expect("token").1;
    let new = "harbor-lights-9031";

    // Both submissions carry the token of the one reset page loaded above.
    let weak = app
        .submit(
            "/reset-password",
            &[
                ("token", token),
                ("new_password", "short"),
                ("confirm_password", "short"),
                ("csrf_token", &form.csrf()),
            ],
        )
        .await;
    assert_eq!(weak.status, Status::UnprocessableEntity);

    let done = app
        .submit(
            "/reset-password",
            &[
                ("token", token),
                ("new_password", new),
                ("confirm_password", new),
                ("csrf_token", &form.csrf()),
            ],
        )
        .await;
    assert_eq!(done.status, Status::SeeOther);
    // The login page comes with the address filled in.
    let to_login = done.location.clone().unwrap_or_default();
    assert_eq!(to_login, "/login?email=web-reset@example.com");
    let login_page = app.page(&to_login).await;
    assert!(login_page.html.contains("Your password has been changed."));
    assert!(
        login_page.html.contains(r#"value="web-reset@example.com""#),
        "{}",
        login_page.html
    );
    assert_eq!(
        app.page(path).await.status,
        Status::BadRequest,
        "single use"
    );

    assert_eq!(
        login(&app, "web-reset@example.com", PASSWORD, "")
            .await
            .status,
        Status::Unauthorized
    );
    assert_eq!(
        login(&app, "web-reset@example.com", new, "").await.status,
        Status::SeeOther
    );
}

/// The header's links: Settings (`/account`) when signed in, `/login` and `/register` when not.
fn header_links(html: &str) -> Vec<String> {
    let page = scraper::Html::parse_document(html);
    let links = scraper::Selector::parse("header.site nav a").expect("a selector");
    page.select(&links)
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_in_user_keeps_the_signed_in_header_on_an_invalid_reset_link() {
    let app = web_app(false).await;
    let registered = super::register(&app, "signed-in-reset@example.com", "").await;
    assert_eq!(registered.status, Status::SeeOther, "{}", registered.html);
    let signed_in = |links: Vec<String>| {
        links.contains(&"/account".to_owned()) && !links.contains(&"/login".to_owned())
    };
    assert!(signed_in(header_links(&app.page("/account").await.html)));

    let bad = app.page("/reset-password?token=x").await;
    assert_eq!(bad.status, Status::BadRequest, "{}", bad.html);
    assert!(signed_in(header_links(&bad.html)), "{}", bad.html);
    // The same page without a session offers to log in.
    super::logout(&app).await;
    let bad = app.page("/reset-password?token=x").await;
    assert_eq!(bad.status, Status::BadRequest);
    assert_eq!(header_links(&bad.html), ["/login", "/register"]);
}
