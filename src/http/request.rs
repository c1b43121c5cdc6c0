use std::{convert::Infallible, net::IpAddr};

use rocket::{
    outcome::Outcome,
    request::{self, FromRequest},
    Request,
};

use crate::{services::ClientInfo, state::AppState};

/// The client's address: from TRUSTED_PROXY_HEADER when one is configured, else the TCP peer.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

/// The address per-IP limits count. With a trusted proxy header, the right-most entry of its
/// last line: a list such as `X-Forwarded-For` is appended to by each hop, so only the entry our
/// proxy added is its word, and everything left of it is whatever the client chose to send. A
/// request without the header (or with an entry that is no address) reached us without the
/// proxy's word: its TCP peer counts. Rocket's own `ip_header` is off (see `app.rs`), since it
/// would take a client-chosen value.
pub fn client_ip(req: &Request<'_>) -> Option<IpAddr> {
    let header = req
        .rocket()
        .state::<AppState>()
        .and_then(|app| app.settings.trusted_proxy_header.as_deref());
    let from_proxy = header.and_then(|name| {
        let last_line = req.headers().get(name).last()?;
        let entry = last_line.rsplit(',').next()?.trim();
        entry.parse::<IpAddr>().ok()
    });
    from_proxy.or_else(|| req.remote().map(|peer| peer.ip()))
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientIp {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Infallible> {
        Outcome::Success(Self(client_ip(req)))
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientInfo {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Infallible> {
        Outcome::Success(client_info(req))
    }
}

pub fn client_info(req: &Request<'_>) -> ClientInfo {
    ClientInfo {
        ip: client_ip(req),
        user_agent: req.headers().get_one("User-Agent").map(str::to_owned),
    }
}

/// Whether a request was sent by a page of another site. Cookie-authenticated state changes
/// refuse such requests: `SameSite` alone does not cover every browser or sibling subdomains.
#[derive(Debug, Clone, Copy)]
pub struct CrossSite(pub bool);

impl CrossSite {
    pub fn refuse(self) -> crate::error::Result<()> {
        if self.0 {
            return Err(crate::error::Error::Forbidden("Cross-site request refused"));
        }
        Ok(())
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CrossSite {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Infallible> {
        Outcome::Success(Self(is_cross_site(req)))
    }
}

fn is_cross_site(req: &Request<'_>) -> bool {
    let headers = req.headers();
    if headers.get_one("Sec-Fetch-Site") == Some("cross-site") {
        return true;
    }
    let Some(origin) = headers.get_one("Origin") else {
        // Non-browser clients and old browsers send no Origin; SameSite covers the latter.
        return false;
    };
    let origin = origin.trim_end_matches('/');
    let host = headers.get_one("Host").unwrap_or("");
    let same_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .is_some_and(|authority| !host.is_empty() && authority.eq_ignore_ascii_case(host));
    let listed = req.rocket().state::<AppState>().is_some_and(|app| {
        app.settings.public_url.eq_ignore_ascii_case(origin)
            || app
                .settings
                .allowed_origins
                .iter()
                .any(|o| o.eq_ignore_ascii_case(origin))
    });
    !(same_host || listed)
}
