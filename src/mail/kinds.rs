//! What Gatehouse mails, and to whom.

/// Every mail Gatehouse sends, by template name.
pub(super) const KINDS: [&str; 9] = [
    "reset_password",
    "password_changed",
    "login_throttled",
    "verify_email",
    "confirm_new_email",
    "email_changed",
    "email_change_completed",
    "address_in_use",
    "goodbye",
];

/// Which address a confirmation link confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    /// The account's own (verification).
    Current,
    /// The one an email change moves the account to.
    New,
}

/// The security notices, which share one shape: what happened, and a link to reset the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    PasswordChanged,
    /// Sent once when an account starts being throttled after repeated failed log-ins; the
    /// account locks for the rest of the hour at `ceiling` failures.
    LoginThrottled {
        ceiling: u32,
    },
    /// To an address someone tried to move their account to, when another account owns it.
    AddressInUse,
}

impl Notice {
    pub(super) fn template_and_subject(self) -> (&'static str, &'static str) {
        match self {
            Self::PasswordChanged => ("password_changed", "Your Gatehouse password was changed"),
            Self::LoginThrottled { .. } => (
                "login_throttled",
                "Someone tried to log in to your Gatehouse account",
            ),
            Self::AddressInUse => (
                "address_in_use",
                "Someone tried to use this address on Gatehouse",
            ),
        }
    }
}

/// The recipient of a mail and the account it concerns (none for a mail to an address that no
/// account owns, or to a deleted one).
#[derive(Debug, Clone, Copy)]
pub struct To<'a> {
    pub address: &'a str,
    pub user_id: Option<i32>,
}
