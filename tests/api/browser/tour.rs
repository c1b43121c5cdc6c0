//! Every page in each of its states, audited with axe-core (WCAG 2.0/2.1/2.2 A and AA, and axe's
//! best practices) at a desktop width and at 375 px, each checked to start with the skip link for
//! the keyboard — and a person who registers, confirms the address and logs in with Tab, Enter and
//! typing only.
//!
//! The app requires a confirmed address here, so the "check your inbox" page and the log-in
//! refused for an unconfirmed address are among the states. The screenshots (375 px) go to
//! `<target>/tmp/browser/<database>-pages/`.

use std::time::Duration;

use super::{
    axe::Axe,
    stage::Stage,
    tourist::{Tour, WIDTHS},
    walk::{login_over_http, Walk},
};
use crate::helpers::{receive_mail, PASSWORD};

// One tour from start to end reads best as one function.
#[allow(clippy::too_many_lines)]
async fn tour(tour: &mut Tour, port: u16, mail: &mut mailcrab::TestMailServerHandle) {
    let email = "keys@example.com";
    tour.walk.open("/").await;
    if let Some(axe) = &tour.axe {
        axe.self_test(&tour.walk.browser).await;
    }
    tour.check("landing").await;

    // Register with the keyboard alone: first a mistake, then right.
    tour.walk.tab_to("a:Create account").await;
    tour.walk.enter_and_wait().await;
    tour.walk.wait_for_path("/register").await;
    tour.check("register").await;
    tour.walk.tab_and_type("email", email).await;
    tour.walk.tab_and_type("username", "keys").await;
    tour.walk.tab_and_type("password", PASSWORD).await;
    tour.walk
        .tab_and_type("confirm_password", "not-the-same-1")
        .await;
    tour.walk.tab_to("button:Create account").await;
    tour.walk.enter_and_wait().await;
    tour.expect_text("The passwords do not match.").await;
    tour.check("register-errors").await;
    tour.walk.tab_and_type("password", PASSWORD).await;
    tour.walk.tab_and_type("confirm_password", PASSWORD).await;
    tour.walk.tab_to("button:Create account").await;
    tour.walk.enter_and_wait().await;
    tour.expect_text("Check your inbox").await;
    tour.check("check-inbox").await;

    // Log in before confirming the address: refused (403) with a way to get a new link.
    tour.walk.tab_to("a:Log in").await;
    tour.walk.enter_and_wait().await;
    tour.walk.wait_for_path("/login").await;
    tour.check("login").await;
    tour.walk.tab_and_type("identifier", email).await;
    tour.walk.tab_and_type("password", PASSWORD).await;
    tour.walk.tab_to("button:Log in").await;
    tour.walk.enter_and_wait().await;
    tour.expect_text("Your email address is not confirmed yet.")
        .await;
    tour.check("login-unconfirmed").await;

    // The link from the mail, confirmed with the keyboard.
    let received = receive_mail(mail, Duration::from_secs(15)).await;
    assert_eq!(received.subject, "Confirm your email address for Gatehouse");
    tour.walk
        .browser
        .goto(&received.link())
        .await
        .expect("open the link");
    tour.walk.wait_for_path("/verify-email").await;
    tour.check("verify-email").await;
    tour.walk.tab_to("button:Confirm my email").await;
    tour.walk.enter_and_wait().await;
    tour.walk.wait_for_path("/login").await;
    tour.expect_text("your email address is verified").await;
    tour.check("login-after-confirming").await;

    // Signed in elsewhere too, then here with the keyboard: two sessions and some activity.
    assert_eq!(login_over_http(port, email, PASSWORD).await, 200);
    tour.walk.tab_and_type("identifier", "keys").await;
    tour.walk.tab_and_type("password", PASSWORD).await;
    tour.walk.tab_to("button:Log in").await;
    tour.walk.enter_and_wait().await;
    tour.walk.wait_for_path("/account").await;
    tour.check("settings-profile").await;
    tour.open("/account/sessions", "settings-sessions").await;
    assert_eq!(tour.walk.count("ul.sessions > li").await, 2);
    tour.open("/account/activity", "settings-activity").await;
    tour.expect_text("Email address verified").await;
    tour.open("/account/email", "settings-email").await;
    tour.open("/account/delete", "settings-delete").await;
    tour.open("/account/password", "settings-password").await;
    tour.walk.tab_to("button:Change password").await;
    tour.walk.enter_and_wait().await;
    tour.expect_text("There is a problem").await;
    tour.check("settings-password-errors").await;

    tour.open("/", "landing-logged-in").await;
    tour.open("/no-such-page", "not-found-logged-in").await;
    tour.expect_text("Page not found").await;
    tour.open("/logout", "logout").await;
    tour.walk.tab_to("button:Log out").await;
    tour.walk.enter_and_wait().await;
    tour.walk.wait_for_path("/login").await;
    tour.expect_text("You have been logged out.").await;
    tour.check("logged-out").await;
    tour.open("/logout", "logout-logged-out").await;
    tour.open("/no-such-page", "not-found").await;

    // Log-in errors: nothing typed; then one name tried too often.
    tour.walk.open("/login").await;
    tour.walk.tab_to("button:Log in").await;
    tour.walk.enter_and_wait().await;
    tour.expect_text("Enter your password").await;
    tour.check("login-errors").await;
    for attempt in 0.. {
        assert!(attempt < 7, "the log-in is throttled after a few failures");
        tour.walk
            .fill("Email or username", "ghost@example.com")
            .await;
        tour.walk.fill("Password", "wrong-password-1").await;
        tour.walk.press("Log in").await;
        if tour
            .walk
            .text()
            .await
            .contains("after several failed log-ins. You can reset")
        {
            break;
        }
    }
    tour.check("login-throttled").await;

    // A form sent with a wrong CSRF token: the 403 page.
    tour.walk.open("/login").await;
    tour.walk
        .browser
        .execute(
            "document.querySelector('input[name=csrf_token]').value = 'wrong';",
            vec![],
        )
        .await
        .expect("spoil the CSRF token");
    tour.walk.fill("Email or username", email).await;
    tour.walk.fill("Password", PASSWORD).await;
    tour.walk.press("Log in").await;
    tour.expect_text("Check what you entered and send it again")
        .await;
    let kept = tour
        .walk
        .browser
        .execute(
            "return document.getElementById('identifier').value;",
            vec![],
        )
        .await
        .expect("the field");
    assert_eq!(kept.as_str(), Some(email), "what was typed comes back");
    tour.check("csrf-refused").await;

    // The address is taken.
    tour.walk.open("/register").await;
    tour.walk.fill("Email", email).await;
    tour.walk.fill("Password", PASSWORD).await;
    tour.walk.fill("Confirm password", PASSWORD).await;
    tour.walk.press("Create account").await;
    tour.expect_text("reset your password").await;
    tour.check("register-email-taken").await;

    // Forgot password: empty, then sent; the reset page from the mail, with errors.
    tour.open("/forgot-password", "forgot-password").await;
    tour.walk.tab_to("button:Send reset link").await;
    tour.walk.enter_and_wait().await;
    tour.expect_text("There is a problem").await;
    tour.check("forgot-password-errors").await;
    tour.walk.fill("Email", email).await;
    tour.walk.press("Send reset link").await;
    tour.walk.wait_for_path("/forgot-password/sent").await;
    tour.check("forgot-password-sent").await;
    let received = receive_mail(mail, Duration::from_secs(15)).await;
    tour.walk
        .browser
        .goto(&received.reset_link())
        .await
        .expect("open the link");
    tour.walk.wait_for_path("/reset-password").await;
    tour.check("reset-password").await;
    tour.walk.fill("New password", "lighthouse-keeper-77").await;
    tour.walk
        .fill("Confirm new password", "lighthouse-keeper-78")
        .await;
    tour.walk.press("Set new password").await;
    tour.expect_text("There is a problem").await;
    tour.check("reset-password-errors").await;

    tour.open("/reset-password?token=not-a-real-token", "reset-invalid")
        .await;
    tour.expect_text("This link is invalid or has expired")
        .await;
    tour.open("/verify-email?token=not-a-real-token", "verify-invalid")
        .await;
    tour.expect_text("This link is invalid or has expired")
        .await;
}

