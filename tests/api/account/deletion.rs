//! Deleting the account: its tokens die at once, its rows go, its activity stays without what
//! identifies it, a goodbye mail is sent, and the address is free again.

use std::net::SocketAddr;

use rocket::http::{Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use gatehouse::entities::{audit_event, email_token, outbox};

use super::{
    assert_redirect, delete_json, mail_app, mail_to, me, register_page, GOODBYE_SUBJECT,
    VERIFY_SUBJECT,
};
use crate::helpers::{Reply, TestApp, PASSWORD};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

/// Logs in from a known address and browser, so its activity has an IP and a device.
async fn login_from_somewhere(app: &TestApp, email: &str) -> (String, String) {
    let remote: SocketAddr = "203.0.113.7:40000".parse().expect("address");
    let request = app
        .client
        .post("/auth/login")
        .remote(remote)
        .header(Header::new("User-Agent", FIREFOX))
        .json(&json!({ "email": email, "password": PASSWORD }));
    let reply = Reply::from(request.dispatch().await).await;
    assert_eq!(reply.status, Status::Ok, "login: {}", reply.body);
    reply.tokens()
}

async fn events(app: &TestApp) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .all(&app.state().db)
        .await
        .expect("audit events")
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_the_account_removes_it_and_anonymises_its_activity() {
    let mut app = mail_app(false, &[]).await;
    let email = "leaving@example.com";
    app.register(email).await;
    // Its verification mail is sent before the account goes: the sent row goes too.
    mail_to(&mut app, VERIFY_SUBJECT, email).await;
    let sent = || async {
        outbox::Entity::find()
            .filter(outbox::Column::Status.eq("sent"))
            .all(&app.state().db)
            .await
            .expect("outbox")
            .len()
    };
    for _ in 0..100 {
        if sent().await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(sent().await, 1, "the verification mail is marked sent");
    let (access, refresh) = login_from_somewhere(&app, email).await;
    let user = app.user(email).await.expect("user");
    let theirs: Vec<i32> = events(&app)
        .await
        .into_iter()
        .filter(|e| e.user_id == Some(user.id))
        .map(|e| e.id)
        .collect();
    let identified = events(&app)
        .await
        .into_iter()
        .any(|e| e.user_id == Some(user.id) && e.ip.is_some() && e.device.is_some());
    assert!(identified, "the log-in was recorded with its IP and device");

    let reply = delete_json(&app, "/users/me", &access, json!({ "password": PASSWORD })).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    assert_eq!(reply.body, json!({ "msg": "Account deleted" }));

    assert_eq!(app.me(&access).await.status, Status::Unauthorized);
    assert_eq!(app.refresh(&refresh).await.status, Status::Unauthorized);
    mail_to(&mut app, GOODBYE_SUBJECT, email).await;

    assert!(app.user(email).await.is_none(), "the user row is gone");
    assert!(
        app.sessions_of(user.id).await.is_empty(),
        "its sessions too"
    );
    let tokens = email_token::Entity::find()
        .filter(email_token::Column::UserId.eq(user.id))
        .all(&app.state().db)
        .await
        .expect("tokens");
    assert!(tokens.is_empty(), "{tokens:?}");
    let mails = outbox::Entity::find()
        .all(&app.state().db)
        .await
        .expect("outbox");
    let kept: Vec<(&str, Option<i32>)> = mails
        .iter()
        .filter(|m| m.recipient == email || m.user_id == Some(user.id))
        .map(|m| (m.kind.as_str(), m.user_id))
        .collect();
    assert_eq!(
        kept,
        [("goodbye", None)],
        "only the goodbye keeps the address"
    );
    let after = events(&app).await;
    for id in &theirs {
        let event = after
            .iter()
            .find(|e| e.id == *id)
            .unwrap_or_else(|| panic!("event {id} is kept"));
        assert_eq!(
            (event.user_id, &event.ip, &event.device),
            (None, &None, &None),
            "{event:?}"
        );
    }
    assert!(
        after.iter().any(|e| e.kind == "account_deleted"),
        "{after:?}"
    );
    assert!(after.iter().all(|e| e.user_id != Some(user.id)));

    // The address is free again.
    app.register(email).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_deletes_nothing() {
    let mut app = mail_app(false, &[]).await;
    let email = "staying@example.com";
    let (access, _) = app.signed_in(email).await;
    let reply = delete_json(
        &app,
        "/users/me",
        &access,
        json!({ "password": "wrong-password-9" }),
    )
    .await;
    assert_eq!(reply.status, Status::BadRequest, "{}", reply.body);
    assert_eq!(
        reply.body,
        json!({ "detail": "Current password is incorrect" })
    );
    assert_eq!(me(&app, &access).await["email"], email);
    app.no_mail_where(1000, |m| m.subject == GOODBYE_SUBJECT)
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_page_deletes_and_signs_out() {
    let mut app = mail_app(true, &[]).await;
    let email = "page-leaver@example.com";
    register_page(&app, email).await;

    let wrong = app
        .submit_with_csrf(
            "/account/delete",
            "/account/delete",
            &[
                ("confirm_email", email),
                ("current_password", "wrong-password-9"),
            ],
        )
        .await;
    assert_eq!(wrong.status, Status::BadRequest, "{}", wrong.html);
    assert!(wrong
        .html
        .contains("<h2 id=\"section-title\">Delete account</h2>"));
    assert!(wrong.html.contains("Current password is incorrect"));
    assert!(app.user(email).await.is_some());

    // The address typed again must be the account's (any case); without it nothing is checked.
    for (typed, message) in [
        ("", "Type your email address to confirm."),
        (
            "someone-else@example.com",
            "This is not your account&#x27;s email address.",
        ),
    ] {
        let refused = app
            .submit_with_csrf(
                "/account/delete",
                "/account/delete",
                &[("confirm_email", typed), ("current_password", PASSWORD)],
            )
            .await;
        assert_eq!(
            refused.status,
            Status::UnprocessableEntity,
            "{typed}: {}",
            refused.html
        );
        let beside = format!("<p class=\"error-message\" id=\"confirm_email-error\">{message}</p>");
        assert!(refused.html.contains(&beside), "{typed}: {}", refused.html);
        assert!(app.user(email).await.is_some(), "{typed}");
    }

    let done = app
        .submit_with_csrf(
            "/account/delete",
            "/account/delete",
            &[
                ("confirm_email", &email.to_uppercase()),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_redirect(&done, "/", "deleted");
    for name in ["__Host-gh_access", "__Host-gh_refresh"] {
        assert!(
            done.cookie(name).is_some_and(|c| c.contains("Max-Age=0")),
            "{name} cleared: {:?}",
            done.cookies
        );
    }
    let account = app.page("/account").await;
    assert_eq!(account.status, Status::SeeOther, "signed out");
    assert!(app.user(email).await.is_none());
    mail_to(&mut app, GOODBYE_SUBJECT, email).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_log_in_that_loses_the_race_with_deletion_is_refused_not_a_500() {
    use gatehouse::{
        entities::user,
        error::{Error, INVALID_CREDENTIALS},
        services::{sessions, ClientInfo},
    };
    let app = crate::helpers::spawn().await;
    app.register("racing@example.com").await;
    let account = app.user("racing@example.com").await.expect("the user");
    // What a log-in meets when the deletion commits between its password check and its new
    // session: the user row is gone. The session insert then breaks the foreign key.
    user::Entity::delete_by_id(account.id)
        .exec(&app.state().writer)
        .await
        .expect("delete the user row");
    let started = sessions::start(app.state(), account.id, false, &ClientInfo::default()).await;
    assert!(
        matches!(started, Err(Error::Unauthorized(INVALID_CREDENTIALS))),
        "{:?}",
        started.err()
    );
    assert!(app.sessions_of(account.id).await.is_empty());
    // The same account through the API, as a log-in that arrives just after.
    let login = app.login("racing@example.com", PASSWORD).await;
    assert_eq!(login.status, Status::Unauthorized, "{}", login.body);
}
