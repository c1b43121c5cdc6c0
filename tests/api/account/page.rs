//! The account page's security section, as a browser without JavaScript uses it: the address's
//! state, the sessions (ending one, ending the others), recent activity, the email form.

use rocket::http::Status;

use super::{
    access_token, assert_redirect, confirm_page, mail_app, register_page, verification_token,
};
use crate::helpers::{PageReply, TestApp, PASSWORD};

/// The ids in the page's "Sign out" forms (`/account/sessions/<id>/end`), in page order.
fn end_forms(page: &PageReply) -> Vec<String> {
    page.html
        .split("action=\"/account/sessions/")
        .skip(1)
        .filter_map(|rest| rest.split_once("/end\"").map(|(id, _)| id.to_owned()))
        .collect()
}

/// How many sessions the page lists.
fn listed_sessions(page: &PageReply) -> usize {
    let Some((_, list)) = page.html.split_once("<ul class=\"sessions\">") else {
        return 0;
    };
    let list = list.split_once("</ul>").map_or(list, |(list, _)| list);
    list.matches("<li>").count()
}

/// The id of the session an API access token belongs to.
async fn session_id(app: &TestApp, access: &str) -> String {
    let reply = app.get_auth("/auth/sessions", access).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);
    let sessions = reply.body.as_array().expect("sessions").clone();
    let current = sessions
        .iter()
        .find(|s| s["current"] == true)
        .unwrap_or_else(|| panic!("a current session: {sessions:?}"));
    current["id"].as_str().expect("id").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_shows_whether_the_address_is_verified() {
    let mut app = mail_app(true, &[]).await;
    let email = "badge@example.com";
    register_page(&app, email).await;
    let first = verification_token(&mut app, email).await;
    let page = app.page("/account").await;
    assert!(page.html.contains("Not verified"), "{}", page.html);
    assert!(page.html.contains("Resend verification email"));
    assert!(!page.html.contains(">Verified</span>"));

    let sent = app
        .submit_with_csrf("/account", "/account/resend-verification", &[])
        .await;
    assert_redirect(&sent, "/account", "resend");
    let page = app.page("/account").await;
    assert!(
        page.html
            .contains(&format!("We sent a new link to {email}.")),
        "{}",
        page.html
    );
    let second = verification_token(&mut app, email).await;
    assert_ne!(first, second);

    assert_redirect(&confirm_page(&app, &second).await, "/account", "confirm");
    let page = app.page("/account").await;
    assert!(page.html.contains(">Verified</span>"), "{}", page.html);
    assert!(!page.html.contains("Not verified"));
    assert!(!page.html.contains("Resend verification email"));
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_are_listed_and_ended_from_the_page() {
    let app = mail_app(true, &[]).await;
    let email = "many@example.com";
    register_page(&app, email).await;
    let laptop = access_token(&app, email, PASSWORD).await;
    let phone = access_token(&app, email, PASSWORD).await;

    let page = app.page("/account/sessions").await;
    assert_eq!(listed_sessions(&page), 3, "{}", page.html);
    assert_eq!(page.html.matches("This device").count(), 1);
    let laptop_id = session_id(&app, &laptop).await;
    let forms = end_forms(&page);
    assert_eq!(forms.len(), 2, "no button for this device: {forms:?}");
    assert!(forms.contains(&laptop_id), "{forms:?}");
    assert!(page.html.contains("Log out everywhere else"));

    let ended = app
        .submit_with_csrf(
            "/account/sessions",
            &format!("/account/sessions/{laptop_id}/end"),
            &[],
        )
        .await;
    assert_redirect(&ended, "/account/sessions", "end one");
    assert_eq!(app.me(&laptop).await.status, Status::Unauthorized);
    assert_eq!(app.me(&phone).await.status, Status::Ok);
    let page = app.page("/account/sessions").await;
    assert!(page.html.contains("That session was logged out."));
    assert_eq!(listed_sessions(&page), 2, "{}", page.html);

    let others = app
        .submit_with_csrf("/account/sessions", "/account/sessions/end-others", &[])
        .await;
    assert_redirect(&others, "/account/sessions", "end the others");
    assert_eq!(app.me(&phone).await.status, Status::Unauthorized);
    let page = app.page("/account/sessions").await;
    assert_eq!(page.status, Status::Ok, "this session lives on");
    assert!(
        page.html.contains("Logged out 1 other session."),
        "{}",
        page.html
    );
    assert_eq!(listed_sessions(&page), 1);
    assert!(page.html.contains("This device"));
    assert!(!page.html.contains("Log out everywhere else"));

    // This device comes first, whatever the order the others started in.
    let list = page
        .html
        .split_once("<ul class=\"sessions\">")
        .map_or("", |(_, l)| l);
    let first = list.split("<li>").nth(1).unwrap_or_default();
    assert!(first.contains("This device"), "{}", page.html);
    assert!(
        first.contains("<time datetime=\"") && first.contains(" UTC\">"),
        "the absolute time on hover and in text: {first}"
    );

    let activity = app.page("/account/activity").await;
    assert_eq!(activity.status, Status::Ok);
    for line in ["Logged in", "A session was ended", "Account created"] {
        assert!(activity.html.contains(line), "{line}: {}", activity.html);
    }
    let created = activity.html.find("Account created").unwrap_or_default();
    let logged_in = activity.html.find("Logged in").unwrap_or_default();
    assert!(logged_in < created, "newest first, the creation last");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_email_form_names_the_new_address_or_shows_its_errors() {
    let app = mail_app(true, &[]).await;
    register_page(&app, "form@example.com").await;

    let wrong = app
        .submit_with_csrf(
            "/account/email",
            "/account/email",
            &[
                ("new_email", "elsewhere@example.com"),
                ("current_password", "nope-nope-1"),
            ],
        )
        .await;
    assert_eq!(wrong.status, Status::BadRequest, "{}", wrong.html);
    assert!(wrong.html.contains("Current password is incorrect"));
    assert!(
        wrong.html.contains("value=\"elsewhere@example.com\""),
        "kept"
    );

    let asked = app
        .submit_with_csrf(
            "/account/email",
            "/account/email",
            &[
                ("new_email", "elsewhere@example.com"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_redirect(&asked, "/account/email", "change requested");
    let page = app.page("/account/email").await;
    assert!(
        page.html
            .contains("We sent a confirmation link to elsewhere@example.com."),
        "{}",
        page.html
    );
    assert!(page.html.contains("form@example.com"), "not changed yet");
    assert!(
        page.html.contains(
            "Waiting for confirmation of <strong>elsewhere@example.com</strong>, sent <time"
        ),
        "{}",
        page.html
    );
}
