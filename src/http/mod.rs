//! Everything Rocket-specific that both faces share: request guards (who is calling, from where,
//! from which site), the token cookies, the CSRF form guard, JSON bodies with readable errors,
//! CORS, security headers, the request log, and the error responder. Nothing below this layer
//! knows Rocket.

mod body;
pub mod cookies;
pub mod cors;
pub mod csrf;
mod deadline;
pub mod error;
mod fairings;
pub mod flash;
pub mod guards;
mod request;

pub use body::JsonBody;
pub use cors::Cors;
pub use csrf::{ButtonForm, CsrfForm, CsrfToken, RefusedForm};
pub use deadline::with_deadline;
pub use fairings::{RequestLog, SecurityHeaders};
pub use flash::{Flash, FlashMessage};
pub use guards::{BearerToken, CurrentUser, PageUser};
pub use request::{ClientIp, CrossSite};
