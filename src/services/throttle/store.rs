//! The throttle's rows: read without locks to answer refusals cheaply, and changed in one
//! transaction that holds every row lock of an attempt.

use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};

use super::policy::Rule;
use crate::{
    entities::login_throttle::{self, Model as Row},
    error::{Error, Result},
    state::AppState,
};

/// The rows of one attempt: which rule each key follows.
pub type Keys = Vec<(Rule, String)>;

fn fresh(key: &str, now: i64) -> Row {
    Row {
        key: key.to_owned(),
        failures: 0,
        window_start: now,
        locked_until: 0,
        updated_at: now,
        pending: 0,
        last_failure_at: 0,
    }
}

/// The rows as they stand, brought up to `now`, without taking any lock or writing anything.
pub async fn peek(app: &AppState, keys: &Keys, now: i64) -> Result<Vec<Row>> {
    let found = login_throttle::Entity::find()
        .filter(login_throttle::Column::Key.is_in(keys.iter().map(|(_, key)| key.clone())))
        .all(&app.db)
        .await?;
    Ok(keys
        .iter()
        .map(|(rule, key)| {
            let mut row = found
                .iter()
                .find(|row| &row.key == key)
                .cloned()
                .unwrap_or_else(|| fresh(key, now));
            rule.refresh(&mut row, now);
            row
        })
        .collect())
}

async fn lock(txn: &DatabaseTransaction, key: &str, now: i64) -> Result<Row> {
    let row = fresh(key, now);
    login_throttle::Entity::insert(login_throttle::ActiveModel::from(row))
        .on_conflict(
            // A no-op update that still takes the row lock (PostgreSQL) or the write lock
            // (SQLite).
            OnConflict::column(login_throttle::Column::Key)
                .update_column(login_throttle::Column::Key)
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    login_throttle::Entity::find_by_id(key.to_owned())
        .one(txn)
        .await?
        .ok_or_else(|| Error::internal("throttle row vanished inside its transaction"))
}

/// Runs `decide` on the rows of `keys` inside one transaction that holds their locks, taken in
/// key order so that two attempts never wait on each other crosswise. The rows are written back
/// only when `decide` says so (a refusal writes nothing).
pub async fn with_rows<T>(
    app: &AppState,
    keys: &Keys,
    decide: impl FnOnce(&mut [Row], i64) -> (T, bool),
) -> Result<T> {
    let now = app.clock.now();
    let _turn = app.lock_turn().await?;
    let txn = app.writer.begin().await?;
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|a, b| keys[*a].1.cmp(&keys[*b].1));
    let mut locked: Vec<Option<Row>> = vec![None; keys.len()];
    for i in order {
        let (rule, key) = &keys[i];
        let mut row = lock(&txn, key, now).await?;
        rule.refresh(&mut row, now);
        locked[i] = Some(row);
    }
    let mut rows: Vec<Row> = locked.into_iter().flatten().collect();
    let (decided, save) = decide(&mut rows, now);
    if save {
        for row in rows {
            let mut active: login_throttle::ActiveModel = row.into();
            active.updated_at = Set(now);
            // Every column is marked changed, so the update writes what was decided here.
            active.reset_all().update(&txn).await?;
        }
        txn.commit().await?;
    } else {
        // Said now rather than on drop: SQLite's one writer is free again at once.
        txn.rollback().await?;
    }
    Ok(decided)
}

/// Deletes the rows whose key is one of `keys` or starts with one of `prefixes`.
pub async fn forget(
    db: &impl sea_orm::ConnectionTrait,
    keys: Vec<String>,
    prefixes: &[String],
) -> Result<()> {
    let mut condition = sea_orm::Condition::any().add(login_throttle::Column::Key.is_in(keys));
    for prefix in prefixes {
        condition = condition.add(login_throttle::Column::Key.starts_with(prefix.as_str()));
    }
    login_throttle::Entity::delete_many()
        .filter(condition)
        .exec(db)
        .await?;
    Ok(())
}
