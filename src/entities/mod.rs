//! SeaORM entities: the schema as Rust types. They never cross the HTTP boundary (no Serialize,
//! no FromForm); routes map them to DTOs.

pub mod audit_event;
pub mod email_token;
pub mod login_throttle;
pub mod outbox;
pub mod password_reset;
pub mod rate_limit_bucket;
pub mod rate_limit_hit;
pub mod session;
pub mod user;
