//! Turns the checked values into [`Settings`]: each field is taken from the table by env name,
//! then the checks that need a format or more than one setting run.

use jsonwebtoken::Algorithm;
use rocket::figment::Figment;

use super::{brand, checks, values::Values, ConfigError, Settings, SmtpSettings, SmtpTls};

/// Every problem is collected before giving up, so that one run reports them all.
pub(super) fn build(figment: &Figment, strict: bool) -> Result<Settings, ConfigError> {
    let mut values = Values::read(figment);
    let mut problems = Vec::new();
    let settings = assemble(&mut values, strict, &mut problems);
    let mut all = values.into_problems();
    all.append(&mut problems);
    if all.is_empty() {
        Ok(settings)
    } else {
        Err(ConfigError(all))
    }
}

fn assemble(v: &mut Values, strict: bool, problems: &mut Vec<String>) -> Settings {
    let secret_key = checks::secret_key(v.secret("SECRET_KEY"), strict, problems);
    let algorithm = match v.text("ALGORITHM").as_str() {
        "HS384" => Algorithm::HS384,
        "HS512" => Algorithm::HS512,
        // HS256, the default and the only other choice the table allows.
        _ => Algorithm::HS256,
    };

    let database_url = v.secret("DATABASE_URL");
    let database_schema = v.optional("DATABASE_SCHEMA");
    checks::database(database_url.expose(), database_schema.as_deref(), problems);

    let bcrypt_cost = v.int("BCRYPT_COST");
    if strict && bcrypt_cost < 10 {
        problems.push(
            "BCRYPT_COST is too weak for production; use 10 or more (12 is the default)".into(),
        );
    }

    let login_max_failures = v.int("LOGIN_MAX_FAILURES");
    let login_max_failures_per_account = v.int("LOGIN_MAX_FAILURES_PER_ACCOUNT");
    checks::account_ceiling(login_max_failures, login_max_failures_per_account, problems);

    let trusted_proxy_header = v.optional("TRUSTED_PROXY_HEADER");
    checks::proxy_header(trusted_proxy_header.as_deref(), problems);

    Settings {
        secret_key,
        algorithm,
        access_token_ttl_secs: v.secs("ACCESS_TOKEN_EXPIRE_MINUTES"),
        refresh_token_ttl_secs: v.secs("REFRESH_TOKEN_EXPIRE_DAYS"),
        refresh_reuse_grace_secs: v.secs("REFRESH_REUSE_GRACE_SECONDS"),
        session_max_secs: v.secs("SESSION_MAX_DAYS"),
        max_sessions_per_user: v.int("MAX_SESSIONS_PER_USER"),
        database_url,
        database_schema,
        audit_retention_days: v.int("AUDIT_RETENTION_DAYS"),
        allowed_origins: checks::origins(&v.text("ALLOWED_ORIGINS"), problems),
        bcrypt_cost,
        cookie_secure: v.bool("COOKIE_SECURE"),
        public_url: checks::public_url(&v.text("PUBLIC_URL"), problems),
        trusted_proxy_header,
        template_dir: v.optional("TEMPLATE_DIR"),
        static_dir: v.optional("STATIC_DIR"),
        brand: brand::brand(
            v.text("BRAND_NAME"),
            v.optional("BRAND_LOGO").as_deref(),
            v.optional("BRAND_ACCENT").as_deref(),
            problems,
        ),
        require_email_verification: v.bool("REQUIRE_EMAIL_VERIFICATION"),
        unverified_account_days: v.int("UNVERIFIED_ACCOUNT_DAYS"),
        login_max_failures,
        login_max_failures_per_account,
        login_max_failures_per_ip: v.int("LOGIN_MAX_FAILURES_PER_IP"),
        register_limit_per_ip: v.int("REGISTER_LIMIT_PER_IP"),
        register_taken_limit_per_ip: v.int("REGISTER_TAKEN_LIMIT_PER_IP"),
        reset_token_ttl_secs: v.secs("RESET_TOKEN_EXPIRE_MINUTES"),
        forgot_password_limit_per_email: v.int("FORGOT_PASSWORD_LIMIT_PER_EMAIL"),
        forgot_password_limit_per_ip: v.int("FORGOT_PASSWORD_LIMIT_PER_IP"),
        unauthenticated_mail_per_hour: v.int("UNAUTHENTICATED_MAIL_PER_HOUR"),
        smtp: smtp(v, problems),
        outbox_lease_secs: v.secs("OUTBOX_LEASE_SECONDS"),
        strict,
    }
}

fn smtp(v: &mut Values, problems: &mut Vec<String>) -> SmtpSettings {
    let tls = match v.text("SMTP_TLS").as_str() {
        "starttls" => SmtpTls::StartTls,
        "tls" => SmtpTls::Tls,
        // "none", the default and the only other choice the table allows.
        _ => SmtpTls::None,
    };
    let username = v.optional("SMTP_USERNAME");
    let password = Some(v.secret("SMTP_PASSWORD")).filter(|p| !p.expose().is_empty());
    if username.is_some() != password.is_some() {
        problems.push("SMTP_USERNAME and SMTP_PASSWORD must be set together".into());
    }
    let host = v.text("SMTP_HOST");
    if host.is_empty() {
        problems.push("SMTP_HOST must not be empty".into());
    }
    SmtpSettings {
        host,
        port: v.int("SMTP_PORT"),
        username,
        password,
        tls,
        from: checks::mailbox(&v.text("MAIL_FROM"), problems),
    }
}
