//! Changing the address: a link to the new address makes the change, a notice goes to the old
//! one, and a taken address is answered the same way but warned instead.

use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use gatehouse::entities::{email_token, password_reset};

use super::{
    access_token, assert_redirect, confirm_page, mail_app, mail_to, me, register_page, verify,
    verify_token, CHANGE_NOTICE_SUBJECT, COMPLETED_SUBJECT, CONFIRM_NEW_SUBJECT, IN_USE_SUBJECT,
    NEW_PASSWORD, RESET_SUBJECT,
};
use crate::helpers::{Reply, TestApp, PASSWORD};

const CHECK_NEW: &str = "Check the new address for a confirmation link";

/// `POST /auth/change-email`; not asserted.
async fn change_email(app: &TestApp, access: &str, password: &str, new_email: &str) -> Reply {
    app.post_json_auth(
        "/auth/change-email",
        access,
        json!({ "password": password, "new_email": new_email }),
    )
    .await
}

fn assert_accepted(reply: &Reply) {
    assert_eq!(reply.status, Status::Accepted, "{}", reply.body);
    assert_eq!(reply.body, json!({ "msg": CHECK_NEW }));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_address_changes_only_when_the_new_one_confirms() {
    let mut app = mail_app(false, &[]).await;
    let (old, new) = ("before@example.com", "after@example.com");
    let (access, _) = app.signed_in(old).await;

    assert_accepted(&change_email(&app, &access, PASSWORD, new).await);
    let confirm = mail_to(&mut app, CONFIRM_NEW_SUBJECT, new).await;
    let token = verify_token(&app, &confirm);
    let notice = mail_to(&mut app, CHANGE_NOTICE_SUBJECT, old).await;
    assert!(!notice.raw.contains(&token), "the old address gets no link");
    assert!(!notice.is_to(new));

    // Nothing has changed yet.
    let before = me(&app, &access).await;
    assert_eq!(before["email"], old);
    assert_eq!(before["email_verified"], false);
    assert_eq!(app.login(new, PASSWORD).await.status, Status::Unauthorized);

    let reply = verify(&app, &token).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.body, json!({ "msg": "Email verified" }));
    let after = me(&app, &access).await;
    assert_eq!(after["email"], new);
    assert_eq!(after["email_verified"], true, "confirmed by the link");
    access_token(&app, new, PASSWORD).await;
    let old_login = app.login(old, PASSWORD).await;
    assert_eq!(old_login.status, Status::Unauthorized, "{}", old_login.body);
    assert!(app.user(old).await.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_page_change_is_confirmed_on_the_link_page() {
    let mut app = mail_app(true, &[]).await;
    let (old, new) = ("page-before@example.com", "page-after@example.com");
    register_page(&app, old).await;
    let fields = [("new_email", new), ("current_password", PASSWORD)];
    let asked = app
        .submit_with_csrf("/account/email", "/account/email", &fields)
        .await;
    assert_redirect(&asked, "/account/email", "change requested");
    assert!(app.page("/account").await.html.contains(old), "unchanged");

    let confirm = mail_to(&mut app, CONFIRM_NEW_SUBJECT, new).await;
    let token = verify_token(&app, &confirm);
    mail_to(&mut app, CHANGE_NOTICE_SUBJECT, old).await;
    let link_page = app.page(&format!("/verify-email?token={token}")).await;
    assert!(
        link_page
            .html
            .contains(&format!("account to <strong>{new}</strong>")),
        "the link's page names the address it moves the account to: {}",
        link_page.html
    );
    let done = confirm_page(&app, &token).await;
    assert_redirect(&done, "/account/email", "confirmed");
    let account = app.page("/account/email").await;
    assert!(account
        .html
        .contains("Your email address has been changed."));
    assert!(account.html.contains(new), "{}", account.html);
    assert!(account.html.contains(">Verified</span>"));
    assert!(!account.html.contains("Waiting for confirmation"));
    let told = mail_to(&mut app, COMPLETED_SUBJECT, old).await;
    assert!(told.text.contains(new), "{}", told.text);
    assert!(app.user(old).await.is_none());
    assert!(app.user(new).await.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_taken_address_is_warned_and_nothing_changes() {
    let mut app = mail_app(false, &[]).await;
    let (mine, taken) = ("mover@example.com", "owner@example.com");
    app.register(taken).await;
    let (access, _) = app.signed_in(mine).await;

    assert_accepted(&change_email(&app, &access, PASSWORD, taken).await);
    let warning = mail_to(&mut app, IN_USE_SUBJECT, taken).await;
    assert!(!warning.raw.contains("/verify-email"), "no link to take it");

    assert_eq!(me(&app, &access).await["email"], mine);
    let user = app.user(mine).await.expect("user");
    let pending = email_token::Entity::find()
        .filter(email_token::Column::UserId.eq(user.id))
        .filter(email_token::Column::Purpose.eq("change_email"))
        .all(&app.state().db)
        .await
        .expect("tokens");
    // A change waits for a link that was never sent: the settings page shows "waiting for
    // confirmation" as for a free address, and nobody can ever confirm it.
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].new_email.as_deref(), Some(taken));
    app.no_mail_where(1000, |m| {
        m.subject == CONFIRM_NEW_SUBJECT || m.subject == CHANGE_NOTICE_SUBJECT
    })
    .await;
    access_token(&app, taken, PASSWORD).await;
    access_token(&app, mine, PASSWORD).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_passwords_and_unusable_addresses_are_refused() {
    let mut app = mail_app(false, &[]).await;
    let email = "careful@example.com";
    let (access, _) = app.signed_in(email).await;

    let wrong = change_email(&app, &access, "wrong-password-9", "other@example.com").await;
    assert_eq!(wrong.status, Status::BadRequest, "{}", wrong.body);
    assert_eq!(
        wrong.body,
        json!({ "detail": "Current password is incorrect" })
    );
    for (new_email, what) in [
        ("not-an-email", "not an address"),
        (email, "the current address"),
        (
            "Careful@Example.com",
            "the current address, differently cased",
        ),
    ] {
        let reply = change_email(&app, &access, PASSWORD, new_email).await;
        assert_eq!(
            reply.status,
            Status::UnprocessableEntity,
            "{what}: {}",
            reply.body
        );
    }
    assert_eq!(me(&app, &access).await["email"], email);
    app.no_mail_within(1000).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_confirmed_change_voids_the_reset_links_sent_to_the_old_address() {
    let mut app = mail_app(false, &[]).await;
    let (old, new) = ("reset-before@example.com", "reset-after@example.com");
    let (access, _) = app.signed_in(old).await;
    assert_eq!(app.forgot_password(old).await.status, Status::Accepted);
    let reset = mail_to(&mut app, RESET_SUBJECT, old).await.reset_token();

    assert_accepted(&change_email(&app, &access, PASSWORD, new).await);
    let confirm = mail_to(&mut app, CONFIRM_NEW_SUBJECT, new).await;
    let reply = verify(&app, &verify_token(&app, &confirm)).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);

    // Whoever still reads the old mailbox cannot take the account back through its link.
    let account = app.user(new).await.expect("the account");
    let left = password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(account.id))
        .all(&app.state().db)
        .await
        .expect("reset rows");
    assert!(left.is_empty(), "{left:?}");
    let late = app.reset_password(&reset, NEW_PASSWORD).await;
    assert_eq!(late.status, Status::BadRequest, "{}", late.body);
    access_token(&app, new, PASSWORD).await;
}
