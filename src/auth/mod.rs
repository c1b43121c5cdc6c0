//! Authentication primitives: password hashing, JWTs, and the request guards built on them.

pub mod cookies;
pub mod guards;
pub mod password;
pub mod tokens;
