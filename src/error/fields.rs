//! Which field an error belongs to, so that pages put it beside its input and the API names it.

/// A form field or body field that an error belongs to. Both faces map errors by this, never by
/// the wording of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Email,
    Username,
    /// The log-in field that takes an email or a username.
    Identifier,
    Password,
    ConfirmPassword,
    CurrentPassword,
    NewPassword,
    NewEmail,
    /// The account's address typed again to confirm its deletion.
    ConfirmEmail,
}

impl Field {
    /// The field's name in forms and JSON bodies.
    pub fn name(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Username => "username",
            Self::Identifier => "identifier",
            Self::Password => "password",
            Self::ConfirmPassword => "confirm_password",
            Self::CurrentPassword => "current_password",
            Self::NewPassword => "new_password",
            Self::NewEmail => "new_email",
            Self::ConfirmEmail => "confirm_email",
        }
    }
}

/// One problem with one field, worded for the API (`email is required`); pages turn it into a
/// sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl FieldError {
    pub fn new(field: Field, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
