//! HTTP adapters. `api` speaks JSON, `web` renders pages; both only translate between HTTP and
//! `services`.

pub mod api;
pub mod web;

use rocket::{catch, http::Status, Request, Responder};

use crate::error::{self, Error};

/// An error as JSON `{"detail": ...}` for API clients, or as a page for browsers.
#[derive(Responder)]
pub enum ErrorReply {
    Json(Error),
    Page(web::WebError),
}

/// Catches every error status. Browsers asking for a page (an `Accept` that prefers HTML, outside
/// the API's paths) get an HTML page; everyone else gets the API's JSON.
#[catch(default)]
pub fn catcher(status: Status, req: &Request<'_>) -> ErrorReply {
    let err = error::for_status(status, req);
    let path = req.uri().path();
    let api = ["/auth", "/users", "/health", "/openapi.json", "/docs"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    let wants_html = req
        .accept()
        .is_some_and(|accept| accept.preferred().media_type().is_html());
    if wants_html && !api {
        ErrorReply::Page(web::WebError(err))
    } else {
        ErrorReply::Json(err)
    }
}
