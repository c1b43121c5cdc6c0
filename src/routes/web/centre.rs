//! The account page's actions: the username, resend the verification mail, end sessions, change
//! the address, delete the account. Each is a form with its CSRF token, and answers with a
//! redirect and a flash, or the account page with the form's errors.

use rocket::{http::CookieJar, post, response::Redirect, FromForm, State};

use crate::{
    error::Field,
    http::{cookies, ButtonForm, CsrfForm, Flash, PageUser},
    services::{
        deletion, email, email_change,
        profile::{self, Changed},
        session_list, ClientInfo,
    },
    state::AppState,
};

use super::{
    account_view::account_page,
    page::{Page, WebError},
};

type Answer = Result<Result<Flash<Redirect>, Page>, WebError>;

fn done(message: impl Into<String>) -> Flash<Redirect> {
    Flash::success(Redirect::to("/account"), message.into())
}

#[post("/account/resend-verification", data = "<form>")]
pub async fn resend_verification(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    form: CsrfForm<ButtonForm>,
) -> Answer {
    match email::resend(app, &user.0.user, &client).await {
        Ok(()) => Ok(Ok(done(format!(
            "We sent a new link to {}.",
            user.0.user.email
        )))),
        Err(err) => account_page(app, &user.0, &form.csrf)
            .await?
            .rejected(err)
            .map(Err),
    }
}

#[post("/account/sessions/<id>/end", data = "<_form>")]
pub async fn end_session(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    id: &str,
    _form: CsrfForm<ButtonForm>,
) -> Answer {
    session_list::end(app, user.0.user.id, id, &client).await?;
    Ok(Ok(done("That session was signed out.")))
}

#[post("/account/sessions/end-others", data = "<_form>")]
pub async fn end_other_sessions(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    _form: CsrfForm<ButtonForm>,
) -> Answer {
    let count = session_list::end_others(app, user.0.user.id, &user.0.session_id, &client).await?;
    let plural = if count == 1 { "" } else { "s" };
    Ok(Ok(done(format!(
        "Signed out {count} other session{plural}."
    ))))
}

#[derive(FromForm)]
pub struct ChangeEmailForm {
    #[field(default = String::new())]
    new_email: String,
    #[field(name = "email_password", default = String::new())]
    current_password: String,
}

#[post("/account/email", data = "<form>")]
pub async fn change_email(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    form: CsrfForm<ChangeEmailForm>,
) -> Answer {
    let requested = email_change::request(
        app,
        &user.0.user,
        &user.0.session_id,
        &form.current_password,
        &form.new_email,
        &client,
    );
    match requested.await {
        Ok(()) => Ok(Ok(done(format!(
            "We sent a confirmation link to {}. Your address changes when you open it.",
            form.new_email.trim()
        )))),
        Err(err) => account_page(app, &user.0, &form.csrf)
            .await?
            .keep("new_email", &form.new_email)
            .alias(Field::CurrentPassword, "email_password")
            .rejected(err)
            .map(Err),
    }
}

#[derive(FromForm)]
pub struct DeleteForm {
    #[field(name = "delete_password", default = String::new())]
    current_password: String,
}

#[post("/account/delete", data = "<form>")]
pub async fn delete_account(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    user: PageUser,
    client: ClientInfo,
    form: CsrfForm<DeleteForm>,
) -> Answer {
    match deletion::delete_account(
        app,
        &user.0.user,
        &user.0.session_id,
        &form.current_password,
        &client,
    )
    .await
    {
        Ok(()) => {
            cookies::clear_page_session(jar, &app.settings);
            Ok(Ok(Flash::success(
                Redirect::to("/"),
                "Your account has been deleted. We sent a last mail to confirm it.",
            )))
        }
        Err(err) => account_page(app, &user.0, &form.csrf)
            .await?
            .alias(Field::CurrentPassword, "delete_password")
            .rejected(err)
            .map(Err),
    }
}

#[derive(FromForm)]
pub struct UsernameForm {
    #[field(default = String::new())]
    new_username: String,
}

#[post("/account/username", data = "<form>")]
pub async fn change_username(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    form: CsrfForm<UsernameForm>,
) -> Answer {
    match profile::set_username(app, &user.0.user, &form.new_username, &client).await {
        Ok((Changed::Set, updated)) => Ok(Ok(done(format!(
            "Your username is now {}. You can log in with it.",
            updated.username.unwrap_or_default()
        )))),
        Ok((Changed::Removed, _)) => Ok(Ok(done("Your username was removed."))),
        Ok((Changed::Unchanged, _)) => Ok(Ok(done("Your username is unchanged."))),
        Err(err) => account_page(app, &user.0, &form.csrf)
            .await?
            .keep("new_username", &form.new_username)
            .alias(Field::Username, "new_username")
            .rejected(err)
            .map(Err),
    }
}
