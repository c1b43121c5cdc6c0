//! Periodic clean-up of rows that no longer decide anything: old rate-limit hits, forgotten
//! throttles, sessions long past their end and expired reset tokens. Each job is a plain range
//! delete, so several instances running it at once do no harm.

use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    entities::{password_reset, session},
    error::Result,
    services::{audit, deletion, rate_limit, throttle},
    state::AppState,
};

const EVERY: Duration = Duration::from_mins(10);
/// Ended sessions stay a while so that a replayed token of theirs is still recognised.
const KEEP_ENDED_SESSIONS_SECS: i64 = 7 * 24 * 3600;

pub async fn run_once(app: &AppState) -> Result<()> {
    let now = app.clock.now();
    rate_limit::purge(app).await?;
    throttle::purge(app).await?;
    audit::purge(app).await?;
    crate::mail::outbox::purge(&app.writer, now).await?;
    deletion::remove_expired_unverified(app, sea_orm::Condition::all()).await?;
    session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now - KEEP_ENDED_SESSIONS_SECS))
        .exec(&app.writer)
        .await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::ExpiresAt.lte(now))
        .exec(&app.writer)
        .await?;
    Ok(())
}

/// Runs [`run_once`] now and then every ten minutes, for as long as the runtime lives.
pub fn spawn(app: AppState) {
    tokio::spawn(async move {
        loop {
            if let Err(err) = run_once(&app).await {
                log::warn!("housekeeping: {err}");
            }
            tokio::select! {
                () = tokio::time::sleep(EVERY) => {}
                () = app.stopped() => return,
            }
        }
    });
}
