//! One logger for the whole process. It is installed before Rocket starts, so Rocket's own logger
//! (which prints full request URIs, query strings and thus reset tokens included) never is.
//! Rocket's chatter is kept to warnings and errors; request lines come from our own fairing
//! ([`crate::http::RequestLog`]) and carry the path without its query.

use std::io::Write;

use log::{LevelFilter, Log, Metadata, Record};

struct Logger {
    level: LevelFilter,
}

impl Log for Logger {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        // Rocket's generated handlers log guard forwards under `<module>::_`: routine for pages
        // that redirect anonymous visitors, so only their errors are kept.
        let limit = if meta.target().ends_with("::_") {
            LevelFilter::Error.min(self.level)
        } else if is_framework(meta.target()) {
            LevelFilter::Warn.min(self.level)
        } else {
            self.level
        };
        meta.level() <= limit
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // Rocket's per-request lines ("No matching routes for GET /path?query") quote the full
        // URI, query string and any token in it included; our request log covers them.
        if record.target().starts_with("rocket::server") {
            return;
        }
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
        let mut out = std::io::stderr().lock();
        let _ = writeln!(
            out,
            "{now} {:<5} {}: {}",
            record.level(),
            record.target(),
            record.args()
        );
    }

    fn flush(&self) {}
}

fn is_framework(target: &str) -> bool {
    [
        "rocket", "_", "sqlx", "sea_orm", "hyper", "lettre", "rustls", "tracing",
    ]
    .iter()
    .any(|prefix| target.starts_with(prefix))
}

/// Installs the logger; `LOG_LEVEL` (error, warn, info, debug) sets the level, info by default.
/// Calling it twice (tests) is harmless.
pub fn init() {
    let level = std::env::var("LOG_LEVEL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LevelFilter::Info);
    if log::set_boxed_logger(Box::new(Logger { level })).is_ok() {
        log::set_max_level(level);
    }
}
