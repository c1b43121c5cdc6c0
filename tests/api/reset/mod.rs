//! Password reset by email, received over real SMTP by a server started inside the test.
//!
//! - `flow`: the whole flow, the identical answer for unknown addresses, the link's host.
//! - `tokens`: a reset token's life — expiry, superseding, reuse, voiding.
//! - `limits`: rate limits per address and per client, and input validation.
//! - `delivery`: a dead or late SMTP server.

mod delivery;
mod flow;
mod limits;
mod tokens;

const NEW_PASSWORD: &str = "copper-kettle-5150";
const ACCEPTED: &str = "If an account exists for that email, a reset link has been sent.";
