//! Log-in throttling, with its state in the database so that every instance sees the same.
//!
//! - Per account key (the email or username tried, whether or not an account exists): after
//!   LOGIN_MAX_FAILURES consecutive failures each further attempt waits a delay that doubles
//!   from 1 s up to 15 minutes. A success resets the count.
//! - Per client (IP, or /64 for IPv6): more than LOGIN_MAX_FAILURES_PER_IP failures in 15 minutes
//!   and the client waits until that window ends.
//!
//! An attempt is counted *before* its password is checked, in a transaction that locks both
//! rows, and a success gives the count back. So a burst of parallel guesses cannot slip through
//! between a check and its bookkeeping: the attempt that reaches the limit sets the wait, and
//! every later one is refused (with a correct password too: otherwise guessing goes on).

use std::net::IpAddr;

use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, Set, TransactionTrait,
};

use crate::{
    auth::keys::hash_token,
    entities::login_throttle,
    error::{Error, Result},
    services::rate_limit::ip_key,
    state::AppState,
};

const MAX_DELAY_SECS: i64 = 15 * 60;
const IP_WINDOW_SECS: i64 = 15 * 60;
/// Failures this old no longer count as consecutive.
const ACCOUNT_MEMORY_SECS: i64 = 24 * 3600;

/// An attempt that was let through and counted as a failure until [`succeeded`] says otherwise.
#[derive(Debug)]
pub struct Reservation {
    account: String,
    ip: String,
    /// This attempt made the account wait: its owner is told once, if it fails.
    pub starts_throttling: bool,
}

/// The throttle key of an identifier: the same for `Ann@Example.com` and `ann@example.com`, and
/// hashed, so that the table holds no addresses.
fn account_key(identifier: &str) -> String {
    format!("acct:{}", hash_token(&identifier.trim().to_lowercase()))
}

/// The delay after `failures` consecutive failures: none below the limit, then 1 s, 2 s, 4 s…
fn delay_after(failures: i64, max: i64) -> i64 {
    if failures < max {
        return 0;
    }
    let doublings = u32::try_from(failures - max).unwrap_or(u32::MAX).min(20);
    (1_i64 << doublings).min(MAX_DELAY_SECS)
}

async fn lock(txn: &DatabaseTransaction, key: &str, now: i64) -> Result<login_throttle::Model> {
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(0),
        window_start: Set(now),
        locked_until: Set(0),
        updated_at: Set(now),
    })
    .on_conflict(
        // A no-op update that still takes the row lock (PostgreSQL) or the write lock (SQLite).
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

/// Lets one log-in attempt through and counts it, or refuses it with 429 and `Retry-After`.
pub async fn reserve(app: &AppState, identifier: &str, ip: Option<IpAddr>) -> Result<Reservation> {
    let now = app.clock.now();
    let max = i64::from(app.settings.login_max_failures);
    let max_ip = i64::from(app.settings.login_max_failures_per_ip);
    let account = account_key(identifier);
    let ip = format!("ip:{}", ip_key(ip));
    let _turn = app
        .lock_gate
        .acquire()
        .await
        .map_err(|_| Error::internal("lock gate closed"))?;
    let txn = app.db.begin().await?;
    // Sorted, so two attempts never wait on each other crosswise.
    let (first, second) = if account < ip {
        (&account, &ip)
    } else {
        (&ip, &account)
    };
    let a = lock(&txn, first, now).await?;
    let b = lock(&txn, second, now).await?;
    let (mut acct, mut client) = if a.key == account { (a, b) } else { (b, a) };

    if now - acct.updated_at > ACCOUNT_MEMORY_SECS {
        acct.failures = 0;
        acct.locked_until = 0;
    }
    if now - client.window_start >= IP_WINDOW_SECS {
        client.failures = 0;
        client.window_start = now;
    }
    let account_wait = acct.locked_until - now;
    let client_wait = if i64::from(client.failures) >= max_ip {
        client.window_start + IP_WINDOW_SECS - now
    } else {
        0
    };
    if account_wait > 0 || client_wait > 0 {
        txn.commit().await?;
        return Err(Error::Throttled {
            retry_after_secs: account_wait.max(client_wait),
        });
    }

    let failures = acct.failures + 1;
    let delay = delay_after(i64::from(failures), max);
    // The clock counts whole seconds: one more makes every wait at least `delay` long.
    let delay = if delay > 0 { delay + 1 } else { 0 };
    let starts_throttling = i64::from(failures) == max;
    save(&txn, &acct, failures, acct.window_start, now + delay, now).await?;
    let window = client.window_start;
    save(&txn, &client, client.failures + 1, window, 0, now).await?;
    txn.commit().await?;
    Ok(Reservation {
        account,
        ip,
        starts_throttling,
    })
}

async fn save(
    txn: &DatabaseTransaction,
    row: &login_throttle::Model,
    failures: i32,
    window_start: i64,
    locked_until: i64,
    now: i64,
) -> Result<()> {
    let mut active: login_throttle::ActiveModel = row.clone().into();
    active.failures = Set(failures);
    active.window_start = Set(window_start);
    active.locked_until = Set(locked_until);
    active.updated_at = Set(now);
    // Every column is marked changed, so the update writes what was decided here.
    active.reset_all().update(txn).await?;
    Ok(())
}

/// The attempt succeeded: the account's count starts over and the client's failure is given back.
pub async fn succeeded(app: &AppState, reservation: &Reservation) -> Result<()> {
    login_throttle::Entity::delete_by_id(reservation.account.clone())
        .exec(&app.db)
        .await?;
    give_back(app, &reservation.ip).await
}

/// The attempt never got an answer (e.g. the hashing queue was full): nothing is counted.
pub async fn abandoned(app: &AppState, reservation: &Reservation) -> Result<()> {
    give_back(app, &reservation.account).await?;
    give_back(app, &reservation.ip).await
}

async fn give_back(app: &AppState, key: &str) -> Result<()> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::Failures,
            Expr::col(login_throttle::Column::Failures).sub(1),
        )
        .filter(login_throttle::Column::Key.eq(key))
        .filter(login_throttle::Column::Failures.gt(0))
        .exec(&app.db)
        .await?;
    Ok(())
}

/// Forgets throttles nobody touched for a day. Safe from several instances at once.
pub async fn purge(app: &AppState) -> Result<()> {
    let cutoff = app.clock.now() - ACCOUNT_MEMORY_SECS - MAX_DELAY_SECS;
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::UpdatedAt.lte(cutoff))
        .exec(&app.db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{account_key, delay_after};

    #[test]
    fn delays_double_from_one_second_to_fifteen_minutes() {
        assert_eq!(delay_after(4, 5), 0);
        assert_eq!(delay_after(5, 5), 1);
        assert_eq!(delay_after(6, 5), 2);
        assert_eq!(delay_after(9, 5), 16);
        assert_eq!(delay_after(20, 5), 900);
        assert_eq!(delay_after(10_000, 5), 900);
    }

    #[test]
    fn keys_ignore_case_and_hold_no_address() {
        assert_eq!(
            account_key("Ann@Example.com "),
            account_key("ann@example.com")
        );
        assert!(!account_key("ann@example.com").contains("ann"));
    }
}
