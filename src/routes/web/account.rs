//! The account page and the logged-in password change.

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
    auth::{csrf::CsrfToken, guards::PageUser},
    domain::Password,
    error::Error,
    services::accounts,
    state::AppState,
};

use super::page::{FormState, Page, WebError};

#[get("/account")]
pub fn account(user: PageUser, csrf: CsrfToken, flash: Option<FlashMessage<'_>>) -> Page {
    Page::new("account", "Your account")
        .signed_in(&user.0)
        .csrf(&csrf)
        .flash(flash)
}

/// No live session: to the login form, and back here afterwards.
#[get("/account", rank = 2)]
pub fn account_login() -> Redirect {
    Redirect::to("/login?next=/account")
}

#[derive(FromForm)]
pub struct ChangePasswordForm {
    #[field(default = String::new())]
    current_password: String,
    #[field(default = String::new())]
    new_password: String,
    #[field(default = String::new())]
    confirm_password: String,
    #[field(default = String::new())]
    csrf_token: String,
}

#[post("/account/password", data = "<form>")]
pub async fn change_password(
    app: &State<AppState>,
    user: PageUser,
    csrf: CsrfToken,
    form: Form<ChangePasswordForm>,
) -> Result<Result<Flash<Redirect>, Page>, WebError> {
    csrf.verify(&form.csrf_token)?;
    let auth = &user.0;
    let mut state = FormState::default();
    if form.current_password.is_empty() {
        state.error("current_password", "enter your current password");
    }
    state.check(
        "new_password",
        Password::parse(form.new_password.clone(), &auth.user.email_key),
    );
    if form.new_password != form.confirm_password {
        state.error("confirm_password", "the new passwords do not match");
    }
    let page = |state: &FormState, status| {
        Page::new("account", "Your account")
            .signed_in(auth)
            .csrf(&csrf)
            .form(state)
            .status(status)
    };
    if state.has_errors() {
        return Ok(Err(page(&state, Status::UnprocessableEntity)));
    }
    let changed = accounts::change_password(
        app,
        &auth.user,
        &auth.session_id,
        &form.current_password,
        form.new_password.clone(),
    )
    .await;
    match changed {
        Ok(()) => Ok(Ok(Flash::success(
            Redirect::to("/account"),
            "Your password has been changed. Your other sessions were signed out.",
        ))),
        Err(Error::BadRequest(message)) => {
            state.error("current_password", message);
            Ok(Err(page(&state, Status::BadRequest)))
        }
        Err(Error::Validation(message)) => {
            state.error("new_password", message);
            Ok(Err(page(&state, Status::UnprocessableEntity)))
        }
        Err(err) => Err(err.into()),
    }
}

#[post("/account/password", rank = 2)]
pub fn change_password_login() -> Redirect {
    Redirect::to("/login?next=/account")
}