#[allow(clippy::too_many_lines)]
#[tokio::test(flavor = "multi_thread")]
async fn every_page_passes_axe_at_two_widths_and_the_keyboard_alone_gets_a_person_in() {
    if !super::driver::browser_available() {
        return;
    }
    let axe = Axe::load();
    let settings = [
        ("require_email_verification", true.into()),
        ("login_max_failures", 2.into()),
    ];
    let (server, mut mail) = Stage::start(&settings, "-pages").await;
    let (port, shots) = (server.port, server.shots.clone());
    let mut state = Tour {
        walk: Walk {
            browser: server.browser.clone(),
            base: server.base.clone(),
            shots: shots.clone(),
            step: 0,
        },
        axe,
        failures: Vec::new(),
        checked: Vec::new(),
    };

    // On a panic the browser still closes (no Chromium left behind), then the panic goes on.
    let outcome = tokio::spawn(async move {
        tour(&mut state, port, &mut mail).await;
        mail.token.cancel();
        state
    })
    .await;
    server.stop().await;
    let state = outcome.unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()));

    eprintln!(
        "{} page states checked{} at {} px: {}; screenshots in {}",
        state.checked.len(),
        if state.axe.is_some() {
            " with axe-core"
        } else {
            ""
        },
        WIDTHS.map(|w| w.0.to_string()).join(" and "),
        state.checked.join(", "),
        shots.display()
    );
    assert!(
        state.failures.is_empty(),
        "{} problems:\n{}",
        state.failures.len(),
        state.failures.join("\n")
    );
}
