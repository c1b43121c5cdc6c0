//! Every cookie that carries a token, set in one place. The API's refresh cookie is
//! `refresh_token` (the origin design's name), `SameSite=Strict` and scoped to `/auth`, so it only
//! travels to the routes that use it. The browser session's two cookies are `SameSite=Lax` on `/`
//! and, when COOKIE_SECURE is on, carry the `__Host-` prefix: the browser then refuses them from
//! a sibling subdomain or over plain http, so nobody can plant a session. All are HttpOnly.

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
const PAGE_ACCESS: &str = "gh_access";
const PAGE_REFRESH: &str = "gh_refresh";
const PAGE_CSRF: &str = "gh_csrf";

/// The name a browser-page cookie goes by: `__Host-<name>` when cookies are Secure.
pub fn page_cookie_name(settings: &Settings, name: &str) -> String {
    page_cookie_name_for(settings.cookie_secure, name)
}

/// [`page_cookie_name`] when only the COOKIE_SECURE flag is at hand.
pub fn page_cookie_name_for(secure: bool, name: &str) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

pub fn csrf_cookie_name(settings: &Settings) -> String {
    page_cookie_name(settings, PAGE_CSRF)
}

/// A cookie with every attribute but its lifetime.
pub fn page_cookie(settings: &Settings, name: &str, value: String) -> Cookie<'static> {
    token_cookie(settings, PAGES, page_cookie_name(settings, name), value)
}

fn token_cookie(settings: &Settings, scope: Scope, name: String, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .secure(settings.cookie_secure)
        .same_site(scope.same_site)
        .path(scope.path)
        .build()
}

/// `max_age_secs: None` makes a session cookie, which ends when the browser closes.
fn set(
    jar: &CookieJar<'_>,
    settings: &Settings,
    scope: Scope,
    name: String,
    value: String,
    max_age_secs: Option<i64>,
) {
    let mut cookie = token_cookie(settings, scope, name, value);
    if let Some(secs) = max_age_secs {
        cookie.set_max_age(Duration::seconds(secs.max(0)));
    }
    jar.add(cookie);
}

/// Expires a cookie in the browser: `Max-Age=0` on the same path. Added rather than
/// `CookieJar::remove`d so that the header is sent even when this request carried no cookie.
fn clear(jar: &CookieJar<'_>, settings: &Settings, scope: Scope, name: String) {
    let mut cookie = token_cookie(settings, scope, name, String::new());
    cookie.set_max_age(Duration::ZERO);
    cookie.set_expires(OffsetDateTime::UNIX_EPOCH);
    jar.add(cookie);
}

fn get(jar: &CookieJar<'_>, name: &str) -> Option<String> {
    jar.get(name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

pub fn set_refresh(jar: &CookieJar<'_>, settings: &Settings, token: String, max_age_secs: i64) {
    let name = REFRESH_COOKIE.to_owned();
    set(jar, settings, API, name, token, Some(max_age_secs));
}

pub fn refresh_token(jar: &CookieJar<'_>) -> Option<String> {
    get(jar, REFRESH_COOKIE)
}

pub fn clear_refresh(jar: &CookieJar<'_>, settings: &Settings) {
    clear(jar, settings, API, REFRESH_COOKIE.to_owned());
}

/// The browser session: the same access and refresh tokens as the API. A persistent session
/// ("Keep me signed in") survives browser restarts; otherwise both are session cookies.
pub fn set_page_session(jar: &CookieJar<'_>, settings: &Settings, issued: &IssuedTokens) {
    let access = (PAGE_ACCESS, &issued.access_token, issued.expires_in);
    let refresh = (
        PAGE_REFRESH,
        &issued.refresh_token,
        issued.refresh_expires_in,
    );
    for (name, value, max_age) in [access, refresh] {
        let name = page_cookie_name(settings, name);
        let max_age = issued.persistent.then_some(max_age);
        set(jar, settings, PAGES, name, value.clone(), max_age);
    }
}

/// The browser session's (access, refresh) tokens.
pub fn page_tokens(jar: &CookieJar<'_>, settings: &Settings) -> (Option<String>, Option<String>) {
    (
        get(jar, &page_cookie_name(settings, PAGE_ACCESS)),
        get(jar, &page_cookie_name(settings, PAGE_REFRESH)),
    )
}

pub fn clear_page_session(jar: &CookieJar<'_>, settings: &Settings) {
    for name in [PAGE_ACCESS, PAGE_REFRESH] {
        clear(jar, settings, PAGES, page_cookie_name(settings, name));
    }
}
