//! Register, log in, log out.

use rocket::{
    get,
    http::{uri::Origin, CookieJar, Status},
    post,
    response::Redirect,
    FromForm, State,
};

use crate::{
    error::{Error, Field, FieldError, INVALID_CREDENTIALS},
    http::{cookies, ButtonForm, CsrfForm, CsrfToken, Flash, FlashMessage, PageUser},
    services::{
        accounts::{self, Registration},
        email,
        login::{self as logins, Credentials, Outcome},
        sessions, ClientInfo,
    },
    state::AppState,
};

use super::page::{Page, PageOrRedirect, WebError};

type PageResult<T> = Result<T, WebError>;

#[derive(FromForm)]
pub struct RegisterForm {
    #[field(default = String::new())]
    email: String,
    #[field(default = String::new())]
    username: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    confirm_password: String,
    /// "Keep me logged in": otherwise the first session ends with the browser.
    #[field(default = false)]
    remember: bool,
}

#[get("/register")]
pub fn register_form(user: Option<PageUser>, csrf: CsrfToken) -> PageOrRedirect {
    if user.is_some() {
        return PageOrRedirect::Redirect(Redirect::to("/account"));
    }
    PageOrRedirect::Page(Page::new("register", "Create account").csrf(&csrf))
}

#[post("/register", data = "<form>")]
pub async fn register(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    client: ClientInfo,
    form: CsrfForm<RegisterForm>,
) -> PageResult<Result<Flash<Redirect>, Page>> {
    let page = Page::new("register", "Create account")
        .csrf(&form.csrf)
        .keep("email", &form.email)
        .keep("username", &form.username)
        .keep("remember", if form.remember { "true" } else { "" });
    let registration = Registration {
        email: form.email.clone(),
        password: form.password.clone(),
        username: Some(form.username.clone()),
        confirm_password: Some(form.confirm_password.clone()),
    };
    let user = match accounts::register(app, registration, &client).await {
        Ok(user) => user,
        Err(err) => {
            let taken = matches!(&err, Error::Conflict(e) if e.field == Field::Email);
            return page.with("email_taken", taken).rejected(err).map(Err);
        }
    };
    if app.settings.require_email_verification {
        let page = Page::new("check_inbox", "Check your inbox")
            .csrf(&form.csrf)
            .keep("email", &user.email);
        return Ok(Err(page));
    }
    let issued = sessions::start(app, user.id, form.remember, &client).await?;
    cookies::set_page_session(jar, &app.settings, &issued);
    Ok(Ok(Flash::success(
        Redirect::to("/account"),
        "Welcome! Your account has been created. We sent you a link to confirm your email.",
    )))
}

#[derive(FromForm)]
pub struct LoginForm {
    #[field(default = String::new())]
    identifier: String,
    #[field(default = String::new())]
    password: String,
    #[field(default = String::new())]
    next: String,
    #[field(default = false)]
    remember: bool,
}

#[get("/login?<next>&<email>")]
pub fn login_form(
    next: Option<String>,
    email: Option<String>,
    user: Option<PageUser>,
    csrf: CsrfToken,
    flash: Option<FlashMessage>,
) -> PageOrRedirect {
    let next = next.as_deref().and_then(safe_next).map(str::to_owned);
    if user.is_some() {
        return PageOrRedirect::Redirect(Redirect::to(
            next.unwrap_or_else(|| "/account".to_owned()),
        ));
    }
    PageOrRedirect::Page(
        Page::new("login", "Log in")
            .csrf(&csrf)
            .flash(flash)
            .keep("next", next.as_deref().unwrap_or(""))
            .keep("identifier", email.as_deref().unwrap_or("")),
    )
}

