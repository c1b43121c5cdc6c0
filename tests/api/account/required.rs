//! `REQUIRE_EMAIL_VERIFICATION`: an unconfirmed account cannot sign in, and is told so only
//! after the right password; the pages send people to their inbox instead of signing them in.

use rocket::http::Status;
use serde_json::json;

use super::{
    assert_redirect, confirm_page, login_page, mail_app, register_page, verification_token, verify,
};
use crate::helpers::{TestApp, PASSWORD};

const REQUIRED: (&str, &str) = ("gatehouse.require_email_verification", "true");

async fn strict_app(tracked: bool) -> TestApp {
    mail_app(tracked, &[REQUIRED]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unverified_account_is_refused_only_after_the_right_password() {
    let mut app = strict_app(false).await;
    let email = "strict@example.com";
    app.register(email).await;
    let token = verification_token(&mut app, email).await;

    let refused = app.login(email, PASSWORD).await;
    assert_eq!(refused.status, Status::Forbidden, "{}", refused.body);
    assert_eq!(refused.body, json!({ "detail": "Email not verified" }));
    // A guesser learns nothing: a wrong password is just wrong.
    let wrong = app.login(email, "wrong-password-9").await;
    assert_eq!(wrong.status, Status::Unauthorized, "{}", wrong.body);
    assert_eq!(wrong.body, json!({ "detail": "Invalid credentials" }));

    let verified = verify(&app, &token).await;
    assert_eq!(verified.status, Status::Ok, "{}", verified.body);
    let allowed = app.login(email, PASSWORD).await;
    assert_eq!(allowed.status, Status::Ok, "{}", allowed.body);
    let (access, _) = allowed.tokens();
    assert_eq!(app.me(&access).await.body["email_verified"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_register_page_asks_to_check_the_inbox_without_signing_in() {
    let mut app = strict_app(true).await;
    let email = "inbox@example.com";
    let reply = register_page(&app, email).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.html);
    assert!(reply.html.contains("Check your inbox"), "{}", reply.html);
    assert!(reply.html.contains(email));
    for name in ["__Host-gh_access", "__Host-gh_refresh"] {
        assert!(
            reply.cookie(name).is_none(),
            "no {name}: {:?}",
            reply.cookies
        );
    }
    let account = app.page("/account").await;
    assert_eq!(account.status, Status::SeeOther, "not signed in");
    assert!(app.user(email).await.is_some(), "the account exists");
    verification_token(&mut app, email).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_page_login_offers_a_new_link() {
    let mut app = strict_app(true).await;
    let email = "forgetful@example.com";
    register_page(&app, email).await;
    let first = verification_token(&mut app, email).await;

    let refused = login_page(&app, email, PASSWORD).await;
    assert_eq!(refused.status, Status::Forbidden, "{}", refused.html);
    assert!(refused.html.contains("action=\"/verify-email/resend\""));
    assert!(refused.html.contains("name=\"resend_email\""));
    assert!(refused.cookie("__Host-gh_access").is_none());
    let wrong = login_page(&app, email, "wrong-password-9").await;
    assert_eq!(wrong.status, Status::Unauthorized, "{}", wrong.html);
    assert!(!wrong.html.contains("/verify-email/resend"), "nothing told");

    let csrf = refused.csrf();
    let sent = app
        .submit(
            "/verify-email/resend",
            &[("resend_email", email), ("csrf_token", &csrf)],
        )
        .await;
    assert_redirect(&sent, "/login", "resend");
    let second = verification_token(&mut app, email).await;
    assert_ne!(first, second);

    let done = confirm_page(&app, &second).await;
    assert_redirect(&done, "/login", "confirmed");
    let signed_in = login_page(&app, email, PASSWORD).await;
    assert_redirect(&signed_in, "/account", "log-in after confirming");
    assert_eq!(app.page("/account").await.status, Status::Ok);
}
