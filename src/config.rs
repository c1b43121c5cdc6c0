//! Settings: read from `Rocket.toml`, `.env` and the environment (env wins), validated once at
//! start-up. Every problem is reported at once, each with how to fix it.

use std::{fmt, str::FromStr};

use hmac::{Hmac, Mac};
use jsonwebtoken::Algorithm;
use lettre::message::Mailbox;
use rand::RngCore;
use rocket::figment::{providers::Env, value::Value, Figment};
use sha2::Sha512;

/// The names read from the environment, compatible with the origin design plus our additions.
pub const ENV_KEYS: &[&str] = &[
    "SECRET_KEY",
    "ALGORITHM",
    "ACCESS_TOKEN_EXPIRE_MINUTES",
    "REFRESH_TOKEN_EXPIRE_DAYS",
    "REFRESH_REUSE_GRACE_SECONDS",
    "DATABASE_URL",
    "DATABASE_SCHEMA",
    "ALLOWED_ORIGINS",
    "BCRYPT_COST",
    "COOKIE_SECURE",
    "PUBLIC_URL",
    "RESET_TOKEN_EXPIRE_MINUTES",
    "FORGOT_PASSWORD_LIMIT_PER_EMAIL",
    "FORGOT_PASSWORD_LIMIT_PER_IP",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "SMTP_TLS",
    "MAIL_FROM",
];

const MIN_SECRET_LEN: usize = 32;
const GENERATE_HINT: &str = "generate one with `openssl rand -hex 32` and set it as SECRET_KEY \
                             (environment or .env)";
/// Values copied from documentation: accepting them would make tokens forgeable by anyone.
const EXAMPLE_SECRETS: &[&str] = &[
    "your-super-secret-key-here",
    "your-super-secret-key-minimum-32-characters",
    "change-me",
    "changeme",
    "replace-me",
    "example",
];

/// A value that must never be printed.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    StartTls,
    Tls,
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub tls: SmtpTls,
    pub from: Mailbox,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub secret_key: Secret,
    pub algorithm: Algorithm,
    pub access_token_ttl_secs: i64,
    pub refresh_token_ttl_secs: i64,
    /// How long after a rotation the parent refresh token is still answered (a client racing
    /// itself) instead of being treated as reuse.
    pub refresh_reuse_grace_secs: i64,
    pub database_url: Secret,
    /// PostgreSQL only: the schema to use instead of `public` (tests isolate themselves this way).
    pub database_schema: Option<String>,
    pub allowed_origins: Vec<String>,
    pub bcrypt_cost: u32,
    pub cookie_secure: bool,
    /// Base of links in mails; never taken from a request's Host header.
    pub public_url: String,
    pub reset_token_ttl_secs: i64,
    pub forgot_password_limit_per_email: u32,
    pub forgot_password_limit_per_ip: u32,
    pub smtp: SmtpSettings,
    /// Whether release rules apply (strong secret, production bcrypt cost).
    pub strict: bool,
}

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
pub fn figment() -> Figment {
    rocket::Config::figment().merge(
        Env::raw()
            .only(ENV_KEYS)
            .map(|key| format!("{SECTION}.{}", key.as_str().to_ascii_lowercase()).into())
            .global(),
    )
}

/// Our settings live under their own key so that none collides with Rocket's (`secret_key`!):
/// in `Rocket.toml` they go in `[default.gatehouse]` / `[release.gatehouse]`.
pub const SECTION: &str = "gatehouse";

#[derive(Default)]
struct Raw {
    secret_key: Option<String>,
    algorithm: Option<String>,
    access_token_expire_minutes: Option<i64>,
    refresh_token_expire_days: Option<i64>,
    refresh_reuse_grace_seconds: Option<i64>,
    database_url: Option<String>,
    database_schema: Option<String>,
    allowed_origins: Option<String>,
    bcrypt_cost: Option<u32>,
    cookie_secure: Option<bool>,
    public_url: Option<String>,
    reset_token_expire_minutes: Option<i64>,
    forgot_password_limit_per_email: Option<u32>,
    forgot_password_limit_per_ip: Option<u32>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    smtp_tls: Option<String>,
    mail_from: Option<String>,
}

/// Reads our keys one by one so that a bad value is reported by its env name and never quoted
/// (figment's own messages quote the value, which may be a secret typed in the wrong place).
struct Reader<'a> {
    figment: &'a Figment,
    problems: Vec<String>,
}

