//! A PostgreSQL that freezes (SIGSTOP, a stalled network path) closes nothing and answers
//! nothing, so no client-side timeout fires for a query already sent. The server sits behind a
//! proxy here that can stop passing bytes without closing a connection, which is what a frozen
//! server looks like from the app. Every request must still answer, 503 with `Retry-After`,
//! within about two seconds, and the app must recover when the server thaws. PostgreSQL only:
//! SQLite is a local file that cannot freeze this way.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use rocket::http::{Header, Status};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::watch,
};

use super::{browser, page_register, retry_after, tally};
use crate::helpers::{free_port, PageReply, Reply, TestApp, PASSWORD};

/// How soon the 503s must come after the freeze. The app's own bound is 1.5 s (`PATIENCE`) once
/// the watchdog has noticed, which takes at most a second; alone this test measures about 1.6 s.
/// The margin is for a machine busy with the rest of the suite, not for the app.
const SOON: Duration = Duration::from_secs(3);

/// Forwards TCP to PostgreSQL until frozen; then holds every byte (both ways) until thawed.
struct Proxy {
    url: String,
    frozen: watch::Sender<bool>,
}

impl Proxy {
    /// `None` when the suite runs on SQLite.
    async fn start() -> Option<Proxy> {
        let url = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let (scheme, rest) = url.split_once("://").expect("a URL");
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let (authority, path) = rest.split_at(authority_end);
        let (credentials, host) = match authority.rsplit_once('@') {
            Some((credentials, host)) => (format!("{credentials}@"), host),
            None => (String::new(), authority),
        };
        let target = if host.contains(':') {
            host.to_owned()
        } else {
            format!("{host}:5432")
        };
        let port = free_port();
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind the proxy");
        let frozen = watch::channel(false).0;
        let accept_frozen = frozen.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let target = target.clone();
                let frozen = accept_frozen.subscribe();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::join!(
                        pass(client_read, server_write, frozen.clone()),
                        pass(server_read, client_write, frozen),
                    );
                });
            }
        });
        Some(Proxy {
            url: format!("{scheme}://{credentials}127.0.0.1:{port}{path}"),
            frozen,
        })
    }

    fn freeze(&self, frozen: bool) {
        self.frozen.send_replace(frozen);
    }
}

/// Copies bytes one way; while frozen, what was read is held back, and nothing more is read.
async fn pass(
    mut from: impl AsyncReadExt + Unpin,
    mut to: impl AsyncWriteExt + Unpin,
    mut frozen: watch::Receiver<bool>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        if frozen.wait_for(|frozen| !frozen).await.is_err() {
            return;
        }
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if frozen.wait_for(|frozen| !frozen).await.is_err() {
            return;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}

async fn page(app: &TestApp, path: &str) -> PageReply {
    PageReply::from(
        app.client
            .get(path.to_owned())
            .header(Header::new("Accept", "text/html"))
            .dispatch()
            .await,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_request_answers_503_soon_while_postgresql_is_frozen_then_recovers() {
    let Some(proxy) = Proxy::start().await else {
        return;
    };
    let app = Arc::new(browser(&[("gatehouse.database_url", &proxy.url)]).await);
    let registered = page_register(&app, "frozen@example.com").await;
    assert_eq!(registered.status, Status::SeeOther, "{}", registered.html);
    let (access, _) = app.signed_in("frozen-api@example.com").await;
    assert_eq!(app.me(&access).await.status, Status::Ok);

    proxy.freeze(true);
    let started = Instant::now();
    let mut api = Vec::new();
    for _ in 0..4 {
        let (me_app, access) = (Arc::clone(&app), access.clone());
        api.push(tokio::spawn(async move { me_app.me(&access).await }));
        let login_app = Arc::clone(&app);
        api.push(tokio::spawn(async move {
            login_app.login("frozen-api@example.com", PASSWORD).await
        }));
    }
    let account = {
        let app = Arc::clone(&app);
        tokio::spawn(async move { page(&app, "/account").await })
    };
    let mut replies: Vec<Reply> = Vec::new();
    for task in api {
        replies.push(task.await.expect("the request task"));
    }
    let account = account.await.expect("the page task");
    let took = started.elapsed();
    assert!(took < SOON, "answered after {took:?}");
    assert!(
        replies
            .iter()
            .all(|r| r.status == Status::ServiceUnavailable),
        "{:?}",
        tally(&replies)
    );
    for reply in &replies {
        assert!(retry_after(reply.header("Retry-After")) >= 1);
        assert_eq!(reply.body["detail"], "Service temporarily unavailable");
    }
    assert_eq!(
        account.status,
        Status::ServiceUnavailable,
        "{}",
        account.html
    );
    assert!(retry_after(account.header("Retry-After")) >= 1);

    proxy.freeze(false);
    let recovered = Instant::now();
    loop {
        let me = app.me(&access).await;
        if me.status == Status::Ok {
            break;
        }
        assert!(
            recovered.elapsed() < Duration::from_secs(10),
            "still {} after the thaw: {}",
            me.status,
            me.body
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(page(&app, "/account").await.status, Status::Ok);
}
