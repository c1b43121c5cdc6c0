//! Every authentication decision: registration, log-in and its throttling, sessions, password
//! changes and resets, rate limits. Both faces call these and nothing else touches the database
//! for auth. No Rocket and no HTTP types in here: inputs are plain values, outputs are domain
//! values or a typed [`crate::error::Error`].

pub mod accounts;
pub mod audit;
mod client;
pub mod deletion;
pub mod email;
pub mod email_change;
pub mod housekeeping;
mod link_token;
pub mod login;
pub mod outbox_worker;
pub mod password_reset;
pub mod profile;
pub mod rate_limit;
pub mod session_list;
pub mod sessions;
pub mod throttle;

pub use client::ClientInfo;
