//! The auth logic, shared by the JSON API and the HTML pages. Routes parse and render; every
//! decision about accounts and sessions is made here.

pub mod accounts;
pub mod sessions;
