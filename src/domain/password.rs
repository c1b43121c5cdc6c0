use std::{collections::HashSet, fmt, sync::LazyLock};

/// A new password that passed the policy. Its `Debug` never shows the value.
pub struct Password(String);

pub const MIN_CHARS: usize = 8;
/// bcrypt ignores everything after 72 bytes; we refuse rather than silently truncate.
pub const MAX_BYTES: usize = 72;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .collect()
});

impl Password {
    /// Checks a password chosen for the account whose email key (lower-cased) is given.
    pub fn parse(raw: String, email_key: &str) -> Result<Self, String> {
        if raw.chars().count() < MIN_CHARS {
            return Err(format!("password must be at least {MIN_CHARS} characters"));
        }
        if raw.len() > MAX_BYTES {
            return Err(format!(
                "password must be at most {MAX_BYTES} bytes (bcrypt's limit); choose a shorter one"
            ));
        }
        let lower = raw.to_lowercase();
        if COMMON.contains(lower.as_str()) {
            return Err("password is too common; choose one that is harder to guess".into());
        }
        if lower.trim() == email_key {
            return Err("password must not be the same as the email".into());
        }
        Ok(Self(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::Password;

    fn email() -> &'static str {
        "john@example.com"
    }

    #[test]
    fn accepts_a_reasonable_password() {
        assert!(Password::parse("correct horse battery".into(), email()).is_ok());
        // 72 bytes exactly is still accepted; multi-byte characters count as bytes.
        assert!(Password::parse("é".repeat(36), email()).is_ok());
    }

    #[test]
    fn enforces_length_limits() {
        assert!(Password::parse("short1!".into(), email()).is_err());
        assert!(Password::parse("x".repeat(73), email()).is_err());
        assert!(Password::parse("é".repeat(37), email()).is_err());
    }

    #[test]
    fn rejects_common_and_email_passwords() {
        assert!(Password::parse("password".into(), email()).is_err());
        assert!(Password::parse("Baseball".into(), email()).is_err());
        assert!(Password::parse("John@Example.com".into(), email()).is_err());
    }

    #[test]
    fn debug_hides_the_value() {
        let pw = Password::parse("a-secret-value-42".into(), email()).expect("valid");
        assert!(!format!("{pw:?}").contains("secret"));
    }
}
