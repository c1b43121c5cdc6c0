//! What a test inspects: [`Reply`] for the JSON API, [`PageReply`] for the HTML pages.

use rocket::{http::Status, local::asynchronous::LocalResponse};
use serde_json::Value;

fn headers_of(res: &LocalResponse<'_>) -> Vec<(String, String)> {
    res.headers()
        .iter()
        .map(|h| (h.name().to_string(), h.value().to_string()))
        .collect()
}

fn cookies_of(res: &LocalResponse<'_>) -> Vec<String> {
    res.headers().get("Set-Cookie").map(str::to_owned).collect()
}

/// The value of the first header named `name`, case-insensitively.
fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The whole `Set-Cookie` value of the cookie named `name`, attributes included.
fn find_cookie<'a>(cookies: &'a [String], name: &str) -> Option<&'a str> {
    cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(String::as_str)
}

/// A JSON API response; a body that is not JSON is kept as a JSON string.
pub struct Reply {
    pub status: Status,
    pub body: Value,
    pub headers: Vec<(String, String)>,
    pub cookies: Vec<String>,
}

impl Reply {
    pub async fn from(res: LocalResponse<'_>) -> Self {
        let status = res.status();
        let headers = headers_of(&res);
        let cookies = cookies_of(&res);
        let text = res.into_string().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Self {
            status,
            body,
            headers,
            cookies,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub fn detail(&self) -> &str {
        self.body["detail"].as_str().unwrap_or("<no detail>")
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        find_cookie(&self.cookies, name)
    }

    pub fn str(&self, field: &str) -> String {
        self.body[field]
            .as_str()
            .unwrap_or_else(|| panic!("no string field {field} in {}", self.body))
            .to_owned()
    }

    /// (access token, refresh token) of a login or refresh reply.
    pub fn tokens(&self) -> (String, String) {
        (self.str("access_token"), self.str("refresh_token"))
    }
}

/// An HTML page response, as a browser without JavaScript sees it.
pub struct PageReply {
    pub status: Status,
    pub location: Option<String>,
    pub cookies: Vec<String>,
    pub headers: Vec<(String, String)>,
    pub html: String,
}

impl PageReply {
    pub async fn from(res: LocalResponse<'_>) -> Self {
        let status = res.status();
        let location = res.headers().get_one("Location").map(str::to_owned);
        let cookies = cookies_of(&res);
        let headers = headers_of(&res);
        let html = res.into_string().await.unwrap_or_default();
        Self {
            status,
            location,
            cookies,
            headers,
            html,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        find_cookie(&self.cookies, name)
    }

    /// The value of the page's hidden `csrf_token` field.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.html.find(marker).expect("a CSRF field") + marker.len();
        self.html[start..]
            .split('"')
            .next()
            .expect("token")
            .to_owned()
    }
}
