//! Connecting to the database and applying migrations.
//!
//! PostgreSQL gets one pool for everything. SQLite, which admits one writer at a time, gets a
//! single-writer arrangement: one connection that every write and transaction goes through (so
//! writers queue here, in order, instead of polling SQLite's lock with growing sleeps), a pool of
//! query-only readers that WAL lets run beside the writer, and the [`SessionProbe`] for the one
//! read every authenticated request makes.

mod liveness;
mod migrate;
mod probe;
mod session_read;

use std::time::Duration;

use sea_orm::{
    sqlx::sqlite::SqliteJournalMode, ConnectOptions, Database, DatabaseConnection, DbErr,
};

pub use liveness::Liveness;
pub use probe::SessionProbe;
pub use session_read::SessionReads;

/// How many row-lock transactions may run at once: well below PostgreSQL's pool size, so the
/// rest of the pool always serves other requests. On SQLite they take turns at the one writer
/// anyway; the gate keeps a flood aimed at one bucket from queueing ahead of every other write.
pub const POOL_SIZE_FOR_LOCKS: usize = 4;

/// The connections of one instance. On PostgreSQL `read` and `write` share one pool.
pub struct Stores {
    pub read: DatabaseConnection,
    pub write: DatabaseConnection,
    pub probe: Option<SessionProbe>,
}

/// Connects and brings the schema up to date. A failure here aborts launch.
pub async fn connect(url: &str, schema: Option<&str>) -> Result<Stores, DbErr> {
    if !url.starts_with("sqlite:") {
        let mut options = pool_options(url, 16);
        // An unreachable PostgreSQL must answer 503 within about a second, not hang requests.
        // Only connections idle for a while are pinged before use: a ping on every checkout
        // would double the round trips of every query.
        options
            .acquire_timeout(Duration::from_secs(1))
            .test_before_acquire_if_idle_for(Duration::from_secs(30));
        if let Some(schema) = schema {
            options.set_schema_search_path(schema.to_owned());
        }
        // Migrations may rightly run long on a large database: they get connections of their
        // own, without the serving pool's time limits (two: one holds the migration lock).
        let mut migration = options.clone();
        migration.max_connections(2).min_connections(1);
        let migrator = Database::connect(migration).await?;
        migrate::migrate(&migrator, None).await?;
        migrator.close().await?;
        // The server's own limits end a statement that runs away and a transaction whose
        // client froze while holding row locks (another instance stopped mid-request), so
        // neither holds up other requests for long. A server that is itself frozen enforces
        // nothing: `Liveness` and `http::deadline` cover that.
        options.map_sqlx_postgres_opts(|pg| {
            pg.options([
                ("statement_timeout", "5s"),
                ("idle_in_transaction_session_timeout", "5s"),
            ])
        });
        let db = Database::connect(options).await?;
        return Ok(Stores {
            read: db.clone(),
            write: db,
            probe: None,
        });
    }

    let file = migrate::sqlite_file(url);
    // The writer first: it creates the file, turns on WAL and migrates before anyone reads.
    let mut writer = pool_options(url, 1);
    writer.map_sqlx_sqlite_opts(|opts| {
        opts.journal_mode(SqliteJournalMode::Wal)
            // Other processes sharing the file are the only writers this one can meet.
            .busy_timeout(Duration::from_secs(10))
    });
    let write = Database::connect(writer).await?;
    migrate::migrate(&write, file.as_deref()).await?;
    // An in-memory database has no file to share with other connections: there the writer
    // does everything.
    let Some(file) = file else {
        return Ok(Stores {
            read: write.clone(),
            write,
            probe: None,
        });
    };
    let mut readers = pool_options(url, 8);
    readers.map_sqlx_sqlite_opts(|opts| {
        opts.busy_timeout(Duration::from_secs(10))
            // A write that bypassed the writer would bring back the lock contention this
            // arrangement removes: readers refuse it, and the tests on SQLite would fail.
            .pragma("query_only", "ON")
    });
    let read = Database::connect(readers).await?;
    let probe = SessionProbe::open(
        &file,
        std::thread::available_parallelism().map_or(2, usize::from),
    )?;
    Ok(Stores {
        read,
        write,
        probe: Some(probe),
    })
}

fn pool_options(url: &str, size: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(size)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(2))
        // A local SQLite file is never unreachable: the wait is only for a free connection
        // under load, which is worth more patience. (PostgreSQL overrides this.)
        .acquire_timeout(Duration::from_secs(10))
        // SQLite connections are local files with nothing to go stale; see PostgreSQL above.
        .test_before_acquire(false)
        // Statements carry hashes and emails: they are not for the log.
        .sqlx_logging(false);
    options
}