impl Reader<'_> {
    fn value(&self, key: &str) -> Option<Value> {
        self.figment.find_value(&format!("{SECTION}.{key}")).ok()
    }

    fn string(&mut self, key: &str) -> Option<String> {
        match self.value(key)? {
            Value::String(_, s) => Some(s),
            Value::Num(_, n) => n
                .to_f64()
                .map(|f| n.to_i128().map_or_else(|| f.to_string(), |i| i.to_string())),
            Value::Bool(_, b) => Some(b.to_string()),
            _ => {
                self.problems
                    .push(format!("{} must be a string", key.to_uppercase()));
                None
            }
        }
    }

    fn int<T: TryFrom<i128>>(&mut self, key: &str) -> Option<T> {
        let value = self.value(key)?;
        let parsed = match &value {
            Value::String(_, s) => s.trim().parse::<i128>().ok(),
            Value::Num(_, n) => n
                .to_i128()
                .or_else(|| n.to_u128().and_then(|u| i128::try_from(u).ok())),
            _ => None,
        };
        let converted = parsed.and_then(|i| T::try_from(i).ok());
        if converted.is_none() {
            self.problems
                .push(format!("{} must be a whole number", key.to_uppercase()));
        }
        converted
    }

    fn bool(&mut self, key: &str) -> Option<bool> {
        let value = self.value(key)?;
        let parsed = match &value {
            Value::String(_, s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Some(true),
                "false" | "0" | "no" | "off" => Some(false),
                _ => None,
            },
            other => other.to_bool(),
        };
        if parsed.is_none() {
            self.problems
                .push(format!("{} must be true or false", key.to_uppercase()));
        }
        parsed
    }

    /// The raw values and the problems found reading them (reported together with the rest).
    fn read(mut self) -> (Raw, Vec<String>) {
        let raw = Raw {
            secret_key: self.string("secret_key"),
            algorithm: self.string("algorithm"),
            access_token_expire_minutes: self.int("access_token_expire_minutes"),
            refresh_token_expire_days: self.int("refresh_token_expire_days"),
            refresh_reuse_grace_seconds: self.int("refresh_reuse_grace_seconds"),
            database_url: self.string("database_url"),
            database_schema: self.string("database_schema"),
            allowed_origins: self.string("allowed_origins"),
            bcrypt_cost: self.int("bcrypt_cost"),
            cookie_secure: self.bool("cookie_secure"),
            public_url: self.string("public_url"),
            reset_token_expire_minutes: self.int("reset_token_expire_minutes"),
            forgot_password_limit_per_email: self.int("forgot_password_limit_per_email"),
            forgot_password_limit_per_ip: self.int("forgot_password_limit_per_ip"),
            smtp_host: self.string("smtp_host"),
            smtp_port: self.int("smtp_port"),
            smtp_username: self.string("smtp_username"),
            smtp_password: self.string("smtp_password"),
            smtp_tls: self.string("smtp_tls"),
            mail_from: self.string("mail_from"),
        };
        (raw, self.problems)
    }
}

impl Settings {
    /// Reads and validates. Strict (release) rules apply in release builds and whenever the
    /// `release` profile is selected.
    pub fn from_figment(figment: &Figment) -> Result<Self, ConfigError> {
        let strict =
            !cfg!(debug_assertions) || figment.profile() == rocket::Config::RELEASE_PROFILE;
        let (raw, problems) = Reader {
            figment,
            problems: Vec::new(),
        }
        .read();
        validate_with(raw, strict, problems)
    }

    /// Key material for one purpose, derived from SECRET_KEY so that users set a single secret
    /// and no two uses share a key.
    pub fn derive_key(&self, purpose: &str) -> [u8; 64] {
        derive_key(self.secret_key.expose(), purpose)
    }
}

