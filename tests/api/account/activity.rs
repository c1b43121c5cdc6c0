//! The events the address and reset flows leave in the owner's security activity.

use rocket::http::Status;
use serde_json::json;

use super::{
    access_token, mail_app, mail_to, verification_token, verify, verify_token, CONFIRM_NEW_SUBJECT,
    NEW_PASSWORD, RESET_SUBJECT,
};
use crate::helpers::PASSWORD;

#[tokio::test(flavor = "multi_thread")]
async fn verifying_changing_the_address_and_resetting_are_recorded() {
    let mut app = mail_app(false, &[]).await;
    let (old, new) = ("story@example.com", "story-new@example.com");
    let (access, _) = app.signed_in(old).await;
    let token = verification_token(&mut app, old).await;
    assert_eq!(verify(&app, &token).await.status, Status::Ok);

    let changed = app
        .post_json_auth(
            "/auth/change-email",
            &access,
            json!({ "password": PASSWORD, "new_email": new }),
        )
        .await;
    assert_eq!(changed.status, Status::Accepted, "{}", changed.body);
    let confirm = mail_to(&mut app, CONFIRM_NEW_SUBJECT, new).await;
    let token = verify_token(&app, &confirm);
    assert_eq!(verify(&app, &token).await.status, Status::Ok);

    assert_eq!(app.forgot_password(new).await.status, Status::Accepted);
    let reset = mail_to(&mut app, RESET_SUBJECT, new).await;
    let reply = app.reset_password(&reset.token(), NEW_PASSWORD).await;
    assert_eq!(reply.status, Status::Ok, "{}", reply.body);

    let access = access_token(&app, new, NEW_PASSWORD).await;
    let page = app.get_auth("/users/me/activity?limit=100", &access).await;
    assert_eq!(page.status, Status::Ok, "{}", page.body);
    let kinds: Vec<&str> = page.body["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    // Newest first: each step's event comes before (above) the one of the step before it.
    let order = [
        "reset_completed",
        "reset_requested",
        "email_change_completed",
        "email_change_requested",
        "email_verified",
        "verification_sent",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|kind| {
            kinds
                .iter()
                .position(|k| k == kind)
                .unwrap_or_else(|| panic!("{kind} in {kinds:?}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "newest first: {kinds:?}"
    );
}
