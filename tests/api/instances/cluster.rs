//! N processes of the real binary on one database, their mail going to one SMTP capture.

use std::{
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{drop_schema, free_port, start_mail_server, SECRET};

/// What every request needs: the instances' ports.
#[derive(Clone)]
pub struct Handle {
    ports: Arc<Vec<u16>>,
}

pub struct Cluster {
    handle: Handle,
    children: Vec<Option<Child>>,
    env: Vec<(String, String)>,
    logs: tempfile::TempDir,
    pub mail: Option<mailcrab::TestMailServerHandle>,
    pg_schema: Option<(String, String)>,
}

impl Cluster {
    /// Starts `n` instances at once on an empty database (they race to migrate it).
    pub async fn start(n: usize) -> Self {
        Self::start_with(n, &[]).await
    }

    pub async fn start_with(n: usize, settings: &[(&str, &str)]) -> Self {
        let smtp_port = free_port();
        let mail = start_mail_server(smtp_port).await;
        let logs = tempfile::tempdir().expect("log dir");
        let mut env: Vec<(String, String)> = [
            ("SECRET_KEY", SECRET),
            ("PUBLIC_URL", "http://localhost:8000"),
            ("BCRYPT_COST", "4"),
            ("COOKIE_SECURE", "false"),
            ("SMTP_HOST", "127.0.0.1"),
            ("LOG_LEVEL", "warn"),
            ("ROCKET_ADDRESS", "127.0.0.1"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        env.push(("SMTP_PORT".into(), smtp_port.to_string()));
        let mut pg_schema = None;
        if let Some(url) = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            {
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let db = sea_orm::Database::connect(url.as_str())
                    .await
                    .expect("PostgreSQL");
                sea_orm::ConnectionTrait::execute_unprepared(
                    &db,
                    &format!("CREATE SCHEMA {schema}"),
                )
                .await
                .expect("schema");
                env.push(("DATABASE_URL".into(), url.clone()));
                env.push(("DATABASE_SCHEMA".into(), schema.clone()));
                pg_schema = Some((url, schema));
            }
        } else {
            let url = format!("sqlite://{}/cluster.db?mode=rwc", logs.path().display());
            env.push(("DATABASE_URL".into(), url));
        }
        for (key, value) in settings {
            env.push(((*key).to_owned(), (*value).to_owned()));
        }
        let ports: Vec<u16> = (0..n).map(|_| free_port()).collect();
        let mut cluster = Self {
            handle: Handle {
                ports: Arc::new(ports),
            },
            children: (0..n).map(|_| None).collect(),
            env,
            logs,
            mail: Some(mail),
            pg_schema,
        };
        for i in 0..n {
            cluster.launch(i);
        }
        for i in 0..n {
            cluster.wait_healthy(i).await;
        }
        cluster
    }

    fn launch(&mut self, i: usize) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.logs.path().join(format!("instance-{i}.log")))
            .expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .current_dir(self.logs.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("ROCKET_PORT", self.handle.ports[i].to_string())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start an instance");
        self.children[i] = Some(child);
    }

    async fn wait_healthy(&mut self, i: usize) {
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.handle.ports[i]))
                .await
                .is_ok()
            {
                break;
            }
            if let Some(Ok(Some(status))) = self.children[i].as_mut().map(Child::try_wait) {
                panic!("instance {i} exited ({status}):\n{}", self.log(i));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for _ in 0..100 {
            if self
                .handle
                .call(i, "GET", "/health", None, &Value::Null)
                .await
                .0
                == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("instance {i} never became healthy:\n{}", self.log(i));
    }

    pub fn log(&self, i: usize) -> String {
        std::fs::read_to_string(self.logs.path().join(format!("instance-{i}.log")))
            .unwrap_or_default()
    }

    /// SIGTERM, then waits for the process to finish its in-flight requests and exit.
    pub async fn stop(&mut self, i: usize) -> Duration {
        let Some(mut child) = self.children[i].take() else {
            return Duration::ZERO;
        };
        let started = std::time::Instant::now();
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        for _ in 0..200 {
            if let Ok(Some(_)) = child.try_wait() {
                return started.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        panic!("instance {i} did not stop within 10 s of SIGTERM");
    }

    pub async fn restart(&mut self, i: usize) {
        self.launch(i);
        self.wait_healthy(i).await;
    }

    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    pub async fn call(
        &self,
        i: usize,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: &Value,
    ) -> (u16, Value) {
        self.handle.call(i, method, path, bearer, body).await
    }

    pub async fn refresh(&self, i: usize, token: &str) -> (u16, Value) {
        self.handle.refresh(i, token).await
    }
}

impl Handle {
    pub fn len(&self) -> usize {
        self.ports.len()
    }

    pub async fn refresh(&self, i: usize, token: &str) -> (u16, Value) {
        let body = serde_json::json!({ "refresh_token": token });
        self.call(i, "POST", "/auth/refresh", None, &body).await
    }

    /// One HTTP/1.1 request; status 0 when the instance could not be reached.
    pub async fn call(
        &self,
        i: usize,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: &Value,
    ) -> (u16, Value) {
        match self.try_call(i, method, path, bearer, body).await {
            Ok(reply) => reply,
            Err(_) => (0, Value::Null),
        }
    }

    async fn try_call(
        &self,
        i: usize,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: &Value,
    ) -> std::io::Result<(u16, Value)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.ports[i])).await?;
        let body = if body.is_null() {
            String::new()
        } else {
            body.to_string()
        };
        let auth = bearer.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Content-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut response))
            .await
            .map_err(|_| std::io::Error::other("timed out"))??;
        let response = String::from_utf8_lossy(&response);
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        let json = response
            .split_once("\r\n\r\n")
            .and_then(|(_, body)| serde_json::from_str(body).ok())
            .unwrap_or(Value::Null);
        Ok((status, json))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for child in self.children.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(mail) = &self.mail {
            mail.token.cancel();
        }
        if let Some((url, schema)) = self.pg_schema.take() {
            drop_schema(url, schema);
        }
    }
}
