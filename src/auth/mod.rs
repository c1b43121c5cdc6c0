//! Authentication primitives with no web framework in them: password hashing off the async
//! executor, JWTs, key derivation and random tokens. `services` builds every decision on these.

pub mod keys;
pub mod password;
pub mod seal;
pub mod tokens;
