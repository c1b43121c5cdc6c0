//! On SQLite, the session look-up behind every authenticated request and refresh, read without a
//! thread hop.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every query over through a
//! channel: two context switches per query. For a primary-key read that SQLite answers in a few
//! microseconds, that hand-over was most of the cost of `/users/me` (profiled with perf). The
//! probe reads through a few connections of its own, on the calling thread. In WAL mode readers
//! never wait for the writer, and the probe never waits at all: when its connections are all in
//! use, SQLite reports a lock, or it has stepped aside, it answers [`Unanswered`] and the caller
//! asks the pool as before. Its answers are never different from the pool's: each read sees
//! every committed write, so a logout still takes effect at once. The price is that a read runs
//! on an async worker: microseconds from SQLite's cache, longer only when the page must come
//! from disk (the operating system's cache usually has it).

use std::{
    path::Path,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Mutex, TryLockError,
    },
};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row};
use sea_orm::DbErr;

use crate::entities::{session, user};

/// The probe could not answer; ask the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unanswered;

pub struct SessionProbe {
    connections: Vec<Mutex<Connection>>,
    next: AtomicUsize,
    closed: AtomicBool,
}

/// Both models in full, so that callers treat the probe's answer and the pool's alike; the
/// struct literals below stop compiling when an entity gains a column. Columns by position.
const SESSION_AND_USER: &str = "SELECT s.id, s.user_id, s.token_hash, s.previous_hash, \
     s.rotated_at, s.created_at, s.expires_at, s.revoked_at, s.persistent, s.last_used_at, \
     s.device, s.ip, u.id, u.email, u.email_key, u.username, u.username_key, u.password_hash, \
     u.created_at, u.email_verified_at \
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?1";

/// The same for an authenticated request: the session's lifetime only, not its tokens.
const LIFETIME_AND_USER: &str = "SELECT s.created_at, s.expires_at, s.revoked_at, u.id, \
     u.email, u.email_key, u.username, u.username_key, u.password_hash, u.created_at, \
     u.email_verified_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?1";

impl SessionProbe {
    /// Opens `count` query-only connections to the (already migrated) database file.
    pub fn open(file: &Path, count: usize) -> Result<Self, DbErr> {
        let connections = (0..count.max(1))
            .map(|_| {
                let connection = Connection::open_with_flags(
                    file,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                connection.pragma_update(None, "query_only", true)?;
                // Zero: a lock is reported at once (and the pool asked) instead of waited for
                // on an async worker thread.
                connection.busy_timeout(std::time::Duration::ZERO)?;
                Ok(Mutex::new(connection))
            })
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| DbErr::Custom(format!("session probe: {e}")))?;
        Ok(Self {
            connections,
            next: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
        })
    }

    /// The session `sid` with its user, or `None` if there is no such session.
    pub fn session(&self, sid: &str) -> Result<Option<(session::Model, user::Model)>, Unanswered> {
        self.read(SESSION_AND_USER, sid, |row| {
            let session = session::Model {
                id: row.get(0)?,
                user_id: row.get(1)?,
                token_hash: row.get(2)?,
                previous_hash: row.get(3)?,
                rotated_at: row.get(4)?,
                created_at: row.get(5)?,
                expires_at: row.get(6)?,
                revoked_at: row.get(7)?,
                persistent: row.get(8)?,
                last_used_at: row.get(9)?,
                device: row.get(10)?,
                ip: row.get(11)?,
            };
            Ok((session, user(row, 12)?))
        })
    }

    /// The lifetime of session `sid` with its user: all that authenticating a request needs.
    pub fn lifetime(
        &self,
        sid: &str,
    ) -> Result<Option<(session::Lifetime, user::Model)>, Unanswered> {
        self.read(LIFETIME_AND_USER, sid, |row| {
            let lifetime = session::Lifetime {
                created_at: row.get(0)?,
                expires_at: row.get(1)?,
                revoked_at: row.get(2)?,
            };
            Ok((lifetime, user(row, 3)?))
        })
    }

    fn read<T>(
        &self,
        sql: &str,
        sid: &str,
        map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, Unanswered> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(Unanswered);
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let count = self.connections.len();
        let connection = (0..count)
            .find_map(
                |i| match self.connections[start.wrapping_add(i) % count].try_lock() {
                    Ok(connection) => Some(connection),
                    // Nothing in here panics while holding a connection; if something ever did,
                    // the connection itself is still sound (each read is a statement of its own).
                    Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                    Err(TryLockError::WouldBlock) => None,
                },
            )
            .ok_or(Unanswered)?;
        let found = connection
            .prepare_cached(sql)
            .and_then(|mut statement| statement.query_row([sid], map).optional());
        found.map_err(|err| {
            // A lock (the writer checkpointing) is routine. Anything else is logged once and
            // the probe steps aside for good: the pool answers, and reports the cause properly
            // if it is the database's.
            if err.sqlite_error_code() != Some(rusqlite::ErrorCode::DatabaseBusy) {
                log::warn!("session probe: {err}; the pool answers from now on");
                self.close();
            }
            Unanswered
        })
    }

    /// Stops answering: after an unexpected error, and when tests take the database away.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
    }
}

/// The user's columns, from `first` on.
fn user(row: &Row<'_>, first: usize) -> rusqlite::Result<user::Model> {
    Ok(user::Model {
        id: row.get(first)?,
        email: row.get(first + 1)?,
        email_key: row.get(first + 2)?,
        username: row.get(first + 3)?,
        username_key: row.get(first + 4)?,
        password_hash: row.get(first + 5)?,
        created_at: utc(row, first + 6)?,
        email_verified_at: row.get(first + 7)?,
    })
}

/// sqlx stores timestamps as RFC 3339 text; chrono's dedicated parser reads that several times
/// faster than rusqlite's generic format-string conversion, which stays the fallback.
fn utc(row: &Row<'_>, index: usize) -> rusqlite::Result<chrono::DateTime<chrono::Utc>> {
    let text = row.get_ref(index)?.as_str().ok();
    match text.and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok()) {
        Some(at) => Ok(at.to_utc()),
        None => row.get(index),
    }
}
