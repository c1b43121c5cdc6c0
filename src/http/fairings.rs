use std::time::Instant;

use rocket::{
    fairing::{Fairing, Info, Kind},
    http::Header,
    Data, Request, Response,
};

/// Headers every response carries. Pages get a script-free Content-Security-Policy; the API docs
/// get their own policy because Swagger UI and ReDoc run scripts and inline styles.
pub struct SecurityHeaders;

const PAGE_CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                        frame-ancestors 'none'; base-uri 'none'";
/// Same-origin only: Swagger UI and ReDoc are vendored, ReDoc loads no web fonts, and its one
/// image from another host (a logo) is never requested (see `routes::api::docs::redoc`).
const DOCS_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
                        style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
                        font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; \
                        frame-ancestors 'none'; base-uri 'none'";

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let path = req.uri().path();
        let docs = path == "/redoc" || path.starts_with("/docs");
        res.set_header(Header::new(
            "Content-Security-Policy",
            if docs { DOCS_CSP } else { PAGE_CSP },
        ));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        res.set_header(Header::new("X-Frame-Options", "DENY"));
        res.set_header(Header::new("Referrer-Policy", "no-referrer"));
        // Secure cookies mean the site is served over https: browsers then never try plain http
        // again, so nobody on the path can strip TLS from the next visit.
        let secure = req
            .rocket()
            .state::<crate::state::AppState>()
            .is_some_and(|app| app.settings.cookie_secure);
        if secure {
            res.set_header(Header::new(
                "Strict-Transport-Security",
                "max-age=31536000; includeSubDomains",
            ));
        }
        // Everything but static assets and the docs is personal or token-bearing.
        if !path.starts_with("/static/") && !docs && !res.headers().contains("Cache-Control") {
            res.set_header(Header::new("Cache-Control", "no-store"));
        }
    }
}

/// One structured line per request: method, path (never the query: it may hold a reset token),
/// status and duration.
pub struct RequestLog;

struct Started(Instant);

#[rocket::async_trait]
impl Fairing for RequestLog {
    fn info(&self) -> Info {
        Info {
            name: "request log",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        req.local_cache(|| Started(Instant::now()));
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let started = req.local_cache(|| Started(Instant::now()));
        log::info!(
            target: "gatehouse::request",
            "method={} path={} status={} ms={:.1} ip={}",
            req.method(),
            req.uri().path(),
            res.status().code,
            started.0.elapsed().as_secs_f64() * 1000.0,
            super::request::client_ip(req).map_or_else(|| "-".to_owned(), |ip| ip.to_string()),
        );
    }
}
