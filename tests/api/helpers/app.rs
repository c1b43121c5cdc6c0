//! Starting a [`TestApp`]: configuration, a private database, optional SMTP capture, clean-up.

use std::{sync::Arc, time::Duration};

use gatehouse::{entities::session, entities::user, state::AppState};
use rocket::{figment::Figment, local::asynchronous::Client};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{mail::start_mail_server, SECRET};

pub struct TestApp {
    pub client: Arc<Client>,
    pub(super) mail: Option<mailcrab::TestMailServerHandle>,
    /// Mails received while waiting for another kind, kept for later.
    pub(super) held: Vec<super::mail::Mail>,
    /// The port the app sends its mail to (its own capture, or a dead port).
    smtp_port: u16,
    /// Dropped after `client`: the database goes once every app on it is gone.
    database: Arc<Database>,
}

/// A test's private database, shared by the apps started on it ([`TestApp::spawn_beside`]): the
/// SQLite file's directory is removed, or the PostgreSQL schema dropped, with the last of them.
struct Database {
    url: String,
    schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(schema) = self.schema.take() {
            drop_schema(self.url.clone(), schema);
        }
    }
}

#[derive(Default)]
pub struct Options {
    pub tracked: bool,
    /// Start an SMTP server inside the test and point the app at it.
    pub mail: bool,
    pub settings: Vec<(&'static str, String)>,
}

pub async fn spawn() -> TestApp {
    spawn_with(Options::default()).await
}

pub async fn spawn_tracked() -> TestApp {
    spawn_with(Options {
        tracked: true,
        ..Options::default()
    })
    .await
}

pub async fn spawn_with_mail() -> TestApp {
    spawn_with(Options {
        mail: true,
        ..Options::default()
    })
    .await
}

/// An untracked app without mail capture, with these configuration values on top.
pub async fn spawn_with_settings(settings: &[(&'static str, &str)]) -> TestApp {
    spawn_with(Options {
        settings: settings
            .iter()
            .map(|(key, value)| (*key, (*value).to_owned()))
            .collect(),
        ..Options::default()
    })
    .await
}

/// The figment a test server starts from: defaults, a fixed secret, cheap bcrypt and a private
/// database. Returns the temporary directory / PostgreSQL schema to clean up.
pub async fn base_figment() -> (Figment, Option<tempfile::TempDir>, Option<(String, String)>) {
    let figment = app_figment();
    let pg_url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if let Some(url) = pg_url {
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let db = sea_orm::Database::connect(url.as_str())
            .await
            .expect("TEST_DATABASE_URL is set but PostgreSQL is unreachable");
        db.execute_unprepared(&format!("CREATE SCHEMA {schema}"))
            .await
            .expect("create test schema");
        let figment = figment
            .merge(("gatehouse.database_url", url.clone()))
            .merge(("gatehouse.database_schema", schema.clone()));
        (figment, None, Some((url, schema)))
    } else {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
        (
            figment.merge(("gatehouse.database_url", url)),
            Some(dir),
            None,
        )
    }
}

/// Everything but the database: defaults, a fixed secret, cheap bcrypt, quiet logs.
fn app_figment() -> Figment {
    Figment::from(rocket::Config::debug_default())
        .merge(("log_level", "off"))
        .merge(("gatehouse.secret_key", SECRET))
        .merge(("gatehouse.bcrypt_cost", 4))
        .merge(("template_dir", "templates"))
}

pub async fn spawn_with(options: Options) -> TestApp {
    let (figment, dir, pg_schema) = base_figment().await;
    let database = match pg_schema {
        Some((url, schema)) => Database {
            url,
            schema: Some(schema),
            _dir: dir,
        },
        None => Database {
            url: figment
                .extract_inner("gatehouse.database_url")
                .expect("a database URL"),
            schema: None,
            _dir: dir,
        },
    };
    start(figment, Arc::new(database), options).await
}

async fn start(mut figment: Figment, database: Arc<Database>, options: Options) -> TestApp {
    let (mail, smtp_port) = if options.mail {
        let port = free_port();
        (Some(start_mail_server(port).await), port)
    } else {
        // Nothing listens here: mail fails in the background, as with a dead relay.
        (None, free_port())
    };
    figment = figment
        .merge(("gatehouse.smtp_host", "127.0.0.1"))
        .merge(("gatehouse.smtp_port", smtp_port));
    let mut smtp_port = smtp_port;
    for (key, value) in options.settings {
        if key == "gatehouse.smtp_port" {
            smtp_port = value.parse().unwrap_or(smtp_port);
        }
        figment = figment.merge((key, value));
    }
    let rocket = gatehouse::build(figment).expect("valid test configuration");
    let client = if options.tracked {
        Client::tracked(rocket).await
    } else {
        Client::untracked(rocket).await
    }
    .expect("rocket ignites");
    TestApp {
        client: Arc::new(client),
        mail,
        held: Vec::new(),
        smtp_port,
        database,
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// Waits (up to 10 s: CI is busy) until something accepts connections on `port`.
pub async fn wait_for_port(port: u16) {
    for _ in 0..500 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("nothing listens on port {port}");
}

impl TestApp {
    /// Another app on this app's database (the same SQLite file, or PostgreSQL schema), as a
    /// second instance of the service would run; the database stays until both are dropped. To
    /// send its mail to this app's capture, set `gatehouse.smtp_port` to [`TestApp::smtp_port`].
    pub async fn spawn_beside(&self, options: Options) -> TestApp {
        let mut figment =
            app_figment().merge(("gatehouse.database_url", self.database.url.clone()));
        if let Some(schema) = &self.database.schema {
            figment = figment.merge(("gatehouse.database_schema", schema.clone()));
        }
        start(figment, self.database.clone(), options).await
    }

    /// The port this app sends its mail to.
    pub fn smtp_port(&self) -> u16 {
        self.smtp_port
    }

    pub fn state(&self) -> &AppState {
        self.client.rocket().state::<AppState>().expect("state")
    }

    pub async fn user(&self, email_key: &str) -> Option<user::Model> {
        user::Entity::find()
            .filter(user::Column::EmailKey.eq(email_key))
            .one(&self.state().db)
            .await
            .expect("query users")
    }

    pub async fn sessions_of(&self, user_id: i32) -> Vec<session::Model> {
        session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .all(&self.state().db)
            .await
            .expect("query sessions")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(mail) = &self.mail {
            mail.token.cancel();
        }
    }
}

/// Drops a test's PostgreSQL schema. Callers may be inside a runtime, so this runs on a thread
/// of its own.
pub fn drop_schema(url: String, schema: String) {
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        if let Ok(runtime) = runtime {
            runtime.block_on(async {
                if let Ok(db) = sea_orm::Database::connect(url.as_str()).await {
                    let _ = db
                        .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .await;
                }
            });
        }
    })
    .join();
}
