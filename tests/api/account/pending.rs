//! The email section's pending change: shown with when it was sent, cancelled with one button.

use rocket::http::Status;

use super::{
    assert_invalid_page, assert_redirect, mail_app, mail_to, register_page, verify_token,
    CONFIRM_NEW_SUBJECT,
};
use crate::helpers::PASSWORD;

#[tokio::test(flavor = "multi_thread")]
async fn a_pending_change_shows_when_it_was_sent_and_can_be_cancelled() {
    let mut app = mail_app(true, &[]).await;
    register_page(&app, "stays@example.com").await;
    let fields = [
        ("new_email", "maybe@example.com"),
        ("current_password", PASSWORD),
    ];
    let asked = app
        .submit_with_csrf("/account/email", "/account/email", &fields)
        .await;
    assert_redirect(&asked, "/account/email", "asked");
    let mail = mail_to(&mut app, CONFIRM_NEW_SUBJECT, "maybe@example.com").await;
    let token = verify_token(&app, &mail);

    app.state().clock.advance(5 * 60);
    let page = app.page("/account/email").await;
    assert!(
        page.html
            .contains("Waiting for confirmation of <strong>maybe@example.com</strong>"),
        "{}",
        page.html
    );
    assert!(page.html.contains(">5 minutes ago</time>"), "{}", page.html);
    assert!(page.html.contains("action=\"/account/email/cancel\""));

    let cancelled = app
        .submit_with_csrf("/account/email", "/account/email/cancel", &[])
        .await;
    assert_redirect(&cancelled, "/account/email", "cancelled");
    let page = app.page("/account/email").await;
    assert!(
        page.html.contains("The email change was cancelled"),
        "{}",
        page.html
    );
    assert!(!page.html.contains("Waiting for confirmation"));
    assert_invalid_page(
        &app.page(&format!("/verify-email?token={token}")).await,
        "a cancelled change's link",
    );
    assert!(app.user("stays@example.com").await.is_some());
    let activity = app.page("/account/activity").await;
    assert!(
        activity.html.contains("Email change cancelled"),
        "{}",
        activity.html
    );

    // Nothing to cancel: said so, nothing breaks.
    let again = app
        .submit_with_csrf("/account/email", "/account/email/cancel", &[])
        .await;
    assert_eq!(again.status, Status::SeeOther);
    assert!(app
        .page("/account/email")
        .await
        .html
        .contains("There was no email change waiting."));
}
