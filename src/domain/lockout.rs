//! The lockout arithmetic: how long a streak of failed log-ins makes a network wait, and so how
//! many failures one network can score in an hour. The throttle applies it; configuration uses
//! it to refuse an account-wide ceiling that a lone network could reach.

/// The longest a streak of failures makes one network wait for one account.
pub const MAX_DELAY_SECS: i64 = 15 * 60;
/// The window of the account-wide ceiling.
pub const ACCOUNT_WINDOW_SECS: i64 = 3600;

/// The delay after `failures` consecutive failures: none below the limit, then 1 s, 2 s, 4 s…
pub fn delay_after(failures: i64, max: i64) -> i64 {
    if failures < max {
        return 0;
    }
    let doublings = u32::try_from(failures - max).unwrap_or(u32::MAX).min(20);
    (1_i64 << doublings).min(MAX_DELAY_SECS)
}

/// The most failures one network can score against one account within the account window,
/// trying as fast as the streak lets it: the account-wide ceiling must be above this.
pub fn reachable_by_one_network(max: i64) -> i64 {
    let mut failures = max;
    let mut elapsed = 0;
    loop {
        elapsed += delay_after(failures, max) + 1;
        if elapsed >= ACCOUNT_WINDOW_SECS {
            return failures;
        }
        failures += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn one_network_reaches_a_bounded_count_in_an_hour() {
        // 5 at once, then 1+2+…+512 s for ten more, then one per 15 minutes.
        assert_eq!(reachable_by_one_network(5), 17);
        assert!(reachable_by_one_network(1000) < 1015);
    }
}
