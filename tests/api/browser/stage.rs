//! What both browser tests stand on: the app on a real port with its mail captured by an SMTP
//! server inside the test, a fresh Chromium beside it, and a folder for the screenshots.

use std::path::PathBuf;

use fantoccini::Client;
use rocket::{figment::value::Value, Shutdown};

use super::driver::{start_chromium, Driver};
use crate::helpers::{base_figment, drop_schema, free_port, start_mail_server, wait_for_port};

pub(super) struct Stage {
    pub base: String,
    pub port: u16,
    pub browser: Client,
    /// Empty, ready for this run's screenshots.
    pub shots: PathBuf,
    shutdown: Shutdown,
    server: tokio::task::JoinHandle<Result<rocket::Rocket<rocket::Ignite>, rocket::Error>>,
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Stage {
    /// `settings` go on top of the test defaults; screenshots go to
    /// `<target>/tmp/browser/<database><shots_suffix>/`. Returns the stage and the app's mail.
    pub async fn start(
        settings: &[(&str, Value)],
        shots_suffix: &str,
    ) -> (Self, mailcrab::TestMailServerHandle) {
        let smtp_port = free_port();
        let mail = start_mail_server(smtp_port).await;
        let port = free_port();
        let base = format!("http://localhost:{port}");
        let (figment, dir, pg) = base_figment().await;
        let mut figment = figment
            .merge(("port", port))
            .merge(("address", "127.0.0.1"))
            .merge(("gatehouse.public_url", base.clone()))
            .merge(("gatehouse.smtp_host", "127.0.0.1"))
            .merge(("gatehouse.smtp_port", smtp_port));
        for (key, value) in settings {
            figment = figment.merge((format!("gatehouse.{key}"), value.clone()));
        }
        let rocket = gatehouse::build(figment)
            .expect("config")
            .ignite()
            .await
            .expect("ignite");
        let shutdown = rocket.shutdown();
        let server = tokio::spawn(rocket.launch());
        wait_for_port(port).await;

        let profile = tempfile::tempdir().expect("profile dir");
        let (driver, browser) = start_chromium(profile.path()).await;
        let database = if pg.is_some() { "postgres" } else { "sqlite" };
        let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("browser")
            .join(format!("{database}{shots_suffix}"));
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).expect("screenshot dir");
        let stage = Self {
            base,
            port,
            browser,
            shots,
            shutdown,
            server,
            pg,
            _dir: dir,
            _driver: driver,
            _profile: profile,
        };
        (stage, mail)
    }

    /// Closes the browser, stops the server and drops a PostgreSQL test schema.
    pub async fn stop(self) {
        let _ = self.browser.close().await;
        self.shutdown.notify();
        let _ = self.server.await;
        if let Some((url, schema)) = self.pg {
            drop_schema(url, schema);
        }
    }
}
