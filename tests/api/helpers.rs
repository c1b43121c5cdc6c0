//! A real Gatehouse per test: the application as `main` builds it, on a private SQLite file or,
//! when `TEST_DATABASE_URL` is set, a private PostgreSQL schema, driven through Rocket's local
//! client (real routing, guards, fairings and database).

use std::sync::Arc;

use gatehouse::{entities::session, entities::user, state::AppState};
use rocket::{
    figment::Figment,
    http::{ContentType, Header, Status},
    local::asynchronous::{Client, LocalResponse},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

pub const PASSWORD: &str = "violet-harbor-71";
pub const SECRET: &str = "test-secret-0123456789abcdef0123456789abcdef";

pub struct TestApp {
    pub client: Arc<Client>,
    mail: Option<mailcrab::TestMailServerHandle>,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
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

/// The figment a test server starts from: defaults, a fixed secret, cheap bcrypt and a private
/// database. Returns the temporary directory / PostgreSQL schema to clean up.
pub async fn base_figment() -> (Figment, Option<tempfile::TempDir>, Option<(String, String)>) {
    let figment = Figment::from(rocket::Config::debug_default())
        .merge(("log_level", "off"))
        .merge(("gatehouse.secret_key", SECRET))
        .merge(("gatehouse.bcrypt_cost", 4))
        .merge(("template_dir", "templates"));
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => {
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
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
            (
                figment.merge(("gatehouse.database_url", url)),
                Some(dir),
                None,
            )
        }
    }
}

pub async fn spawn_with(options: Options) -> TestApp {
    let (mut figment, dir, pg_schema) = base_figment().await;
    let mail = if options.mail {
        let port = free_port();
        let handle = mailcrab::development_mail_server([127, 0, 0, 1], port).await;
        wait_for_port(port).await;
        figment = figment
            .merge(("gatehouse.smtp_host", "127.0.0.1"))
            .merge(("gatehouse.smtp_port", port));
        Some(handle)
    } else {
        // Nothing listens here: mail fails in the background, as with a dead relay.
        figment = figment
            .merge(("gatehouse.smtp_host", "127.0.0.1"))
            .merge(("gatehouse.smtp_port", free_port()));
        None
    };
    for (key, value) in options.settings {
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
        _dir: dir,
        pg_schema,
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

async fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the test SMTP server did not start on port {port}");
}

pub async fn spawn_with_mail() -> TestApp {
    spawn_with(Options {
        mail: true,
        ..Options::default()
    })
    .await
}

/// A mail as received over SMTP.
#[derive(Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub raw: String,
}

impl Mail {
    /// The reset link of a reset mail, checked to be the same in the text and the HTML part.
    pub fn reset_link(&self) -> String {
        let find = |body: &str| {
            let start = body.find("http").expect("a link in the mail");
            body[start..]
                .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
                .next()
                .expect("link")
                .to_owned()
        };
        let link = find(&self.text);
        assert!(
            self.html.contains(&link),
            "the HTML part carries the same link: {link} {}",
            self.html
        );
        link
    }

    pub fn reset_token(&self) -> String {
        let link = self.reset_link();
        link.split_once("token=")
            .expect("token parameter")
            .1
            .to_owned()
    }
}

impl TestApp {
    /// The next mail the app sent, waiting up to 10 s.
    pub async fn next_mail(&mut self) -> Mail {
        let handle = self.mail.as_mut().expect("started with mail: true");
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), handle.rx.recv())
            .await
            .expect("a mail within 10 s")
            .expect("mail channel open");
        let raw = String::from_utf8_lossy(&message.raw_bytes().unwrap_or_default()).into_owned();
        let value = serde_json::to_value(&message).expect("mail as JSON");
        let field = |name: &str| value[name].as_str().unwrap_or_default().to_owned();
        Mail {
            to: value["to"].to_string(),
            subject: field("subject"),
            text: field("text"),
            html: field("html"),
            raw,
        }
    }

    /// Asserts that no mail arrives within `millis`.
    pub async fn no_mail_within(&mut self, millis: u64) {
        let handle = self.mail.as_mut().expect("started with mail: true");
        let waited =
            tokio::time::timeout(std::time::Duration::from_millis(millis), handle.rx.recv()).await;
        assert!(
            waited.is_err(),
            "unexpected mail: {:?}",
            waited.map(|m| m.map(|m| serde_json::to_value(&m).ok()))
        );
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(mail) = &self.mail {
            mail.token.cancel();
        }
        if let Some((url, schema)) = self.pg_schema.take() {
            drop_schema(url, schema);
        }
    }
}

pub struct Reply {
    pub status: Status,
    pub body: Value,
    pub headers: Vec<(String, String)>,
    pub cookies: Vec<String>,
}

impl Reply {
    pub async fn from(res: LocalResponse<'_>) -> Self {
        let status = res.status();
        let headers = res
            .headers()
            .iter()
            .map(|h| (h.name().to_string(), h.value().to_string()))
            .collect();
        let cookies = res.headers().get("Set-Cookie").map(str::to_owned).collect();
        let text = res.into_string().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Self {
            status,
            body,
            headers,
            cookies,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn detail(&self) -> &str {
        self.body["detail"].as_str().unwrap_or("<no detail>")
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(String::as_str)
    }

    pub fn str(&self, field: &str) -> String {
        self.body[field]
            .as_str()
            .unwrap_or_else(|| panic!("no string field {field} in {}", self.body))
            .to_owned()
    }
}

impl TestApp {
    pub fn state(&self) -> &AppState {
        self.client.rocket().state::<AppState>().expect("state")
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Reply {
        Reply::from(
            self.client
                .post(path.to_owned())
                .json(&body)
                .dispatch()
                .await,
        )
        .await
    }

    pub async fn post_json_auth(&self, path: &str, token: &str, body: Value) -> Reply {
        Reply::from(
            self.client
                .post(path.to_owned())
                .header(Header::new("Authorization", format!("Bearer {token}")))
                .json(&body)
                .dispatch()
                .await,
        )
        .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: ContentType,
        body: impl AsRef<[u8]>,
    ) -> Reply {
        Reply::from(
            self.client
                .post(path.to_owned())
                .header(content_type)
                .body(body)
                .dispatch()
                .await,
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        Reply::from(self.client.get(path.to_owned()).dispatch().await).await
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> Reply {
        Reply::from(
            self.client
                .get(path.to_owned())
                .header(Header::new("Authorization", format!("Bearer {token}")))
                .dispatch()
                .await,
        )
        .await
    }

    pub async fn register(&self, email: &str) -> Reply {
        let reply = self
            .post_json(
                "/auth/register",
                json!({ "email": email, "password": PASSWORD }),
            )
            .await;
        assert_eq!(
            reply.status,
            Status::Created,
            "register {email}: {}",
            reply.body
        );
        reply
    }

    pub async fn login(&self, identifier: &str, password: &str) -> Reply {
        self.post_json(
            "/auth/login",
            json!({ "email": identifier, "password": password }),
        )
        .await
    }

    /// Registers and logs in; returns (access token, refresh token).
    pub async fn signed_in(&self, email: &str) -> (String, String) {
        self.register(email).await;
        let reply = self.login(email, PASSWORD).await;
        assert_eq!(reply.status, Status::Ok, "login: {}", reply.body);
        (reply.str("access_token"), reply.str("refresh_token"))
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
