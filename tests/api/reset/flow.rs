//! The whole reset flow, and what the request and the mail give away.

use rocket::http::{Header, Status};
use sea_orm::EntityTrait;
use serde_json::json;

use gatehouse::entities::password_reset;

use super::{ACCEPTED, NEW_PASSWORD};
use crate::helpers::{spawn_with_mail, Reply, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_reset_flow_over_smtp() {
    let mut app = spawn_with_mail().await;
    let (access, refresh) = app.signed_in("reset@example.com").await;

    let reply = app.forgot_password("Reset@Example.com").await;
    assert_eq!(reply.status, Status::Accepted);
    assert_eq!(reply.body, json!({ "msg": ACCEPTED }));

    let mail = app.next_mail().await;
    assert!(mail.to.contains("reset@example.com"), "{}", mail.to);
    assert_eq!(mail.subject, "Reset your Gatehouse password");
    assert!(mail.raw.contains("multipart/alternative"), "text + HTML");
    let link = mail.reset_link();
    assert!(
        link.starts_with("http://localhost:8000/reset-password?token="),
        "{link}"
    );
    let token = mail.reset_token();
    assert!(token.len() >= 43, "256 bits, base64url: {token}");

    // Only the hash is stored.
    let rows = password_reset::Entity::find()
        .all(&app.state().db)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].token_hash,
        gatehouse::auth::tokens::hash_token(&token)
    );
    assert_eq!(rows[0].expires_at - rows[0].created_at, 30 * 60);

    let done = app.reset_password(&token, NEW_PASSWORD).await;
    assert_eq!(done.status, Status::Ok, "{}", done.body);
    assert_eq!(done.body, json!({ "msg": "Password changed successfully" }));
    assert!(
        done.body.get("access_token").is_none(),
        "a reset does not log in"
    );

    assert_eq!(
        app.login("reset@example.com", PASSWORD).await.status,
        Status::Unauthorized
    );
    assert_eq!(
        app.login("reset@example.com", NEW_PASSWORD).await.status,
        Status::Ok
    );
    assert_eq!(app.me(&access).await.status, Status::Unauthorized);
    let old_refresh = app.refresh(&refresh).await;
    assert_eq!(old_refresh.status, Status::Unauthorized);

    let again = app.reset_password(&token, "another-pass-8812").await;
    assert_eq!(again.status, Status::BadRequest);
    assert_eq!(
        again.body,
        json!({ "detail": "Invalid or expired reset token" })
    );

    let changed = app.next_mail().await;
    assert_eq!(changed.subject, "Your Gatehouse password was changed");
    assert!(changed.to.contains("reset@example.com"));
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_addresses_get_the_identical_answer_and_no_mail() {
    let mut app = spawn_with_mail().await;
    app.register("known@example.com").await;
    let known = app.forgot_password("known@example.com").await;
    let unknown = app.forgot_password("unknown@example.com").await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body);
    let names = |r: &Reply| {
        let mut headers: Vec<_> = r
            .headers
            .iter()
            .filter(|(n, _)| n != "Date")
            .cloned()
            .collect();
        headers.sort();
        headers
    };
    assert_eq!(names(&known), names(&unknown));

    let mail = app.next_mail().await;
    assert!(mail.to.contains("known@example.com"));
    app.no_mail_within(1500).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_link_ignores_the_host_header() {
    let mut app = spawn_with_mail().await;
    app.register("host@example.com").await;
    let res = app
        .client
        .post("/auth/forgot-password")
        .header(Header::new("Host", "evil.example"))
        .header(Header::new("X-Forwarded-Host", "evil.example"))
        .json(&json!({ "email": "host@example.com" }))
        .dispatch()
        .await;
    assert_eq!(res.status(), Status::Accepted);
    drop(res);
    let link = app.next_mail().await.reset_link();
    assert!(
        link.starts_with("http://localhost:8000/reset-password?token="),
        "{link}"
    );
    assert!(!link.contains("evil"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mail_writes_its_lifetime_as_people_do_and_carries_the_plain_link() {
    let mut app = crate::helpers::spawn_with(crate::helpers::Options {
        mail: true,
        settings: vec![("gatehouse.reset_token_expire_minutes", "1".to_owned())],
        ..crate::helpers::Options::default()
    })
    .await;
    app.register("one-minute@example.com").await;
    assert_eq!(
        app.forgot_password("one-minute@example.com").await.status,
        Status::Accepted
    );
    let mail = app
        .next_mail_where(|m| m.subject == "Reset your Gatehouse password")
        .await;
    for part in [&mail.text, &mail.html] {
        assert!(part.contains("expires in 1 minute."), "{part}");
    }
    let link = mail.reset_link();
    let page = scraper::Html::parse_document(&mail.html);
    let anchors = scraper::Selector::parse("a").expect("a selector");
    assert!(
        page.select(&anchors)
            .any(|a| a.text().collect::<String>().trim() == link),
        "the plain URL as text, for clients that do not show buttons"
    );
}
