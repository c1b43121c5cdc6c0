//! All authentication logic. Routes of both faces call these and nothing else touches the
//! database for auth.

pub mod accounts;
pub mod password_reset;
pub mod rate_limit;
pub mod sessions;
