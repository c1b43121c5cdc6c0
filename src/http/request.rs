use std::{convert::Infallible, net::IpAddr};

use rocket::{
    outcome::Outcome,
    request::{self, FromRequest},
    Request,
};

use crate::{services::ClientInfo, state::AppState};

/// The client's address: from TRUSTED_PROXY_HEADER when one is configured (Rocket's
/// `ip_header`, set from it at start-up), else the TCP peer.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientIp {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> request::Outcome<Self, Infallible> {
        Outcome::Success(Self(req.client_ip()))
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
        ip: req.client_ip(),
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
