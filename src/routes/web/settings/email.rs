//! Email: the address, a change waiting for confirmation (with Cancel), and the form that asks
//! for a new one. Nothing changes until the new address confirms it.

use rocket::{get, post, response::Redirect, FromForm, State};

use crate::{
    error::Result,
    http::{ButtonForm, CsrfForm, CsrfToken, Flash, FlashMessage, PageUser},
    services::{email_change, sessions::Authenticated, ClientInfo},
    state::AppState,
};

use super::{
    super::page::{Page, WebError},
    time::when,
    Section,
};

pub(super) async fn view(app: &AppState, auth: &Authenticated, csrf: &CsrfToken) -> Result<Page> {
    let now = app.clock.now();
    let pending = email_change::pending(app, auth.user.id)
        .await?
        .map(|p| serde_json::json!({ "address": p.address, "sent": when(now, p.sent_at) }));
    Ok(Section::Email
        .page(auth, csrf)
        .with("email_verified", auth.user.email_verified_at.is_some())
        .with("pending", pending))
}

#[get("/account/email")]
pub async fn show(
    app: &State<AppState>,
    user: PageUser,
    csrf: CsrfToken,
    flash: Option<FlashMessage>,
) -> Result<Page, WebError> {
    Ok(view(app, &user.0, &csrf).await?.flash(flash))
}

#[derive(FromForm)]
pub struct ChangeEmailForm {
    #[field(default = String::new())]
    new_email: String,
    #[field(default = String::new())]
    current_password: String,
}

#[post("/account/email", data = "<form>")]
pub async fn change(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    form: CsrfForm<ChangeEmailForm>,
) -> Result<Result<Flash<Redirect>, Page>, WebError> {
    let auth = &user.0;
    let requested = email_change::request(
        app,
        &auth.user,
        &auth.session_id,
        &form.current_password,
        &form.new_email,
        &client,
    );
    match requested.await {
        Ok(()) => Ok(Ok(Section::Email.done(format!(
            "We sent a confirmation link to {}. Your address changes when you open it.",
            form.new_email.trim()
        )))),
        Err(err) => view(app, auth, &form.csrf)
            .await?
            .keep("new_email", &form.new_email)
            .rejected(err)
            .map(Err),
    }
}

#[post("/account/email/cancel", data = "<_form>")]
pub async fn cancel(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    _form: CsrfForm<ButtonForm>,
) -> Result<Flash<Redirect>, WebError> {
    let message = if email_change::cancel(app, &user.0.user, &client).await? {
        "The email change was cancelled; its link no longer works."
    } else {
        "There was no email change waiting."
    };
    Ok(Section::Email.done(message))
}
