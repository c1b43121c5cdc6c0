//! The verification mail and its link: what is mailed and stored, how long it works, the page
//! that only a POST consumes, the API, and resending.

use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use gatehouse::{
    auth::keys::hash_token,
    entities::{email_token, outbox},
};

use super::{
    access_token, assert_invalid_page, assert_invalid_token, assert_redirect, confirm_page,
    mail_app, me, post_token, register_page, verification_token, verify, verify_token,
    VERIFY_SUBJECT,
};
use crate::helpers::{Options, Reply, TestApp, PASSWORD};

/// 43 base64url characters that no link ever carried.
const UNKNOWN_TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

#[tokio::test(flavor = "multi_thread")]
async fn registering_mails_a_link_of_which_only_the_hash_is_stored() {
    let mut app = mail_app(false, &[]).await;
    let email = "fresh@example.com";
    app.register(email).await;
    let mail = super::mail_to(&mut app, VERIFY_SUBJECT, email).await;
    let token = verify_token(&app, &mail);

    let user = app.user(email).await.expect("user");
    assert_eq!(user.email_verified_at, None);
    let rows = email_token::Entity::find()
        .filter(email_token::Column::UserId.eq(user.id))
        .all(&app.state().db)
        .await
        .expect("email tokens");
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row.purpose, "verify");
    assert_eq!(
        row.token_hash,
        hash_token(&token),
        "the SHA-256 hex is stored"
    );
    assert_ne!(row.token_hash, token);
    assert_eq!(row.expires_at - row.created_at, 24 * 3600, "valid 24 hours");
    assert_eq!(row.used_at, None);

    // The queued message is sealed: neither the link nor the address can be read at rest.
    let queued = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("verify_email"))
        .all(&app.state().db)
        .await
        .expect("outbox");
    assert_eq!(queued.len(), 1);
    assert!(!queued[0].payload.contains(&token));
    assert!(!queued[0].payload.contains("verify-email"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_register_page_mails_the_same_link() {
    let mut app = mail_app(true, &[]).await;
    let email = "paged@example.com";
    let reply = register_page(&app, email).await;
    assert_redirect(&reply, "/account", "register");
    let token = verification_token(&mut app, email).await;
    let user = app.user(email).await.expect("user");
    let row = email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(hash_token(&token)))
        .one(&app.state().db)
        .await
        .expect("query")
        .expect("the token's row");
    assert_eq!(row.user_id, user.id);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_works_for_24_hours() {
    let mut app = mail_app(false, &[]).await;
    app.register("late@example.com").await;
    let token = verification_token(&mut app, "late@example.com").await;
    let page = format!("/verify-email?token={token}");

    app.state().clock.advance(24 * 3600 - 10);
    let open = app.page(&page).await;
    assert_eq!(open.status, Status::Ok, "still valid just before 24 h");
    assert!(open.html.contains("Confirm my email"));
    assert!(
        open.html
            .contains("confirm <strong>late@example.com</strong>"),
        "the page names the address it confirms: {}",
        open.html
    );

    app.state().clock.advance(11);
    assert_invalid_page(&app.page(&page).await, "expired, page");
    assert_invalid_token(&verify(&app, &token).await, "expired, API");
    let user = app.user("late@example.com").await.expect("user");
    assert_eq!(user.email_verified_at, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn opening_the_link_shows_a_button_and_only_the_post_consumes_it() {
    // A mail scanner: no cookies at all.
    let mut scanner = mail_app(false, &[]).await;
    let email = "scanned@example.com";
    scanner.register(email).await;
    let token = verification_token(&mut scanner, email).await;
    let access = access_token(&scanner, email, PASSWORD).await;
    assert_eq!(me(&scanner, &access).await["email_verified"], false);

    let path = format!("/verify-email?token={token}");
    for _ in 0..2 {
        let page = scanner.page(&path).await;
        assert_eq!(page.status, Status::Ok, "{}", page.html);
        assert!(page.html.contains("Confirm my email"), "{}", page.html);
        assert!(page.html.contains("action=\"/verify-email\""));
        assert!(page.html.contains(&format!("value=\"{token}\"")));
    }
    assert_eq!(me(&scanner, &access).await["email_verified"], false);

    // The person, in a browser of their own (cookies kept), presses the button.
    let person = scanner
        .spawn_beside(Options {
            tracked: true,
            ..Options::default()
        })
        .await;
    let done = confirm_page(&person, &token).await;
    assert_redirect(&done, "/login", "confirmed while logged out");
    let login = person.page("/login").await;
    assert!(login
        .html
        .contains("Thank you: your email address is verified."));
    assert_eq!(me(&scanner, &access).await["email_verified"], true);

    // Used, the link confirms nothing more; its page says the address is already confirmed
    // (and has no button), the API calls it invalid.
    for (page, what) in [
        (scanner.page(&path).await, "used, GET"),
        (post_token(&person, &token).await, "used, POST"),
    ] {
        assert_eq!(page.status, Status::Ok, "{what}: {}", page.html);
        let doc = scraper::Html::parse_document(&page.html);
        let h1 = scraper::Selector::parse("h1").expect("a selector");
        let title: String = doc.select(&h1).next().expect("a heading").text().collect();
        assert_eq!(title, "Your email address is already confirmed", "{what}");
        assert!(!page.html.contains("Confirm my email"), "{what}: no button");
    }
    assert_invalid_token(&verify(&scanner, &token).await, "used, API");
    let unknown = format!("/verify-email?token={UNKNOWN_TOKEN}");
    assert_invalid_page(&scanner.page(&unknown).await, "unknown, GET");
    assert_invalid_page(&scanner.page("/verify-email").await, "no token, GET");
    assert_invalid_page(&post_token(&person, UNKNOWN_TOKEN).await, "unknown, POST");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_in_person_confirming_returns_to_a_verified_account() {
    let mut app = mail_app(true, &[]).await;
    let email = "inside@example.com";
    register_page(&app, email).await;
    assert!(app.page("/account").await.html.contains("Not verified"));
    let token = verification_token(&mut app, email).await;
    let done = confirm_page(&app, &token).await;
    assert_redirect(&done, "/account", "confirmed while logged in");
    let account = app.page("/account").await;
    assert!(account
        .html
        .contains("Thank you: your email address is verified."));
    assert!(
        account.html.contains(">Verified</span>"),
        "{}",
        account.html
    );
    assert!(!account.html.contains("Not verified"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_confirms_a_token_once() {
    let mut app = mail_app(false, &[]).await;
    let email = "api@example.com";
    app.register(email).await;
    let token = verification_token(&mut app, email).await;
    let access = access_token(&app, email, PASSWORD).await;
    assert_eq!(me(&app, &access).await["email_verified"], false);

    let reply = verify(&app, &token).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.body, json!({ "msg": "Email verified" }));
    assert_eq!(me(&app, &access).await["email_verified"], true);

    assert_invalid_token(&verify(&app, &token).await, "reused");
    assert_invalid_token(&verify(&app, UNKNOWN_TOKEN).await, "unknown");
    for malformed in [
        "",
        "short",
        "not a token at all, with spaces!",
        "x".repeat(64).as_str(),
    ] {
        assert_invalid_token(&verify(&app, malformed).await, malformed);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn resending_replaces_the_link_up_to_three_times_an_hour() {
    let mut app = mail_app(false, &[]).await;
    let email = "again@example.com";
    app.register(email).await;
    let mut token = verification_token(&mut app, email).await;
    let access = access_token(&app, email, PASSWORD).await;

    for round in 1..=3 {
        let reply = resend(&app, &access).await;
        assert_eq!(
            reply.status,
            Status::Accepted,
            "resend {round}: {}",
            reply.body
        );
        assert_eq!(reply.body, json!({ "msg": "Verification email sent" }));
        let newer = verification_token(&mut app, email).await;
        assert_ne!(newer, token, "a new link");
        assert_invalid_token(&verify(&app, &token).await, "the older link");
        token = newer;
    }
    let limited = resend(&app, &access).await;
    assert_eq!(limited.status, Status::TooManyRequests, "{}", limited.body);
    let retry = limited
        .header("Retry-After")
        .and_then(|v| v.parse::<i64>().ok())
        .expect("Retry-After in seconds");
    assert!((1..=3600).contains(&retry), "{retry}");

    let reply = verify(&app, &token).await;
    assert_eq!(
        reply.status,
        Status::Ok,
        "the newest link works: {}",
        reply.body
    );

    // Verified: the answer stays the same, but nothing is sent.
    let user = app.user(email).await.expect("user");
    let queued = || async {
        outbox::Entity::find()
            .filter(outbox::Column::UserId.eq(user.id))
            .filter(outbox::Column::Kind.eq("verify_email"))
            .all(&app.state().db)
            .await
            .expect("outbox")
            .len()
    };
    let before = queued().await;
    let reply = resend(&app, &access).await;
    assert_eq!(reply.status, Status::Accepted, "{}", reply.body);
    assert_eq!(reply.body, json!({ "msg": "Verification email sent" }));
    assert_eq!(queued().await, before, "no new verification mail queued");
    app.no_mail_where(1500, |m| m.subject == VERIFY_SUBJECT)
        .await;
}

/// `POST /auth/resend-verification`; not asserted.
async fn resend(app: &TestApp, access: &str) -> Reply {
    app.post_json_auth("/auth/resend-verification", access, json!({}))
        .await
}
