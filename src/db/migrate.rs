//! Bringing the schema up to date when several instances may start at once.

use migration::{Migrator, MigratorTrait};
use sea_orm::{sqlx, DatabaseConnection, DbBackend, DbErr};

/// Any fixed number: every Gatehouse instance takes this PostgreSQL advisory lock to migrate.
const MIGRATION_LOCK: i64 = 0x6761_7465_686f_7573; // "gatehous"

/// Applies pending migrations. On PostgreSQL instances that start together take turns under an
/// advisory lock (sea-orm-migration takes none, and concurrent `CREATE TABLE`s collide); on
/// SQLite processes sharing `sqlite_file` take turns through a lock file beside it.
pub(super) async fn migrate(
    db: &DatabaseConnection,
    sqlite_file: Option<&std::path::Path>,
) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        let pool = db.get_postgres_connection_pool();
        let mut lock = pool.acquire().await.map_err(sqlx_err)?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *lock)
            .await
            .map_err(sqlx_err)?;
        let migrated = Migrator::up(db, None).await;
        // Released even when migrating failed; closing the connection would release it too.
        let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *lock)
            .await;
        migrated?;
        unlocked.map_err(sqlx_err)?;
        return Ok(());
    }
    // Several processes may share one SQLite file: they take turns through a lock file beside
    // it (SQLite's `ALTER TABLE ... ADD COLUMN` has no IF NOT EXISTS to make a race harmless).
    let _turn = match sqlite_file {
        Some(path) => Some(lock_file(path.to_path_buf()).await?),
        None => None,
    };
    Migrator::up(db, None).await
}

/// The database file of a SQLite URL as sqlx reads it (percent-decoding included), or `None` when
/// sqlx keeps the database in memory (`:memory:`, `mode=memory`) or behind another VFS: then
/// there is no file for other connections or processes to share.
pub(super) fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    use std::str::FromStr;
    if !url.starts_with("sqlite:") {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let file = options.get_filename();
    let query = url.split_once('?').map_or("", |(_, query)| query);
    let special = query
        .split('&')
        .any(|param| param == "mode=memory" || param.starts_with("vfs="));
    let in_memory = file.to_string_lossy().starts_with("file:sqlx-in-memory");
    (!special && !in_memory).then(|| file.to_path_buf())
}

/// Holds an exclusive lock on `<database>-migrate.lock` until dropped.
async fn lock_file(database: std::path::PathBuf) -> Result<std::fs::File, DbErr> {
    let mut name = database.into_os_string();
    name.push("-migrate.lock");
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&name)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(|e| DbErr::Custom(format!("migration lock: {e}")))?
    .map_err(|e| DbErr::Custom(format!("migration lock file: {e}")))
}

fn sqlx_err(err: sqlx::Error) -> DbErr {
    DbErr::Custom(format!("migration lock: {err}"))
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn sqlite_urls_name_the_file_sqlx_opens() {
        let file = |url| sqlite_file(url).map(|p| p.display().to_string());
        assert_eq!(
            file("sqlite://data/app.db?mode=rwc").as_deref(),
            Some("data/app.db")
        );
        assert_eq!(
            file("sqlite:///tmp/my%20db.db").as_deref(),
            Some("/tmp/my db.db")
        );
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("sqlite://shared.db?mode=memory"), None);
        assert_eq!(file("postgres://localhost/db"), None);
    }
}
