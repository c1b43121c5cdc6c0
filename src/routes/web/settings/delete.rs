//! Delete account: the danger zone. It asks for the password and for the account's address
//! typed again, then logs out and says goodbye.

use rocket::{get, http::CookieJar, post, response::Redirect, FromForm, State};

use crate::{
    http::{cookies, CsrfForm, CsrfToken, Flash, FlashMessage, PageUser},
    services::{deletion, ClientInfo},
    state::AppState,
};

use super::{
    super::page::{Page, WebError},
    Section,
};

#[get("/account/delete")]
pub fn show(user: PageUser, csrf: CsrfToken, flash: Option<FlashMessage>) -> Page {
    Section::Delete.page(&user.0, &csrf).flash(flash)
}

#[derive(FromForm)]
pub struct DeleteForm {
    #[field(default = String::new())]
    confirm_email: String,
    #[field(default = String::new())]
    current_password: String,
}

#[post("/account/delete", data = "<form>")]
pub async fn delete(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    user: PageUser,
    client: ClientInfo,
    form: CsrfForm<DeleteForm>,
) -> Result<Result<Flash<Redirect>, Page>, WebError> {
    let auth = &user.0;
    let confirm = deletion::Confirm {
        password: &form.current_password,
        typed_email: Some(&form.confirm_email),
    };
    match deletion::delete_account(app, &auth.user, &auth.session_id, confirm, &client).await {
        Ok(()) => {
            cookies::clear_page_session(jar, &app.settings);
            Ok(Ok(Flash::success(
                Redirect::to("/"),
                "Your account has been deleted. We sent a last mail to confirm it.",
            )))
        }
        Err(err) => Section::Delete
            .page(auth, &form.csrf)
            .keep("confirm_email", &form.confirm_email)
            .rejected(err)
            .map(Err),
    }
}
