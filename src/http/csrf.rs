//! CSRF protection for HTML forms. Each browser gets a random id in a private (encrypted,
//! authenticated) cookie; the token in every form is an HMAC of that id under a key derived from
//! SECRET_KEY. A request from another site can neither read the token nor compute it. A forged
//! cookie fails Rocket's decryption, but a genuine one — the attacker's own, with the token they
//! got with it — would not: what keeps a sibling subdomain from planting it is the `__Host-`
//! prefix, so with COOKIE_SECURE=false (plain-http development) cookie tossing is not prevented.
//!
//! Handlers never check the token themselves: they take their form as [`CsrfForm<T>`], a data
//! guard that refuses (403) a form whose token is missing or wrong, so no handler can forget.

use std::convert::Infallible;

use rocket::{
    data::{self, FromData, Limits, ToByteUnit},
    form::{Form, FromForm},
    http::{RawStr, Status},
    outcome::Outcome,
    request::{self, FromRequest},
    Data, Request,
};

use crate::{
    auth::keys::{derive_key, random_id, same, sign_hex},
    error::Error,
    http::{cookies, error::stash},
    state::AppState,
};

/// The current browser's CSRF token, to put in forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(String);

impl CsrfToken {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn for_request(req: &Request<'_>) -> Option<Self> {
        let app = req.rocket().state::<AppState>()?;
        let token = req.local_cache(|| {
            let jar = req.cookies();
            let name = cookies::csrf_cookie_name(&app.settings);
            let id = if let Some(cookie) = jar.get_private(&name) {
                cookie.value().to_owned()
            } else {
                let id = random_id();
                jar.add_private(cookies::page_cookie(&app.settings, "gh_csrf", id.clone()));
                id
            };
            let key = derive_key(app.settings.secret_key.expose(), "csrf");
            CsrfToken(sign_hex(&key, id.as_bytes()))
        });
        Some(token.clone())
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Infallible> {
        match Self::for_request(req) {
            Some(token) => Outcome::Success(token),
            None => Outcome::Forward(Status::InternalServerError),
        }
    }
}

/// A form with nothing but its CSRF token (a log-out button, a "sign out" button).
#[derive(rocket::FromForm)]
pub struct ButtonForm {
    #[field(name = "csrf_token", default = String::new())]
    _token: String,
}

/// A form-encoded body of type `T` whose `csrf_token` field was checked. Every field of every
/// form is also checked for text no database can store (NUL), which is refused with a 422.
pub struct CsrfForm<T> {
    pub form: T,
    /// The token of this browser, for re-rendering the form.
    pub csrf: CsrfToken,
}

impl<T> std::ops::Deref for CsrfForm<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.form
    }
}

/// What a form refused for its CSRF token held, without its token and without any password, so
/// that the page can be shown again as it was filled in.
#[derive(Debug, Default)]
pub struct RefusedForm(pub Vec<(String, String)>);

impl RefusedForm {
    fn keep(name: &str) -> bool {
        name != "csrf_token" && !name.contains("password")
    }
}

fn fail<'r, T>(req: &Request<'_>, err: Error) -> data::Outcome<'r, T, Error> {
    Outcome::Error((stash(req, err.clone()), err))
}

#[rocket::async_trait]
impl<'r, T: for<'a> FromForm<'a> + Send + 'static> FromData<'r> for CsrfForm<T> {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let Some(csrf) = CsrfToken::for_request(req) else {
            return fail(req, Error::internal("application state missing"));
        };
        if !req.content_type().is_some_and(|ct| ct.is_form()) {
            return fail(req, Error::CsrfRefused);
        }
        let limit = req.limits().get("form").unwrap_or(Limits::FORM);
        let body = match data.open(limit.min(64.kibibytes())).into_string().await {
            Ok(body) if body.is_complete() => body.into_inner(),
            Ok(_) => return fail(req, Error::PayloadTooLarge),
            Err(_) => return fail(req, Error::BadRequest("Could not read the form")),
        };
        let mut submitted = None;
        let mut fields = Vec::new();
        for field in body.split('&') {
            let (name, value) = field.split_once('=').unwrap_or((field, ""));
            // Strict decoding: bytes that are not UTF-8 (a lone surrogate in CESU-8, say) are
            // refused as the API's JSON parser refuses them, not replaced and accepted.
            let (Ok(value), Ok(name_text)) = (
                RawStr::new(value).url_decode(),
                RawStr::new(name).url_decode(),
            ) else {
                return fail(
                    req,
                    Error::Malformed("The form contains text that is not valid UTF-8".into()),
                );
            };
            if value.contains('\0') || name_text.contains('\0') {
                return fail(
                    req,
                    Error::Malformed("The form contains characters that are not allowed".into()),
                );
            }
            if name == "csrf_token" {
                submitted = Some(value.into_owned());
            } else if RefusedForm::keep(&name_text) {
                fields.push((name_text.into_owned(), value.into_owned()));
            }
        }
        if !submitted.is_some_and(|token| same(&token, csrf.as_str())) {
            req.local_cache(|| RefusedForm(fields));
            return fail(req, Error::CsrfRefused);
        }
        match Form::<T>::parse_encoded(RawStr::new(&body)) {
            Ok(form) => Outcome::Success(Self { form, csrf }),
            Err(errors) => {
                log::debug!("form refused: {errors}");
                fail(req, Error::BadRequest("The form could not be read"))
            }
        }
    }
}