pub fn derive_key(secret: &str, purpose: &str) -> [u8; 64] {
    let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(b"gatehouse/");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
fn validate(raw: Raw, strict: bool) -> Result<Settings, ConfigError> {
    validate_with(raw, strict, Vec::new())
}

fn validate_with(
    raw: Raw,
    strict: bool,
    mut problems: Vec<String>,
) -> Result<Settings, ConfigError> {
    let smtp = check_smtp(&raw, &mut problems);
    let secret_key = check_secret(raw.secret_key, strict, &mut problems);

    let algorithm = match raw
        .algorithm
        .as_deref()
        .unwrap_or("HS256")
        .to_ascii_uppercase()
        .as_str()
    {
        "HS256" => Algorithm::HS256,
        "HS384" => Algorithm::HS384,
        "HS512" => Algorithm::HS512,
        other => {
            problems.push(format!(
                "ALGORITHM must be HS256, HS384 or HS512 (got {other:?})"
            ));
            Algorithm::HS256
        }
    };

    let access = in_range(
        &mut problems,
        "ACCESS_TOKEN_EXPIRE_MINUTES",
        raw.access_token_expire_minutes,
        15,
        1,
        24 * 60,
    );
    let refresh = in_range(
        &mut problems,
        "REFRESH_TOKEN_EXPIRE_DAYS",
        raw.refresh_token_expire_days,
        7,
        1,
        365,
    );
    let grace = in_range(
        &mut problems,
        "REFRESH_REUSE_GRACE_SECONDS",
        raw.refresh_reuse_grace_seconds,
        10,
        0,
        120,
    );
    let reset = in_range(
        &mut problems,
        "RESET_TOKEN_EXPIRE_MINUTES",
        raw.reset_token_expire_minutes,
        30,
        1,
        24 * 60,
    );
    let per_email = in_range(
        &mut problems,
        "FORGOT_PASSWORD_LIMIT_PER_EMAIL",
        raw.forgot_password_limit_per_email.map(i64::from),
        3,
        1,
        1000,
    );
    let per_ip = in_range(
        &mut problems,
        "FORGOT_PASSWORD_LIMIT_PER_IP",
        raw.forgot_password_limit_per_ip.map(i64::from),
        20,
        1,
        100_000,
    );

    let database_url = raw
        .database_url
        .unwrap_or_else(|| "sqlite://gatehouse.db?mode=rwc".to_owned());
    if !["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|scheme| database_url.starts_with(scheme))
    {
        problems.push("DATABASE_URL must start with sqlite:, postgres:// or postgresql://".into());
    }

    let database_schema = raw.database_schema.filter(|s| !s.is_empty());
    if let Some(schema) = &database_schema {
        if !schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || !database_url.starts_with("postgres")
        {
            problems.push("DATABASE_SCHEMA must be a lower-case identifier and needs a PostgreSQL DATABASE_URL".into());
        }
    }

    let allowed_origins =
        parse_origins(raw.allowed_origins.as_deref().unwrap_or(""), &mut problems);

    let bcrypt_cost = raw.bcrypt_cost.unwrap_or(12);
    if !(4..=31).contains(&bcrypt_cost) {
        problems.push(format!(
            "BCRYPT_COST must be between 4 and 31 (got {bcrypt_cost})"
        ));
    } else if strict && bcrypt_cost < 10 {
        problems.push(format!(
            "BCRYPT_COST {bcrypt_cost} is too weak for production; use 10 or more (12 is the default)"
        ));
    }

    let public_url = raw
        .public_url
        .unwrap_or_else(|| "http://localhost:8000".to_owned())
        .trim_end_matches('/')
        .to_owned();
    if !is_http_origin_or_base(&public_url)
        || public_url.contains(['"', '\'', '<', '>', ' ', '?', '#'])
    {
        problems.push(format!("PUBLIC_URL must be an http(s) URL such as https://auth.example.com (got {public_url:?})"));
    }

    if !problems.is_empty() {
        return Err(ConfigError(problems));
    }
    Ok(Settings {
        secret_key,
        algorithm,
        access_token_ttl_secs: access * 60,
        refresh_token_ttl_secs: refresh * 86_400,
        refresh_reuse_grace_secs: grace,
        database_url: Secret::new(database_url),
        database_schema,
        allowed_origins,
        bcrypt_cost,
        cookie_secure: raw.cookie_secure.unwrap_or(true),
        public_url,
        reset_token_ttl_secs: reset * 60,
        forgot_password_limit_per_email: u32::try_from(per_email).unwrap_or(3),
        forgot_password_limit_per_ip: u32::try_from(per_ip).unwrap_or(20),
        smtp,
        strict,
    })
}

fn check_secret(raw: Option<String>, strict: bool, problems: &mut Vec<String>) -> Secret {
    let Some(value) = raw.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
        if strict {
            problems.push(format!("SECRET_KEY is not set; {GENERATE_HINT}"));
        } else {
            log::warn!(
                "SECRET_KEY is not set: using a random key for this run only (every restart logs \
                 everyone out). {GENERATE_HINT}"
            );
        }
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        return Secret::new(hex::encode(bytes));
    };
    let lower = value.to_ascii_lowercase();
    if EXAMPLE_SECRETS
        .iter()
        .any(|example| lower.contains(example))
    {
        problems.push(format!(
            "SECRET_KEY is an example value from documentation; {GENERATE_HINT}"
        ));
    } else if value.chars().count() < MIN_SECRET_LEN {
        problems.push(format!(
            "SECRET_KEY must be at least {MIN_SECRET_LEN} characters; {GENERATE_HINT}"
        ));
    } else if value.chars().all(|c| value.starts_with(c)) {
        problems.push(format!(
            "SECRET_KEY is a single repeated character; {GENERATE_HINT}"
        ));
    }
    Secret::new(value)
}

fn in_range(
    problems: &mut Vec<String>,
    name: &str,
    value: Option<i64>,
    default: i64,
    min: i64,
    max: i64,
) -> i64 {
    let value = value.unwrap_or(default);
    if !(min..=max).contains(&value) {
        problems.push(format!(
            "{name} must be between {min} and {max} (got {value})"
        ));
        return default;
    }
    value
}

fn parse_origins(raw: &str, problems: &mut Vec<String>) -> Vec<String> {
    let mut origins = Vec::new();
    for origin in raw.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let origin = origin.trim_end_matches('/');
        if origin == "*" {
            problems.push("ALLOWED_ORIGINS may not be `*`: credentials are only sent to listed origins; list them".into());
        } else if !is_http_origin_or_base(origin) || origin.matches('/').count() != 2 {
            problems.push(format!(
                "ALLOWED_ORIGINS entry {origin:?} is not an origin like https://app.example.com"
            ));
        } else {
            origins.push(origin.to_owned());
        }
    }
    origins
}

