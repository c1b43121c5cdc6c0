//! Profile: the address and whether it is confirmed (with a new link if not), the username,
//! and when the account was made.

use rocket::{get, post, response::Redirect, FromForm, State};

use crate::{
    error::Result,
    http::{ButtonForm, CsrfForm, CsrfToken, Flash, FlashMessage, PageUser},
    services::{
        email,
        profile::{self, Changed},
        sessions::Authenticated,
        ClientInfo,
    },
    state::AppState,
};

use super::{
    super::page::{Page, WebError},
    Section,
};

type Answer = Result<Result<Flash<Redirect>, Page>, WebError>;

pub(super) fn view(auth: &Authenticated, csrf: &CsrfToken) -> Page {
    Section::Profile
        .page(auth, csrf)
        .with("email_verified", auth.user.email_verified_at.is_some())
        .keep(
            "username",
            auth.user.username.as_deref().unwrap_or_default(),
        )
}

#[get("/account")]
pub fn show(user: PageUser, csrf: CsrfToken, flash: Option<FlashMessage>) -> Page {
    view(&user.0, &csrf).flash(flash)
}

#[derive(FromForm)]
pub struct UsernameForm {
    #[field(default = String::new())]
    username: String,
}

#[post("/account", data = "<form>")]
pub async fn change_username(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    form: CsrfForm<UsernameForm>,
) -> Answer {
    let done = |message: String| Ok(Ok(Section::Profile.done(message)));
    match profile::set_username(app, &user.0.user, &form.username, &client).await {
        Ok((Changed::Set, updated)) => done(format!(
            "Your username is now {}. You can log in with it.",
            updated.username.unwrap_or_default()
        )),
        Ok((Changed::Removed, _)) => done("Your username was removed.".into()),
        Ok((Changed::Unchanged, _)) => done("Your username is unchanged.".into()),
        Err(err) => view(&user.0, &form.csrf)
            .keep("username", &form.username)
            .rejected(err)
            .map(Err),
    }
}

#[post("/account/resend-verification", data = "<form>")]
pub async fn resend_verification(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    form: CsrfForm<ButtonForm>,
) -> Answer {
    match email::resend(app, &user.0.user, &client).await {
        Ok(()) => Ok(Ok(
            Section::Profile.done(format!("We sent a new link to {}.", user.0.user.email))
        )),
        Err(err) => view(&user.0, &form.csrf).rejected(err).map(Err),
    }
}
