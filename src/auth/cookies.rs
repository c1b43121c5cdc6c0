//! The refresh-token cookie of the JSON API: HttpOnly, SameSite=Strict, scoped to `/auth` so it
//! only travels to the routes that use it.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::time::Duration;

use crate::{config::Settings, services::sessions::IssuedTokens};

pub const REFRESH_COOKIE: &str = "refresh_token";
const REFRESH_PATH: &str = "/auth";

pub fn set_refresh(jar: &CookieJar<'_>, settings: &Settings, token: String, max_age_secs: i64) {
    jar.add(
        Cookie::build((REFRESH_COOKIE, token))
            .http_only(true)
            .secure(settings.cookie_secure)
            .same_site(SameSite::Strict)
            .path(REFRESH_PATH)
            .max_age(Duration::seconds(max_age_secs.max(0))),
    );
}

pub fn refresh_token(jar: &CookieJar<'_>) -> Option<String> {
    jar.get(REFRESH_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// Expires the cookie in the browser: `Max-Age=0` on the same path. Added rather than
/// `CookieJar::remove`d so that the header is sent even when this request carried no cookie.
pub fn clear_refresh(jar: &CookieJar<'_>, settings: &Settings) {
    jar.add(
        Cookie::build((REFRESH_COOKIE, ""))
            .http_only(true)
            .secure(settings.cookie_secure)
            .same_site(SameSite::Strict)
            .path(REFRESH_PATH)
            .max_age(Duration::ZERO)
            .expires(rocket::time::OffsetDateTime::UNIX_EPOCH),
    );
}

/// The browser session: the same access and refresh tokens as the API, each in an HttpOnly
/// cookie on `/`. `SameSite=Lax` so that a link from a mail opens a logged-in page; every
/// state-changing form is protected by a CSRF token instead.
pub const PAGE_ACCESS_COOKIE: &str = "gh_access";
pub const PAGE_REFRESH_COOKIE: &str = "gh_refresh";

pub fn set_page_session(jar: &CookieJar<'_>, settings: &Settings, issued: &IssuedTokens) {
    for (name, value, max_age) in [
        (
            PAGE_ACCESS_COOKIE,
            &issued.access_token,
            settings.access_token_ttl_secs,
        ),
        (
            PAGE_REFRESH_COOKIE,
            &issued.refresh_token,
            issued.refresh_expires_in,
        ),
    ] {
        jar.add(
            Cookie::build((name, value.clone()))
                .http_only(true)
                .secure(settings.cookie_secure)
                .same_site(SameSite::Lax)
                .path("/")
                .max_age(Duration::seconds(max_age.max(0))),
        );
    }
}

pub fn page_tokens(jar: &CookieJar<'_>) -> (Option<String>, Option<String>) {
    let get = |name| {
        jar.get(name)
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty())
    };
    (get(PAGE_ACCESS_COOKIE), get(PAGE_REFRESH_COOKIE))
}

pub fn clear_page_session(jar: &CookieJar<'_>, settings: &Settings) {
    for name in [PAGE_ACCESS_COOKIE, PAGE_REFRESH_COOKIE] {
        jar.add(
            Cookie::build((name, ""))
                .http_only(true)
                .secure(settings.cookie_secure)
                .same_site(SameSite::Lax)
                .path("/")
                .max_age(Duration::ZERO)
                .expires(rocket::time::OffsetDateTime::UNIX_EPOCH),
        );
    }
}
