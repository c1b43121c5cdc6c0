//! Connecting to the database and applying migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    sqlx::sqlite::SqliteJournalMode, ConnectOptions, Database, DatabaseConnection, DbErr,
};

/// Connects and brings the schema up to date. A failure here aborts launch.
pub async fn connect(url: &str, schema: Option<&str>) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if url.starts_with("sqlite:") { 8 } else { 16 })
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // Statements carry hashes and emails: they are not for the log.
        .sqlx_logging(false)
        // WAL lets readers (every authenticated request) proceed while a refresh writes.
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
        });
    if let Some(schema) = schema {
        options.set_schema_search_path(schema.to_owned());
    }
    let db = Database::connect(options).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}
