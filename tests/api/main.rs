//! Gatehouse's HTTP-level tests, one binary. Each test starts its own app (see `helpers`) on a
//! private database and drives it through Rocket's local client, unless noted otherwise.
//!
//! Modules:
//! - `attack`: the attacker's battery — markup payloads in every page, form, header and cookie.
//! - `helpers`: the test app (`TestApp`), its requests, replies, pages and captured mail.
//! - `register`: `POST /auth/register` — normalised emails, duplicates, validation, bodies.
//! - `login`: `POST /auth/login` — tokens, the refresh cookie, identifiers, the OAuth2 form.
//! - `sessions`: refresh-token rotation, reuse detection, the grace window, logout, cookies.
//! - `storage`: SQLite's single writer, query-only readers and session probe (and PostgreSQL's
//!   one pool) give the same answers; many sessions rotate at once; remembered access tokens.
//! - `tokens`: access-token claims; forged, confused, expired and orphaned tokens are 401.
//! - `passwords`: the logged-in password change and its errors.
//! - `reset`: password reset by email over real SMTP — flow, tokens, rate limits, delivery.
//! - `service`: health, OpenAPI and the docs, JSON errors, security headers, CORS.
//! - `openapi`: the OpenAPI document against the server — optional bodies, every status a route
//!   can answer, string limits, plain summaries — and the docs pages (viewport, nothing from
//!   another host).
//! - `config`: the configuration refuses unsafe release settings.
//! - `process`: the real binary — start-up refusal and logs free of secrets.
//! - `web`: the HTML pages as a browser without JavaScript — forms, cookies, CSRF.
//! - `browser`: one account life in headless Chromium over WebDriver.
//! - `centre`: the account centre's API — live sessions, ending them, security activity.
//! - `account`: the address and the account's end over real SMTP — verification, requiring it,
//!   email change, deletion, the account page's security section, the durable mail outbox.
//! - `hardening`: CORS and content types, unstorable text, atomic limits, client IPs, log-in
//!   throttling, the hashing queue, session lifetimes, database outages, cookie names.
//! - `instances`: three processes of the real binary on one database — shared sessions, limits,
//!   throttles and mail, concurrent refreshes across instances, a rolling restart under load.
//!
//! Running:
//! - SQLite (each test on its own temporary file): `cargo test`
//! - PostgreSQL (each test in its own schema, dropped afterwards):
//!   `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo test`
//! - The browser walk needs `chromium` and `chromium-driver` (Debian packages). Without them it
//!   skips itself with a message; `GATEHOUSE_BROWSER_TEST=required` makes it fail instead (as in
//!   CI). Its screenshots go to `<target>/tmp/browser/<database>/`.

mod helpers;

mod account;
mod attack;
mod browser;
mod centre;
mod config;
mod hardening;
mod instances;
mod login;
mod openapi;
mod passwords;
mod process;
mod register;
mod reset;
mod service;
mod sessions;
mod storage;
mod tokens;
mod web;