#[post("/login", data = "<form>")]
pub async fn login(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    client: ClientInfo,
    form: CsrfForm<LoginForm>,
) -> PageResult<Result<Redirect, Page>> {
    let next = safe_next(&form.next);
    let page = Page::new("login", "Log in")
        .csrf(&form.csrf)
        .keep("identifier", &form.identifier)
        .keep("next", next.unwrap_or(""));
    // The API accepts an empty password as simply wrong; a person gets told what is missing.
    if form.password.is_empty() {
        let mut errors = Vec::new();
        if form.identifier.trim().is_empty() {
            errors.push(FieldError::new(
                Field::Identifier,
                "enter your email or username",
            ));
        }
        errors.push(FieldError::new(Field::Password, "enter your password"));
        return Ok(Err(page
            .field_errors(&errors)
            .status(Status::UnprocessableEntity)));
    }
    let credentials = Credentials {
        identifier: &form.identifier,
        password: &form.password,
        persistent: form.remember,
    };
    match logins::login(app, credentials, &client).await {
        Ok(Outcome::SignedIn(issued)) => {
            cookies::set_page_session(jar, &app.settings, &issued);
            Ok(Ok(Redirect::to(next.unwrap_or("/account").to_owned())))
        }
        Ok(Outcome::BadCredentials) => {
            let error = FieldError::new(
                Field::Password,
                format!("{INVALID_CREDENTIALS}: check your email or username and password"),
            );
            Ok(Err(page
                .field_errors(&[error])
                .status(Status::Unauthorized)))
        }
        Ok(Outcome::Unverified) => {
            let page = page
                .with("unverified", true)
                .with(
                    "alert",
                    "Your email address is not confirmed yet. Open the link we mailed you, or \
                     send a new one below.",
                )
                .status(Status::Forbidden);
            Ok(Err(page))
        }
        Err(Error::Invalid(_)) => {
            let error = FieldError::new(Field::Identifier, "enter your email or username");
            let page = page.field_errors(&[error]);
            Ok(Err(page.status(Status::UnprocessableEntity)))
        }
        Err(err) => page.rejected(err).map(Err),
    }
}

/// Typing /logout in the address bar is a habit: it gets a page with the button, not a 405.
#[get("/logout")]
pub fn logout_page(user: Option<PageUser>, csrf: CsrfToken) -> Page {
    Page::new("logout", "Log out")
        .user(user.as_ref())
        .csrf(&csrf)
}

#[post("/logout", data = "<_form>")]
pub async fn logout(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    client: ClientInfo,
    // Taken only so that the CSRF token is checked.
    _form: CsrfForm<ButtonForm>,
) -> PageResult<Flash<Redirect>> {
    let (access, refresh) = cookies::page_tokens(jar, &app.settings);
    sessions::logout(app, refresh.as_deref(), access.as_deref(), &client).await?;
    cookies::clear_page_session(jar, &app.settings);
    Ok(Flash::success(
        Redirect::to("/login"),
        "You have been logged out.",
    ))
}

/// A `next` target is followed only if it is a path on this site that is also a valid URI:
/// `/account`, not `https://evil.example`, `//evil.example`, `/\evil.example` or `/a b`.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && next.len() <= 512
        && Origin::parse(next).is_ok();
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/account"), Some("/account"));
        assert_eq!(safe_next("/account?tab=1"), Some("/account?tab=1"));
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/\nx",
            "/a b",
            "/ünïcode",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}

#[derive(FromForm)]
pub struct ResendForm {
    #[field(name = "resend_email", default = String::new())]
    email: String,
}

/// From the login page, when a log-in was refused for an unconfirmed address.
#[post("/verify-email/resend", data = "<form>")]
pub async fn resend_verification(
    app: &State<AppState>,
    client: ClientInfo,
    form: CsrfForm<ResendForm>,
) -> PageResult<Result<Flash<Redirect>, Page>> {
    match email::resend_to_address(app, &form.email, &client).await {
        Ok(()) => Ok(Ok(Flash::success(
            Redirect::to("/login"),
            "If that address belongs to an unconfirmed account, a new link is on its way.",
        ))),
        Err(err) => Page::new("login", "Log in")
            .csrf(&form.csrf)
            .with("unverified", true)
            .keep("identifier", &form.email)
            .alias(Field::Email, "resend_email")
            .rejected(err)
            .map(Err),
    }
}
