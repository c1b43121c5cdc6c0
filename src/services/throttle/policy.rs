//! What the throttle decides, free of the database: each row follows one [`Rule`], and an
//! attempt goes ahead only when every row it touches lets it.

pub use crate::domain::lockout::{delay_after, ACCOUNT_WINDOW_SECS, MAX_DELAY_SECS};
use crate::{entities::login_throttle::Model as Row, error::ThrottleScope};

/// A streak is forgotten this long after its last failure.
pub const STREAK_MEMORY_SECS: i64 = 24 * 3600;
pub const NETWORK_WINDOW_SECS: i64 = 15 * 60;
/// A pending check older than this belonged to a process that died mid-check.
pub const PENDING_STALE_SECS: i64 = 60;

/// Which counter a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// One account tried from one network: consecutive failures, then doubling delays.
    Pair,
    /// Every failure against one account, from anywhere, in an hour: the ceiling no single
    /// network can reach.
    Account,
    /// Every failure from one network, over all accounts, in 15 minutes.
    Network,
    /// The current password asked again inside one signed-in session.
    Session,
}

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub role: Role,
    pub max: i64,
}

impl Rule {
    pub fn scope(self) -> ThrottleScope {
        match self.role {
            Role::Pair | Role::Account => ThrottleScope::Account,
            Role::Network => ThrottleScope::Network,
            Role::Session => ThrottleScope::Session,
        }
    }

    fn window(self) -> Option<i64> {
        match self.role {
            Role::Account => Some(ACCOUNT_WINDOW_SECS),
            Role::Network => Some(NETWORK_WINDOW_SECS),
            Role::Pair | Role::Session => None,
        }
    }

    /// Brings a row read from the database up to `now`: expired windows and streaks start over,
    /// stale pending checks are dropped.
    pub fn refresh(self, row: &mut Row, now: i64) {
        if now - row.updated_at > PENDING_STALE_SECS {
            row.pending = 0;
        }
        match self.window() {
            Some(window) if now - row.window_start >= window => {
                row.failures = 0;
                row.window_start = now;
            }
            None if now - row.last_failure_at > STREAK_MEMORY_SECS => {
                row.failures = 0;
                row.locked_until = 0;
            }
            Some(_) | None => {}
        }
    }

    /// Seconds this row makes every attempt wait (0: none).
    pub fn wait(self, row: &Row, now: i64) -> i64 {
        match self.window() {
            Some(window) if i64::from(row.failures) >= self.max => row.window_start + window - now,
            Some(_) => 0,
            None => row.locked_until - now,
        }
    }

    /// Whether one more check may be in flight: checks in flight may not outnumber the failures
    /// still allowed (at least one, so a streak past its limit goes one attempt at a time).
    pub fn has_room(self, row: &Row) -> bool {
        let room = (self.max - i64::from(row.failures)).max(1);
        i64::from(row.pending) < room
    }

    /// Counts a failure; returns the row's failure count after it.
    pub fn fail(self, row: &mut Row, now: i64) -> i64 {
        row.pending = (row.pending - 1).max(0);
        row.failures = row.failures.saturating_add(1);
        row.last_failure_at = now;
        if self.window().is_none() {
            let delay = delay_after(i64::from(row.failures), self.max);
            if delay > 0 {
                // The clock counts whole seconds: one more makes every wait at least `delay`.
                row.locked_until = now + delay + 1;
            }
        }
        i64::from(row.failures)
    }

    /// A correct password: a streak starts over; windows keep counting what was tried.
    pub fn succeed(self, row: &mut Row) {
        row.pending = (row.pending - 1).max(0);
        if self.window().is_none() {
            row.failures = 0;
            row.locked_until = 0;
        }
    }

    pub fn abandon(row: &mut Row) {
        row.pending = (row.pending - 1).max(0);
    }
}

/// What the rows say about one more attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Go,
    /// Only checks in flight stand in the way: they finish within a second or two.
    Busy(ThrottleScope),
    Locked {
        secs: i64,
        scope: ThrottleScope,
    },
}

/// The longest wait of any row, else whether every row has room.
pub fn decide(rows: &[(Rule, &Row)], now: i64) -> Decision {
    let locked = rows
        .iter()
        .map(|(rule, row)| (rule.wait(row, now), rule.scope()))
        .max_by_key(|(secs, _)| *secs);
    if let Some((secs, scope)) = locked.filter(|(secs, _)| *secs > 0) {
        return Decision::Locked { secs, scope };
    }
    match rows.iter().find(|(rule, row)| !rule.has_room(row)) {
        Some((rule, _)) => Decision::Busy(rule.scope()),
        None => Decision::Go,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        Row {
            key: "k".into(),
            failures: 0,
            window_start: 0,
            locked_until: 0,
            updated_at: 0,
            pending: 0,
            last_failure_at: 0,
        }
    }

    #[test]
    fn a_streak_is_forgotten_a_day_after_its_last_failure_only() {
        let pair = Rule {
            role: Role::Pair,
            max: 5,
        };
        let mut r = row();
        for t in 0..6 {
            pair.fail(&mut r, t);
        }
        assert!(pair.wait(&r, 6) > 0);
        pair.refresh(&mut r, 5 + STREAK_MEMORY_SECS);
        assert_eq!(r.failures, 6, "a day after the last failure, not yet");
        pair.refresh(&mut r, 6 + STREAK_MEMORY_SECS);
        assert_eq!(r.failures, 0);
        assert!(pair.wait(&r, 6 + STREAK_MEMORY_SECS) <= 0);
    }

    #[test]
    fn windows_lock_until_they_end_and_success_does_not_reset_them() {
        let account = Rule {
            role: Role::Account,
            max: 3,
        };
        let mut r = row();
        r.window_start = 100;
        account.refresh(&mut r, 100);
        for _ in 0..3 {
            account.fail(&mut r, 100);
        }
        account.succeed(&mut r);
        assert_eq!(account.wait(&r, 160), ACCOUNT_WINDOW_SECS - 60);
        account.refresh(&mut r, 100 + ACCOUNT_WINDOW_SECS);
        assert_eq!(account.wait(&r, 100 + ACCOUNT_WINDOW_SECS), 0);
    }

    #[test]
    fn pending_checks_fill_the_room_left() {
        let pair = Rule {
            role: Role::Pair,
            max: 2,
        };
        let mut r = row();
        r.pending = 1;
        assert_eq!(decide(&[(pair, &r)], 0), Decision::Go);
        r.pending = 2;
        assert_eq!(
            decide(&[(pair, &r)], 0),
            Decision::Busy(ThrottleScope::Account)
        );
        r.locked_until = 10;
        assert_eq!(
            decide(&[(pair, &r)], 0),
            Decision::Locked {
                secs: 10,
                scope: ThrottleScope::Account
            }
        );
    }
}
