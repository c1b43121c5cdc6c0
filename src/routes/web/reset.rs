//! Forgotten password: ask for a link, then set a new password with it.

use rocket::{
    form::Form,
    get,
    http::Status,
    post,
    request::FlashMessage,
    response::{Flash, Redirect},
    FromForm, State,
};

use crate::{
    auth::csrf::CsrfToken,
    domain::{Email, Password},
    error::Error,
    http::ClientIp,
    routes::api::auth::FORGOT_PASSWORD_MSG,
    services::password_reset,
    state::AppState,
};

use super::page::{FormState, Page, WebError};

#[derive(FromForm)]
pub struct ForgotForm {
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    csrf_token: String,
}

#[get("/forgot-password")]
pub fn forgot_form(csrf: CsrfToken, flash: Option<FlashMessage<'_>>) -> Page {
    Page::new("forgot_password", "Forgot your password?")
        .csrf(&csrf)
        .flash(flash)
}

#[post("/forgot-password", data = "<form>")]
pub async fn forgot(
    app: &State<AppState>,
    client_ip: ClientIp,
    csrf: CsrfToken,
    form: Form<ForgotForm>,
) -> Result<Result<Flash<Redirect>, Page>, WebError> {
    csrf.verify(&form.csrf_token)?;
    let mut state = FormState::default().keep("email", &form.email);
    let page = |state: &FormState, status| {
        Page::new("forgot_password", "Forgot your password?")
            .csrf(&csrf)
            .form(state)
            .status(status)
    };
    if state.check("email", Email::parse(&form.email)).is_none() {
        return Ok(Err(page(&state, Status::UnprocessableEntity)));
    }
    match password_reset::request(app, &form.email, client_ip.0).await {
        Ok(()) => Ok(Ok(Flash::success(
            Redirect::to("/forgot-password"),
            FORGOT_PASSWORD_MSG,
        ))),
        Err(Error::TooManyRequests { retry_after_secs }) => {
            let minutes = (retry_after_secs + 59) / 60;
            state.error(
                "email",
                format!("too many requests; try again in {minutes} minutes"),
            );
            Ok(Err(page(&state, Status::TooManyRequests)))
        }
        Err(err) => Err(err.into()),
    }
}

#[get("/reset-password?<token>")]
pub async fn reset_form(
    app: &State<AppState>,
    token: Option<String>,
    csrf: CsrfToken,
) -> Result<Page, WebError> {
    let token = token.unwrap_or_default();
    if !password_reset::is_valid(app, &token).await? {
        return Ok(invalid_link());
    }
    let state = FormState::default().keep("token", &token);
    Ok(Page::new("reset_password", "Set a new password")
        .csrf(&csrf)
        .form(&state))
}

#[derive(FromForm)]
pub struct ResetForm {
    #[field(default = String::new())]
    token: String,
    #[field(default = String::new())]
    new_password: String,
    #[field(default = String::new())]
    confirm_password: String,
    #[field(default = String::new())]
    csrf_token: String,
}

#[post("/reset-password", data = "<form>")]
pub async fn reset(
    app: &State<AppState>,
    csrf: CsrfToken,
    form: Form<ResetForm>,
) -> Result<Result<Flash<Redirect>, Page>, WebError> {
    csrf.verify(&form.csrf_token)?;
    let mut state = FormState::default().keep("token", &form.token);
    // The full policy (which needs the account's email) is applied by the service below.
    state.check(
        "new_password",
        Password::parse(form.new_password.clone(), ""),
    );
    if form.new_password != form.confirm_password {
        state.error("confirm_password", "the new passwords do not match");
    }
    let page = |state: &FormState, status| {
        Page::new("reset_password", "Set a new password")
            .csrf(&csrf)
            .form(state)
            .status(status)
    };
    if state.has_errors() {
        if !password_reset::is_valid(app, &form.token).await? {
            return Ok(Err(invalid_link()));
        }
        return Ok(Err(page(&state, Status::UnprocessableEntity)));
    }
    match password_reset::reset(app, &form.token, form.new_password.clone()).await {
        Ok(()) => Ok(Ok(Flash::success(
            Redirect::to("/login"),
            "Your password has been changed. Log in with your new password.",
        ))),
        Err(Error::BadRequest(_)) => Ok(Err(invalid_link())),
        Err(Error::Validation(message)) => {
            state.error("new_password", message);
            Ok(Err(page(&state, Status::UnprocessableEntity)))
        }
        Err(err) => Err(err.into()),
    }
}

fn invalid_link() -> Page {
    Page::new("reset_invalid", "Link invalid or expired").status(Status::BadRequest)
}
