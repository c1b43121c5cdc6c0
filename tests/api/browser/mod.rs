//! A person in a real browser: headless Chromium driven over WebDriver (chromedriver) through a
//! whole account life — register, confirm the address from the mailed link, see and end another
//! session, read the security activity, log out, log in, forgot password, the reset mail over
//! real SMTP, the reset page, and the new password working where the old one fails.
//! Screenshots of every step go to `<target>/tmp/browser/<database>/` (a few also at 375 px).
//! A second test (`tour`) audits every page in each state with axe-core at 1280 and 375 px and
//! walks in with the keyboard alone; its screenshots go to
//! `<target>/tmp/browser/<database>-pages/`.
//!
//! Needs Debian's `chromium` and `chromium-driver`, and for the audit axe-core from npm (see
//! `axe`). Without them the tests (or the audit) are skipped with a message, unless
//! `GATEHOUSE_BROWSER_TEST=required` (as in CI), which makes them fail instead.
//!
//! - `driver`: finding, starting and stopping Chromium and chromedriver.
//! - `stage`: the app on a real port, its mail captured, and a fresh Chromium beside it.
//! - `walk`: the person's actions (fill in by label, press, follow) and the screenshots.
//! - `keys`: the keyboard — Tab, Enter and typing into the focused element; the skip link.
//! - `axe`: the axe-core accessibility audit, injected over WebDriver.
//! - `tour`: every page in each of its states audited at 1280 and 375 px, keyboard-ready, and
//!   a person who registers, confirms and logs in with the keyboard alone.

mod axe;
mod driver;
mod keys;
mod stage;
mod tour;
mod tourist;
mod walk;

use std::time::Duration;

use crate::helpers::{receive_mail, PASSWORD};
use driver::browser_available;
use stage::Stage;
use walk::{login_over_http, Walk};

const NEW_PASSWORD: &str = "lighthouse-keeper-77";

