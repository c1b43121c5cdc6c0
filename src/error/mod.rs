//! The one error type, free of Rocket: services return it, `http` turns it into a response.
//! Each variant's doc says the status it answers with. The message a client sees
//! ([`Error::public_message`]) is separate from what the log gets (`Display`, which carries the
//! cause of an internal error).

mod fields;
mod limits;

use std::fmt;

pub use fields::{Field, FieldError};
pub use limits::{Limited, ThrottleScope};

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// 422: fields are invalid. The API shows the first; pages show each beside its field.
    #[error("{}", first_message(.0))]
    Invalid(Vec<FieldError>),
    /// 422: the body as a whole could not be understood (malformed JSON, wrong shape).
    #[error("{0}")]
    Malformed(String),
    /// 409: the email or username is taken.
    #[error("{}", .0.message)]
    Conflict(FieldError),
    /// 400: the current password given to confirm a change is wrong.
    #[error("Current password is incorrect")]
    IncorrectPassword,
    /// 400: a request that cannot be acted on, e.g. an invalid or expired token from a mail.
    #[error("{0}")]
    BadRequest(&'static str),
    /// 401 with `WWW-Authenticate: Bearer`.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 403: a form without this browser's CSRF token (expired page, cookies off, another site).
    #[error("The form has expired or was not sent by this site; reload the page and try again")]
    CsrfRefused,
    /// 404.
    #[error("Not Found")]
    NotFound,
    /// 405 with `Allow` listing the methods the path does answer.
    #[error("Method Not Allowed")]
    MethodNotAllowed(String),
    /// 413: the body is larger than the configured limit.
    #[error("Request body is too large")]
    PayloadTooLarge,
    /// 415: a JSON route was sent something that is not labelled `application/json`.
    #[error("Content-Type must be application/json")]
    UnsupportedMediaType,
    /// 429 with `Retry-After`: a rate limit was reached.
    #[error("Too many requests; try again later")]
    TooManyRequests {
        retry_after_secs: i64,
        limited: Limited,
    },
    /// 429 with `Retry-After`: password checks for this account, network or session are being
    /// slowed down.
    #[error("Too many attempts, try again later")]
    Throttled {
        retry_after_secs: i64,
        scope: ThrottleScope,
    },
    /// 503 with `Retry-After`: the database does not answer, or the server is saturated.
    #[error("Service temporarily unavailable")]
    Unavailable { retry_after_secs: i64 },
    /// Any other status, with its reason phrase as the detail.
    #[error("{reason}")]
    Other { status: u16, reason: &'static str },
    /// 500: the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

fn first_message(errors: &[FieldError]) -> &str {
    errors
        .first()
        .map_or("Invalid request", |e| e.message.as_str())
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub const INVALID_CREDENTIALS: &str = "Invalid credentials";

impl Error {
    pub fn internal(cause: impl fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub fn invalid(field: Field, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// `Ok(())` when `errors` is empty, else the 422 that lists them.
    pub fn check(errors: Vec<FieldError>) -> Result<()> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Self::Invalid(errors))
        }
    }

    pub const fn unavailable() -> Self {
        Self::Unavailable {
            retry_after_secs: 5,
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) | Self::Malformed(_) => 422,
            Self::Conflict(_) => 409,
            Self::IncorrectPassword | Self::BadRequest(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) | Self::CsrfRefused => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed(_) => 405,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::TooManyRequests { .. } | Self::Throttled { .. } => 429,
            Self::Unavailable { .. } => 503,
            Self::Other { status, .. } => *status,
            Self::Internal(_) => 500,
        }
    }

    /// What the client is told: the `detail` of the JSON body, the text of an error page.
    pub fn public_message(&self) -> String {
        match self {
            Self::Internal(_) => "Internal server error".to_owned(),
            other => other.to_string(),
        }
    }

    /// Seconds the client should wait before trying again, for the `Retry-After` header.
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            Self::TooManyRequests {
                retry_after_secs, ..
            }
            | Self::Throttled {
                retry_after_secs, ..
            }
            | Self::Unavailable { retry_after_secs } => Some((*retry_after_secs).max(1)),
            _ => None,
        }
    }

    /// The field errors this error carries, for a page to show beside its fields.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::Invalid(errors) => errors.clone(),
            Self::Conflict(error) => vec![error.clone()],
            Self::IncorrectPassword => vec![FieldError::new(
                Field::CurrentPassword,
                "Current password is incorrect",
            )],
            _ => Vec::new(),
        }
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        // An unreachable or saturated database is a temporary condition for the client (503),
        // not a bug (500); the cause still reaches the log.
        if is_unavailable(&err) {
            log::warn!("database unavailable: {err}");
            return Self::unavailable();
        }
        Self::Internal(format!("database: {err}"))
    }
}

fn is_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{sqlx::Error as Sqlx, DbErr, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match &**e {
                Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
                Sqlx::Database(db) => db.code().is_some_and(|code| unavailable_code(&code)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Database errors that say "not now" rather than "wrong": on PostgreSQL (five-character
/// SQLSTATEs) connection exceptions (08), insufficient resources (53) and operator intervention
/// (57: a server shutting down or restarting, a terminated backend); on SQLite BUSY and LOCKED
/// once the busy timeout has run out (extended codes keep the primary one in the low byte).
fn unavailable_code(code: &str) -> bool {
    if code.len() == 5 {
        ["08", "53", "57"]
            .iter()
            .any(|class| code.starts_with(class))
    } else {
        code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
    }
}

impl From<sea_orm::TransactionError<Error>> for Error {
    fn from(err: sea_orm::TransactionError<Error>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(err) => err,
        }
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(err: tokio::task::JoinError) -> Self {
        Self::Internal(format!("blocking task: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_causes_reach_the_log_but_not_the_client() {
        let err = Error::internal("disk on fire");
        assert!(err.to_string().contains("disk on fire"));
        assert_eq!(err.public_message(), "Internal server error");
        assert_eq!(err.status(), 500);
    }

    #[test]
    fn unavailable_database_codes() {
        for code in ["08006", "57P01", "57P03", "53300", "5", "6", "517", "773"] {
            assert!(unavailable_code(code), "{code}");
        }
        for code in ["23505", "40001", "42P01", "19", "2067", "1"] {
            assert!(!unavailable_code(code), "{code}");
        }
    }

    #[test]
    fn the_api_shows_the_first_field_error() {
        let err = Error::Invalid(vec![
            FieldError::new(Field::Email, "email is required"),
            FieldError::new(Field::Password, "too short"),
        ]);
        assert_eq!(err.public_message(), "email is required");
        assert_eq!(err.field_errors().len(), 2);
    }
}
