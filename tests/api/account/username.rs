//! `PATCH /users/me {username}`: a username can be added, changed or removed after
//! registration, with registration's rules and uniqueness, and the unique index decides races.

use rocket::http::{ContentType, Header, Status};
use serde_json::{json, Value};

use crate::helpers::{spawn, Reply, TestApp, PASSWORD};

async fn patch_me(app: &TestApp, access: &str, body: &Value) -> Reply {
    Reply::from(
        app.client
            .patch("/users/me")
            .header(Header::new("Authorization", format!("Bearer {access}")))
            .header(ContentType::JSON)
            .body(body.to_string())
            .dispatch()
            .await,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_username_is_added_changed_and_removed() {
    let app = spawn().await;
    let (access, _) = app.signed_in("named@example.com").await;

    let added = patch_me(&app, &access, &json!({ "username": "  River_9 " })).await;
    assert_eq!(added.status, Status::Ok, "{}", added.body);
    assert_eq!(added.body["username"], "River_9");
    assert_eq!(added.body["email"], "named@example.com");
    assert_eq!(app.login("river_9", PASSWORD).await.status, Status::Ok);

    // Its own name in another letter case is not "taken".
    let recased = patch_me(&app, &access, &json!({ "username": "river_9" })).await;
    assert_eq!(recased.status, Status::Ok, "{}", recased.body);
    assert_eq!(recased.body["username"], "river_9");

    let renamed = patch_me(&app, &access, &json!({ "username": "delta.7" })).await;
    assert_eq!(renamed.body["username"], "delta.7", "{}", renamed.body);
    assert_eq!(
        app.login("river_9", PASSWORD).await.status,
        Status::Unauthorized
    );
    assert_eq!(app.login("delta.7", PASSWORD).await.status, Status::Ok);

    // Leaving the field out changes nothing; null and "" remove the name.
    let kept = patch_me(&app, &access, &json!({})).await;
    assert_eq!(kept.body["username"], "delta.7", "{}", kept.body);
    let removed = patch_me(&app, &access, &json!({ "username": null })).await;
    assert_eq!(removed.status, Status::Ok, "{}", removed.body);
    assert_eq!(removed.body["username"], Value::Null);
    assert_eq!(app.me(&access).await.body["username"], Value::Null);
    assert_eq!(
        app.login("delta.7", PASSWORD).await.status,
        Status::Unauthorized
    );
    patch_me(&app, &access, &json!({ "username": "again" })).await;
    let emptied = patch_me(&app, &access, &json!({ "username": "" })).await;
    assert_eq!(emptied.body["username"], Value::Null, "{}", emptied.body);

    let activity = app.get_auth("/users/me/activity?limit=100", &access).await;
    let changes = activity.body["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "username_changed")
        .count();
    // Added, recased, renamed, removed, added again, emptied; `{}` wrote nothing.
    assert_eq!(changes, 6, "{}", activity.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_taken_or_invalid_name_is_refused_and_nothing_changes() {
    let app = spawn().await;
    let (first, _) = app.signed_in("first@example.com").await;
    assert_eq!(
        patch_me(&app, &first, &json!({ "username": "Harbor" }))
            .await
            .status,
        Status::Ok
    );
    let (second, _) = app.signed_in("second@example.com").await;

    let taken = patch_me(&app, &second, &json!({ "username": "hARBOR" })).await;
    assert_eq!(taken.status, Status::Conflict, "{}", taken.body);
    assert_eq!(taken.body, json!({ "detail": "Username already taken" }));
    for bad in [
        json!("ab"),
        json!("a".repeat(33)),
        json!("has space"),
        json!("at@sign"),
        json!(7),
    ] {
        let reply = patch_me(&app, &second, &json!({ "username": bad })).await;
        assert_eq!(
            reply.status,
            Status::UnprocessableEntity,
            "{bad}: {}",
            reply.body
        );
        assert!(reply.body["detail"].is_string(), "{}", reply.body);
    }
    assert_eq!(app.me(&second).await.body["username"], Value::Null);

    let anonymous = Reply::from(
        app.client
            .patch("/users/me")
            .header(ContentType::JSON)
            .body(r#"{"username":"nobody"}"#)
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(anonymous.status, Status::Unauthorized);
    let form = Reply::from(
        app.client
            .patch("/users/me")
            .header(Header::new("Authorization", format!("Bearer {second}")))
            .header(ContentType::Form)
            .body("username=formname")
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(form.status, Status::UnsupportedMediaType, "{}", form.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_accounts_racing_for_one_name_get_one_each_answer() {
    let app = spawn().await;
    let (one, _) = app.signed_in("racer-one@example.com").await;
    let (two, _) = app.signed_in("racer-two@example.com").await;
    for round in 0..5 {
        let name = json!({ "username": format!("contested{round}") });
        let (a, b) = tokio::join!(patch_me(&app, &one, &name), patch_me(&app, &two, &name));
        let mut statuses = [a.status.code, b.status.code];
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [200, 409],
            "round {round}: {} / {}",
            a.body,
            b.body
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_page_sets_the_username_and_shows_a_refusal_beside_its_field() {
    let app = super::mail_app(true, &[]).await;
    let (holder, _) = app.signed_in("holder@example.com").await;
    patch_me(&app, &holder, &json!({ "username": "Taken" })).await;
    let registered = super::register_page(&app, "page-name@example.com").await;
    assert_eq!(registered.status, Status::SeeOther, "{}", registered.html);

    let set = app
        .submit_with_csrf("/account", "/account", &[("username", "Quay-3")])
        .await;
    assert_eq!(set.status, Status::SeeOther, "{}", set.html);
    assert_eq!(set.location.as_deref(), Some("/account"));
    let page = app.page("/account").await;
    assert!(
        page.html.contains("Your username is now Quay-3."),
        "{}",
        page.html
    );
    let doc = scraper::Html::parse_document(&page.html);
    let input = scraper::Selector::parse("input#username").expect("a selector");
    let value = doc
        .select(&input)
        .next()
        .and_then(|i| i.value().attr("value"));
    assert_eq!(value, Some("Quay-3"));

    let taken = app
        .submit_with_csrf("/account", "/account", &[("username", "taken")])
        .await;
    assert_eq!(taken.status, Status::Conflict, "{}", taken.html);
    let doc = scraper::Html::parse_document(&taken.html);
    let error = scraper::Selector::parse("#username-error").expect("a selector");
    let message: String = doc
        .select(&error)
        .next()
        .expect("the error beside the field")
        .text()
        .collect();
    assert!(message.contains("Username already taken"), "{message}");
    let summary =
        scraper::Selector::parse("section.settings-section .error-summary a[href='#username']")
            .expect("a selector");
    assert!(
        doc.select(&summary).next().is_some(),
        "the section's summary links to the field: {}",
        taken.html
    );
    let value = doc
        .select(&input)
        .next()
        .and_then(|i| i.value().attr("value"));
    assert_eq!(value, Some("taken"), "what was typed is kept");
    assert_eq!(
        app.user("page-name@example.com")
            .await
            .and_then(|u| u.username)
            .as_deref(),
        Some("Quay-3")
    );

    let removed = app
        .submit_with_csrf("/account", "/account", &[("username", "")])
        .await;
    assert_eq!(removed.status, Status::SeeOther, "{}", removed.html);
    assert!(app
        .page("/account")
        .await
        .html
        .contains("Your username was removed."));
    assert_eq!(
        app.user("page-name@example.com")
            .await
            .and_then(|u| u.username),
        None
    );
}
