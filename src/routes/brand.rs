//! The deployment's logo and accent colour (BRAND_LOGO, BRAND_ACCENT), served from what was read
//! and checked at start: the pages' CSP allows only same-origin styles and images.

use std::borrow::Cow;

use rocket::{get, http::ContentType, Route, State};

use crate::{assets::Asset, state::AppState};

pub fn routes() -> Vec<Route> {
    rocket::routes![logo, accent]
}

#[get("/brand/logo")]
fn logo(app: &State<AppState>) -> Option<Asset> {
    let logo = app.settings.brand.logo.as_ref()?;
    Some(Asset::new(
        Cow::Owned(logo.bytes.clone()),
        ContentType::from_extension(logo.extension).unwrap_or(ContentType::Binary),
    ))
}

/// The accent overrides the stylesheet's default in the light scheme; the dark scheme keeps its
/// own light link colour, which any accent dark enough for white text would not be.
#[get("/brand.css")]
fn accent(app: &State<AppState>) -> Option<Asset> {
    let accent = app.settings.brand.accent.as_deref()?;
    let css = format!(
        ":root {{ --accent: {accent}; --button: {accent}; }}\n\
         @media (prefers-color-scheme: dark) {{ :root {{ --button: {accent}; }} }}\n"
    );
    Some(Asset::new(Cow::Owned(css.into_bytes()), ContentType::CSS))
}
