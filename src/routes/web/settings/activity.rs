//! Activity: the account's recent security events in plain words, back to its creation.

use rocket::{get, State};
use serde_json::{json, Value};

use crate::{
    error::Result,
    http::{CsrfToken, FlashMessage, PageUser},
    services::{audit, sessions::Authenticated},
    state::AppState,
};

use super::{
    super::page::{Page, WebError},
    time::when,
    Section,
};

const SHOWN: u64 = 20;

#[get("/account/activity")]
pub async fn show(
    app: &State<AppState>,
    user: PageUser,
    csrf: CsrfToken,
    flash: Option<FlashMessage>,
) -> Result<Page, WebError> {
    Ok(view(app, &user.0, &csrf).await?.flash(flash))
}

pub(super) async fn view(app: &AppState, auth: &Authenticated, csrf: &CsrfToken) -> Result<Page> {
    let now = app.clock.now();
    let (events, _) = audit::recent(app, auth.user.id, SHOWN, None).await?;
    let complete = (events.len() as u64) < SHOWN;
    let mut activity: Vec<Value> = events
        .into_iter()
        .map(|event| {
            let what =
                audit::Kind::parse(&event.kind).map_or("Security event", audit::Kind::describe);
            let mut line = what.to_owned();
            let place: Vec<String> = [event.device, event.ip].into_iter().flatten().collect();
            if !place.is_empty() {
                line.push_str(" from ");
                line.push_str(&place.join(", "));
            }
            json!({ "text": line, "when": when(now, event.at) })
        })
        .collect();
    // The account's first event is its creation; it is shown once the list reaches back to it.
    if complete {
        let created = auth.user.created_at.timestamp();
        activity.push(json!({ "text": "Account created", "when": when(now, created) }));
    }
    Ok(Section::Activity
        .page(auth, csrf)
        .with("activity", activity))
}
