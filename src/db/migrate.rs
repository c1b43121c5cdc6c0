//! Bringing the schema up to date when several instances may start at once.

use migration::{Migrator, MigratorTrait};
use sea_orm::{sqlx, DatabaseConnection, DbBackend, DbErr};

/// Any fixed number: every Gatehouse instance takes this PostgreSQL advisory lock to migrate.
const MIGRATION_LOCK: i64 = 0x6761_7465_686f_7573; // "gatehous"

/// Applies pending migrations. On PostgreSQL instances that start together take turns under an
/// advisory lock (sea-orm-migration takes none, and concurrent `CREATE TABLE`s collide); on
/// SQLite the file's own locking and `IF NOT EXISTS` suffice.
pub(super) async fn migrate(db: &DatabaseConnection, url: &str) -> Result<(), DbErr> {
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
    let _turn = match sqlite_file(url) {
        Some(path) => Some(lock_file(path).await?),
        None => None,
    };
    Migrator::up(db, None).await
}

/// The database file of a SQLite URL (`sqlite://data/app.db?mode=rwc` → `data/app.db`), if it
/// names one (not `:memory:`).
pub(super) fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| path.into())
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
