//! HTTP adapters. `api` speaks JSON, `web` renders pages; both only translate between HTTP and
//! `services`.

pub mod api;
pub mod brand;
pub mod web;

use rocket::{catch, http::Status, Request, Responder};

use crate::{
    error::Error,
    http::{cors::is_api_path, error::for_status},
};

/// An error as JSON `{"detail": ...}` for API clients, or as a page for browsers.
#[derive(Responder)]
// A response lives for one request; boxing the larger variant would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum ErrorReply {
    Json(Error),
    Page(web::WebError),
    /// A form refused for its CSRF token, shown again.
    Form(web::Page),
}

/// Catches every error status. Outside the API's paths, browsers get an HTML page: requests
/// whose `Accept` prefers HTML, and form posts (which only pages send). Everyone else gets the
/// API's JSON.
#[catch(default)]
pub async fn catcher(status: Status, req: &Request<'_>) -> ErrorReply {
    let err = for_status(status, req);
    let path = req.uri().path();
    let api = is_api_path(path.as_str()) || path.starts_with("/docs");
    let wants_html = req
        .accept()
        .is_some_and(|accept| accept.preferred().media_type().is_html());
    let form_post = req.content_type().is_some_and(|ct| ct.is_form());
    if (wants_html || form_post) && !api {
        // The page's header shows who is signed in, as every other page does.
        let _ = req.guard::<Option<crate::http::PageUser>>().await;
        if matches!(err, Error::CsrfRefused) && form_post {
            if let Some(page) = web::refused_form(req).await {
                log::info!(
                    "{} {}: form refused for its CSRF token, shown again",
                    req.method(),
                    path
                );
                return ErrorReply::Form(page);
            }
        }
        ErrorReply::Page(web::WebError(err))
    } else {
        ErrorReply::Json(err)
    }
}
