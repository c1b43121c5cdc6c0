//! Parsed input types. Anything holding one of these has already been validated, so services
//! never re-check and routes never validate by hand; the lockout arithmetic; and how counts are
//! written for people. No Rocket or SeaORM in here.

mod email;
pub mod lockout;
pub mod password;
mod username;
pub mod words;

pub use email::Email;
pub use password::Password;
pub use username::Username;
