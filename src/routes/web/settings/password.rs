//! Password: the current one, then the new one twice. A change logs out every other session.

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
    super::page::{Page, WebError},
    Section,
};

#[get("/account/password")]
pub fn show(user: PageUser, csrf: CsrfToken, flash: Option<FlashMessage>) -> Page {
    Section::Password.page(&user.0, &csrf).flash(flash)
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
pub async fn change(
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
        Ok(()) => Ok(Ok(Section::Password.done(
            "Your password has been changed. Your other sessions were logged out.",
        ))),
        Err(err) => Section::Password
            .page(auth, &form.csrf)
            .rejected(err)
            .map(Err),
    }
}
