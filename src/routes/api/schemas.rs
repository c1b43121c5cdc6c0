//! JSON Schemas of the request fields, stating what the server enforces (lengths, character
//! sets), so that a body valid under the OpenAPI document is one the server accepts as
//! well-formed.

use serde_json::json;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type};

use crate::domain::password;

/// Longest email address accepted (RFC 5321's path limit), after trimming.
pub const EMAIL_MAX_CHARS: usize = 254;
/// Length of the tokens in mailed links (reset, verification): 32 random bytes, base64url.
pub const MAIL_TOKEN_CHARS: usize = 43;

/// An email address as `domain::Email` accepts it.
pub fn email_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(EMAIL_MAX_CHARS))
        .description(Some(
            "An email address of at most 254 characters (surrounding spaces ignored): a local \
             part of at most 64 letters, digits, dots and ``!#$%&'*+/=?^_`{|}~-`` (no leading, \
             trailing or double dot), and a domain of two or more labels of letters, digits and \
             inner hyphens, the last one letters only. Unique regardless of case.",
        ))
        .examples([json!("john@example.com")])
}

/// A password chosen now (registration, a change or a reset), as `domain::Password` accepts it.
/// Passwords that are checked (log-in, confirmations) take anything.
pub fn new_password_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(password::MIN_CHARS))
        .max_length(Some(password::MAX_CHARS))
        // No control characters (Unicode category Cc), which is what `char::is_control` means.
        .pattern(Some("^[^\\u0000-\\u001F\\u007F-\\u009F]*$"))
        .description(Some(
            "8 to 256 characters of any script, no control characters; not one of the 10,000 \
             most common passwords, and not the account's email.",
        ))
        .examples([json!("correct horse battery staple")])
}

/// A username as `domain::Username` accepts it.
pub(super) fn username_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .min_length(Some(3))
        .max_length(Some(32))
        .pattern(Some("^[A-Za-z0-9_.-]{3,32}$"))
        .description(Some(
            "Optional: 3 to 32 characters from `[A-Za-z0-9_.-]`, unique regardless of case. \
             Omit it or send null for none.",
        ))
        .examples([json!("john")])
}

/// The token of a mailed link (password reset, email verification).
pub fn mail_token_schema(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(MAIL_TOKEN_CHARS))
        .max_length(Some(MAIL_TOKEN_CHARS))
        .pattern(Some("^[A-Za-z0-9_-]{43}$"))
        .description(Some(description))
}

/// A password that is only checked against the stored one: anything but empty.
pub fn current_password_schema(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .description(Some(description))
}

/// Text with something other than white space in it (the server trims before it looks). The
/// class is Unicode's White_Space, which `str::trim` removes.
pub(super) const NOT_BLANK: &str =
    "[^\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";

pub(super) fn identifier_schema(nullable: bool) -> ObjectBuilder {
    let types = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    };
    ObjectBuilder::new()
        .schema_type(types)
        .description(Some("The account's email or username"))
}

pub(super) fn login_variant(title: &str, given: &str) -> ObjectBuilder {
    let other = if given == "email" {
        "username"
    } else {
        "email"
    };
    ObjectBuilder::new()
        .title(Some(title))
        .property(
            given,
            identifier_schema(false)
                .pattern(Some(NOT_BLANK))
                .examples([json!(if given == "email" {
                    "john@example.com"
                } else {
                    "john"
                })]),
        )
        .required(given)
        .property(other, identifier_schema(true))
        .property(
            "password",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .examples([json!("correct horse battery staple")]),
        )
        .required("password")
}
