//! Links from mails that confirm an address. Opening the link only shows a button: mail scanners
//! fetch links before people do, so only the POST consumes the token.

use rocket::{get, post, response::Redirect, FromForm, State};

use crate::{
    http::{CsrfForm, CsrfToken, Flash, PageUser},
    services::{
        email::{self, Confirmed},
        ClientInfo,
    },
    state::AppState,
};

use super::page::{Page, WebError};

#[get("/verify-email?<token>")]
pub async fn verify_form(
    app: &State<AppState>,
    token: Option<String>,
    user: Option<PageUser>,
    csrf: CsrfToken,
) -> Result<Page, WebError> {
    let token = token.unwrap_or_default();
    let Some(link) = email::link_for(app, &token).await? else {
        return not_usable(app, &token, user.as_ref()).await;
    };
    Ok(Page::new("verify_email", "Confirm your email")
        .user(user.as_ref())
        .csrf(&csrf)
        .with("address", link.address)
        .with("change", link.change)
        .keep("token", &token))
}

#[derive(FromForm)]
pub struct VerifyForm {
    #[field(default = String::new())]
    token: String,
}

#[post("/verify-email", data = "<form>")]
pub async fn verify(
    app: &State<AppState>,
    client: ClientInfo,
    user: Option<PageUser>,
    form: CsrfForm<VerifyForm>,
) -> Result<Result<Flash<Redirect>, Page>, WebError> {
    let (message, section) = match email::confirm(app, &form.token, &client).await {
        Ok(Confirmed::Verified) => ("Thank you: your email address is verified.", "/account"),
        Ok(Confirmed::EmailChanged) => ("Your email address has been changed.", "/account/email"),
        Ok(Confirmed::LinkInvalid) => {
            return Ok(Err(not_usable(app, &form.token, user.as_ref()).await?))
        }
        Err(err) => {
            return Page::new("verify_email", "Confirm your email")
                .user(user.as_ref())
                .csrf(&form.csrf)
                .keep("token", &form.token)
                .rejected(err)
                .map(Err)
        }
    };
    let target = if user.is_some() { section } else { "/login" };
    Ok(Ok(Flash::success(Redirect::to(target), message)))
}

/// A link that cannot be used (again): "already confirmed" when its first use confirmed the
/// address the account still has, else invalid.
async fn not_usable(
    app: &AppState,
    token: &str,
    user: Option<&PageUser>,
) -> Result<Page, WebError> {
    if email::already_confirmed(app, token).await? {
        return Ok(Page::new("verify_invalid", "Email already confirmed")
            .user(user)
            .with("already_confirmed", true));
    }
    Ok(invalid_link(user))
}

fn invalid_link(user: Option<&PageUser>) -> Page {
    Page::new("verify_invalid", "Link invalid or expired")
        .user(user)
        .status(rocket::http::Status::BadRequest)
}
