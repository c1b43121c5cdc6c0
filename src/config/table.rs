//! The one list of settings. Each is declared here once, with its env name, its kind, its
//! default and (for numbers) its range and unit; reading, range checks and their messages all
//! come from this table. Adding a setting = one line here + one field in `Settings` + one line in
//! `build.rs` (a test fails if a declared setting is never used).

/// One setting, as users write it: `ACCESS_TOKEN_EXPIRE_MINUTES=15` in the environment or `.env`,
/// or `access_token_expire_minutes = 15` under `[default.gatehouse]` in `Rocket.toml`.
pub(super) struct Setting {
    pub key: &'static str,
    pub kind: Kind,
}

pub(super) enum Kind {
    /// Free text, `default` when unset. An empty default means "optional": unset or empty is off.
    Text { default: &'static str },
    /// Text that must never be printed: it is kept in a [`super::Secret`] from the moment it is
    /// read.
    Secret { default: &'static str },
    /// One of a few words, compared case-insensitively and stored as spelled in `options`.
    Choice {
        default: &'static str,
        options: &'static [&'static str],
    },
    /// A whole number in `min..=max`, counted in `unit`.
    Int {
        default: i64,
        min: i64,
        max: i64,
        unit: Unit,
    },
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
    Bool { default: bool },
}

/// What an integer counts; time settings are stored in seconds (`Values::secs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unit {
    /// A plain number: a count, a cost, a port.
    Plain,
    Seconds,
    Minutes,
    Days,
}

impl Unit {
    /// Seconds in one unit; `None` for plain numbers, which are not durations.
    pub fn seconds(self) -> Option<i64> {
        match self {
            Unit::Plain => None,
            Unit::Seconds => Some(1),
            Unit::Minutes => Some(60),
            Unit::Days => Some(86_400),
        }
    }
}

const fn text(key: &'static str, default: &'static str) -> Setting {
    Setting {
        key,
        kind: Kind::Text { default },
    }
}

const fn secret(key: &'static str, default: &'static str) -> Setting {
    Setting {
        key,
        kind: Kind::Secret { default },
    }
}

const fn choice(
    key: &'static str,
    default: &'static str,
    options: &'static [&'static str],
) -> Setting {
    Setting {
        key,
        kind: Kind::Choice { default, options },
    }
}

const fn int(key: &'static str, default: i64, min: i64, max: i64, unit: Unit) -> Setting {
    Setting {
        key,
        kind: Kind::Int {
            default,
            min,
            max,
            unit,
        },
    }
}

const fn flag(key: &'static str, default: bool) -> Setting {
    Setting {
        key,
        kind: Kind::Bool { default },
    }
}

/// Every setting Gatehouse reads. The names are compatible with the origin design plus ours.
pub(super) const TABLE: &[Setting] = &[
    // Tokens and sessions.
    secret("SECRET_KEY", ""),
    choice("ALGORITHM", "HS256", &["HS256", "HS384", "HS512"]),
    int("ACCESS_TOKEN_EXPIRE_MINUTES", 15, 1, 24 * 60, Unit::Minutes),
    int("REFRESH_TOKEN_EXPIRE_DAYS", 7, 1, 365, Unit::Days),
    int("REFRESH_REUSE_GRACE_SECONDS", 10, 0, 120, Unit::Seconds),
    int("SESSION_MAX_DAYS", 30, 1, 3650, Unit::Days),
    int("MAX_SESSIONS_PER_USER", 100, 1, 100_000, Unit::Plain),
    // Storage.
    secret("DATABASE_URL", "sqlite://gatehouse.db?mode=rwc"),
    text("DATABASE_SCHEMA", ""),
    int("AUDIT_RETENTION_DAYS", 90, 1, 3650, Unit::Days),
    // HTTP.
    text("ALLOWED_ORIGINS", ""),
    flag("COOKIE_SECURE", true),
    text("PUBLIC_URL", "http://localhost:8000"),
    text("TRUSTED_PROXY_HEADER", ""),
    text("TEMPLATE_DIR", ""),
    text("STATIC_DIR", ""),
    // Look.
    text("BRAND_NAME", "Gatehouse"),
    text("BRAND_LOGO", ""),
    text("BRAND_ACCENT", ""),
    // Accounts and abuse limits.
    int("BCRYPT_COST", 12, 4, 31, Unit::Plain),
    flag("REQUIRE_EMAIL_VERIFICATION", false),
    int("UNVERIFIED_ACCOUNT_DAYS", 7, 1, 3650, Unit::Plain),
    int("LOGIN_MAX_FAILURES", 5, 1, 50, Unit::Plain),
    int(
        "LOGIN_MAX_FAILURES_PER_ACCOUNT",
        100,
        18,
        1_000_000,
        Unit::Plain,
    ),
    int("LOGIN_MAX_FAILURES_PER_IP", 50, 1, 1_000_000, Unit::Plain),
    int("REGISTER_LIMIT_PER_IP", 100, 1, 1_000_000, Unit::Plain),
    int("REGISTER_TAKEN_LIMIT_PER_IP", 10, 1, 1_000_000, Unit::Plain),
    int("RESET_TOKEN_EXPIRE_MINUTES", 30, 1, 24 * 60, Unit::Minutes),
    int("FORGOT_PASSWORD_LIMIT_PER_EMAIL", 3, 1, 1000, Unit::Plain),
    int("FORGOT_PASSWORD_LIMIT_PER_IP", 20, 1, 100_000, Unit::Plain),
    int(
        "UNAUTHENTICATED_MAIL_PER_HOUR",
        500,
        1,
        1_000_000,
        Unit::Plain,
    ),
    // Mail.
    text("SMTP_HOST", "localhost"),
    int("SMTP_PORT", 1025, 1, 65_535, Unit::Plain),
    text("SMTP_USERNAME", ""),
    secret("SMTP_PASSWORD", ""),
    choice("SMTP_TLS", "none", &["none", "starttls", "tls"]),
    text("MAIL_FROM", "Gatehouse <no-reply@localhost>"),
    int("OUTBOX_LEASE_SECONDS", 60, 1, 3600, Unit::Seconds),
];

/// The env names of [`TABLE`], in order; computed at compile time for `ENV_KEYS`.
pub(super) const fn env_keys<const N: usize>() -> [&'static str; N] {
    let mut keys = [""; N];
    let mut i = 0;
    while i < N {
        keys[i] = TABLE[i].key;
        i += 1;
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_keys_list_the_table_once_each() {
        let keys = super::super::ENV_KEYS;
        assert_eq!(keys.len(), TABLE.len());
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(*key, TABLE[i].key);
            assert!(!keys[..i].contains(key), "{key} is declared twice");
            assert!(
                key.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
                "{key} is not an env name"
            );
        }
    }

    #[test]
    fn defaults_are_within_their_own_rules() {
        for setting in TABLE {
            match setting.kind {
                Kind::Int {
                    default, min, max, ..
                } => {
                    assert!(min <= default && default <= max, "{}", setting.key);
                }
                Kind::Choice { default, options } => {
                    assert!(options.contains(&default), "{}", setting.key);
                }
                Kind::Text { .. } | Kind::Secret { .. } | Kind::Bool { .. } => {}
            }
        }
    }
}