// One story from start to end reads best as one function.
#[allow(clippy::too_many_lines)]
#[tokio::test(flavor = "multi_thread")]
async fn a_person_walks_through_the_whole_account_life_in_chromium() {
    if !browser_available() {
        return;
    }
    // With CORS origins listed, the site's own form posts (which carry `Origin`) must still
    // pass: the CORS layer only ever adds headers.
    let origins = [("allowed_origins", "http://localhost:3000".into())];
    let (stage, mut mail) = Stage::start(&origins, "").await;
    let mut walk = Walk {
        browser: stage.browser.clone(),
        base: stage.base.clone(),
        shots: stage.shots.clone(),
        step: 0,
    };
    let email = "walker@example.com";

    // Register.
    walk.open("/").await;
    walk.shot("landing").await;
    walk.phone_shot("landing").await;
    walk.follow("Create account").await;
    walk.wait_for_path("/register").await;
    walk.fill("Email", email).await;
    walk.fill("Username (optional)", "walker").await;
    walk.fill("Password", PASSWORD).await;
    walk.fill("Confirm password", "not-the-same-1").await;
    walk.press("Create account").await;
    let text = walk.text().await;
    assert!(text.contains("There is a problem") && text.contains("The passwords do not match."));
    walk.shot("register-error").await;
    walk.phone_shot("register-error").await;
    walk.fill("Password", PASSWORD).await;
    walk.fill("Confirm password", PASSWORD).await;
    walk.shot("register").await;
    walk.press("Create account").await;
    walk.wait_for_path("/account").await;
    let text = walk.text().await;
    assert!(
        text.contains(email),
        "the account page shows the email: {text}"
    );
    assert!(text.contains("Member since"));
    assert!(text.contains("Not verified"), "{text}");
    walk.shot("account").await;

    // Confirm the address with the link from the verification mail.
    let received = receive_mail(&mut mail, Duration::from_secs(15)).await;
    assert_eq!(received.subject, "Confirm your email address for Gatehouse");
    assert!(received.to.contains(email));
    let link = received.link();
    assert!(
        link.starts_with(&format!("{}/verify-email?token=", walk.base)),
        "{link}"
    );
    walk.browser.goto(&link).await.expect("open the link");
    walk.wait_for_path("/verify-email").await;
    walk.shot("verify-link").await;
    walk.press("Confirm my email").await;
    walk.wait_for_path("/account").await;
    let text = walk.text().await;
    assert!(
        text.contains("Verified") && !text.contains("Not verified"),
        "{text}"
    );
    walk.shot("verified").await;

    // Logged in elsewhere too (an API client): two sessions; log the other one out.
    assert_eq!(login_over_http(stage.port, email, PASSWORD).await, 200);
    walk.open("/account/sessions").await;
    walk.wait_for_path("/account/sessions").await;
    assert_eq!(walk.count("ul.sessions > li").await, 2);
    assert!(walk.text().await.contains("This device"));
    walk.shot("two-sessions").await;
    walk.phone_shot("two-sessions").await;
    walk.press("Log out this session").await;
    walk.wait_for_path("/account/sessions").await;
    assert_eq!(walk.count("ul.sessions > li").await, 1);
    let text = walk.text().await;
    assert!(text.contains("That session was logged out."), "{text}");
    walk.shot("one-session").await;

    // Every section of the settings, through its navigation.
    for (link, path) in [
        ("Activity", "/account/activity"),
        ("Password", "/account/password"),
        ("Email", "/account/email"),
        ("Delete account", "/account/delete"),
        ("Profile", "/account"),
    ] {
        walk.follow(link).await;
        walk.wait_for_path(path).await;
        let name = format!("settings-{}", link.to_lowercase().replace(' ', "-"));
        walk.shot(&name).await;
        walk.phone_shot(&name).await;
        if path == "/account/activity" {
            let activity = walk.text().await;
            for line in [
                "Logged in",
                "Email address verified",
                "Verification email sent",
                "A session was ended",
                "Account created",
            ] {
                assert!(activity.contains(line), "{line} in {activity}");
            }
        }
    }

    // Log out, then log in.
    walk.press("Log out").await;
    walk.wait_for_path("/login").await;
    assert!(walk.text().await.contains("You have been logged out."));
    walk.shot("logged-out").await;
    walk.open("/account").await;
    walk.wait_for_path("/login").await;
    walk.fill("Email or username", email).await;
    walk.fill("Password", PASSWORD).await;
    walk.press("Log in").await;
    walk.wait_for_path("/account").await;
    walk.shot("logged-in").await;
    walk.press("Log out").await;
    walk.wait_for_path("/login").await;

    // Forgot password: the mail arrives over SMTP.
    walk.follow("Forgot your password?").await;
    walk.wait_for_path("/forgot-password").await;
    walk.fill("Email", email).await;
    walk.press("Send reset link").await;
    walk.wait_for_path("/forgot-password/sent").await;
    assert!(walk
        .text()
        .await
        .contains("If an account exists for that email, a reset link has been sent."));
    walk.shot("forgot-sent").await;
    let received = receive_mail(&mut mail, Duration::from_secs(15)).await;
    assert!(received.to.contains(email));
    let link = received.reset_link();
    assert!(
        link.starts_with(&format!("{}/reset-password?token=", walk.base)),
        "{link}"
    );

    // The link opens the reset page; set a new password.
    walk.browser.goto(&link).await.expect("open the link");
    walk.wait_for_path("/reset-password").await;
    walk.shot("reset-form").await;
    walk.phone_shot("reset-form").await;
    walk.fill("New password", NEW_PASSWORD).await;
    walk.fill("Confirm new password", NEW_PASSWORD).await;
    walk.press("Set new password").await;
    walk.wait_for_path("/login").await;
    assert!(walk
        .text()
        .await
        .contains("Your password has been changed."));
    walk.shot("reset-done").await;

    // The old password fails, the new one works.
    walk.fill("Email or username", email).await;
    walk.fill("Password", PASSWORD).await;
    walk.press("Log in").await;
    walk.wait_for_path("/login").await;
    assert!(walk.text().await.contains("Invalid credentials"));
    walk.shot("old-password-refused").await;
    walk.fill("Password", NEW_PASSWORD).await;
    walk.press("Log in").await;
    walk.wait_for_path("/account").await;
    assert!(walk.text().await.contains(email));
    walk.shot("new-password-works").await;

    // The used link is dead.
    walk.browser.goto(&link).await.expect("reopen the link");
    assert!(walk
        .text()
        .await
        .contains("This link is invalid or has expired"));
    walk.shot("link-used").await;

    let shots = walk.shots.clone();
    mail.token.cancel();
    stage.stop().await;
    let count = std::fs::read_dir(&shots).map_or(0, Iterator::count);
    assert!(count >= 10, "screenshots saved in {}", shots.display());
}
