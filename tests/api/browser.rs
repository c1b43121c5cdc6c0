//! A person in a real browser: headless Chromium driven over WebDriver (chromedriver) through a
//! whole account life — register, account page, log out, log in, forgot password, the reset mail
//! over real SMTP, the reset page, and the new password working where the old one fails.
//! Screenshots of every step go to `<target>/tmp/browser/<database>/`.
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the test is skipped with a
//! message, unless `GATEHOUSE_BROWSER_TEST=required` (as in CI), which makes it fail instead.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{base_figment, free_port, Mail, PASSWORD};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const NEW_PASSWORD: &str = "lighthouse-keeper-77";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn browser_available() -> bool {
    let present = Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists();
    if !present {
        assert!(
            std::env::var("GATEHOUSE_BROWSER_TEST").as_deref() != Ok("required"),
            "GATEHOUSE_BROWSER_TEST=required but {CHROMEDRIVER} or {CHROMIUM} is missing \
             (apt install chromium chromium-driver)"
        );
        eprintln!("browser test skipped: install chromium and chromium-driver to run it");
    }
    present
}

async fn wait_for_port(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing listens on port {port}");
}

struct Walk {
    browser: Client,
    base: String,
    shots: PathBuf,
    step: usize,
}

impl Walk {
    async fn open(&self, path: &str) {
        self.browser
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("goto");
    }

    /// Types into the input whose `<label>` reads exactly `label`.
    async fn fill(&self, label: &str, value: &str) {
        let label_el = self
            .browser
            .find(Locator::XPath(&format!(
                "//label[normalize-space()='{label}']"
            )))
            .await
            .unwrap_or_else(|_| panic!("a label reading {label:?}"));
        let id = label_el
            .attr("for")
            .await
            .expect("attr")
            .expect("label has for=");
        let input = self
            .browser
            .find(Locator::Id(&id))
            .await
            .expect("the labelled input");
        input.clear().await.expect("clear");
        input.send_keys(value).await.expect("type");
    }

    /// Clicks a button and waits for the page it loads (the old document goes stale).
    async fn press(&self, button: &str) {
        let locator = format!("//button[normalize-space()='{button}']");
        let target = self
            .browser
            .find(Locator::XPath(&locator))
            .await
            .unwrap_or_else(|_| panic!("a button reading {button:?}"));
        self.click_and_wait(target).await;
    }

    async fn follow(&self, link: &str) {
        let target = self
            .browser
            .find(Locator::LinkText(link))
            .await
            .unwrap_or_else(|_| panic!("a link reading {link:?}"));
        self.click_and_wait(target).await;
    }

    async fn click_and_wait(&self, target: fantoccini::elements::Element) {
        let old = self
            .browser
            .find(Locator::Css("html"))
            .await
            .expect("document");
        target.click().await.expect("click");
        // Generous: CI runs this beside the rest of the suite on two cores.
        for _ in 0..300 {
            if old.tag_name().await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the click did not load a new page");
    }

    async fn wait_for_path(&self, path: &str) {
        for _ in 0..150 {
            let url = self.browser.current_url().await.expect("url");
            if url.path() == path {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let url = self.browser.current_url().await.expect("url");
        panic!("expected to reach {path}, still at {url}");
    }

    async fn text(&self) -> String {
        self.browser
            .find(Locator::Css("body"))
            .await
            .expect("body")
            .text()
            .await
            .expect("text")
    }

    async fn shot(&mut self, name: &str) {
        self.step += 1;
        let png = self.browser.screenshot().await.expect("screenshot");
        let file = self.shots.join(format!("{:02}-{name}.png", self.step));
        std::fs::write(&file, png).expect("write screenshot");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_walks_through_the_whole_account_life_in_chromium() {
    if !browser_available() {
        return;
    }
    // The app on a real port, its mail going to an SMTP server inside this test.
    let smtp_port = free_port();
    let mut mail = mailcrab::development_mail_server([127, 0, 0, 1], smtp_port).await;
    wait_for_port(smtp_port).await;
    let port = free_port();
    let base = format!("http://localhost:{port}");
    let (figment, _dir, pg) = base_figment().await;
    let figment = figment
        .merge(("port", port))
        .merge(("address", "127.0.0.1"))
        .merge(("gatehouse.public_url", base.clone()))
        .merge(("gatehouse.smtp_host", "127.0.0.1"))
        .merge(("gatehouse.smtp_port", smtp_port));
    let rocket = gatehouse::build(figment)
        .expect("config")
        .ignite()
        .await
        .expect("ignite");
    let shutdown = rocket.shutdown();
    let server = tokio::spawn(rocket.launch());
    wait_for_port(port).await;

    let driver_port = free_port();
    let _driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    wait_for_port(driver_port).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1000,900", format!("--user-data-dir={}", profile.path().display()),
            ],
        }),
    );
    let _ = rustls::crypto::ring::default_provider().install_default();
    let browser = ClientBuilder::rustls()
        .expect("rustls")
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a WebDriver session");

    let database = if pg.is_some() { "postgres" } else { "sqlite" };
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("browser")
        .join(database);
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    let mut walk = Walk {
        browser,
        base,
        shots,
        step: 0,
    };
    let email = "walker@example.com";

    // Register.
    walk.open("/").await;
    walk.shot("landing").await;
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
    walk.shot("account").await;

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
    walk.wait_for_path("/forgot-password").await;
    assert!(walk
        .text()
        .await
        .contains("If an account exists for that email, a reset link has been sent."));
    walk.shot("forgot-sent").await;
    let message = tokio::time::timeout(Duration::from_secs(15), mail.rx.recv())
        .await
        .expect("the reset mail within 15 s")
        .expect("mail");
    let value = serde_json::to_value(&message).expect("mail json");
    let received = Mail {
        to: value["to"].to_string(),
        subject: value["subject"].as_str().unwrap_or_default().to_owned(),
        text: value["text"].as_str().unwrap_or_default().to_owned(),
        html: value["html"].as_str().unwrap_or_default().to_owned(),
        raw: String::new(),
    };
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
    walk.browser.close().await.expect("close the browser");
    shutdown.notify();
    let _ = server.await;
    mail.token.cancel();
    if let Some((url, schema)) = pg {
        crate::helpers::drop_schema(url, schema);
    }
    let count = std::fs::read_dir(&shots).map(|d| d.count()).unwrap_or(0);
    assert!(count >= 10, "screenshots saved in {}", shots.display());
}
