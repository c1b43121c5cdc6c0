//! Parsed input types. Anything holding one of these has already been validated, so services
//! never re-check and routes never validate by hand; and the lockout arithmetic. No Rocket or
//! SeaORM in here.

mod email;
pub mod lockout;
pub mod password;
mod username;

pub use email::Email;
pub use password::Password;
pub use username::Username;
