//! Forgotten password: ask for a link, then set a new password with it.

use rocket::{get, http::Status, post, response::Redirect, FromForm, State};

use crate::{
    http::{ClientIp, CsrfForm, CsrfToken, Flash, FlashMessage, PageUser},
    services::{
        password_reset::{self, Outcome},
        ClientInfo,
    },
    state::AppState,
};

use super::page::{Page, PageOrRedirect, WebError};

#[derive(FromForm)]
pub struct ForgotForm {
    #[field(default = String::new())]
    email: String,
}

#[get("/forgot-password")]
pub fn forgot_form(user: Option<PageUser>, csrf: CsrfToken, flash: Option<FlashMessage>) -> Page {
    Page::new("forgot_password", "Forgot your password?")
        .user(user.as_ref())
        .csrf(&csrf)
        .flash(flash)
}

#[post("/forgot-password", data = "<form>")]
pub async fn forgot(
    app: &State<AppState>,
    client_ip: ClientIp,
    user: Option<PageUser>,
    form: CsrfForm<ForgotForm>,
) -> Result<Result<Flash<Redirect>, Page>, WebError> {
    match password_reset::request(app, &form.email, client_ip.0).await {
        // The address reaches the confirmation page in the flash: sealed, this browser only.
        Ok(()) => Ok(Ok(Flash::success(
            Redirect::to("/forgot-password/sent"),
            form.email.trim(),
        ))),
        Err(err) => Page::new("forgot_password", "Forgot your password?")
            .user(user.as_ref())
            .csrf(&form.csrf)
            .keep("email", &form.email)
            .rejected(err)
            .map(Err),
    }
}

/// "Check your inbox", repeating the address; without a fresh request, back to the form.
#[get("/forgot-password/sent")]
pub fn forgot_sent(
    app: &State<AppState>,
    user: Option<PageUser>,
    flash: Option<FlashMessage>,
) -> PageOrRedirect {
    let Some(flash) = flash else {
        return PageOrRedirect::Redirect(Redirect::to("/forgot-password"));
    };
    PageOrRedirect::Page(
        Page::new("forgot_sent", "Check your inbox")
            .user(user.as_ref())
            .keep("email", &flash.message)
            .with("minutes", app.settings.reset_token_ttl_secs / 60),
    )
}

#[get("/reset-password?<token>")]
pub async fn reset_form(
    app: &State<AppState>,
    token: Option<String>,
    user: Option<PageUser>,
    csrf: CsrfToken,
) -> Result<Page, WebError> {
    let token = token.unwrap_or_default();
    let Some(email) = password_reset::account_email(app, &token).await? else {
        return Ok(invalid_link(user.as_ref()));
    };
    Ok(Page::new("reset_password", "Set a new password")
        .user(user.as_ref())
        .csrf(&csrf)
        .keep("token", &token)
        .with("account_email", email))
}

#[derive(FromForm)]
pub struct ResetForm {
    #[field(default = String::new())]
    token: String,
    #[field(default = String::new())]
    new_password: String,
    #[field(default = String::new())]
    confirm_password: String,
}

#[post("/reset-password", data = "<form>")]
pub async fn reset(
    app: &State<AppState>,
    client: ClientInfo,
    user: Option<PageUser>,
    form: CsrfForm<ResetForm>,
) -> Result<Result<Flash<Redirect>, Page>, WebError> {
    let reset = password_reset::reset(
        app,
        &form.token,
        form.new_password.clone(),
        Some(&form.confirm_password),
        &client,
    );
    match reset.await {
        Ok(Outcome::Changed(email)) => Ok(Ok(Flash::success(
            Redirect::to(format!(
                "/login?email={}",
                rocket::http::RawStr::new(&email).percent_encode()
            )),
            "Your password has been changed. Log in with your new password.",
        ))),
        Ok(Outcome::LinkInvalid) => Ok(Err(invalid_link(user.as_ref()))),
        Err(err) => Page::new("reset_password", "Set a new password")
            .user(user.as_ref())
            .csrf(&form.csrf)
            .keep("token", &form.token)
            .rejected(err)
            .map(Err),
    }
}

fn invalid_link(user: Option<&PageUser>) -> Page {
    Page::new("reset_invalid", "Link invalid or expired")
        .user(user)
        .status(Status::BadRequest)
}
