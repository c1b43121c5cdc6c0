//! The settings area under `/account`: one page per section, each with its own form, its errors
//! beside its fields and its confirmation at its top. A section is an entry in [`Section::ALL`]
//! and a module here; adding one (two-factor, passkeys) changes no other.

mod activity;
mod delete;
mod email;
mod password;
mod profile;
mod sessions;
mod time;

use rocket::{get, http::uri::Origin, post, response::Redirect, Route};
use serde_json::json;

use crate::{
    error::Result,
    http::{CsrfToken, Flash},
    services::sessions::Authenticated,
    state::AppState,
};

use super::page::Page;

pub fn routes() -> Vec<Route> {
    rocket::routes![
        profile::show,
        profile::change_username,
        profile::resend_verification,
        password::show,
        password::change,
        email::show,
        email::change,
        email::cancel,
        sessions::show,
        sessions::end,
        sessions::end_others,
        activity::show,
        delete::show,
        delete::delete,
        login_first_section,
        post_login_first,
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Profile,
    Password,
    Email,
    Sessions,
    Activity,
    Delete,
}

impl Section {
    /// The navigation's order.
    const ALL: [Self; 6] = [
        Self::Profile,
        Self::Password,
        Self::Email,
        Self::Sessions,
        Self::Activity,
        Self::Delete,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Self::Profile => "/account",
            Self::Password => "/account/password",
            Self::Email => "/account/email",
            Self::Sessions => "/account/sessions",
            Self::Activity => "/account/activity",
            Self::Delete => "/account/delete",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Profile => "Profile",
            Self::Password => "Password",
            Self::Email => "Email",
            Self::Sessions => "Sessions",
            Self::Activity => "Activity",
            Self::Delete => "Delete account",
        }
    }

    fn template(self) -> &'static str {
        match self {
            Self::Profile => "settings/profile",
            Self::Password => "settings/password",
            Self::Email => "settings/email",
            Self::Sessions => "settings/sessions",
            Self::Activity => "settings/activity",
            Self::Delete => "settings/delete",
        }
    }

    /// The section's page: the signed-in header and the settings navigation with this section
    /// marked as the current one.
    fn page(self, auth: &Authenticated, csrf: &CsrfToken) -> Page {
        let nav: Vec<_> = Self::ALL
            .iter()
            .map(|s| json!({ "path": s.path(), "label": s.label(), "current": *s == self }))
            .collect();
        Page::new(self.template(), self.label())
            .signed_in(auth)
            .csrf(csrf)
            .with("layout", "settings")
            .with("nav", nav)
            .with("section", self.label())
    }

    /// After a change: back to the section (a reload never posts again), with a confirmation.
    fn done(self, message: impl Into<String>) -> Flash<Redirect> {
        Flash::success(Redirect::to(self.path()), message.into())
    }

    /// The section whose page holds the form posted to `path` (`/account/sessions/x/end` is
    /// Sessions'; `/account` and `/account/resend-verification` are Profile's).
    fn owning(path: &str) -> Self {
        Self::ALL
            .into_iter()
            .rev()
            .find(|s| path.starts_with(s.path()))
            .unwrap_or(Self::Profile)
    }

    fn of_path(path: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.path() == path)
    }
}

/// The section a form posted to `path` belongs to, rendered afresh: for a form refused for its
/// CSRF token, which is answered with the form again rather than a dead end.
pub async fn section_of_form(
    app: &AppState,
    auth: &Authenticated,
    csrf: &CsrfToken,
    path: &str,
) -> Result<Page> {
    Ok(match Section::owning(path) {
        Section::Profile => profile::view(auth, csrf),
        Section::Email => email::view(app, auth, csrf).await?,
        Section::Sessions => sessions::view(app, auth, csrf).await?,
        Section::Activity => activity::view(app, auth, csrf).await?,
        section @ (Section::Password | Section::Delete) => section.page(auth, csrf),
    })
}

/// No live session: to the login form, and back to the section afterwards (`<_..>` matches
/// `/account` itself too).
#[get("/account/<_..>", rank = 9)]
pub fn login_first_section(origin: &Origin<'_>) -> Flash<Redirect> {
    to_login(Section::of_path(origin.path().as_str()).unwrap_or(Section::Profile))
}

/// A form posted after the session ended: nothing is changed; log in and come back to it.
#[post("/account/<_..>", rank = 9)]
pub fn post_login_first(origin: &Origin<'_>) -> Flash<Redirect> {
    to_login(Section::owning(origin.path().as_str()))
}

fn to_login(section: Section) -> Flash<Redirect> {
    Flash::warning(
        Redirect::to(format!("/login?next={}", section.path())),
        "Please log in to continue.",
    )
}
