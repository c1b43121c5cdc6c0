//! Register, log in, log out.

use rocket::{
    form::Form,
    get,
    http::{CookieJar, Status},
    post,
    request::FlashMessage,
    response::{Flash, Redirect},
    FromForm, State,
};

use crate::{
    auth::{cookies, csrf::CsrfToken, guards::PageUser},
    domain::{Email, Password, Username},
    error::{Error, INVALID_CREDENTIALS},
    services::{
        accounts::{self, Registration},
        sessions,
    },
    state::AppState,
};

use super::page::{FormState, Page, PageOrRedirect, WebError};

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
    #[field(default = String::new())]
    csrf_token: String,
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
    csrf: CsrfToken,
    form: Form<RegisterForm>,
) -> PageResult<Result<Flash<Redirect>, Page>> {
    csrf.verify(&form.csrf_token)?;
    let mut state = FormState::default()
        .keep("email", &form.email)
        .keep("username", &form.username);
    let email = state.check("email", Email::parse(&form.email));
    if !form.username.trim().is_empty() {
        state.check("username", Username::parse(&form.username));
    }
    let key = email
        .as_ref()
        .map_or_else(|| form.email.trim().to_lowercase(), Email::key);
    state.check("password", Password::parse(form.password.clone(), &key));
    if form.password != form.confirm_password {
        state.error("confirm_password", "the passwords do not match");
    }
    let page = |state: &FormState, status| {
        Page::new("register", "Create account")
            .csrf(&csrf)
            .form(state)
            .status(status)
    };
    if state.has_errors() {
        return Ok(Err(page(&state, Status::UnprocessableEntity)));
    }

    let registration = Registration {
        email: form.email.clone(),
        password: form.password.clone(),
        username: Some(form.username.clone()),
    };
    let user = match accounts::register(app, registration).await {
        Ok(user) => user,
        Err(Error::Conflict(message)) => {
            let field = if message.contains("Username") {
                "username"
            } else {
                "email"
            };
            state.error(field, message);
            return Ok(Err(page(&state, Status::Conflict)));
        }
        Err(Error::Validation(message)) => {
            state.error("email", message);
            return Ok(Err(page(&state, Status::UnprocessableEntity)));
        }
        Err(err) => return Err(err.into()),
    };
    let issued = sessions::start(app, user.id).await?;
    cookies::set_page_session(jar, &app.settings, &issued);
    Ok(Ok(Flash::success(
        Redirect::to("/account"),
        "Welcome! Your account has been created.",
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
    #[field(default = String::new())]
    csrf_token: String,
}

#[get("/login?<next>")]
pub fn login_form(
    next: Option<String>,
    user: Option<PageUser>,
    csrf: CsrfToken,
    flash: Option<FlashMessage<'_>>,
) -> PageOrRedirect {
    let next = next.as_deref().and_then(safe_next).map(str::to_owned);
    if user.is_some() {
        return PageOrRedirect::Redirect(Redirect::to(
            next.unwrap_or_else(|| "/account".to_owned()),
        ));
    }
    let state = FormState::default().keep("next", next.as_deref().unwrap_or(""));
    PageOrRedirect::Page(
        Page::new("login", "Log in")
            .csrf(&csrf)
            .flash(flash)
            .form(&state),
    )
}

#[post("/login", data = "<form>")]
pub async fn login(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    csrf: CsrfToken,
    form: Form<LoginForm>,
) -> PageResult<Result<Redirect, Page>> {
    csrf.verify(&form.csrf_token)?;
    let next = safe_next(&form.next).unwrap_or("/account").to_owned();
    let mut state = FormState::default()
        .keep("identifier", &form.identifier)
        .keep("next", safe_next(&form.next).unwrap_or(""));
    if form.identifier.trim().is_empty() {
        state.error("identifier", "enter your email or username");
    }
    if form.password.is_empty() {
        state.error("password", "enter your password");
    }
    let page = |state: &FormState, status| {
        Page::new("login", "Log in")
            .csrf(&csrf)
            .form(state)
            .status(status)
    };
    if state.has_errors() {
        return Ok(Err(page(&state, Status::UnprocessableEntity)));
    }
    match sessions::login(app, &form.identifier, &form.password).await {
        Ok(issued) => {
            cookies::set_page_session(jar, &app.settings, &issued);
            Ok(Ok(Redirect::to(next)))
        }
        Err(Error::Unauthorized(_)) => {
            state.error(
                "password",
                format!("{INVALID_CREDENTIALS}: check your email or username and password"),
            );
            Ok(Err(page(&state, Status::Unauthorized)))
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(FromForm)]
pub struct CsrfForm {
    #[field(default = String::new())]
    csrf_token: String,
}

#[post("/logout", data = "<form>")]
pub async fn logout(
    app: &State<AppState>,
    jar: &CookieJar<'_>,
    csrf: CsrfToken,
    form: Form<CsrfForm>,
) -> PageResult<Flash<Redirect>> {
    csrf.verify(&form.csrf_token)?;
    let (access, refresh) = cookies::page_tokens(jar);
    sessions::logout(app, refresh.as_deref(), access.as_deref()).await?;
    cookies::clear_page_session(jar, &app.settings);
    Ok(Flash::success(
        Redirect::to("/login"),
        "You have been logged out.",
    ))
}

/// A `next` target is followed only if it is a path on this site: `/account`, not
/// `https://evil.example`, `//evil.example` or `/\evil.example`.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && next.len() <= 512;
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
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
