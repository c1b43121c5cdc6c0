//! CORS for the JSON API. Only adds headers, and only for the origins in ALLOWED_ORIGINS on API
//! paths; it never refuses a request. (A CORS layer that judges every request carrying `Origin`
//! breaks the site's own form posts, which browsers label with `Origin` too.) Cross-site
//! protection of cookie-authenticated routes is `CrossSite`'s and the CSRF guard's job.

use rocket::{
    fairing::{Fairing, Info, Kind},
    http::{Header, Method, Status},
    options, Request, Response, Route,
};

use crate::state::AppState;

/// Paths that belong to the JSON API, which other origins may call.
pub const API_PREFIXES: [&str; 4] = ["/auth", "/users", "/health", "/openapi.json"];

pub fn is_api_path(path: &str) -> bool {
    API_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

pub struct Cors;

impl Cors {
    /// Answers preflight requests; the fairing adds the headers.
    pub fn routes() -> Vec<Route> {
        rocket::routes![preflight]
    }
}

#[options("/<path..>")]
fn preflight(path: std::path::PathBuf) -> Status {
    if is_api_path(&format!("/{}", path.display())) {
        Status::NoContent
    } else {
        Status::NotFound
    }
}

fn listed_origin<'r>(req: &'r Request<'_>) -> Option<&'r str> {
    let origin = req.headers().get_one("Origin")?;
    let app = req.rocket().state::<AppState>()?;
    app.settings
        .allowed_origins
        .iter()
        .any(|o| o.eq_ignore_ascii_case(origin.trim_end_matches('/')))
        .then_some(origin)
}

#[rocket::async_trait]
impl Fairing for Cors {
    fn info(&self) -> Info {
        Info {
            name: "CORS for listed origins",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        if !is_api_path(req.uri().path().as_str()) {
            return;
        }
        // Responses differ by Origin, so shared caches must key on it.
        res.adjoin_header(Header::new("Vary", "Origin"));
        let Some(origin) = listed_origin(req) else {
            return;
        };
        res.set_header(Header::new(
            "Access-Control-Allow-Origin",
            origin.to_owned(),
        ));
        res.set_header(Header::new("Access-Control-Allow-Credentials", "true"));
        if req.method() == Method::Options {
            res.set_header(Header::new(
                "Access-Control-Allow-Methods",
                "GET, POST, PATCH, DELETE",
            ));
            res.set_header(Header::new(
                "Access-Control-Allow-Headers",
                "Authorization, Content-Type",
            ));
            res.set_header(Header::new("Access-Control-Max-Age", "600"));
        }
    }
}
