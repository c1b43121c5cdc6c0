//! HTTP-level tests of the JSON API. Run on SQLite by default and on PostgreSQL when
//! `TEST_DATABASE_URL` is set (each test in its own schema).

mod helpers;

mod browser;
mod config;
mod login;
mod passwords;
mod process;
mod register;
mod reset;
mod service;
mod sessions;
mod tokens;
mod web;
