//! Sessions: where the account is logged in, this device first; log out any other, or all.

use rocket::{get, post, response::Redirect, State};
use serde_json::{json, Value};

use crate::{
    error::Result,
    http::{ButtonForm, CsrfForm, CsrfToken, Flash, FlashMessage, PageUser},
    services::{session_list, sessions::Authenticated, ClientInfo},
    state::AppState,
};

use super::{
    super::page::{Page, WebError},
    time::when,
    Section,
};

pub(super) async fn view(app: &AppState, auth: &Authenticated, csrf: &CsrfToken) -> Result<Page> {
    let now = app.clock.now();
    let mut listed = session_list::list(app, auth.user.id, &auth.session_id).await?;
    // Newest first, but this device at the top: it is the one people look for.
    listed.sort_by_key(|s| !s.current);
    let sessions: Vec<Value> = listed
        .into_iter()
        .map(|s| {
            json!({
                "id": s.id,
                "device": s.device.unwrap_or_else(|| "Unknown device".to_owned()),
                "ip": s.ip,
                "started": when(now, s.created_at),
                "last_used": when(now, s.last_used_at),
                "current": s.current,
            })
        })
        .collect();
    Ok(Section::Sessions
        .page(auth, csrf)
        .with("sessions", sessions))
}

#[get("/account/sessions")]
pub async fn show(
    app: &State<AppState>,
    user: PageUser,
    csrf: CsrfToken,
    flash: Option<FlashMessage>,
) -> Result<Page, WebError> {
    Ok(view(app, &user.0, &csrf).await?.flash(flash))
}

#[post("/account/sessions/<id>/end", data = "<_form>")]
pub async fn end(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    id: &str,
    _form: CsrfForm<ButtonForm>,
) -> Result<Flash<Redirect>, WebError> {
    session_list::end(app, user.0.user.id, id, &client).await?;
    Ok(Section::Sessions.done("That session was logged out."))
}

#[post("/account/sessions/end-others", data = "<_form>")]
pub async fn end_others(
    app: &State<AppState>,
    user: PageUser,
    client: ClientInfo,
    _form: CsrfForm<ButtonForm>,
) -> Result<Flash<Redirect>, WebError> {
    let count = session_list::end_others(app, user.0.user.id, &user.0.session_id, &client).await?;
    let sessions =
        crate::domain::words::counted(i64::try_from(count).unwrap_or(i64::MAX), "other session");
    Ok(Section::Sessions.done(format!("Logged out {sessions}.")))
}
