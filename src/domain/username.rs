/// A username: 3 to 32 characters from `[a-zA-Z0-9_.-]`. It can never contain `@`, which is what
/// lets one log-in field hold either an email or a username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

/// The spaces a form or a client may leave around a name, and that the API schema admits
/// there: ASCII ones only, so that the documented pattern and the parser agree.
const SPACES: [char; 4] = [' ', '\t', '\n', '\r'];

impl Username {
    /// Nothing but surrounding spaces: no name at all.
    pub fn is_blank(raw: &str) -> bool {
        raw.trim_matches(SPACES).is_empty()
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim_matches(SPACES);
        if !(3..=32).contains(&name.chars().count()) {
            return Err("username must be 3 to 32 characters long".into());
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            return Err("username may only contain letters, digits, '_', '.' and '-'".into());
        }
        Ok(Self(name.to_owned()))
    }

    /// Case-insensitive identity: `Alice` and `alice` are the same account.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Username;

    #[test]
    fn accepts_allowed_characters() {
        let name = Username::parse("Jane_Doe-1.x").expect("valid");
        assert_eq!(name.as_str(), "Jane_Doe-1.x");
        assert_eq!(name.key(), "jane_doe-1.x");
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse(&"a".repeat(32)).is_ok());
    }

    #[test]
    fn rejects_bad_lengths_and_characters() {
        for bad in ["ab", "", "has space", "at@sign", "émile", "semi;colon"] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Username::parse(&"a".repeat(33)).is_err());
    }
}
