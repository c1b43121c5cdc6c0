//! Every page and form with every payload: nothing comes back as markup, every answer has the
//! security headers and none is a 5xx. Fails on a build that renders pages unescaped.

use rocket::http::{ContentType, Cookie, Header};

use super::{injected, long_payload, missing_headers, PAYLOADS};
use crate::helpers::{form_encode, spawn_tracked, PageReply, TestApp, PASSWORD};

/// A form: the page that holds it, where it posts, and its fields.
type Form<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);

fn payloads() -> Vec<String> {
    let mut all: Vec<String> = PAYLOADS.iter().map(|p| (*p).to_owned()).collect();
    all.push(long_payload());
    all
}

fn enc(value: &str) -> String {
    form_encode(&[("v", value)])[2..].to_owned()
}

fn check(what: &str, reply: &PageReply) {
    assert!(reply.status.code < 500, "{what}: {}", reply.status);
    let missing = missing_headers(&reply.headers);
    assert!(missing.is_empty(), "{what}: missing {missing:?}");
    let found = injected(&reply.html);
    assert!(found.is_empty(), "{what}: {found:?}");
}

async fn get_as(app: &TestApp, path: &str, agent: &str) -> PageReply {
    PageReply::from(
        app.client
            .get(path.to_owned())
            .header(Header::new("User-Agent", agent.to_owned()))
            .dispatch()
            .await,
    )
    .await
}

async fn post_as(
    app: &TestApp,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
    agent: &str,
) -> PageReply {
    let csrf = app.page(page).await.csrf();
    let mut fields = fields.to_vec();
    fields.push(("csrf_token", &csrf));
    PageReply::from(
        app.client
            .post(path.to_owned())
            .header(ContentType::Form)
            .header(Header::new("User-Agent", agent.to_owned()))
            .body(form_encode(&fields))
            .dispatch()
            .await,
    )
    .await
}

/// The pages a visitor reaches without an account, with the payload in each query parameter.
fn public_pages(p: &str) -> Vec<String> {
    let e = enc(p);
    vec![
        "/".to_owned(),
        format!("/login?email={e}&next={e}"),
        format!("/login?next=/{e}"),
        "/register".to_owned(),
        "/forgot-password".to_owned(),
        format!("/reset-password?token={e}"),
        format!("/verify-email?token={e}"),
        format!("/{e}"),
        format!("/account/{e}"),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn logged_out_pages_and_forms_never_reflect_markup() {
    let app = spawn_tracked().await;
    for p in payloads() {
        for path in public_pages(&p) {
            check(&format!("GET {path}"), &get_as(&app, &path, &p).await);
        }
        let forms: [Form<'_>; 5] = [
            (
                "/login",
                "/login",
                vec![("identifier", &p), ("password", &p), ("next", &p)],
            ),
            (
                "/register",
                "/register",
                vec![
                    ("email", &p),
                    ("username", &p),
                    ("password", &p),
                    ("confirm_password", &p),
                ],
            ),
            ("/forgot-password", "/forgot-password", vec![("email", &p)]),
            (
                "/forgot-password",
                "/reset-password",
                vec![
                    ("token", &p),
                    ("new_password", &p),
                    ("confirm_password", &p),
                ],
            ),
            ("/login", "/verify-email/resend", vec![("email", &p)]),
        ];
        for (page, path, fields) in &forms {
            let reply = post_as(&app, page, path, fields, &p).await;
            check(&format!("POST {path}"), &reply);
            if reply.location.is_some() {
                let next = app.page(reply.location.as_deref().unwrap_or("/")).await;
                check(&format!("after POST {path}"), &next);
            }
        }
        // A valid address whose text reaches the confirmation page through the flash.
        let sent = post_as(
            &app,
            "/forgot-password",
            "/forgot-password",
            &[("email", "o'hara@example.com")],
            &p,
        )
        .await;
        check("forgot", &sent);
        check("forgot sent", &app.page("/forgot-password/sent").await);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_planted_flash_cookie_is_ignored() {
    let app = spawn_tracked().await;
    for p in payloads() {
        for name in ["gh_flash", "_flash", "__Host-gh_flash"] {
            for value in [format!("s{p}"), format!("7:success{p}")] {
                let reply = PageReply::from(
                    app.client
                        .get("/forgot-password/sent")
                        .cookie(Cookie::new(name, value.clone()))
                        .dispatch()
                        .await,
                )
                .await;
                check(&format!("flash {name}"), &reply);
                let home = PageReply::from(
                    app.client
                        .get("/")
                        .cookie(Cookie::new(name, value))
                        .dispatch()
                        .await,
                )
                .await;
                check(&format!("home with {name}"), &home);
                assert!(
                    !home.html.contains("gh-xss"),
                    "a planted flash is not shown"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn signed_in_pages_and_forms_never_reflect_markup() {
    let app = spawn_tracked().await;
    let p0 = PAYLOADS[0];
    let registered = post_as(
        &app,
        "/register",
        "/register",
        &[
            ("email", "owner@example.com"),
            ("username", ""),
            ("password", PASSWORD),
            ("confirm_password", PASSWORD),
        ],
        p0,
    )
    .await;
    assert_eq!(registered.status.code, 303, "{}", registered.html);
    for p in payloads() {
        for section in [
            "/account",
            "/account/password",
            "/account/email",
            "/account/sessions",
            "/account/activity",
            "/account/delete",
        ] {
            check(section, &get_as(&app, section, &p).await);
        }
        // Forms with fields: each reaches its handler and is refused with its section again.
        let forms: [(&str, Vec<(&str, &str)>); 4] = [
            ("/account", vec![("username", &p)]),
            (
                "/account/password",
                vec![
                    ("current_password", &p),
                    ("new_password", &p),
                    ("confirm_password", &p),
                ],
            ),
            (
                "/account/email",
                vec![("current_password", &p), ("new_email", &p)],
            ),
            (
                "/account/delete",
                vec![("confirm_email", &p), ("current_password", &p)],
            ),
        ];
        for (path, fields) in &forms {
            let reply = post_as(&app, path, path, fields, &p).await;
            assert!(
                (400..500).contains(&reply.status.code),
                "POST {path}: refused and shown again, not {}",
                reply.status.code
            );
            check(&format!("POST {path}"), &reply);
        }
        for path in [
            "/account/resend-verification",
            "/account/email/cancel",
            "/account/sessions/end-others",
        ] {
            let reply = post_as(&app, "/account", path, &[], &p).await;
            check(&format!("POST {path}"), &reply);
        }
        let ended = post_as(
            &app,
            "/account",
            &format!("/account/sessions/{}/end", enc(&p)),
            &[],
            &p,
        )
        .await;
        check("end session", &ended);
        for path in public_pages(&p) {
            check(
                &format!("signed in GET {path}"),
                &get_as(&app, &path, &p).await,
            );
        }
    }
}
