use std::{collections::HashSet, fmt, sync::LazyLock};

/// A new password that passed the policy. Its `Debug` never shows the value.
pub struct Password(String);

pub const MIN_CHARS: usize = 8;
/// Long enough for any passphrase (ASVS asks for at least 64); every character counts, because
/// the hasher pre-hashes before bcrypt (the password module of the auth layer).
pub const MAX_CHARS: usize = 256;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .collect()
});

impl Password {
    /// Checks a password chosen for the account whose email key (lower-cased) is given.
    pub fn parse(raw: String, email_key: &str) -> Result<Self, String> {
        let chars = raw.chars().count();
        if chars == 0 {
            return Err("enter a password".into());
        }
        if chars < MIN_CHARS {
            return Err(format!("password must be at least {MIN_CHARS} characters"));
        }
        if chars > MAX_CHARS {
            return Err(format!("password must be at most {MAX_CHARS} characters"));
        }
        if raw.chars().any(char::is_control) {
            return Err("password must not contain control characters".into());
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
        // Passphrases of any script count in characters, not bytes.
        let cyrillic = "пароль-из-сорока-символов-на-кириллице-да";
        assert!(Password::parse(cyrillic.into(), email()).is_ok());
        assert!(Password::parse("é".repeat(256), email()).is_ok());
    }

    #[test]
    fn enforces_length_limits() {
        assert!(Password::parse("short1!".into(), email()).is_err());
        assert_eq!(
            Password::parse(String::new(), email()).err().as_deref(),
            Some("enter a password")
        );
        assert!(Password::parse("é".repeat(257), email()).is_err());
        assert!(Password::parse("nul\0-in-the-middle".into(), email()).is_err());
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
