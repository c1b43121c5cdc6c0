//! The durable mail queue. Rows are written by [`super::Mailer`] inside the caller's
//! transaction; the worker here claims due rows with a lease, delivers them, and records the
//! outcome. Several instances share the table: on PostgreSQL a claim skips rows another
//! instance holds (`FOR UPDATE SKIP LOCKED`); on SQLite the claiming `UPDATE` runs under the
//! database's write lock. A lease that expires (an instance died mid-send) makes the row due
//! again, so a mail is delivered once in normal operation and never lost.

use std::time::Duration;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Set,
    Statement,
};

use super::To;
use crate::{entities::outbox, error::Result, state::AppState};

/// How long a claimed row is left to its instance before others may take it.
const LEASE_SECS: i64 = 60;
const MAX_BACKOFF_SECS: i64 = 60;
const GIVE_UP_AFTER_SECS: i64 = 24 * 3600;
const BATCH: i64 = 8;
const POLL: Duration = Duration::from_secs(1);
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

/// Claims due rows: `$1` lease end, `$2` now, `$3` batch size.
const CLAIM_POSTGRES: &str = "UPDATE outbox SET lease_until = $1, attempts = attempts + 1 \
    WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
    AND (lease_until IS NULL OR lease_until <= $2) ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
    RETURNING *";
/// The same for SQLite, whose single writer makes the claim atomic without row locks.
const CLAIM_SQLITE: &str = "UPDATE outbox SET lease_until = ?1, attempts = attempts + 1 \
    WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?2 \
    AND (lease_until IS NULL OR lease_until <= ?2) ORDER BY id LIMIT ?3) RETURNING *";

/// Takes up to a batch of due rows for this instance.
async fn claim(app: &AppState) -> Result<Vec<outbox::Model>> {
    let now = app.clock.now();
    let backend = app.db.get_database_backend();
    let sql = if backend == DbBackend::Postgres {
        CLAIM_POSTGRES
    } else {
        CLAIM_SQLITE
    };
    let values = [(now + LEASE_SECS).into(), now.into(), BATCH.into()];
    let statement = Statement::from_sql_and_values(backend, sql, values);
    Ok(outbox::Entity::find()
        .from_raw_sql(statement)
        .all(&app.writer)
        .await?)
}

async fn deliver(app: &AppState, row: outbox::Model) -> Result<()> {
    let now = app.clock.now();
    let sent = match app.mailer.sealer.open(&row.payload) {
        Ok(message) => app.mailer.transport.send(&row.recipient, &message).await,
        Err(err) => Err(err.to_string()),
    };
    let mut active: outbox::ActiveModel = row.clone().into();
    active.lease_until = Set(None);
    match sent {
        Ok(()) => {
            log::info!(
                "mail {} #{}: delivered to the SMTP server",
                row.kind,
                row.id
            );
            active.status = Set("sent".to_owned());
            active.sent_at = Set(Some(now));
            active.last_error = Set(None);
        }
        Err(err) if now - row.created_at >= GIVE_UP_AFTER_SECS => {
            log::error!(
                "mail {} #{}: giving up after {} attempts: {err}",
                row.kind,
                row.id,
                row.attempts
            );
            active.status = Set("failed".to_owned());
            active.last_error = Set(Some(truncate(&err)));
        }
        Err(err) => {
            let backoff = 1_i64 << row.attempts.clamp(0, 6);
            let backoff = backoff.min(MAX_BACKOFF_SECS);
            log::warn!(
                "mail {} #{}: attempt {} failed ({err}); retrying in {backoff}s",
                row.kind,
                row.id,
                row.attempts
            );
            active.next_attempt_at = Set(now + backoff);
            active.last_error = Set(Some(truncate(&err)));
        }
    }
    active.update(&app.writer).await?;
    Ok(())
}

fn truncate(text: &str) -> String {
    text.chars().take(300).collect()
}

/// One pass: claim what is due and deliver it. Returns how many rows were claimed.
pub async fn run_once(app: &AppState) -> Result<usize> {
    let rows = claim(app).await?;
    let claimed = rows.len();
    // In parallel: a slow relay must not hold the rest of the batch past its lease.
    let mut deliveries = tokio::task::JoinSet::new();
    for row in rows {
        let app = app.clone();
        deliveries.spawn(async move { deliver(&app, row).await });
    }
    while let Some(joined) = deliveries.join_next().await {
        joined??;
    }
    Ok(claimed)
}

/// The delivery worker: runs for as long as the runtime lives, woken by new mail on this
/// instance and polling for everyone else's and for retries.
pub fn spawn(app: AppState) {
    tokio::spawn(async move {
        loop {
            // A pass in progress finishes (its rows are claimed); then the worker stops and
            // leaves the rest of the outbox to the other instances.
            match run_once(&app).await {
                Ok(claimed) if claimed > 0 => {}
                Ok(_) => {
                    tokio::select! {
                        () = app.mailer.wake.notified() => {}
                        () = tokio::time::sleep(POLL) => {}
                        () = app.stopped() => {}
                    }
                }
                Err(err) => {
                    log::warn!("mail outbox: {err}");
                    tokio::time::sleep(POLL).await;
                }
            }
            if *app.stop.borrow() {
                return;
            }
        }
    });
}

/// Drops rows that are long done. Safe from several instances at once.
pub async fn purge(app: &AppState) -> Result<()> {
    let now = app.clock.now();
    outbox::Entity::delete_many()
        .filter(outbox::Column::Status.eq("sent"))
        .filter(outbox::Column::SentAt.lte(now - KEEP_SENT_SECS))
        .exec(&app.writer)
        .await?;
    outbox::Entity::delete_many()
        .filter(outbox::Column::Status.eq("failed"))
        .filter(outbox::Column::CreatedAt.lte(now - KEEP_FAILED_SECS))
        .exec(&app.writer)
        .await?;
    Ok(())
}

/// An account is gone: its pending mails go with it (a goodbye mail carries no user id).
pub async fn forget_user(db: &impl ConnectionTrait, user_id: i32) -> Result<()> {
    outbox::Entity::delete_many()
        .filter(outbox::Column::UserId.eq(user_id))
        .filter(outbox::Column::Status.eq("pending"))
        .exec(db)
        .await?;
    Ok(())
}
