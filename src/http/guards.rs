//! Request guards: who is calling. Failures are stashed so the catcher answers with the precise
//! `{"detail": ...}` and `WWW-Authenticate: Bearer`.

use std::convert::Infallible;

use rocket::{
    outcome::Outcome,
    request::{self, FromRequest},
    Request,
};

use crate::{
    error::Error,
    http::{cookies, error::stash},
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
        // Not memoised per request like `PageUser`: each API route asks once, and the answer
        // is then moved out rather than cloned.
        let result = match req.rocket().state::<AppState>() {
            Some(app) => match bearer(req) {
                Some(token) => sessions::authenticate(app, token).await,
                None => Err(Error::Unauthorized("Not authenticated")),
            },
            None => Err(Error::internal("application state missing")),
        };
        match result {
            Ok(auth) => Outcome::Success(Self(auth)),
            Err(err) => Outcome::Error((stash(req, err.clone()), err)),
        }
    }
}

/// The signed-in user of a page, from the session cookies. An expired access token is replaced
/// transparently when the refresh token is valid — through the same rotation, reuse detection
/// and race grace as `POST /auth/refresh`. Forwards (401) when there is no live session, so the
/// page can redirect to the login form. Only a definitive answer about the tokens clears the
/// cookies: when the database cannot be asked, the page fails with 503 and the session survives.
#[derive(Debug, Clone)]
pub struct PageUser(pub Authenticated);

/// `Err(None)`: no live session. `Err(Some(_))`: it could not be checked.
type Found = Result<Authenticated, Option<Error>>;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PageUser {
    type Error = Error;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Error> {
        match req.local_cache_async(page_user(req)).await {
            Ok(auth) => Outcome::Success(Self(auth.clone())),
            Err(None) => Outcome::Forward(rocket::http::Status::Unauthorized),
            Err(Some(err)) => Outcome::Error((stash(req, err.clone()), err.clone())),
        }
    }
}

/// The page user if a guard already found one for this request (error pages show the real
/// header without checking the session again).
pub fn signed_in_user(req: &Request<'_>) -> Option<Authenticated> {
    req.local_cache(|| -> Found { Err(None) })
        .as_ref()
        .ok()
        .cloned()
}

async fn page_user(req: &Request<'_>) -> Found {
    let app = req
        .rocket()
        .state::<AppState>()
        .ok_or_else(|| Some(Error::internal("application state missing")))?;
    let jar = req.cookies();
    let (access, refresh) = cookies::page_tokens(jar, &app.settings);
    if access.is_none() && refresh.is_none() {
        return Err(None);
    }
    if let Some(access) = access {
        match sessions::authenticate(app, &access).await {
            Ok(auth) => return Ok(auth),
            Err(Error::Unauthorized(_)) => {}
            Err(err) => return Err(Some(err)),
        }
    }
    let renewed = match refresh {
        Some(refresh) => sessions::refresh(app, &refresh, &super::request::client_info(req)).await,
        None => Err(Error::Unauthorized("Session has ended")),
    };
    match renewed {
        Ok(issued) => {
            cookies::set_page_session(jar, &app.settings, &issued);
            sessions::authenticate(app, &issued.access_token)
                .await
                .map_err(Some)
        }
        Err(Error::Unauthorized(_)) => {
            cookies::clear_page_session(jar, &app.settings);
            Err(None)
        }
        Err(err) => Err(Some(err)),
    }
}
