//! Forgotten password: ask for a link, then set a new password with it.

use rocket::{
    get,
    http::Status,
    post,
    request::FlashMessage,
    response::{Flash, Redirect},
    FromForm, State,
};

use crate::{
    error::Error,
    http::{ClientIp, CsrfForm, CsrfToken, PageUser},
    services::{
        password_reset::{self, FORGOT_PASSWORD_MSG},
        ClientInfo,
    },
    state::AppState,
};

use super::page::{Page, WebError};

#[derive(FromForm)]
pub struct ForgotForm {
    #[field(default = String::new())]
    email: String,
}

#[get("/forgot-password")]
pub fn forgot_form(
    user: Option<PageUser>,
    csrf: CsrfToken,
    flash: Option<FlashMessage<'_>>,
) -> Page {
    Page::new("forgot_password", "Forgot your password?")
        .user(user.as_ref())
        .csrf(&csrf)
        .flash(flash)
}

#[post("/forgot-password", data = "<form>")]
pub async fn forgot(
    app: &State<AppState>,
    client_ip: ClientIp,
    form: CsrfForm<ForgotForm>,
) -> Result<Result<Flash<Redirect>, Page>, WebError> {
    match password_reset::request(app, &form.email, client_ip.0).await {
        Ok(()) => Ok(Ok(Flash::success(
            Redirect::to("/forgot-password"),
            FORGOT_PASSWORD_MSG,
        ))),
        Err(err) => Page::new("forgot_password", "Forgot your password?")
            .csrf(&form.csrf)
            .keep("email", &form.email)
            .rejected(err)
            .map(Err),
    }
}

#[get("/reset-password?<token>")]
pub async fn reset_form(
    app: &State<AppState>,
    token: Option<String>,
    user: Option<PageUser>,
    csrf: CsrfToken,
) -> Result<Page, WebError> {
    let token = token.unwrap_or_default();
    if !password_reset::is_valid(app, &token).await? {
        return Ok(invalid_link());
    }
    Ok(Page::new("reset_password", "Set a new password")
        .user(user.as_ref())
        .csrf(&csrf)
        .keep("token", &token))
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
        Ok(()) => Ok(Ok(Flash::success(
            Redirect::to("/login"),
            "Your password has been changed. Log in with your new password.",
        ))),
        Err(Error::BadRequest(_)) => Ok(Err(invalid_link())),
        Err(err) => Page::new("reset_password", "Set a new password")
            .csrf(&form.csrf)
            .keep("token", &form.token)
            .rejected(err)
            .map(Err),
    }
}

fn invalid_link() -> Page {
    Page::new("reset_invalid", "Link invalid or expired").status(Status::BadRequest)
}
