//! The HTML pages, through Rocket's client with cookie tracking (a browser without JavaScript).

use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::LocalResponse;
use sea_orm::EntityTrait;

use crate::helpers::{spawn_with, Options, TestApp, PASSWORD};

struct PageReply {
    status: Status,
    location: Option<String>,
    cookies: Vec<String>,
    headers: Vec<(String, String)>,
    html: String,
}

impl PageReply {
    async fn from(res: LocalResponse<'_>) -> Self {
        let status = res.status();
        let location = res.headers().get_one("Location").map(str::to_owned);
        let cookies = res.headers().get("Set-Cookie").map(str::to_owned).collect();
        let headers = res
            .headers()
            .iter()
            .map(|h| (h.name().to_string(), h.value().to_string()))
            .collect();
        let html = res.into_string().await.unwrap_or_default();
        Self {
            status,
            location,
            cookies,
            headers,
            html,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(String::as_str)
    }

    fn csrf(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.html.find(marker).expect("a CSRF field") + marker.len();
        self.html[start..]
            .split('"')
            .next()
            .expect("token")
            .to_owned()
    }
}

async fn web_app(mail: bool) -> TestApp {
    spawn_with(Options {
        tracked: true,
        mail,
        ..Options::default()
    })
    .await
}

async fn get(app: &TestApp, path: &str) -> PageReply {
    PageReply::from(app.client.get(path.to_owned()).dispatch().await).await
}

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> PageReply {
    let body: String = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    PageReply::from(
        app.client
            .post(path.to_owned())
            .header(ContentType::Form)
            .body(body)
            .dispatch()
            .await,
    )
    .await
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn register(app: &TestApp, email: &str, username: &str) -> PageReply {
    let csrf = get(app, "/register").await.csrf();
    post(
        app,
        "/register",
        &[
            ("email", email),
            ("username", username),
            ("password", PASSWORD),
            ("confirm_password", PASSWORD),
            ("csrf_token", &csrf),
        ],
    )
    .await
}

async fn login(app: &TestApp, identifier: &str, password: &str, next: &str) -> PageReply {
    let csrf = get(app, "/login").await.csrf();
    post(
        app,
        "/login",
        &[
            ("identifier", identifier),
            ("password", password),
            ("next", next),
            ("csrf_token", &csrf),
        ],
    )
    .await
}

fn has_label(html: &str, id: &str, text: &str) -> bool {
    html.contains(&format!("<label for=\"{id}\">{text}</label>"))
        && html.contains(&format!("id=\"{id}\""))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_has_its_labels_buttons_and_one_h1() {
    let app = web_app(false).await;
    type Labels = &'static [(&'static str, &'static str)];
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
        let page = get(&app, path).await;
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
        assert!(!page.html.contains("<script"), "{path}: no JavaScript");
        let csp = page.header("Content-Security-Policy").expect("CSP");
        assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(page.header("X-Frame-Options"), Some("DENY"));
        assert_eq!(page.header("Referrer-Policy"), Some("no-referrer"));
        assert_eq!(page.header("X-Content-Type-Options"), Some("nosniff"));
    }
    assert!(get(&app, "/login")
        .await
        .html
        .contains(">Forgot your password?</a>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn register_signs_in_with_lax_httponly_cookies_and_shows_the_account() {
    let app = web_app(false).await;
    let reply = register(&app, "page@example.com", "pager").await;
    assert_eq!(reply.status, Status::SeeOther);
    assert_eq!(reply.location.as_deref(), Some("/account"));
    for name in ["gh_access", "gh_refresh"] {
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

    let account = get(&app, "/account").await;
    assert_eq!(account.status, Status::Ok);
    assert!(account.html.contains("page@example.com"));
    assert!(account.html.contains("pager"));
    assert!(account.html.contains("Member since"));
    assert!(account
        .html
        .contains("Welcome! Your account has been created."));
    assert_eq!(account.header("Cache-Control"), Some("no-store"));
    for (id, text) in [
        ("current_password", "Current password"),
        ("new_password", "New password"),
        ("confirm_password", "Confirm new password"),
    ] {
        assert!(has_label(&account.html, id, text), "{text}");
    }
    assert!(account.html.contains(">Change password</button>"));
    assert!(account
        .html
        .contains("<form method=\"post\" action=\"/logout\""));
    assert!(account.html.contains(">Log out</button>"));
}

#[tokio::test(flavor = "multi_thread")]
async fn register_errors_are_shown_by_the_fields_with_the_email_kept() {
    let app = web_app(false).await;
    let csrf = get(&app, "/register").await.csrf();
    let reply = post(
        &app,
        "/register",
        &[
            ("email", "kept@example.com"),
            ("username", "x"),
            ("password", "password"),
            ("confirm_password", "different"),
            ("csrf_token", &csrf),
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
    let csrf = get(&app, "/account").await.csrf();
    post(&app, "/logout", &[("csrf_token", &csrf)]).await;
    let csrf = get(&app, "/register").await.csrf();
    let duplicate = post(
        &app,
        "/register",
        &[
            ("email", "TAKEN@example.com"),
            ("password", PASSWORD),
            ("confirm_password", PASSWORD),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(duplicate.status, Status::Conflict);
    assert!(duplicate.html.contains("Email already registered"));
}

#[tokio::test(flavor = "multi_thread")]
async fn forms_without_a_valid_csrf_token_are_refused_and_change_nothing() {
    let app = web_app(false).await;
    get(&app, "/register").await;
    for token in ["", "forged"] {
        let reply = post(
            &app,
            "/register",
            &[
                ("email", "csrf@example.com"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
                ("csrf_token", token),
            ],
        )
        .await;
        assert_eq!(reply.status, Status::Forbidden);
        assert!(reply.html.contains("<h1>Forbidden</h1>"));
    }
    assert!(app.user("csrf@example.com").await.is_none());

    // A token is bound to its browser: another browser's token does not work here.
    let other = web_app(false).await;
    let foreign = get(&other, "/register").await.csrf();
    let reply = post(
        &app,
        "/register",
        &[
            ("email", "csrf@example.com"),
            ("password", PASSWORD),
            ("confirm_password", PASSWORD),
            ("csrf_token", &foreign),
        ],
    )
    .await;
    assert_eq!(reply.status, Status::Forbidden);

    register(&app, "csrf2@example.com", "").await;
    let logout = post(&app, "/logout", &[("csrf_token", "nope")]).await;
    assert_eq!(logout.status, Status::Forbidden);
    assert_eq!(
        get(&app, "/account").await.status,
        Status::Ok,
        "still logged in"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn login_page_errors_redirects_and_next() {
    let app = web_app(false).await;
    register(&app, "next@example.com", "nexter").await;
    let csrf = get(&app, "/account").await.csrf();
    post(&app, "/logout", &[("csrf_token", &csrf)]).await;

    let anonymous = get(&app, "/account").await;
    assert_eq!(anonymous.status, Status::SeeOther);
    assert_eq!(anonymous.location.as_deref(), Some("/login?next=/account"));

    let wrong = login(&app, "next@example.com", "wrong-password", "/account").await;
    let unknown = login(&app, "nobody@example.com", PASSWORD, "/account").await;
    for reply in [&wrong, &unknown] {
        assert_eq!(reply.status, Status::Unauthorized);
        assert!(reply.html.contains("Invalid credentials"));
    }
    assert!(
        wrong.html.contains("value=\"next@example.com\""),
        "the identifier is kept"
    );

    let ok = login(&app, "nexter", PASSWORD, "/account?tab=security").await;
    assert_eq!(ok.status, Status::SeeOther);
    assert_eq!(ok.location.as_deref(), Some("/account?tab=security"));

    for evil in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        let csrf = get(&app, "/account").await.csrf();
        post(&app, "/logout", &[("csrf_token", &csrf)]).await;
        let reply = login(&app, "nexter", PASSWORD, evil).await;
        assert_eq!(
            reply.location.as_deref(),
            Some("/account"),
            "{evil} ignored"
        );
    }
    let page = get(&app, "/login?next=//evil.example").await;
    assert_eq!(
        page.status,
        Status::SeeOther,
        "already logged in: goes to the account"
    );
    assert_eq!(page.location.as_deref(), Some("/account"));
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_is_a_post_that_ends_the_session() {
    let app = web_app(false).await;
    register(&app, "bye@example.com", "").await;
    let user = app.user("bye@example.com").await.expect("user");
    assert_eq!(get(&app, "/logout").await.status, Status::MethodNotAllowed);

    let csrf = get(&app, "/account").await.csrf();
    let reply = post(&app, "/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(reply.status, Status::SeeOther);
    assert_eq!(reply.location.as_deref(), Some("/login"));
    for name in ["gh_access", "gh_refresh"] {
        assert!(
            reply.cookie(name).is_some_and(|c| c.contains("Max-Age=0")),
            "{name} cleared"
        );
    }
    assert!(app
        .sessions_of(user.id)
        .await
        .iter()
        .all(|s| s.revoked_at.is_some()));
    let login_page = get(&app, "/login").await;
    assert!(login_page.html.contains("You have been logged out."));
    assert_eq!(get(&app, "/account").await.status, Status::SeeOther);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_access_cookie_is_renewed_transparently() {
    let app = web_app(false).await;
    register(&app, "renew@example.com", "").await;
    let user = app.user("renew@example.com").await.expect("user");
    let before = app.sessions_of(user.id).await[0].token_hash.clone();

    app.state().clock.advance(16 * 60);
    let page = get(&app, "/account").await;
    assert_eq!(page.status, Status::Ok);
    assert!(page.cookie("gh_access").is_some() && page.cookie("gh_refresh").is_some());
    let sessions = app.sessions_of(user.id).await;
    assert_eq!(sessions.len(), 1, "the same session, rotated");
    assert_ne!(sessions[0].token_hash, before);
    assert!(sessions[0].revoked_at.is_none());

    // After the refresh token's lifetime there is nothing to renew.
    app.state().clock.advance(8 * 86_400);
    assert_eq!(get(&app, "/account").await.status, Status::SeeOther);
}

#[tokio::test(flavor = "multi_thread")]
async fn change_password_in_the_browser() {
    let mut app = web_app(true).await;
    register(&app, "web-change@example.com", "").await;
    let csrf = get(&app, "/account").await.csrf();
    let new = "granite-meadow-640";

    let wrong = post(
        &app,
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

    let mismatch = post(
        &app,
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

    let ok = post(
        &app,
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
    let account = get(&app, "/account").await;
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

#[tokio::test(flavor = "multi_thread")]
async fn forgot_and_reset_in_the_browser() {
    let mut app = web_app(true).await;
    app.register("web-reset@example.com").await;

    for email in ["web-reset@example.com", "nobody-here@example.com"] {
        let csrf = get(&app, "/forgot-password").await.csrf();
        let reply = post(
            &app,
            "/forgot-password",
            &[("email", email), ("csrf_token", &csrf)],
        )
        .await;
        assert_eq!(reply.status, Status::SeeOther);
        assert_eq!(reply.location.as_deref(), Some("/forgot-password"));
        let page = get(&app, "/forgot-password").await;
        assert!(page
            .html
            .contains("If an account exists for that email, a reset link has been sent."));
    }
    let link = app.next_mail().await.reset_link();
    let path = link.trim_start_matches("http://localhost:8000");

    let bad = get(&app, "/reset-password?token=not-a-token").await;
    assert_eq!(bad.status, Status::BadRequest);
    assert!(bad.html.contains("href=\"/forgot-password\""));

    let form = get(&app, path).await;
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

    let weak = post(
        &app,
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

    let done = post(
        &app,
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
    assert_eq!(done.location.as_deref(), Some("/login"));
    assert!(get(&app, "/login")
        .await
        .html
        .contains("Your password has been changed."));
    assert_eq!(
        get(&app, path).await.status,
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

#[tokio::test(flavor = "multi_thread")]
async fn cross_site_cookie_requests_to_the_api_are_refused() {
    let app = web_app(false).await;
    let reply = app
        .client
        .post("/auth/logout")
        .cookie(rocket::http::Cookie::new("refresh_token", "x"))
        .header(Header::new("Origin", "https://evil.example"))
        .dispatch()
        .await;
    assert_eq!(reply.status(), Status::Forbidden);
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
    assert!(page.html.contains("<h1>Not Found</h1>"), "{}", page.html);
    let api = app
        .client
        .get("/users/nope")
        .header(Header::new("Accept", "text/html"))
        .dispatch()
        .await;
    assert_eq!(api.status(), Status::NotFound);
    assert_eq!(api.content_type(), Some(ContentType::JSON));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_form_refuses_a_missing_csrf_token() {
    let app = web_app(false).await;
    register(&app, "every@example.com", "").await;
    let user = app.user("every@example.com").await.expect("user");
    let hash = user.password_hash.clone();
    for (path, fields) in [
        (
            "/login",
            vec![("identifier", "every@example.com"), ("password", PASSWORD)],
        ),
        (
            "/register",
            vec![
                ("email", "x@example.com"),
                ("password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        ),
        ("/logout", vec![]),
        (
            "/account/password",
            vec![
                ("current_password", PASSWORD),
                ("new_password", "fresh-pass-9931"),
                ("confirm_password", "fresh-pass-9931"),
            ],
        ),
        ("/forgot-password", vec![("email", "every@example.com")]),
        (
            "/reset-password",
            vec![
                ("token", "t"),
                ("new_password", "fresh-pass-9931"),
                ("confirm_password", "fresh-pass-9931"),
            ],
        ),
    ] {
        let reply = post(&app, path, &fields).await;
        assert_eq!(reply.status, Status::Forbidden, "{path}");
        assert!(reply.html.contains("<h1>Forbidden</h1>"), "{path}: a page");
    }
    let after = app.user("every@example.com").await.expect("user");
    assert_eq!(after.password_hash, hash, "nothing changed");
    assert!(app
        .sessions_of(user.id)
        .await
        .iter()
        .all(|s| s.revoked_at.is_none()));
    assert!(app.user("x@example.com").await.is_none());
    let hits = gatehouse::entities::rate_limit_hit::Entity::find()
        .all(&app.state().db)
        .await
        .expect("hits");
    assert!(
        hits.is_empty(),
        "the refused forgot-password form counted nothing"
    );
}
