//! Which address per-IP limits count. By default the TCP peer: an `X-Real-IP` header is the
//! client's own claim and changes nothing. With TRUSTED_PROXY_HEADER the proxy's header decides,
//! and IPv6 clients count per /64 (what one subscriber usually holds).

use rocket::http::{Header, Status};
use serde_json::json;

use crate::helpers::{spawn_with_settings, Reply, TestApp};

const PEER: &str = "203.0.113.9:5000";

/// `POST /auth/forgot-password` from the TCP peer `peer`, claiming to be `real_ip`.
async fn forgot_from(app: &TestApp, email: &str, peer: &str, real_ip: &str) -> Reply {
    Reply::from(
        app.client
            .post("/auth/forgot-password")
            .remote(peer.parse().expect("a socket address"))
            .header(Header::new("X-Real-IP", real_ip.to_owned()))
            .json(&json!({ "email": email }))
            .dispatch()
            .await,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_trusted_proxy_header_x_real_ip_is_ignored() {
    let app = spawn_with_settings(&[("gatehouse.forgot_password_limit_per_ip", "2")]).await;
    let claims = ["198.51.100.1", "198.51.100.2", "198.51.100.3"];
    let mut statuses = Vec::new();
    for (i, claim) in claims.iter().enumerate() {
        let reply = forgot_from(&app, &format!("peer{i}@example.com"), PEER, claim).await;
        statuses.push(reply.status);
    }
    assert_eq!(
        statuses,
        [Status::Accepted, Status::Accepted, Status::TooManyRequests],
        "one peer, however it names itself"
    );

    // Another peer has a count of its own.
    let other = forgot_from(
        &app,
        "peer9@example.com",
        "203.0.113.10:5000",
        "198.51.100.1",
    )
    .await;
    assert_eq!(other.status, Status::Accepted);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_trusted_proxy_header_names_the_client_and_ipv6_counts_per_64() {
    let app = spawn_with_settings(&[
        ("gatehouse.forgot_password_limit_per_ip", "2"),
        ("gatehouse.trusted_proxy_header", "X-Real-IP"),
    ])
    .await;
    for (i, client) in ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
        .iter()
        .enumerate()
    {
        let reply = forgot_from(&app, &format!("v4-{i}@example.com"), PEER, client).await;
        assert_eq!(reply.status, Status::Accepted, "{client}: {}", reply.body);
    }

    let same_64 = [
        "2001:db8:1:2::1",
        "2001:db8:1:2:ffff::9",
        "2001:db8:1:2::abcd",
    ];
    let mut statuses = Vec::new();
    for (i, client) in same_64.iter().enumerate() {
        let reply = forgot_from(&app, &format!("v6-{i}@example.com"), PEER, client).await;
        statuses.push(reply.status);
    }
    assert_eq!(
        statuses,
        [Status::Accepted, Status::Accepted, Status::TooManyRequests],
        "one count for the whole /64"
    );
    let next_64 = forgot_from(&app, "v6-9@example.com", PEER, "2001:db8:1:3::1").await;
    assert_eq!(next_64.status, Status::Accepted, "another /64");
}

/// `POST /auth/forgot-password` with `X-Forwarded-For: <forwarded>`.
async fn forgot_forwarded(app: &TestApp, email: &str, forwarded: &str) -> Reply {
    Reply::from(
        app.client
            .post("/auth/forgot-password")
            .remote(PEER.parse().expect("a socket address"))
            .header(Header::new("X-Forwarded-For", forwarded.to_owned()))
            .json(&json!({ "email": email }))
            .dispatch()
            .await,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn x_forwarded_for_counts_the_entry_the_proxy_appended_not_the_first() {
    let app = spawn_with_settings(&[
        ("gatehouse.forgot_password_limit_per_ip", "2"),
        ("gatehouse.trusted_proxy_header", "X-Forwarded-For"),
    ])
    .await;
    // One client behind the proxy, claiming a new first hop each time.
    let mut statuses = Vec::new();
    for i in 0..3 {
        let forwarded = format!("10.9.9.{i}, 198.51.100.20");
        let reply = forgot_forwarded(&app, &format!("xff{i}@example.com"), &forwarded).await;
        statuses.push(reply.status);
    }
    assert_eq!(
        statuses,
        [Status::Accepted, Status::Accepted, Status::TooManyRequests],
        "the client's own first hops change nothing"
    );
    // The same claimed first hop from another client is another client.
    let other = forgot_forwarded(&app, "xff9@example.com", "10.9.9.0, 198.51.100.21").await;
    assert_eq!(other.status, Status::Accepted);
}
