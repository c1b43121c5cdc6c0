//! CSRF protection for HTML forms. Each browser gets a random id in a private (encrypted,
//! authenticated) cookie; the token in every form is an HMAC of that id under a key derived from
//! SECRET_KEY. A request from another site can neither read the token nor compute it, and a
//! cookie planted by a sibling subdomain fails Rocket's decryption.

use std::convert::Infallible;

use hmac::{Hmac, Mac};
use rocket::{
    http::{Cookie, SameSite},
    outcome::Outcome,
    request::{self, FromRequest},
    Request,
};
use sha2::Sha256;

use crate::{
    auth::tokens::random_id,
    error::{Error, Result},
    state::AppState,
};

const COOKIE: &str = "gh_csrf";

/// The current browser's CSRF token: put it in forms, check submitted ones with [`verify`].
///
/// [`verify`]: CsrfToken::verify
#[derive(Debug, Clone)]
pub struct CsrfToken(String);

impl CsrfToken {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Constant-time comparison of a submitted token.
    pub fn verify(&self, submitted: &str) -> Result<()> {
        let expected = self.0.as_bytes();
        let submitted = submitted.as_bytes();
        let same_len = expected.len() == submitted.len();
        let diff = expected
            .iter()
            .zip(submitted.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if same_len && diff == 0 {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "The form has expired or was not sent by this site; reload the page and try again",
            ))
        }
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Infallible> {
        let Some(app) = req.rocket().state::<AppState>() else {
            return Outcome::Forward(rocket::http::Status::InternalServerError);
        };
        let token = req.local_cache(|| {
            let jar = req.cookies();
            let id = match jar.get_private(COOKIE) {
                Some(cookie) => cookie.value().to_owned(),
                None => {
                    let id = random_id();
                    let secure = app.settings.cookie_secure;
                    jar.add_private(
                        Cookie::build((COOKIE, id.clone()))
                            .http_only(true)
                            .secure(secure)
                            .same_site(SameSite::Lax)
                            .path("/"),
                    );
                    id
                }
            };
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&app.settings.derive_key("csrf"))
                .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
            mac.update(id.as_bytes());
            CsrfToken(hex::encode(mac.finalize().into_bytes()))
        });
        Outcome::Success(token.clone())
    }
}
