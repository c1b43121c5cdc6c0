//! HTTP adapters. `api` speaks JSON, `web` renders pages; both only translate between HTTP and
//! `services`.

pub mod api;
pub mod web;
