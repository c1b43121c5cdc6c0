//! Pages that guide: the header tells the truth everywhere, passphrases of any script work,
//! failed submits focus the summary and say "Error:" in the title, password managers find the
//! account, and no moment is silent or a dead end.

use rocket::http::{ContentType, Header, Status};

use super::{login, logout, register, web_app};
use crate::helpers::{PageReply, TestApp, PASSWORD};

async fn browser_get(app: &TestApp, path: &str) -> PageReply {
    let request = app
        .client
        .get(path.to_owned())
        .header(Header::new("Accept", "text/html,*/*;q=0.8"));
    PageReply::from(request.dispatch().await).await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_shows_who_is_signed_in() {
    let app = web_app(false).await;
    register(&app, "header@example.com", "").await;
    for path in [
        "/no-such-page",
        "/forgot-password",
        "/logout",
        "/account/password",
    ] {
        let page = browser_get(&app, path).await;
        assert!(
            page.html.contains(r#"<a href="/account">Settings</a>"#)
                && page
                    .html
                    .contains(r#"<span class="who">header@example.com</span>"#),
            "{path} ({}): {}",
            page.status,
            page.html
        );
        assert!(
            !page.html.contains(r#"<a href="/login">Log in</a>"#),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn passphrases_of_any_script_are_welcome_and_empty_fields_say_so() {
    let app = web_app(false).await;
    let cyrillic = "мой пароль это длинная фраза из слов ок";
    assert!(cyrillic.chars().count() >= 38);
    let reply = app
        .submit_with_csrf(
            "/register",
            "/register",
            &[
                ("email", "phrase@example.com"),
                ("password", cyrillic),
                ("confirm_password", cyrillic),
            ],
        )
        .await;
    assert_eq!(reply.status, Status::SeeOther, "{}", reply.html);
    logout(&app).await;
    assert_eq!(
        login(&app, "phrase@example.com", cyrillic, "").await.status,
        Status::SeeOther
    );
    logout(&app).await;

    let empty = app
        .submit_with_csrf(
            "/register",
            "/register",
            &[
                ("email", "empty@example.com"),
                ("password", ""),
                ("confirm_password", ""),
            ],
        )
        .await;
    assert_eq!(empty.status, Status::UnprocessableEntity);
    assert!(empty.html.contains("Enter a password."), "{}", empty.html);
    assert!(empty
        .html
        .contains("<title>Error: Create account · Gatehouse</title>"));
    assert!(
        empty.html.contains("autofocus"),
        "the summary takes the focus"
    );
    let long = "я".repeat(257);
    let too_long = app
        .submit_with_csrf(
            "/register",
            "/register",
            &[
                ("email", "long@example.com"),
                ("password", &long),
                ("confirm_password", &long),
            ],
        )
        .await;
    assert!(
        too_long.html.contains("at most 256 characters"),
        "{}",
        too_long.html
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forms_mark_required_fields_and_help_password_managers() {
    let app = web_app(false).await;
    let page = app.page("/register").await;
    let email = page.html.find(r#"id="email""#).expect("email input");
    let email_tag = &page.html[email..email + 200];
    assert!(
        email_tag.contains(r#"autocomplete="username""#),
        "{email_tag}"
    );
    assert!(email_tag.contains("required"), "{email_tag}");
    let username = page.html.find(r#"id="username""#).expect("username input");
    let username_tag = &page.html[username..username + 200];
    assert!(
        !username_tag.contains(r#"autocomplete="username""#),
        "{username_tag}"
    );
    assert!(
        !username_tag.contains("required"),
        "optional: {username_tag}"
    );

    register(&app, "manager@example.com", "").await;
    let account = app.page("/account/password").await;
    assert!(account.html.contains(
        r#"<input type="email" name="username" value="manager@example.com" autocomplete="username" hidden>"#
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn no_moment_is_silent() {
    let app = web_app(false).await;
    // The account page without a session says why it shows the login form.
    let to_login = app.page("/account").await;
    assert_eq!(to_login.location.as_deref(), Some("/login?next=/account"));
    let login_page = app.page("/login?next=/account").await;
    assert!(login_page.html.contains("Please log in to continue."));

    // A taken address offers the way in.
    register(&app, "taken@example.com", "").await;
    logout(&app).await;
    let fresh = app;
    let again = register(&fresh, "taken@example.com", "").await;
    assert_eq!(again.status, Status::Conflict);
    assert!(again
        .html
        .contains(r#"<a href="/forgot-password">reset your password</a>"#));

    // The CSRF page says what happened and how to go on.
    let csrf = fresh
        .submit(
            "/login",
            &[
                ("identifier", "x@example.com"),
                ("password", PASSWORD),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(csrf.status, Status::Forbidden);
    assert!(csrf.html.contains("cookies"), "{}", csrf.html);
    assert!(csrf.html.contains(r#"href="/""#));

    // The icon every browser asks for.
    let icon = fresh.client.get("/favicon.ico").dispatch().await;
    assert_eq!(icon.status(), Status::Ok);
    assert_eq!(icon.content_type(), Some(ContentType::SVG));
    let script = fresh
        .client
        .get("/static/show-password.js")
        .dispatch()
        .await;
    assert_eq!(script.status(), Status::Ok);
    assert_eq!(script.content_type(), Some(ContentType::JavaScript));
}

/// WCAG's relative luminance of a `#rrggbb` colour.
fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

#[test]
fn focus_rings_and_input_borders_have_at_least_three_to_one_contrast() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/style.css"))
        .expect("style.css");
    let colour_after = |marker: &str| {
        let at = css
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in style.css"));
        let hash = at + css[at..].find('#').expect("a colour");
        css[hash..hash + 7].to_owned()
    };
    for marker in [
        "input:focus, button:focus, a:focus { outline:",
        "border: 1px solid",
    ] {
        let colour = colour_after(marker);
        let ratio = (1.0 + 0.05) / (luminance(&colour) + 0.05);
        assert!(ratio >= 3.0, "{marker} {colour}: {ratio:.2}:1 on white");
    }
}
