//! The one error type. Each variant's doc says the status it answers with. The public message
//! is separate from the logged cause: database and internal errors are logged and shown as a
//! plain 500.

use std::io::Cursor;

use rocket::{
    http::{ContentType, Header, Status},
    response::{self, Responder},
    serde::json::json,
    Request, Response,
};

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// 422: the body was understood but a field is invalid.
    #[error("{0}")]
    Validation(String),
    /// 400: a request that cannot be acted on, e.g. a wrong current password or a bad token.
    #[error("{0}")]
    BadRequest(String),
    /// 401 with `WWW-Authenticate: Bearer`.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 409: the email or username is taken.
    #[error("{0}")]
    Conflict(String),
    /// 413: the body is larger than the configured limit.
    #[error("Request body is too large")]
    PayloadTooLarge,
    /// 405 with `Allow` listing the methods the path does answer.
    #[error("Method Not Allowed")]
    MethodNotAllowed(String),
    /// 429 with `Retry-After`.
    #[error("Too many requests; try again later")]
    TooManyRequests { retry_after_secs: i64 },
    /// 503: the database does not answer.
    #[error("Service unavailable")]
    Unavailable,
    /// Any other status (404, 405...) with its reason phrase as the detail.
    #[error("{}", .0.reason().unwrap_or("Error"))]
    Other(Status),
    /// 500: logged with its cause, never shown.
    #[error("Internal server error")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub const INVALID_CREDENTIALS: &str = "Invalid credentials";

impl Error {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    pub fn status(&self) -> Status {
        match self {
            Self::Validation(_) => Status::UnprocessableEntity,
            Self::BadRequest(_) => Status::BadRequest,
            Self::Unauthorized(_) => Status::Unauthorized,
            Self::Forbidden(_) => Status::Forbidden,
            Self::Conflict(_) => Status::Conflict,
            Self::PayloadTooLarge => Status::PayloadTooLarge,
            Self::MethodNotAllowed(_) => Status::MethodNotAllowed,
            Self::TooManyRequests { .. } => Status::TooManyRequests,
            Self::Unavailable => Status::ServiceUnavailable,
            Self::Other(status) => *status,
            Self::Internal(_) => Status::InternalServerError,
        }
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(format!("database: {err}"))
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(err: tokio::task::JoinError) -> Self {
        Self::Internal(format!("blocking task: {err}"))
    }
}

impl<'r> Responder<'r, 'static> for Error {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        if let Self::Internal(cause) = &self {
            log::error!("{} {}: {cause}", req.method(), req.uri().path());
        }
        let body = json!({ "detail": self.to_string() }).to_string();
        let mut res = Response::build();
        res.status(self.status())
            .header(ContentType::JSON)
            .sized_body(body.len(), Cursor::new(body));
        match self {
            Self::Unauthorized(_) => {
                res.header(Header::new("WWW-Authenticate", "Bearer"));
            }
            Self::MethodNotAllowed(allow) => {
                res.header(Header::new("Allow", allow));
            }
            Self::TooManyRequests { retry_after_secs } => {
                res.header(Header::new(
                    "Retry-After",
                    retry_after_secs.max(1).to_string(),
                ));
            }
            _ => {}
        }
        res.ok()
    }
}

/// Guards cannot hand their error to a catcher in Rocket 0.5, so they leave it here and the
/// catcher renders it. One slot per request.
struct Stashed(std::sync::Mutex<Option<Error>>);

pub fn stash(req: &Request<'_>, err: Error) -> Status {
    let status = err.status();
    let slot = req.local_cache(|| Stashed(std::sync::Mutex::new(None)));
    if let Ok(mut slot) = slot.0.lock() {
        *slot = Some(err);
    }
    status
}

fn take(req: &Request<'_>) -> Option<Error> {
    let slot = req.local_cache(|| Stashed(std::sync::Mutex::new(None)));
    slot.0.lock().ok().and_then(|mut slot| slot.take())
}

/// The error behind any status Rocket could not answer itself, preferring the guard's own message.
pub fn for_status(status: Status, req: &Request<'_>) -> Error {
    if let Some(err) = take(req) {
        if err.status() == status {
            return err;
        }
    }
    if status == Status::NotFound {
        if let Some(allow) = allowed_methods(req) {
            return Error::MethodNotAllowed(allow);
        }
    }
    match status.code {
        400 => Error::BadRequest("Bad request".into()),
        401 => Error::Unauthorized("Not authenticated"),
        403 => Error::Forbidden("Forbidden"),
        413 => Error::PayloadTooLarge,
        422 => Error::Validation("Unprocessable request".into()),
        503 => Error::Unavailable,
        500 => Error::internal("unhandled error (see earlier log lines)"),
        _ => Error::Other(status),
    }
}

/// Rocket answers a known path with the wrong method as 404; a client deserves 405 and `Allow`.
/// Only static paths are considered, which covers every API route.
fn allowed_methods(req: &Request<'_>) -> Option<String> {
    let path = req.uri().path();
    let mut methods: Vec<&str> = req
        .rocket()
        .routes()
        .filter(|route| route.uri.path() == path.as_str() && route.method != req.method())
        .map(|route| route.method.as_str())
        .collect();
    methods.sort_unstable();
    methods.dedup();
    (!methods.is_empty()).then(|| methods.join(", "))
}
