//! Settings: read from `Rocket.toml`, `.env` and the environment (env wins), validated once at
//! start-up. Every problem is reported at once, each naming its setting and how to fix it, and
//! none quoting the configured value (it may be a secret typed into the wrong setting).
//!
//! - `table.rs` declares every setting once: env name, kind, default, range.
//! - `values.rs` reads and checks them all against the table.
//! - `build.rs` and `checks.rs` turn them into [`Settings`], with the checks the table cannot
//!   express (formats, release rules, settings that depend on each other).

mod brand;
mod build;
mod checks;
mod settings;
mod table;
#[cfg(test)]
mod tests;
mod values;

use std::{collections::BTreeMap, fmt};

use rocket::figment::{providers::Serialized, Figment};

pub use brand::{Brand, Logo};
pub use settings::{Secret, Settings, SmtpSettings, SmtpTls};

/// Our settings live under their own key so that none collides with Rocket's (`secret_key`!):
/// in `Rocket.toml` they go in `[default.gatehouse]` / `[release.gatehouse]`.
pub const SECTION: &str = "gatehouse";

/// The names read from the environment: every setting of the table.
pub const ENV_KEYS: &[&str] = &table::env_keys::<{ table::TABLE.len() }>();

/// Every problem found in the configuration.
#[derive(Debug)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration:")?;
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// The figment `main` uses: Rocket's own (Rocket.toml, `ROCKET_*`) plus our plain env names.
/// Call `dotenvy::dotenv()` first so `.env` is part of the environment.
#[must_use]
pub fn figment() -> Figment {
    rocket::Config::figment().merge(from_env(|key| std::env::var(key).ok()))
}

/// Our env names, as given, under [`SECTION`] in every profile. Unlike figment's `Env`, values
/// are kept as text: `SMTP_PASSWORD=0123` stays `0123` instead of becoming the number 123.
fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Serialized<BTreeMap<String, String>> {
    let found = ENV_KEYS
        .iter()
        .filter_map(|key| Some((key.to_ascii_lowercase(), lookup(key)?)))
        .collect();
    Serialized::global(SECTION, found)
}
