//! One-shot messages carried across a redirect (POST → 303 → GET), in a private cookie: Rocket
//! encrypts and authenticates it with the key derived from SECRET_KEY, so a visitor can neither
//! read nor forge one, and a planted cookie is simply ignored. It is `__Host-gh_flash` when
//! cookies are Secure (see [`cookies::page_cookie_name`]). Rocket's own `Flash` is a plain cookie
//! that anyone can set, so it is not used.

use std::convert::Infallible;

use rocket::{
    http::{Cookie, CookieJar, SameSite},
    outcome::Outcome,
    request::{self, FromRequest},
    response::{self, Responder},
    Request,
};
use serde::Serialize;

use crate::{http::cookies, state::AppState};

const NAME: &str = "gh_flash";

/// What kind of message: the page styles it, a screen reader hears it as a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlashKind {
    Success,
    Warning,
}

impl FlashKind {
    fn tag(self) -> char {
        match self {
            Self::Success => 's',
            Self::Warning => 'w',
        }
    }

    fn from_tag(tag: char) -> Option<Self> {
        match tag {
            's' => Some(Self::Success),
            'w' => Some(Self::Warning),
            _ => None,
        }
    }
}

/// A response (usually a redirect) that leaves a message for the next page this browser opens.
pub struct Flash<R> {
    inner: R,
    kind: FlashKind,
    message: String,
}

impl<R> Flash<R> {
    pub fn success(inner: R, message: impl Into<String>) -> Self {
        Self {
            inner,
            kind: FlashKind::Success,
            message: message.into(),
        }
    }

    pub fn warning(inner: R, message: impl Into<String>) -> Self {
        Self {
            inner,
            kind: FlashKind::Warning,
            message: message.into(),
        }
    }
}

fn cookie_name(req: &Request<'_>) -> String {
    let secure = req
        .rocket()
        .state::<AppState>()
        .is_some_and(|app| app.settings.cookie_secure);
    cookies::page_cookie_name_for(secure, NAME)
}

fn base_cookie(req: &Request<'_>, value: String) -> Cookie<'static> {
    let secure = req
        .rocket()
        .state::<AppState>()
        .is_some_and(|app| app.settings.cookie_secure);
    Cookie::build((cookie_name(req), value))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .path("/")
        .build()
}

impl<'r, 'o: 'r, R: Responder<'r, 'o>> Responder<'r, 'o> for Flash<R> {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'o> {
        let value = format!("{}{}", self.kind.tag(), self.message);
        req.cookies().add_private(base_cookie(req, value));
        self.inner.respond_to(req)
    }
}

/// The message left by the previous response, read once: the guard removes the cookie.
#[derive(Debug, Clone, Serialize)]
pub struct FlashMessage {
    pub kind: FlashKind,
    pub message: String,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for FlashMessage {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Infallible> {
        match take(req, req.cookies()) {
            Some(flash) => Outcome::Success(flash),
            None => Outcome::Forward(rocket::http::Status::Ok),
        }
    }
}

fn take(req: &Request<'_>, jar: &CookieJar<'_>) -> Option<FlashMessage> {
    let name = cookie_name(req);
    // `get_private` is None for a cookie this server did not seal: a forged or stale one.
    let cookie = jar.get_private(&name);
    if jar.get(&name).is_some() {
        jar.remove_private(base_cookie(req, String::new()));
    }
    let value = cookie?.value().to_owned();
    let mut chars = value.chars();
    let kind = FlashKind::from_tag(chars.next()?)?;
    Some(FlashMessage {
        kind,
        message: chars.as_str().to_owned(),
    })
}
