use std::{ops::Deref, sync::Arc};

use sea_orm::DatabaseConnection;

use crate::{
    auth::password::PasswordHasher, auth::tokens::Tokens, clock::Clock, config::Settings,
    mail::Mailer,
};

/// Everything a request needs, built once at ignite and managed by Rocket. Cheap to clone (one
/// `Arc`), so work that outlives a request (sending a reset mail) can take its own handle. No
/// global statics, so each test builds its own.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    /// Reads. On SQLite a pool of query-only connections beside the writer.
    pub db: DatabaseConnection,
    /// Every write and every transaction. On SQLite its single connection (see `db`); on
    /// PostgreSQL the same pool as `db`. A transaction of `writer` must not wait for `writer`
    /// again: on SQLite that would wait for itself.
    pub writer: DatabaseConnection,
    /// SQLite only: the session look-up of authenticated requests without a thread hop.
    pub probe: Option<crate::db::SessionProbe>,
    pub settings: Settings,
    pub tokens: Tokens,
    pub hasher: PasswordHasher,
    pub clock: Clock,
    pub mailer: Mailer,
    /// Set when the server shuts down: background work (the mail worker, housekeeping) stops
    /// and leaves what it has not started to other instances.
    pub stop: tokio::sync::watch::Sender<bool>,
    /// Bounds the transactions that queue on one row lock (limits, throttles): a flood aimed at
    /// one bucket then waits here, holding no database connection, instead of taking the whole
    /// pool and starving every other route.
    pub lock_gate: tokio::sync::Semaphore,
    /// Woken when a throttled password check finishes here, so that attempts waiting for
    /// room go on at once.
    pub throttle_released: tokio::sync::Notify,
    /// Whether PostgreSQL answers pings (see `db::Liveness`); requests stuck on a frozen
    /// server are answered 503 by `http::deadline`.
    pub liveness: crate::db::Liveness,
}

/// How long a request waits for its turn at the lock gate before it answers 503: a flood queued
/// on one bucket must not hold other requests for longer than a client would wait.
const LOCK_TURN_WAIT: std::time::Duration = std::time::Duration::from_millis(1500);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }

    /// A turn at the row-lock gate; see [`Shared::lock_gate`].
    pub async fn lock_turn(&self) -> crate::error::Result<tokio::sync::SemaphorePermit<'_>> {
        match tokio::time::timeout(LOCK_TURN_WAIT, self.lock_gate.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) => Err(crate::error::Error::internal("lock gate closed")),
            Err(_) => {
                log::warn!("lock gate: no turn within {LOCK_TURN_WAIT:?}, answering 503");
                Err(crate::error::Error::Unavailable {
                    retry_after_secs: 1,
                })
            }
        }
    }

    /// Session reads: through the probe where there is one (see `db::SessionReads`).
    pub fn session_reads(&self) -> crate::db::SessionReads<'_> {
        crate::db::SessionReads {
            pool: &self.db,
            probe: self.probe.as_ref(),
        }
    }

    /// Closes every connection to the database (tests use it to take the database away).
    pub async fn close_database(&self) -> Result<(), sea_orm::DbErr> {
        if let Some(probe) = &self.probe {
            probe.close();
        }
        self.db.close_by_ref().await?;
        self.writer.close_by_ref().await
    }

    /// Asks background work to stop (on shutdown; tests use it to simulate a stopped process).
    pub fn stop_background(&self) {
        self.stop.send_replace(true);
    }

    /// Resolves once [`AppState::stop_background`] was called.
    pub async fn stopped(&self) {
        let mut stop = self.stop.subscribe();
        // An error means the sender is gone, which only happens when the state is: stop too.
        let _ = stop.wait_for(|stopped| *stopped).await;
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
