//! A form refused for its CSRF token (a page left open past its token, cookies blocked, a
//! restart with a new SECRET_KEY) comes back as the form it was: what was typed (never a
//! password), a fresh token, and what to do about cookies. Not a dead end titled "Forbidden".

use rocket::{http::Status, Request};

use crate::{
    http::{guards::signed_in_user, CsrfToken, PageUser, RefusedForm},
    state::AppState,
};

use super::{page::Page, settings};

const COOKIES: &str = "Your form was not sent because this page had expired or your browser did \
                       not send this site's cookies. Check what you entered and send it again; \
                       if this keeps happening, allow cookies for this site.";

/// The page to show again for a refused form posted to this request's path, if it is a form
/// this site renders.
pub async fn refused_form(req: &Request<'_>) -> Option<Page> {
    let app = req.rocket().state::<AppState>()?;
    let csrf = req.guard::<CsrfToken>().await.succeeded()?;
    let user = req.guard::<Option<PageUser>>().await.succeeded().flatten();
    let path = req.uri().path().as_str().to_owned();
    let page = match path.as_str() {
        "/login" | "/verify-email/resend" => Page::new("login", "Log in"),
        "/register" => Page::new("register", "Create account"),
        "/forgot-password" => Page::new("forgot_password", "Forgot your password?"),
        "/reset-password" => Page::new("reset_password", "Set a new password"),
        "/logout" => Page::new("logout", "Log out"),
        account if account.starts_with("/account") => {
            let auth = signed_in_user(req)?;
            settings::section_of_form(app, &auth, &csrf, account)
                .await
                .ok()?
        }
        _ => return None,
    };
    let page = req
        .local_cache(RefusedForm::default)
        .0
        .iter()
        .fold(page, |page, (name, value)| page.keep(name, value));
    Some(
        page.user(user.as_ref())
            .csrf(&csrf)
            .with("alert", COOKIES)
            .status(Status::Forbidden),
    )
}
