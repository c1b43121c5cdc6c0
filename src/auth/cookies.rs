//! Every cookie that carries a token. The API's refresh cookie is `SameSite=Strict` and scoped to
//! `/auth`, so it only travels to the routes that use it; the browser session's two cookies are
//! `SameSite=Lax` on `/`. All are HttpOnly and `Secure` per COOKIE_SECURE, set in one place.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::time::{Duration, OffsetDateTime};

use crate::{config::Settings, services::sessions::IssuedTokens};

/// Where a token cookie travels.
#[derive(Clone, Copy)]
struct Scope {
    same_site: SameSite,
    path: &'static str,
}

const API: Scope = Scope {
    same_site: SameSite::Strict,
    path: "/auth",
};
/// `Lax` so that a link from a mail opens a logged-in page; every state-changing form is
/// protected by a CSRF token instead.
const PAGES: Scope = Scope {
    same_site: SameSite::Lax,
    path: "/",
};

pub const REFRESH_COOKIE: &str = "refresh_token";
pub const PAGE_ACCESS_COOKIE: &str = "gh_access";
pub const PAGE_REFRESH_COOKIE: &str = "gh_refresh";

fn set(
    jar: &CookieJar<'_>,
    settings: &Settings,
    scope: Scope,
    name: &'static str,
    value: String,
    max_age_secs: i64,
) {
    jar.add(
        Cookie::build((name, value))
            .http_only(true)
            .secure(settings.cookie_secure)
            .same_site(scope.same_site)
            .path(scope.path)
            .max_age(Duration::seconds(max_age_secs.max(0))),
    );
}

/// Expires a cookie in the browser: `Max-Age=0` on the same path. Added rather than
/// `CookieJar::remove`d so that the header is sent even when this request carried no cookie.
fn clear(jar: &CookieJar<'_>, settings: &Settings, scope: Scope, name: &'static str) {
    jar.add(
        Cookie::build((name, ""))
            .http_only(true)
            .secure(settings.cookie_secure)
            .same_site(scope.same_site)
            .path(scope.path)
            .max_age(Duration::ZERO)
            .expires(OffsetDateTime::UNIX_EPOCH),
    );
}

fn get(jar: &CookieJar<'_>, name: &str) -> Option<String> {
    jar.get(name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

pub fn set_refresh(jar: &CookieJar<'_>, settings: &Settings, token: String, max_age_secs: i64) {
    set(jar, settings, API, REFRESH_COOKIE, token, max_age_secs);
}

pub fn refresh_token(jar: &CookieJar<'_>) -> Option<String> {
    get(jar, REFRESH_COOKIE)
}

pub fn clear_refresh(jar: &CookieJar<'_>, settings: &Settings) {
    clear(jar, settings, API, REFRESH_COOKIE);
}

/// The browser session: the same access and refresh tokens as the API.
pub fn set_page_session(jar: &CookieJar<'_>, settings: &Settings, issued: &IssuedTokens) {
    let access = (
        PAGE_ACCESS_COOKIE,
        &issued.access_token,
        settings.access_token_ttl_secs,
    );
    let refresh = (
        PAGE_REFRESH_COOKIE,
        &issued.refresh_token,
        issued.refresh_expires_in,
    );
    for (name, value, max_age) in [access, refresh] {
        set(jar, settings, PAGES, name, value.clone(), max_age);
    }
}

/// The browser session's (access, refresh) tokens.
pub fn page_tokens(jar: &CookieJar<'_>) -> (Option<String>, Option<String>) {
    (get(jar, PAGE_ACCESS_COOKIE), get(jar, PAGE_REFRESH_COOKIE))
}

pub fn clear_page_session(jar: &CookieJar<'_>, settings: &Settings) {
    for name in [PAGE_ACCESS_COOKIE, PAGE_REFRESH_COOKIE] {
        clear(jar, settings, PAGES, name);
    }
}
