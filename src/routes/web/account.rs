//! The account page and the logged-in password change.

use rocket::{get, post, response::Redirect, FromForm, State};

use crate::{
    http::{CsrfForm, CsrfToken, Flash, FlashMessage, PageUser},
    services::{
        accounts::{self, PasswordChange},
        ClientInfo,
    },
    state::AppState,
};

use super::{
    account_view::account_page,
    page::{Page, WebError},
};

#[get("/account")]
pub async fn account(
    app: &State<AppState>,
    user: PageUser,
    csrf: CsrfToken,
    flash: Option<FlashMessage>,
) -> Result<Page, WebError> {
    Ok(account_page(app, &user.0, &csrf).await?.flash(flash))
}

/// No live session: to the login form, and back here afterwards.
#[get("/account", rank = 2)]
pub fn account_login() -> Flash<Redirect> {
    Flash::warning(
        Redirect::to("/login?next=/account"),
        "Please log in to continue.",
    )
}

// The form's field names are the HTML contract (password managers read them).
#[allow(clippy::struct_field_names)]
#[derive(FromForm)]
pub struct ChangePasswordForm {
    #[field(default = String::new())]
    current_password: String,
    #[field(default = String::new())]
    new_password: String,
    #[field(default = String::new())]
    confirm_password: String,
}

#[post("/account/password", data = "<form>")]
pub async fn change_password(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    form: CsrfForm<ChangePasswordForm>,
) -> Result<Result<Flash<Redirect>, Page>, WebError> {
    let auth = &user.0;
    let change = PasswordChange {
        current: form.current_password.clone(),
        new: form.new_password.clone(),
        confirm: Some(form.confirm_password.clone()),
    };
    match accounts::change_password(app, &auth.user, &auth.session_id, change, &client).await {
        Ok(()) => Ok(Ok(Flash::success(
            Redirect::to("/account"),
            "Your password has been changed. Your other sessions were signed out.",
        ))),
        Err(err) => account_page(app, auth, &form.csrf)
            .await?
            .rejected(err)
            .map(Err),
    }
}

#[post("/account/password", rank = 2)]
pub fn change_password_login() -> Redirect {
    Redirect::to("/login?next=/account")
}
