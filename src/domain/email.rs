/// An email address, trimmed, with its domain lower-cased. The local part keeps its case because
/// RFC 5321 lets servers treat it as significant; uniqueness uses [`Email::key`] instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

const MAX_LEN: usize = 254;
const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("email is required".into());
        }
        if trimmed.len() > MAX_LEN {
            return Err(format!("email must be at most {MAX_LEN} characters"));
        }
        // The input is not repeated: a message that echoes it lets anyone put words of their
        // choosing on our pages (and in JSON a client may show).
        let invalid = || "email is not a valid email address".to_owned();
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
        if !valid_local(local) || !valid_domain(domain) {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// The case-insensitive identity of the address, used for uniqueness and look-ups.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn valid_local(local: &str) -> bool {
    (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()) && tld.len() >= 2)
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn normalises_whitespace_and_domain_case() {
        let email = Email::parse("  John.Doe@Example.COM ").expect("valid");
        assert_eq!(email.as_str(), "John.Doe@example.com");
        assert_eq!(email.key(), "john.doe@example.com");
    }

    #[test]
    fn accepts_common_shapes() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.example.org",
            "x_y-z@mail-host.io",
        ] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "   ",
            "plain",
            "@example.com",
            "john@",
            "john@localhost",
            "john@@example.com",
            "john@exa mple.com",
            ".john@example.com",
            "john..doe@example.com",
            "john@-example.com",
            "john@example.c0m",
            "jöhn@example.com",
            "john@example..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(65))).is_err());
    }
}
