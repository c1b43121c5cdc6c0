//! A real Gatehouse per test: the application as `main` builds it, on a private SQLite file or,
//! when `TEST_DATABASE_URL` is set, a private PostgreSQL schema, driven through Rocket's local
//! client (real routing, guards, fairings and database).
//!
//! - `app`: starting a [`TestApp`] (options, database, SMTP capture) and reading its database.
//! - `api`: JSON requests and the account steps tests keep taking (register, log in, refresh…).
//! - `pages`: HTML pages and form posts, with or without the page's CSRF token.
//! - `reply`: what a test inspects — [`Reply`] for the JSON API, [`PageReply`] for pages.
//! - `mail`: mail received over SMTP by a server inside the test.

mod api;
mod app;
mod mail;
mod pages;
mod reply;

pub use app::{
    base_figment, drop_schema, free_port, spawn, spawn_tracked, spawn_with, spawn_with_mail,
    spawn_with_settings, wait_for_port, Options, TestApp,
};
pub use mail::{receive_mail, start_mail_server, try_receive_mail, Mail};
pub use pages::form_encode;
pub use reply::{PageReply, Reply};

pub const PASSWORD: &str = "violet-harbor-71";
pub const SECRET: &str = "test-secret-0123456789abcdef0123456789abcdef";
