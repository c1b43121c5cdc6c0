//! The durable mail queue. Rows are written by [`super::Mailer`] inside the caller's
//! transaction; the worker (`services::outbox_worker`) claims due rows with a lease, delivers
//! them and records each row's outcome with the statements here.
//!
//! What is guaranteed: a queued mail is never lost (it stays in the table until it is sent,
//! fails for good or its account is deleted), and delivery is at least once. Each claim
//! increments `attempts`, so `(id, attempts)` names one claim ([`Claim`]); the lease renewals
//! and the final result of a send are written only `WHERE id = ? AND attempts = ?`, so a row
//! another instance claimed since, or one that was deleted, is left alone. While a send is in
//! progress its lease is renewed, so a slow relay does not let another instance claim the row.
//! A mail is therefore sent exactly once, except when the SMTP server has accepted it but the
//! row cannot be marked sent: the process dies (or is stopped) in between, the database is
//! unreachable for the write or for longer than the lease, or the connection drops after the
//! server took the message but before its reply arrived. Then the row becomes due again when
//! its lease ends and the mail is sent a second time. Leases are compared with each instance's
//! own clock, so instances' clocks must agree to well within the lease.

use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    QueryFilter, Set, Statement,
};

use super::To;
use crate::{entities::outbox, error::Result};

/// Delivered rows are kept this long (for diagnosis), failed ones a little longer.
const KEEP_SENT_SECS: i64 = 7 * 24 * 3600;
const KEEP_FAILED_SECS: i64 = 30 * 24 * 3600;

pub async fn insert(
    db: &impl ConnectionTrait,
    now: i64,
    to: To<'_>,
    kind: &str,
    payload: String,
) -> Result<()> {
    outbox::ActiveModel {
        user_id: Set(to.user_id),
        kind: Set(kind.to_owned()),
        recipient: Set(to.address.to_owned()),
        payload: Set(payload),
        status: Set("pending".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Claims due rows: `$1` lease end, `$2` now, `$3` batch size. A lease ending at second `t`
/// is free from second `t + 1` on, so a lease of `n` seconds lasts at least `n` seconds.
const CLAIM_POSTGRES: &str = "UPDATE outbox SET lease_until = $1, attempts = attempts + 1 \
    WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
    AND (lease_until IS NULL OR lease_until < $2) ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
    RETURNING *";
/// The same for SQLite, whose single writer makes the claim atomic without row locks.
const CLAIM_SQLITE: &str = "UPDATE outbox SET lease_until = ?1, attempts = attempts + 1 \
    WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?2 \
    AND (lease_until IS NULL OR lease_until < ?2) ORDER BY id LIMIT ?3) RETURNING *";

/// One claim of one row: the fence every later write to the row goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub id: i32,
    /// The row's `attempts` as this claim set it; a later claim increments it again.
    pub attempts: i32,
}

impl Claim {
    #[must_use]
    pub fn of(row: &outbox::Model) -> Self {
        Self {
            id: row.id,
            attempts: row.attempts,
        }
    }
}

/// Takes up to `batch` due rows, leased until `now + lease_secs`.
pub async fn claim(
    db: &impl ConnectionTrait,
    now: i64,
    lease_secs: i64,
    batch: i64,
) -> Result<Vec<outbox::Model>> {
    let backend = db.get_database_backend();
    let sql = if backend == DbBackend::Postgres {
        CLAIM_POSTGRES
    } else {
        CLAIM_SQLITE
    };
    let values = [(now + lease_secs).into(), now.into(), batch.into()];
    let statement = Statement::from_sql_and_values(backend, sql, values);
    Ok(outbox::Entity::find()
        .from_raw_sql(statement)
        .all(db)
        .await?)
}

/// Extends a claim's lease. False if the claim is no longer the row's (deleted, or claimed
/// again after the lease ran out).
pub async fn renew(db: &impl ConnectionTrait, claim: Claim, lease_until: i64) -> Result<bool> {
    let updated = outbox::Entity::update_many()
        .col_expr(outbox::Column::LeaseUntil, Expr::value(lease_until))
        .filter(fence(claim))
        .exec(db)
        .await?;
    Ok(updated.rows_affected > 0)
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The SMTP server accepted it at `at`.
    Sent { at: i64 },
    /// A passing failure: due again at `at`.
    Retry { at: i64, error: String },
    /// For good: never tried again.
    Failed { error: String },
}

/// Writes a claim's outcome. False if the claim is no longer the row's (deleted, or claimed
/// again): nothing is written then.
pub async fn record(db: &impl ConnectionTrait, claim: Claim, outcome: &Outcome) -> Result<bool> {
    let mut update = outbox::Entity::update_many()
        .col_expr(outbox::Column::LeaseUntil, Expr::value(None::<i64>))
        .filter(fence(claim));
    update = match outcome {
        Outcome::Sent { at } => update
            .col_expr(outbox::Column::Status, Expr::value("sent"))
            .col_expr(outbox::Column::SentAt, Expr::value(*at))
            .col_expr(outbox::Column::LastError, Expr::value(None::<String>)),
        Outcome::Retry { at, error } => update
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(*at))
            .col_expr(outbox::Column::LastError, Expr::value(truncate(error))),
        Outcome::Failed { error } => update
            .col_expr(outbox::Column::Status, Expr::value("failed"))
            .col_expr(outbox::Column::LastError, Expr::value(truncate(error))),
    };
    Ok(update.exec(db).await?.rows_affected > 0)
}

/// The row as `claim` left it: still pending, not claimed since.
fn fence(claim: Claim) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(outbox::Column::Id.eq(claim.id))
        .add(outbox::Column::Attempts.eq(claim.attempts))
        .add(outbox::Column::Status.eq("pending"))
}

fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}

/// Drops rows that are long done. Safe from several instances at once.
pub async fn purge(db: &impl ConnectionTrait, now: i64) -> Result<()> {
    outbox::Entity::delete_many()
        .filter(outbox::Column::Status.eq("sent"))
        .filter(outbox::Column::SentAt.lte(now - KEEP_SENT_SECS))
        .exec(db)
        .await?;
    outbox::Entity::delete_many()
        .filter(outbox::Column::Status.eq("failed"))
        .filter(outbox::Column::CreatedAt.lte(now - KEEP_FAILED_SECS))
        .exec(db)
        .await?;
    Ok(())
}

/// An account is gone: every mail of it goes with it, pending, sent or failed, so its address
/// is kept nowhere (the goodbye mail carries no user id). A send already in progress finishes,
/// and finds its row gone.
pub async fn forget_user(db: &impl ConnectionTrait, user_id: i32) -> Result<()> {
    outbox::Entity::delete_many()
        .filter(outbox::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
