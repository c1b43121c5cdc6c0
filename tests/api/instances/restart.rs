//! A rolling restart under steady load: each instance in turn gets SIGTERM, finishes its
//! in-flight requests, exits and starts again, while a client keeps a session busy on whichever
//! instances are up (as a load balancer would). No request may end in a 5xx and the session
//! must survive.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use serde_json::{json, Value};

use super::cluster::{Cluster, Handle};
use crate::helpers::PASSWORD;

#[derive(Default, Debug)]
struct Tally {
    ok: u32,
    unreachable: u32,
    server_errors: Vec<(u16, Value)>,
    other: Vec<(u16, Value)>,
}

/// Refreshes and reads `/users/me` in a loop, moving to the next instance when one cannot be
/// reached. Returns what it saw and the last refresh token it holds.
async fn keep_busy(cluster: Handle, mut refresh: String, stop: Arc<AtomicBool>) -> (Tally, String) {
    let mut tally = Tally::default();
    let mut next = 0;
    while !stop.load(Ordering::Relaxed) {
        let i = next % cluster.len();
        next += 1;
        let (status, body) = cluster.refresh(i, &refresh).await;
        match status {
            0 => {
                tally.unreachable += 1;
                continue;
            }
            200 => {
                tally.ok += 1;
                refresh = body["refresh_token"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let access = body["access_token"].as_str().unwrap_or_default().to_owned();
                let (status, me) = cluster
                    .call(i, "GET", "/users/me", Some(&access), &Value::Null)
                    .await;
                match status {
                    0 | 200 => {}
                    500..=599 => tally.server_errors.push((status, me)),
                    _ => tally.other.push((status, me)),
                }
            }
            500..=599 => tally.server_errors.push((status, body)),
            _ => tally.other.push((status, body)),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (tally, refresh)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolling_restart_under_load_loses_no_request_and_no_session() {
    let mut cluster = Cluster::start(3).await;
    let email = "rolling@example.com";
    let login = json!({ "email": email, "password": PASSWORD });
    cluster
        .call(0, "POST", "/auth/register", None, &login)
        .await;
    let (status, tokens) = cluster.call(1, "POST", "/auth/login", None, &login).await;
    assert_eq!(status, 200, "{tokens}");
    let refresh = tokens["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let stop = Arc::new(AtomicBool::new(false));
    let load = tokio::spawn(keep_busy(cluster.handle(), refresh, stop.clone()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    for i in 0..3 {
        let took = cluster.stop(i).await;
        assert!(
            took < Duration::from_secs(8),
            "instance {i} took {took:?} to stop"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        cluster.restart(i).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let (tally, refresh) = load.await.expect("load task");

    assert!(
        tally.server_errors.is_empty(),
        "5xx during the restart: {tally:?}"
    );
    assert!(tally.other.is_empty(), "unexpected answers: {tally:?}");
    assert!(tally.ok > 20, "the client kept working: {tally:?}");
    let (status, body) = cluster.refresh(2, &refresh).await;
    assert_eq!(status, 200, "the session survived: {body}");
}
