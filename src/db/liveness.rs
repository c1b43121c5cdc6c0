//! Noticing a database that stopped answering without closing anything (a frozen PostgreSQL:
//! SIGSTOP, a stalled network path). Queries already sent then wait for an answer that does not
//! come, and neither sqlx nor the server can time them out. A watchdog pings PostgreSQL through
//! a connection of its own; when a ping goes unanswered, [`Liveness`] says so and requests still
//! waiting are answered 503 (see `http::deadline`) instead of hanging.

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use tokio::sync::watch;

/// How often the watchdog pings, and how long an answer may take before the database counts as
/// unresponsive: together they bound how late a freeze is noticed (about a second).
const PING_EVERY: Duration = Duration::from_millis(250);
const PING_WITHIN: Duration = Duration::from_millis(750);

/// Whether the database answered its last ping. Always "alive" on SQLite, a local file.
pub struct Liveness(watch::Sender<bool>);

impl Default for Liveness {
    fn default() -> Self {
        Self(watch::channel(true).0)
    }
}

impl Liveness {
    /// Resolves once the database is (or already was) found unresponsive.
    pub async fn unresponsive(&self) {
        let mut alive = self.0.subscribe();
        // Only an error (the sender gone) ends the wait otherwise: then never resolve.
        if alive.wait_for(|alive| !alive).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// Pings PostgreSQL at `url` until `stopped` resolves. The connection is its own, so a pool
    /// busy with slow requests is not taken for a frozen server.
    pub async fn watch(&self, url: &str, stopped: impl std::future::Future<Output = ()>) {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(1)
            .min_connections(0)
            .connect_timeout(PING_WITHIN)
            .acquire_timeout(PING_WITHIN)
            .sqlx_logging(false);
        let pinger = async {
            let mut conn: Option<DatabaseConnection> = None;
            loop {
                let alive = tokio::time::timeout(PING_WITHIN, ping(&mut conn, &options))
                    .await
                    .unwrap_or(false);
                if !alive {
                    // A connection stuck on a frozen server is of no further use.
                    conn = None;
                }
                let was = self.0.send_replace(alive);
                if was != alive {
                    if alive {
                        log::warn!("database answers again");
                    } else {
                        log::error!("database unresponsive: no answer to a ping within {PING_WITHIN:?}; waiting requests answer 503");
                    }
                }
                tokio::time::sleep(PING_EVERY).await;
            }
        };
        tokio::select! {
            () = pinger => {}
            () = stopped => {}
        }
    }
}

async fn ping(conn: &mut Option<DatabaseConnection>, options: &ConnectOptions) -> bool {
    if conn.is_none() {
        *conn = Database::connect(options.clone()).await.ok();
    }
    match conn {
        Some(db) => db.ping().await.is_ok(),
        None => false,
    }
}
