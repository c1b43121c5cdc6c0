//! The mail delivery worker of each instance: claims due outbox rows with a lease
//! (`OUTBOX_LEASE_SECONDS`), sends each over SMTP while renewing its lease, and records each
//! row's outcome on its own, fenced by its claim (see [`crate::mail::outbox`] for what that
//! guarantees). One row's failure, or its disappearance, never stops the rest of its batch.

use std::time::Duration;

use tokio::sync::oneshot;

use crate::{
    entities::outbox as row,
    error::Result,
    mail::{
        outbox::{self, Claim, Outcome},
        DeliveryError,
    },
    state::AppState,
};

const MAX_BACKOFF_SECS: i64 = 60;
const GIVE_UP_AFTER_SECS: i64 = 24 * 3600;
const BATCH: i64 = 8;
const POLL: Duration = Duration::from_secs(1);

/// One pass: claim what is due and deliver it. Returns how many rows were claimed.
///
/// # Errors
///
/// Only the claim's: each delivery records (or logs) its own result.
pub async fn run_once(app: &AppState) -> Result<usize> {
    let lease = app.settings.outbox_lease_secs;
    let rows = outbox::claim(&app.writer, app.clock.now(), lease, BATCH).await?;
    let claimed = rows.len();
    // In parallel: a slow relay must not hold the rest of the batch back.
    let mut deliveries = tokio::task::JoinSet::new();
    for row in rows {
        let app = app.clone();
        deliveries.spawn(async move { deliver(&app, row).await });
    }
    while let Some(joined) = deliveries.join_next().await {
        if let Err(err) = joined {
            log::error!("mail outbox: a delivery task ended abnormally: {err}");
        }
    }
    Ok(claimed)
}

/// Sends one claimed row, keeping its lease alive meanwhile, and records what happened.
async fn deliver(app: &AppState, row: row::Model) {
    let claim = Claim::of(&row);
    let (finished, stop_renewing) = oneshot::channel();
    let sending = async {
        let result = app.mailer.deliver(&row).await;
        let _ = finished.send(());
        result
    };
    let (result, ()) = tokio::join!(sending, keep_lease(app, claim, stop_renewing));
    let outcome = outcome(app.clock.now(), &row, result);
    match outbox::record(&app.writer, claim, &outcome).await {
        Ok(true) => {}
        Ok(false) => log::info!(
            "mail {} #{}: the row was deleted or claimed again meanwhile; its result is not \
             recorded",
            row.kind,
            row.id
        ),
        Err(err) => log::warn!(
            "mail {} #{}: recording the result failed ({err}); the row is due again when its \
             lease ends",
            row.kind,
            row.id
        ),
    }
}

/// Renews the claim's lease every third of it until `stop` fires, or until the claim turns
/// out to be lost (the row deleted, or claimed again after the lease ran out).
async fn keep_lease(app: &AppState, claim: Claim, mut stop: oneshot::Receiver<()>) {
    let lease = app.settings.outbox_lease_secs;
    let every = Duration::from_millis(u64::try_from(lease).unwrap_or(1) * 1000 / 3);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            () = tokio::time::sleep(every) => {}
        }
        match outbox::renew(&app.writer, claim, app.clock.now() + lease).await {
            Ok(true) => {}
            Ok(false) => {
                log::info!(
                    "mail #{}: the row was deleted or claimed again during the send",
                    claim.id
                );
                return;
            }
            Err(err) => log::warn!("mail #{}: renewing the lease failed: {err}", claim.id),
        }
    }
}

/// What to record for an attempt, logged (never with the message or its links).
fn outcome(now: i64, row: &row::Model, result: Result<(), DeliveryError>) -> Outcome {
    let (kind, id, attempts) = (&row.kind, row.id, row.attempts);
    match result {
        Ok(()) => {
            log::info!("mail {kind} #{id}: delivered to the SMTP server");
            Outcome::Sent { at: now }
        }
        Err(DeliveryError::Permanent(error)) => {
            log::error!("mail {kind} #{id}: failed for good: {error}");
            Outcome::Failed { error }
        }
        Err(DeliveryError::Transient(error)) if now - row.created_at >= GIVE_UP_AFTER_SECS => {
            log::error!("mail {kind} #{id}: giving up after {attempts} attempts: {error}");
            Outcome::Failed { error }
        }
        Err(DeliveryError::Transient(error)) => {
            let backoff = (1_i64 << attempts.clamp(0, 6)).min(MAX_BACKOFF_SECS);
            log::warn!(
                "mail {kind} #{id}: attempt {attempts} failed ({error}); retrying in {backoff}s"
            );
            Outcome::Retry {
                at: now + backoff,
                error,
            }
        }
    }
}

/// The worker: runs for as long as the runtime lives, woken by new mail on this instance and
/// polling for everyone else's and for retries.
pub fn spawn(app: AppState) {
    tokio::spawn(async move {
        loop {
            // A pass in progress finishes (its rows are claimed); then the worker stops and
            // leaves the rest of the outbox to the other instances.
            match run_once(&app).await {
                Ok(claimed) if claimed > 0 => {}
                Ok(_) => {
                    tokio::select! {
                        () = app.mailer.queued() => {}
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
