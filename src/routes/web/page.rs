use rocket::{
    http::{ContentType, Header, Status},
    response::{self, Redirect, Responder},
    Request,
};
use rocket_dyn_templates::Template;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::{
    error::{Error, Field, FieldError},
    http::{
        error::{headers_of, log_cause, status_of},
        guards::signed_in_user,
        CsrfToken, FlashMessage, PageUser,
    },
    services::sessions::Authenticated,
    state::AppState,
};

/// A rendered page: a template, its status, and the context every page shares (the signed-in
/// user, the CSRF token, a flash message, form values and errors).
#[must_use]
pub struct Page {
    template: &'static str,
    status: Status,
    context: Map<String, Value>,
    headers: Vec<Header<'static>>,
    /// Form field names that differ from the service's field names on this page.
    aliases: Vec<(Field, &'static str)>,
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
            headers: Vec::new(),
            aliases: Vec::new(),
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

    pub fn user(self, user: Option<&PageUser>) -> Self {
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

    pub fn flash(self, flash: Option<FlashMessage>) -> Self {
        match flash {
            Some(flash) => self.with("flash", flash),
            None => self,
        }
    }

    /// Puts a submitted value back into the re-rendered form (never a password).
    pub fn keep(mut self, field: &str, value: &str) -> Self {
        if let Some(Value::Object(values)) = self.context.get_mut("values") {
            values.insert(field.to_owned(), json!(value.trim()));
        }
        self
    }

    /// On this page, errors of `field` belong to the input named `name` (one page, several forms).
    pub fn alias(mut self, field: Field, name: &'static str) -> Self {
        self.aliases.push((field, name));
        self
    }

    /// Marks each field with its first error, and lists them all in the summary.
    pub fn field_errors(self, errors: &[FieldError]) -> Self {
        let mut by_field = Map::new();
        let mut list = Vec::new();
        for error in errors {
            let name = self
                .aliases
                .iter()
                .find(|(field, _)| *field == error.field)
                .map_or(error.field.name(), |(_, name)| name);
            if by_field.contains_key(name) {
                continue;
            }
            let message = sentence(&error.message);
            by_field.insert(name.to_owned(), json!(message));
            list.push(json!({ "field": name, "message": message }));
        }
        self.with("errors", by_field).with("error_list", list)
    }

    /// The one way a form page answers a service's refusal: field errors beside their fields
    /// with the error's status, limits as a message on the form, anything else as an error page.
    pub fn rejected(mut self, err: Error) -> Result<Page, WebError> {
        let errors = err.field_errors();
        if !errors.is_empty() {
            return Ok(self.field_errors(&errors).status(status_of(&err)));
        }
        match err {
            Error::TooManyRequests { .. } | Error::Throttled { .. } => {
                self.headers = headers_of(&err);
                let alert = super::refusal::explain(&err).unwrap_or_default();
                Ok(self.with("alert", alert).status(Status::TooManyRequests))
            }
            other => Err(WebError(other)),
        }
    }
}

impl<'r> Responder<'r, 'static> for Page {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut context = self.context;
        if let Some(app) = req.rocket().state::<AppState>() {
            let brand = &app.settings.brand;
            let remember_days = app.settings.session_max_secs / 86_400;
            let idle_days = app.settings.refresh_token_ttl_secs / 86_400;
            context.insert(
                "brand".into(),
                json!({
                    "name": brand.name,
                    "logo": brand.logo.is_some(),
                    "accent": brand.accent.is_some(),
                }),
            );
            context.insert(
                "remember".into(),
                json!({
                    "max": crate::domain::words::counted(remember_days, "day"),
                    "idle": crate::domain::words::counted(idle_days, "day"),
                }),
            );
        }
        let mut res = (
            self.status,
            Template::render(self.template, Value::Object(context)),
        )
            .respond_to(req)?;
        // Templates registered from memory carry no file extension to infer the type from.
        res.set_header(ContentType::HTML);
        for header in self.headers {
            res.set_header(header);
        }
        Ok(res)
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

/// "email is required" → "Email is required."
pub fn sentence(message: &str) -> String {
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
        let err = self.0;
        log_cause(req, &err);
        let status = status_of(&err);
        let (title, detail) = match status.code {
            404 => (
                "Page not found",
                "We could not find the page you asked for. Check the address, or start again from \
                 the home page."
                    .to_owned(),
            ),
            _ => (
                status.reason().unwrap_or("Error"),
                sentence(&err.public_message()),
            ),
        };
        let mut page = Page::new("error", title)
            .status(status)
            .with("detail", detail)
            .with("csrf_refused", matches!(err, Error::CsrfRefused));
        if let Some(auth) = signed_in_user(req) {
            page = page.signed_in(&auth);
        }
        page.headers = headers_of(&err);
        page.respond_to(req)
    }
}
