use rocket::{
    http::Status,
    request::FlashMessage,
    response::{self, Redirect, Responder},
    Request,
};
use rocket_dyn_templates::Template;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::{auth::csrf::CsrfToken, error::Error, services::sessions::Authenticated};

/// A rendered page: a template, its status, and the context every page shares (the signed-in
/// user, the CSRF token, a flash message, form values and errors).
pub struct Page {
    template: &'static str,
    status: Status,
    context: Map<String, Value>,
}

impl Page {
    pub fn new(template: &'static str, title: &str) -> Self {
        let mut context = Map::new();
        context.insert("title".into(), json!(title));
        context.insert("errors".into(), json!({}));
        context.insert("error_list".into(), json!([]));
        context.insert("values".into(), json!({}));
        Self {
            template,
            status: Status::Ok,
            context,
        }
    }

    pub fn status(mut self, status: Status) -> Self {
        self.status = status;
        self
    }

    pub fn with(mut self, key: &str, value: impl Serialize) -> Self {
        self.context.insert(
            key.to_owned(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
        self
    }

    pub fn csrf(self, token: &CsrfToken) -> Self {
        self.with("csrf_token", token.as_str())
    }

    pub fn user(self, user: Option<&crate::auth::guards::PageUser>) -> Self {
        match user {
            Some(user) => self.signed_in(&user.0),
            None => self,
        }
    }

    pub fn signed_in(self, auth: &Authenticated) -> Self {
        let user = &auth.user;
        self.with(
            "user",
            json!({
                "email": user.email,
                "username": user.username,
                "member_since": user.created_at.format("%-d %B %Y").to_string(),
            }),
        )
    }

    pub fn flash(self, flash: Option<FlashMessage<'_>>) -> Self {
        match flash {
            Some(flash) => self.with(
                "flash",
                json!({ "kind": flash.kind(), "message": flash.message() }),
            ),
            None => self,
        }
    }

    pub fn form(self, form: &FormState) -> Self {
        let errors: Map<String, Value> = form
            .errors
            .iter()
            .map(|(field, message)| ((*field).to_owned(), json!(message)))
            .collect();
        let list: Vec<Value> = form
            .errors
            .iter()
            .map(|(field, message)| json!({ "field": field, "message": message }))
            .collect();
        self.with("errors", errors)
            .with("error_list", list)
            .with("values", &form.values)
    }
}

impl<'r> Responder<'r, 'static> for Page {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        (
            self.status,
            Template::render(self.template, Value::Object(self.context)),
        )
            .respond_to(req)
    }
}

/// A page, or a redirect (e.g. a signed-in visitor asking for the login form).
// A response lives for one request; boxing the larger variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(rocket::Responder)]
pub enum PageOrRedirect {
    Page(Page),
    Redirect(Redirect),
}

/// Field errors and the values to put back into a re-rendered form (never passwords).
#[derive(Default)]
pub struct FormState {
    errors: Vec<(&'static str, String)>,
    values: Map<String, Value>,
}

impl FormState {
    pub fn keep(mut self, field: &str, value: &str) -> Self {
        self.values.insert(field.to_owned(), json!(value.trim()));
        self
    }

    /// Records the first error of a field, worded as a sentence.
    pub fn error(&mut self, field: &'static str, message: impl AsRef<str>) {
        if self.errors.iter().all(|(f, _)| *f != field) {
            self.errors.push((field, sentence(message.as_ref())));
        }
    }

    pub fn check<T>(&mut self, field: &'static str, parsed: Result<T, String>) -> Option<T> {
        parsed.map_err(|message| self.error(field, message)).ok()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// An error on a page: the same [`Error`] as the API, rendered as HTML with its status.
pub struct WebError(pub Error);

impl From<Error> for WebError {
    fn from(err: Error) -> Self {
        Self(err)
    }
}

impl<'r> Responder<'r, 'static> for WebError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = self.0.status();
        if let Error::Internal(cause) = &self.0 {
            log::error!("{} {}: {cause}", req.method(), req.uri().path());
        }
        let title = status.reason().unwrap_or("Error");
        Page::new("error", title)
            .status(status)
            .with("detail", sentence(&self.0.to_string()))
            .respond_to(req)
    }
}
