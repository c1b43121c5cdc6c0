//! The validated settings the rest of the crate uses.

use std::fmt;

use jsonwebtoken::Algorithm;
use lettre::message::Mailbox;
use rocket::figment::Figment;

use super::{build, Brand, ConfigError};

/// A value that must never be printed.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    #[must_use]
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
    /// Absolute lifetime of a session: refreshing never extends it beyond this.
    pub session_max_secs: i64,
    /// Live sessions one account may have; past it, the oldest end.
    pub max_sessions_per_user: u32,
    pub database_url: Secret,
    /// `PostgreSQL` only: the schema to use instead of `public` (tests isolate themselves this way).
    pub database_schema: Option<String>,
    /// How many days audit events are kept before they are deleted.
    pub audit_retention_days: i64,
    pub allowed_origins: Vec<String>,
    pub bcrypt_cost: u32,
    pub cookie_secure: bool,
    /// Base of links in mails; never taken from a request's Host header.
    pub public_url: String,
    /// Header set by a trusted reverse proxy to the client's IP (e.g. `X-Real-IP`); `None` means
    /// the TCP peer is the client, since without a proxy any client could pick its own address.
    pub trusted_proxy_header: Option<String>,
    /// Directory of the page and mail templates; `None` keeps the default.
    pub template_dir: Option<String>,
    /// Directory of static files (styles, scripts) served under `/static`; `None` keeps the default.
    pub static_dir: Option<String>,
    /// The name, logo and accent colour pages and mails show.
    pub brand: Brand,
    /// Whether new accounts must confirm their email address before they can log in.
    pub require_email_verification: bool,
    /// Days an account may keep an address it never confirmed; then it is removed and the
    /// address can register again.
    pub unverified_account_days: u32,
    /// Consecutive failed logins for one account from one network after which that network
    /// waits (doubling delays); also the streak of one session's password confirmations.
    pub login_max_failures: u32,
    /// Failed logins for one account in an hour, from every network, after which it is locked
    /// until the hour ends; above what one network can reach.
    pub login_max_failures_per_account: u32,
    /// Failed logins from one client IP, over all accounts, after which it is refused for a while.
    pub login_max_failures_per_ip: u32,
    /// Successful registrations from one client IP per hour: high enough for an office or a
    /// campus behind one address.
    pub register_limit_per_ip: u32,
    /// Registrations from one client IP per hour answered "already registered": the tight
    /// budget that bounds how many addresses one client can test.
    pub register_taken_limit_per_ip: u32,
    pub reset_token_ttl_secs: i64,
    pub forgot_password_limit_per_email: u32,
    pub forgot_password_limit_per_ip: u32,
    /// Mails per hour, instance-wide, that requests of people not signed in may cause.
    pub unauthenticated_mail_per_hour: u32,
    pub smtp: SmtpSettings,
    /// How long an instance's claim on an outbox row lasts without renewal; a sending instance
    /// renews it every third of that, so only a stopped (or cut-off) one lets it run out.
    pub outbox_lease_secs: i64,
    /// Whether release rules apply (strong secret, production bcrypt cost).
    pub strict: bool,
}

impl Settings {
    /// Reads and validates. Strict (release) rules apply in release builds and whenever the
    /// `release` profile is selected.
    ///
    /// # Errors
    ///
    /// Every problem found, each naming its setting and how to fix it.
    pub fn from_figment(figment: &Figment) -> Result<Self, ConfigError> {
        let strict =
            !cfg!(debug_assertions) || figment.profile() == rocket::Config::RELEASE_PROFILE;
        build::build(figment, strict)
    }
}
