//! Password-check throttling, with its state in the database so that every instance sees the
//! same. One budget per account (its user id when it exists, else the identifier typed, so that
//! an unknown account answers exactly like a known one), counted per client network:
//!
//! - **Pair** (account × network, IPv4 address or IPv6 /56): after LOGIN_MAX_FAILURES
//!   consecutive failures each further attempt from that network waits a delay that doubles
//!   from 1 s up to 15 minutes. A success from that network, or a completed password reset,
//!   starts it over; the streak is forgotten a day after its last failure. A failure from one
//!   network never slows the owner down on another.
//! - **Account** ceiling: LOGIN_MAX_FAILURES_PER_ACCOUNT failures in an hour, from anywhere,
//!   lock the account until that hour ends (or a password reset). Configuration refuses a
//!   ceiling that one network could reach on its own (see [`crate::domain::lockout`]), so it
//!   takes a distributed attack to set it off.
//! - **Network**: LOGIN_MAX_FAILURES_PER_IP failures from one network over all accounts in 15
//!   minutes, and it waits until that window ends.
//! - **Session**: the current password asked again inside a signed-in session (before a
//!   password change, an email change, a deletion) has its own streak per session, so a lock
//!   an outsider set on the account does not block its owner's settings, and a stolen session
//!   cannot guess faster than a log-in form.
//!
//! Refusals are answered from a plain read and write nothing, so they neither cost a write
//! transaction nor extend any clock. Checks in flight count as `pending`, and pending checks
//! plus failures may never exceed a limit: a burst of parallel guesses gets exactly the budget.
//! An attempt that finds the budget full of pending checks (honest parallel log-ins) waits up
//! to [`PENDING_WAIT`] for them to finish before it is refused.

mod keys;
mod policy;
mod store;

use std::{
    net::IpAddr,
    time::{Duration, Instant},
};

pub use keys::network_key;
use policy::{Decision, Role, Rule};

use crate::{
    entities::login_throttle::{self, Model as Row},
    error::{Error, Result},
    state::AppState,
};

/// How long an attempt waits for pending checks to make room before it is refused.
pub const PENDING_WAIT: Duration = Duration::from_secs(3);
/// How often a waiting attempt looks again without being woken (checks finishing on another
/// instance wake nobody here).
const RECHECK: Duration = Duration::from_millis(100);

/// Whose password is being checked.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// A log-in: the account it names (by id when it exists, else the identifier typed), from
    /// the client's network.
    LogIn {
        user_id: Option<i32>,
        identifier: &'a str,
        ip: Option<IpAddr>,
    },
    /// The current password asked again inside a signed-in session.
    Session { session_id: &'a str },
}

/// What a failure did to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    Counted,
    /// The account-wide count just reached LOGIN_MAX_FAILURES in its hour: its owner is told,
    /// once per hour at most.
    StartedThrottling,
}

/// A check that was let through. Report its outcome with [`Reservation::failed`],
/// [`Reservation::succeeded`] or [`Reservation::abandoned`]; one dropped without an outcome (a
/// cancelled request) gives its place back in the background.
pub struct Reservation {
    app: AppState,
    keys: store::Keys,
    settled: bool,
}

/// Lets one password check through, or refuses it with 429 and `Retry-After`.
pub async fn reserve(app: &AppState, subject: Subject<'_>) -> Result<Reservation> {
    let keys = keys::of(app, subject);
    let deadline = Instant::now() + PENDING_WAIT;
    loop {
        let now = app.clock.now();
        let rows = store::peek(app, &keys, now).await?;
        let mut decision = decide(&keys, &rows, now);
        if decision == Decision::Go {
            decision = store::with_rows(app, &keys, |rows, now| {
                let decision = decide(&keys, rows, now);
                if decision == Decision::Go {
                    for row in rows.iter_mut() {
                        row.pending += 1;
                    }
                }
                (decision, decision == Decision::Go)
            })
            .await?;
        }
        match decision {
            Decision::Go => {
                return Ok(Reservation {
                    app: app.clone(),
                    keys,
                    settled: false,
                })
            }
            Decision::Locked { secs, scope } => {
                return Err(Error::Throttled {
                    retry_after_secs: secs,
                    scope,
                })
            }
            Decision::Busy(scope) if Instant::now() >= deadline => {
                return Err(Error::Throttled {
                    retry_after_secs: 1,
                    scope,
                })
            }
            Decision::Busy(_) => {
                let _ = tokio::time::timeout(RECHECK, app.throttle_released.notified()).await;
            }
        }
    }
}

fn decide(keys: &store::Keys, rows: &[Row], now: i64) -> Decision {
    let pairs: Vec<_> = keys.iter().map(|(rule, _)| *rule).zip(rows).collect();
    policy::decide(&pairs, now)
}

impl Reservation {
    /// Applies `outcome` to every row of the check; true when it said so for any row.
    async fn settle(mut self, outcome: impl Fn(Rule, &mut Row, i64) -> bool) -> Result<bool> {
        self.settled = true;
        let settled = store::with_rows(&self.app, &self.keys, |rows, now| {
            let mut any = false;
            for ((rule, _), row) in self.keys.iter().zip(rows.iter_mut()) {
                any |= outcome(*rule, row, now);
            }
            (any, true)
        })
        .await;
        self.app.throttle_released.notify_waiters();
        settled
    }

    /// The password was wrong.
    pub async fn failed(self) -> Result<AfterFailure> {
        let notice_at = i64::from(self.app.settings.login_max_failures);
        let reached = self
            .settle(move |rule, row, now| {
                let failures = rule.fail(row, now);
                rule.role == Role::Account && failures == notice_at
            })
            .await?;
        Ok(if reached {
            AfterFailure::StartedThrottling
        } else {
            AfterFailure::Counted
        })
    }

    /// The password was right.
    pub async fn succeeded(self) -> Result<()> {
        self.settle(|rule, row, _| {
            rule.succeed(row);
            false
        })
        .await
        .map(drop)
    }

    /// The check never happened (e.g. the hashing queue was full): nothing is counted.
    pub async fn abandoned(self) -> Result<()> {
        self.settle(|_, row, _| {
            Rule::abandon(row);
            false
        })
        .await
        .map(drop)
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let left = Self {
            app: self.app.clone(),
            keys: std::mem::take(&mut self.keys),
            settled: false,
        };
        self.settled = true;
        runtime.spawn(async move {
            if let Err(err) = left.abandoned().await {
                log::warn!("throttle: a cancelled check kept its place until it goes stale: {err}");
            }
        });
    }
}

/// A completed password reset: the account's streaks and its ceiling start over, whoever set
/// them.
pub async fn lift_account(db: &impl sea_orm::ConnectionTrait, user_id: i32) -> Result<()> {
    let account = keys::account_part(Some(user_id), "");
    store::forget(db, vec![format!("a:{account}")], &[format!("p:{account}:")]).await
}

/// Forgets throttles nobody touched for a day. Safe from several instances at once.
pub async fn purge(app: &AppState) -> Result<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let cutoff = app.clock.now() - policy::STREAK_MEMORY_SECS - policy::MAX_DELAY_SECS;
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::UpdatedAt.lte(cutoff))
        .exec(&app.writer)
        .await?;
    Ok(())
}
