//! Gatehouse: accounts for browsers and API clients on one Rocket server.
//!
//! Layout: `domain` (validated input types), `entities` (SeaORM schema), `services` (all auth
//! logic), `auth` (passwords, JWTs, request guards), `routes::api` and `routes::web` (thin HTTP
//! adapters), `http` (body parsing, headers, logging fairings), `config`, `error`, `app` (wiring).

pub mod app;
pub mod assets;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod entities;
pub mod error;
pub mod http;
pub mod logging;
pub mod mail;
pub mod routes;
pub mod services;
pub mod state;

pub use app::build;
