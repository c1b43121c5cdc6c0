//! Request guards: who is calling. Failures are stashed so the catcher answers with the precise
//! `{"detail": ...}` and `WWW-Authenticate: Bearer`.

use std::convert::Infallible;

use rocket::{
    outcome::Outcome,
    request::{self, FromRequest},
    Request,
};

use crate::{
    error::{stash, Error},
    services::sessions::{self, Authenticated},
    state::AppState,
};

/// The raw token of an `Authorization: Bearer` header, if any. Never fails.
#[derive(Debug, Clone)]
pub struct BearerToken(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for BearerToken {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Infallible> {
        Outcome::Success(Self(bearer(req).map(str::to_owned)))
    }
}

fn bearer<'a>(req: &'a Request<'_>) -> Option<&'a str> {
    let value = req.headers().get_one("Authorization")?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The signed-in user, from a bearer access token whose session is still live. Checked against
/// the database on every request, so logout and password changes take effect at once.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Authenticated);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = Error;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Error> {
        let result = req
            .local_cache_async(async {
                let app = req
                    .rocket()
                    .state::<AppState>()
                    .ok_or_else(|| Error::internal("application state missing"))?;
                let token = bearer(req).ok_or(Error::Unauthorized("Not authenticated"))?;
                sessions::authenticate(app, token).await
            })
            .await;
        match result {
            Ok(auth) => Outcome::Success(Self(auth.clone())),
            Err(err) => Outcome::Error((stash(req, err.clone()), err.clone())),
        }
    }
}
