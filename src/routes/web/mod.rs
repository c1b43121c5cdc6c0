//! The browser face: server-rendered pages over the same services as the API.

use rocket::{get, Route};
use rocket_dyn_templates::{context, Template};

pub fn routes() -> Vec<Route> {
    rocket::routes![index]
}

#[get("/")]
pub fn index() -> Template {
    Template::render("index", context! {})
}
