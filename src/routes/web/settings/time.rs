//! Times as the settings pages show them: "2 hours ago" for reading, the date and time in UTC
//! beside it for certainty, and the machine-readable instant in `<time datetime>`.

use serde_json::{json, Value};

/// `{ago, at, iso}` for a template's `<time>`.
pub fn when(now: i64, at: i64) -> Value {
    let moment = chrono::DateTime::from_timestamp(at, 0).unwrap_or_default();
    json!({
        "ago": ago(now, at),
        "at": moment.format("%-d %B %Y, %H:%M UTC").to_string(),
        "iso": moment.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    })
}

/// "just now", "5 minutes ago", "2 hours ago", "3 days ago".
pub fn ago(now: i64, at: i64) -> String {
    let secs = (now - at).max(0);
    let (n, unit) = match secs {
        0..=59 => return "just now".to_owned(),
        60..=3599 => (secs / 60, "minute"),
        3600..=86_399 => (secs / 3600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    format!("{} ago", crate::domain::words::counted(n, unit))
}

#[cfg(test)]
mod tests {
    use super::{ago, when};

    #[test]
    fn times_read_as_people_say_them() {
        assert_eq!(ago(100, 100), "just now");
        assert_eq!(ago(7300, 100), "2 hours ago");
        assert_eq!(ago(160, 100), "1 minute ago");
        assert_eq!(ago(3 * 86_400, 0), "3 days ago");
    }

    #[test]
    fn the_absolute_time_is_utc() {
        let shown = when(1_796_277_600 + 7200, 1_796_277_600);
        assert_eq!(shown["ago"], "2 hours ago");
        assert_eq!(shown["at"], "3 December 2026, 06:00 UTC");
        assert_eq!(shown["iso"], "2026-12-03T06:00:00Z");
    }
}
