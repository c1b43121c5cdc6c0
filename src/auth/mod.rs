//! Authentication primitives: password hashing, JWTs, and the request guards built on them.

pub mod cookies;
pub mod csrf;
pub mod guards;
pub mod password;
pub mod tokens;