fn is_http_origin_or_base(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split('/').next().unwrap_or("");
        !host.is_empty() && !host.contains(['@', ' ', '?', '#'])
    })
}

fn check_smtp(raw: &Raw, problems: &mut Vec<String>) -> SmtpSettings {
    let tls = match raw
        .smtp_tls
        .as_deref()
        .unwrap_or("none")
        .to_ascii_lowercase()
        .as_str()
    {
        "none" => SmtpTls::None,
        "starttls" => SmtpTls::StartTls,
        "tls" => SmtpTls::Tls,
        other => {
            problems.push(format!(
                "SMTP_TLS must be none, starttls or tls (got {other:?})"
            ));
            SmtpTls::None
        }
    };
    let from_raw = raw
        .mail_from
        .clone()
        .unwrap_or_else(|| "Gatehouse <no-reply@localhost>".to_owned());
    let from = Mailbox::from_str(&from_raw).unwrap_or_else(|_| {
        problems.push(format!(
            "MAIL_FROM {from_raw:?} is not a mailbox like `Gatehouse <no-reply@example.com>`"
        ));
        Mailbox::new(
            None,
            "no-reply@localhost"
                .parse()
                .unwrap_or_else(|_| unreachable!("literal address")),
        )
    });
    let username = raw.smtp_username.clone().filter(|u| !u.is_empty());
    let password = raw
        .smtp_password
        .clone()
        .filter(|p| !p.is_empty())
        .map(Secret::new);
    if username.is_some() != password.is_some() {
        problems.push("SMTP_USERNAME and SMTP_PASSWORD must be set together".into());
    }
    let host = raw
        .smtp_host
        .clone()
        .unwrap_or_else(|| "localhost".to_owned());
    if host.trim().is_empty() {
        problems.push("SMTP_HOST must not be empty".into());
    }
    SmtpSettings {
        host,
        port: raw.smtp_port.unwrap_or(1025),
        username,
        password,
        tls,
        from,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw_with_secret(secret: &str) -> Raw {
        Raw {
            secret_key: Some(secret.to_owned()),
            ..Raw::default()
        }
    }

    #[test]
    fn strict_mode_refuses_missing_short_and_example_secrets() {
        for bad in [
            "",
            "short",
            "your-super-secret-key-minimum-32-characters",
            &"a".repeat(40),
        ] {
            let err = validate(raw_with_secret(bad), true).expect_err(bad);
            assert!(err.to_string().contains("openssl rand -hex 32"), "{err}");
        }
    }

    #[test]
    fn debug_mode_generates_a_key_when_missing() {
        let settings = validate(Raw::default(), false).expect("valid");
        assert_eq!(settings.secret_key.expose().len(), 64);
    }

    #[test]
    fn strict_mode_refuses_low_bcrypt_cost() {
        let mut raw = raw_with_secret(&"k3y-".repeat(10));
        raw.bcrypt_cost = Some(4);
        assert!(validate(raw, true).is_err());
    }

    #[test]
    fn errors_never_echo_the_secret() {
        let err = validate(raw_with_secret("tiny-secret-value"), true).expect_err("short");
        assert!(!err.to_string().contains("tiny-secret-value"));
        assert!(!format!("{:?}", Secret::new("abc")).contains("abc"));
    }

    #[test]
    fn origins_are_parsed_and_wildcards_refused() {
        let mut problems = Vec::new();
        let origins = parse_origins(
            "http://localhost:3000, https://app.example.com/",
            &mut problems,
        );
        assert_eq!(
            origins,
            ["http://localhost:3000", "https://app.example.com"]
        );
        assert!(problems.is_empty());
        parse_origins("*", &mut problems);
        parse_origins("ftp://x", &mut problems);
        assert_eq!(problems.len(), 2);
    }
}
