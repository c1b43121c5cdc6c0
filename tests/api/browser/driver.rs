//! Headless Chromium under chromedriver, skipped or required by `GATEHOUSE_BROWSER_TEST`.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

use crate::helpers::{free_port, wait_for_port};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// The running chromedriver; killed when dropped.
pub(super) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether Chromium and chromedriver are installed. When they are not, says so and returns
/// false — or panics if `GATEHOUSE_BROWSER_TEST=required`.
pub(super) fn browser_available() -> bool {
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

/// Starts chromedriver on a free port and opens a headless Chromium session through it, with
/// its profile in `profile`. Keep the [`Driver`] alive as long as the session.
pub(super) async fn start_chromium(profile: &Path) -> (Driver, Client) {
    let driver_port = free_port();
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    wait_for_port(driver_port).await;
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1000,900", format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    // fantoccini enables both of rustls' crypto providers; pick one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let browser = ClientBuilder::rustls()
        .expect("rustls")
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a WebDriver session");
    (driver, browser)
}
