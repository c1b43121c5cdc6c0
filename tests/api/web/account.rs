//! The account page's change-password form.

use rocket::http::Status;

use super::{register, web_app};
use crate::helpers::PASSWORD;

#[tokio::test(flavor = "multi_thread")]
async fn change_password_in_the_browser() {
    let mut app = web_app(true).await;
    register(&app, "web-change@example.com", "").await;
    // One account page, one token, three submissions.
    let csrf = app.page("/account").await.csrf();
    let new = "granite-meadow-640";

    let wrong = app
        .submit(
            "/account/password",
            &[
                ("current_password", "nope-nope-1"),
                ("new_password", new),
                ("confirm_password", new),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(wrong.status, Status::BadRequest);
    assert!(wrong.html.contains("id=\"current_password-error\""));

    let mismatch = app
        .submit(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("confirm_password", "other-thing-1"),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(mismatch.status, Status::UnprocessableEntity);
    assert!(mismatch.html.contains("id=\"confirm_password-error\""));

    let ok = app
        .submit(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("confirm_password", new),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(ok.status, Status::SeeOther);
    let account = app.page("/account").await;
    assert_eq!(account.status, Status::Ok, "this session survives");
    assert!(account.html.contains("Your password has been changed."));
    assert_eq!(
        app.next_mail().await.subject,
        "Your Gatehouse password was changed"
    );
    assert_eq!(
        app.login("web-change@example.com", new).await.status,
        Status::Ok
    );
}
