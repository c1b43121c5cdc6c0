//! HTTP plumbing shared by both faces: body parsing with readable errors, response headers, the
//! request log, and facts about the request (client IP, cross-site).

mod body;
mod fairings;
mod request;

pub use body::JsonBody;
pub use fairings::{RequestLog, SecurityHeaders};
pub use request::{ClientIp, CrossSite};
