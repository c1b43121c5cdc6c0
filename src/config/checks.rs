//! Checks beyond what the table declares: formats, release rules and settings that depend on each
//! other. Each records its problems by env name, never quoting the value.

use std::str::FromStr;

use lettre::{message::Mailbox, Address};
use rand::RngCore;

use super::Secret;

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

/// `SECRET_KEY` signs every token. Without one, debug runs get a random key (everyone is logged out
/// on restart); release runs refuse to start.
pub(super) fn secret_key(secret: Secret, strict: bool, problems: &mut Vec<String>) -> Secret {
    let value = secret.expose();
    if value.is_empty() {
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
    }
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
    secret
}

pub(super) fn database(url: &str, schema: Option<&str>, problems: &mut Vec<String>) {
    if !["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
    {
        problems.push("DATABASE_URL must start with sqlite:, postgres:// or postgresql://".into());
    }
    if let Some(schema) = schema {
        if !schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || !url.starts_with("postgres")
        {
            problems.push(
                "DATABASE_SCHEMA must be a lower-case identifier and needs a PostgreSQL \
                 DATABASE_URL"
                    .into(),
            );
        }
    }
}

/// Base of links in mails, without a trailing slash.
pub(super) fn public_url(url: &str, problems: &mut Vec<String>) -> String {
    let url = url.trim_end_matches('/');
    if !is_http_origin_or_base(url) || url.contains(['"', '\'', '<', '>', ' ', '?', '#']) {
        problems.push("PUBLIC_URL must be an http(s) URL such as https://auth.example.com".into());
    }
    url.to_owned()
}

/// Comma-separated origins allowed to call the API with credentials. Entries are reported by
/// position, not quoted.
pub(super) fn origins(list: &str, problems: &mut Vec<String>) -> Vec<String> {
    let mut origins = Vec::new();
    let entries = list.split(',').map(str::trim).filter(|o| !o.is_empty());
    for (position, origin) in entries.enumerate() {
        let origin = origin.trim_end_matches('/');
        if origin == "*" {
            problems.push(
                "ALLOWED_ORIGINS may not be `*`: credentials are only sent to listed origins; \
                 list them"
                    .into(),
            );
        } else if !is_http_origin_or_base(origin) || origin.matches('/').count() != 2 {
            problems.push(format!(
                "ALLOWED_ORIGINS entry {} is not an origin like https://app.example.com",
                position + 1
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

/// The header a reverse proxy sets to the client's address. Only a plain header name is taken, so
/// that a typo cannot silently make every request look like it comes from the proxy.
pub(super) fn proxy_header(header: Option<&str>, problems: &mut Vec<String>) {
    let valid = |name: &str| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if header.is_some_and(|name| !valid(name)) {
        problems.push(
            "TRUSTED_PROXY_HEADER must be an HTTP header name such as X-Real-IP or \
             X-Forwarded-For (letters, digits and '-'), or empty to use the TCP peer address"
                .into(),
        );
    }
}

/// The sender of every mail.
/// The account-wide ceiling is only safe from a lone attacker when one network cannot reach it:
/// else anyone could lock any account from home.
pub(super) fn account_ceiling(per_network: u32, per_account: u32, problems: &mut Vec<String>) {
    let reachable = crate::domain::lockout::reachable_by_one_network(i64::from(per_network.max(1)));
    if i64::from(per_account) <= reachable {
        problems.push(format!(
            "LOGIN_MAX_FAILURES_PER_ACCOUNT must be above {reachable}: with LOGIN_MAX_FAILURES={per_network}, \
             one network alone can fail that many times in an hour and would lock the account \
             for its owner"
        ));
    }
}

pub(super) fn mailbox(from: &str, problems: &mut Vec<String>) -> Mailbox {
    Mailbox::from_str(from).unwrap_or_else(|_| {
        problems.push("MAIL_FROM must be a mailbox like `Gatehouse <no-reply@example.com>`".into());
        // A placeholder only: with a problem recorded, the settings are never returned.
        Mailbox::from(Address::new_dangerous("no-reply", "localhost"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_parsed_and_wildcards_refused() {
        let mut problems = Vec::new();
        let parsed = origins(
            "http://localhost:3000, https://app.example.com/",
            &mut problems,
        );
        assert_eq!(parsed, ["http://localhost:3000", "https://app.example.com"]);
        assert!(problems.is_empty());
        origins("*", &mut problems);
        origins("ftp://origin-typo.example", &mut problems);
        assert_eq!(problems.len(), 2);
        assert!(problems[0].contains("credentials"), "{problems:?}");
        assert!(!problems[1].contains("origin-typo"), "{problems:?}");
    }

    #[test]
    fn proxy_header_must_be_a_header_name() {
        let mut problems = Vec::new();
        for good in [None, Some("X-Forwarded-For"), Some("X-Real-IP")] {
            proxy_header(good, &mut problems);
        }
        assert!(problems.is_empty(), "{problems:?}");
        for bad in ["X Real", "X-Real-IP:", "X_Real_IP", "Ünïcode"] {
            proxy_header(Some(bad), &mut problems);
        }
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems
            .iter()
            .all(|p| p.starts_with("TRUSTED_PROXY_HEADER")));
        assert!(
            !problems.iter().any(|p| p.contains("X Real")),
            "{problems:?}"
        );
    }
}
