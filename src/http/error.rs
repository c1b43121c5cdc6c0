//! The [`Error`] as an HTTP response: `{"detail": ...}` with its status and headers. Guards and
//! data guards cannot hand their error to a catcher in Rocket 0.5, so they stash it here and the
//! catcher renders it.

use std::io::Cursor;

use rocket::{
    http::{ContentType, Header, Status},
    response::{self, Responder},
    serde::json::json,
    Request, Response,
};

use crate::error::Error;

pub fn status_of(err: &Error) -> Status {
    Status::from_code(err.status()).unwrap_or(Status::InternalServerError)
}

/// Logs what the client will not see: the cause of a 500.
pub fn log_cause(req: &Request<'_>, err: &Error) {
    if let Error::Internal(_) = err {
        log::error!("{} {}: {err}", req.method(), req.uri().path());
    }
}

/// The headers an error brings along: `WWW-Authenticate`, `Allow`, `Retry-After`.
pub fn headers_of(err: &Error) -> Vec<Header<'static>> {
    let mut headers = Vec::new();
    match err {
        Error::Unauthorized(_) => headers.push(Header::new("WWW-Authenticate", "Bearer")),
        Error::MethodNotAllowed(allow) => headers.push(Header::new("Allow", allow.clone())),
        _ => {}
    }
    if let Some(secs) = err.retry_after() {
        headers.push(Header::new("Retry-After", secs.to_string()));
    }
    headers
}

impl<'r> Responder<'r, 'static> for Error {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        log_cause(req, &self);
        let body = json!({ "detail": self.public_message() }).to_string();
        let mut res = Response::build();
        res.status(status_of(&self))
            .header(ContentType::JSON)
            .sized_body(body.len(), Cursor::new(body));
        for header in headers_of(&self) {
            res.header(header);
        }
        res.ok()
    }
}

/// One slot per request for the error a guard failed with.
struct Stashed(std::sync::Mutex<Option<Error>>);

pub fn stash(req: &Request<'_>, err: Error) -> Status {
    let status = status_of(&err);
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

/// The error behind any status Rocket could not answer itself, preferring the guard's own.
pub fn for_status(status: Status, req: &Request<'_>) -> Error {
    if let Some(err) = take(req) {
        if status_of(&err) == status {
            return err;
        }
    }
    if status == Status::NotFound {
        if let Some(allow) = allowed_methods(req) {
            return Error::MethodNotAllowed(allow);
        }
    }
    match status.code {
        400 => Error::BadRequest("Bad request"),
        401 => Error::Unauthorized("Not authenticated"),
        403 => Error::Forbidden("Forbidden"),
        404 => Error::NotFound,
        413 => Error::PayloadTooLarge,
        415 => Error::UnsupportedMediaType,
        422 => Error::Malformed("Unprocessable request".into()),
        503 => Error::unavailable(),
        500 => Error::internal("unhandled error (see earlier log lines)"),
        code => Error::Other {
            status: code,
            reason: status.reason().unwrap_or("Error"),
        },
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
