//! Log-in throttling, with its state in the database so that every instance sees the same.
//!
//! - Per account key (the email or username tried, whether or not an account exists): after
//!   LOGIN_MAX_FAILURES consecutive failures each further attempt waits a delay that doubles
//!   from 1 s up to 15 minutes. A success resets the count.
//! - Per client (IP, or /64 for IPv6): more than LOGIN_MAX_FAILURES_PER_IP failures in 15 minutes
//!   and the client waits until that window ends.
//!
//! Attempts whose password is still being checked are counted as `pending`, and failures plus
//! pending attempts may never exceed the limit: so a burst of parallel guesses cannot slip
//! through between a check and its bookkeeping (40 parallel guesses against a limit of 5 get
//! exactly 5 checks), while a correct password counts as no failure at all. Each step runs in a
//! transaction that locks the key's row.

use std::net::IpAddr;

use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, DatabaseTransaction, EntityTrait, Set,
    TransactionTrait,
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
/// A pending attempt older than this belonged to a process that died mid-check.
const PENDING_STALE_SECS: i64 = 60;

/// An attempt that was let through; report its outcome with [`failed`], [`succeeded`] or
/// [`abandoned`].
#[derive(Debug)]
pub struct Reservation {
    account: String,
    ip: String,
}

/// What a failure did to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    Counted,
    /// This failure made the account wait: its owner is told once.
    StartedThrottling,
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
        pending: Set(0),
    })
    .on_conflict(
        // A no-op update that still takes the row lock (PostgreSQL) or the write lock (SQLite).
        OnConflict::column(login_throttle::Column::Key)
            .update_column(login_throttle::Column::Key)
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    let mut row = login_throttle::Entity::find_by_id(key.to_owned())
        .one(txn)
        .await?
        .ok_or_else(|| Error::internal("throttle row vanished inside its transaction"))?;
    if now - row.updated_at > PENDING_STALE_SECS {
        row.pending = 0;
    }
    if row.key.starts_with("ip:") {
        if now - row.window_start >= IP_WINDOW_SECS {
            row.failures = 0;
            row.window_start = now;
        }
    } else if now - row.updated_at > ACCOUNT_MEMORY_SECS {
        row.failures = 0;
        row.locked_until = 0;
    }
    Ok(row)
}

async fn save(txn: &DatabaseTransaction, row: login_throttle::Model, now: i64) -> Result<()> {
    let mut active: login_throttle::ActiveModel = row.into();
    active.updated_at = Set(now);
    // Every column is marked changed, so the update writes what was decided here.
    active.reset_all().update(txn).await?;
    Ok(())
}

/// Runs `decide` on the account's and the client's rows inside one transaction that holds both
/// row locks (taken in a fixed order, so two attempts never wait on each other crosswise).
async fn with_rows<T>(
    app: &AppState,
    account: &str,
    ip: &str,
    decide: impl FnOnce(&mut login_throttle::Model, &mut login_throttle::Model, i64) -> T,
) -> Result<T> {
    let now = app.clock.now();
    let _turn = app.lock_turn().await?;
    let txn = app.writer.begin().await?;
    let (first, second) = if account < ip {
        (account, ip)
    } else {
        (ip, account)
    };
    let a = lock(&txn, first, now).await?;
    let b = lock(&txn, second, now).await?;
    let (mut acct, mut client) = if a.key == account { (a, b) } else { (b, a) };
    let decided = decide(&mut acct, &mut client, now);
    save(&txn, acct, now).await?;
    save(&txn, client, now).await?;
    txn.commit().await?;
    Ok(decided)
}

/// Lets one log-in attempt through, or refuses it with 429 and `Retry-After`.
pub async fn reserve(app: &AppState, identifier: &str, ip: Option<IpAddr>) -> Result<Reservation> {
    let max = i64::from(app.settings.login_max_failures);
    let max_ip = i64::from(app.settings.login_max_failures_per_ip);
    let account = account_key(identifier);
    let ip = format!("ip:{}", ip_key(ip));
    let wait = with_rows(app, &account, &ip, |acct, client, now| {
        let locked = acct.locked_until - now;
        // Checks in flight may not outnumber the failures still allowed; once the limit is
        // reached, one attempt at a time after each wait.
        let room = |failures: i32, max: i64| (max - i64::from(failures)).max(1);
        let account_full = i64::from(acct.pending) >= room(acct.failures, max);
        let client_full = i64::from(client.pending) >= room(client.failures, max_ip);
        let client_wait = if i64::from(client.failures) >= max_ip {
            client.window_start + IP_WINDOW_SECS - now
        } else {
            0
        };
        // Full of pending checks only: those finish within a second or two.
        let wait = locked
            .max(client_wait)
            .max(i64::from(account_full || client_full));
        if wait <= 0 {
            acct.pending += 1;
            client.pending += 1;
        }
        wait
    })
    .await?;
    if wait > 0 {
        return Err(Error::Throttled {
            retry_after_secs: wait,
        });
    }
    Ok(Reservation { account, ip })
}

/// The password was wrong: one more failure for the account and the client.
pub async fn failed(app: &AppState, reservation: &Reservation) -> Result<AfterFailure> {
    let max = i64::from(app.settings.login_max_failures);
    with_rows(
        app,
        &reservation.account,
        &reservation.ip,
        |acct, client, now| {
            acct.pending = (acct.pending - 1).max(0);
            client.pending = (client.pending - 1).max(0);
            acct.failures += 1;
            client.failures += 1;
            let delay = delay_after(i64::from(acct.failures), max);
            if delay > 0 {
                // The clock counts whole seconds: one more makes every wait at least `delay` long.
                acct.locked_until = now + delay + 1;
            }
            if i64::from(acct.failures) == max {
                AfterFailure::StartedThrottling
            } else {
                AfterFailure::Counted
            }
        },
    )
    .await
}

/// The password was right: the account's count starts over.
pub async fn succeeded(app: &AppState, reservation: &Reservation) -> Result<()> {
    with_rows(
        app,
        &reservation.account,
        &reservation.ip,
        |acct, client, _| {
            acct.failures = 0;
            acct.locked_until = 0;
            acct.pending = (acct.pending - 1).max(0);
            client.pending = (client.pending - 1).max(0);
        },
    )
    .await
}

/// The check never happened (e.g. the hashing queue was full): nothing is counted.
pub async fn abandoned(app: &AppState, reservation: &Reservation) -> Result<()> {
    with_rows(
        app,
        &reservation.account,
        &reservation.ip,
        |acct, client, _| {
            acct.pending = (acct.pending - 1).max(0);
            client.pending = (client.pending - 1).max(0);
        },
    )
    .await
}

/// Forgets throttles nobody touched for a day. Safe from several instances at once.
pub async fn purge(app: &AppState) -> Result<()> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let cutoff = app.clock.now() - ACCOUNT_MEMORY_SECS - MAX_DELAY_SECS;
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::UpdatedAt.lte(cutoff))
        .exec(&app.writer)
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
