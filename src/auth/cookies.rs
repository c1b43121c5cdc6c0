//! The refresh-token cookie of the JSON API: HttpOnly, SameSite=Strict, scoped to `/auth` so it
//! only travels to the routes that use it.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::time::Duration;

use crate::config::Settings;

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
