use std::sync::atomic::{AtomicI64, Ordering};

/// Wall-clock time in Unix seconds. Every expiry decision reads this one clock, so tests can move
/// time forward instead of sleeping; in production the offset stays zero.
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.offset_secs.load(Ordering::Relaxed)
    }

    pub fn now_utc(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(self.now(), 0).unwrap_or_else(chrono::Utc::now)
    }

    /// Moves this clock forward (tests only; nothing in a request path calls it).
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}
