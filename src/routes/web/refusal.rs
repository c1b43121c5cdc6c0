//! What a page says when a limit refuses a request: who is limited (this account, your
//! network, this address, the whole service) and the real wait, rounded as people say it and
//! never shorter than the `Retry-After` sent with it.

use crate::{
    domain::words::counted,
    error::{Error, Limited, ThrottleScope},
};

/// The sentence for a 429, or `None` for any other error.
pub fn explain(err: &Error) -> Option<String> {
    let wait = wait_text(err.retry_after().unwrap_or(60));
    Some(match err {
        Error::Throttled { scope, .. } => match scope {
            ThrottleScope::Account => format!(
                "This account is locked for {wait} after several failed log-ins. You can reset \
                 your password now to unlock it."
            ),
            ThrottleScope::Network => {
                format!("Too many log-in attempts from your network. Try again in {wait}.")
            }
            ThrottleScope::Session => {
                format!("Too many incorrect passwords. Try again in {wait}.")
            }
        },
        Error::TooManyRequests { limited, .. } => match limited {
            Limited::SignUps => {
                format!("Too many sign-ups from your network. Try again in {wait}.")
            }
            Limited::TakenAddresses => format!(
                "Too many sign-ups from your network used addresses that already have an \
                 account. Try again in {wait}, or log in if one of them is yours."
            ),
            Limited::LinksForTarget => format!(
                "We have sent enough links to this address for now. Try again in {wait}, and \
                 look in your spam folder meanwhile."
            ),
            Limited::LinksFromNetwork => {
                format!("Too many requests for links from your network. Try again in {wait}.")
            }
            Limited::MailBudget => {
                format!("We are sending a great deal of mail right now. Try again in {wait}.")
            }
        },
        _ => return None,
    })
}

/// "30 seconds", "1 minute", "40 minutes", "2 hours": rounded up, so that trying again after
/// the stated wait always works.
pub fn wait_text(secs: i64) -> String {
    let secs = secs.max(1);
    let (n, unit) = if secs < 60 {
        (secs, "second")
    } else if secs <= 90 * 60 {
        ((secs + 59) / 60, "minute")
    } else {
        ((secs + 3599) / 3600, "hour")
    };
    counted(n, unit)
}

#[cfg(test)]
mod tests {
    use super::wait_text;

    #[test]
    fn waits_read_as_people_say_them_and_never_undersell() {
        assert_eq!(wait_text(1), "1 second");
        assert_eq!(wait_text(30), "30 seconds");
        assert_eq!(wait_text(60), "1 minute");
        assert_eq!(wait_text(61), "2 minutes");
        assert_eq!(wait_text(14 * 60), "14 minutes");
        assert_eq!(wait_text(90 * 60), "90 minutes");
        assert_eq!(wait_text(90 * 60 + 1), "2 hours");
        assert_eq!(wait_text(3 * 3600), "3 hours");
    }
}
