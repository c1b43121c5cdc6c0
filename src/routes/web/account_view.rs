//! What the account page shows besides the forms: the address's state, the sessions and the
//! recent security activity, in plain words.

use serde_json::{json, Value};

use crate::{
    error::Result,
    http::CsrfToken,
    services::{audit, session_list, sessions::Authenticated},
    state::AppState,
};

use super::page::Page;

const ACTIVITY: u64 = 20;

/// The account page with everything it lists, ready for a flash or a form's errors.
pub async fn account_page(app: &AppState, auth: &Authenticated, csrf: &CsrfToken) -> Result<Page> {
    let now = app.clock.now();
    let sessions: Vec<Value> = session_list::list(app, auth.user.id, &auth.session_id)
        .await?
        .into_iter()
        .map(|s| {
            json!({
                "id": s.id,
                "device": s.device.unwrap_or_else(|| "Unknown device".to_owned()),
                "ip": s.ip,
                "started": ago(now, s.created_at),
                "last_used": ago(now, s.last_used_at),
                "current": s.current,
            })
        })
        .collect();
    let (events, _) = audit::recent(app, auth.user.id, ACTIVITY, None).await?;
    let activity: Vec<Value> = events
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
            json!({ "text": line, "when": ago(now, event.at) })
        })
        .collect();
    Ok(Page::new("account", "Your account")
        .signed_in(auth)
        .csrf(csrf)
        .with("email_verified", auth.user.email_verified_at.is_some())
        .with("sessions", sessions)
        .with("activity", activity)
        .keep(
            "new_username",
            auth.user.username.as_deref().unwrap_or_default(),
        ))
}

/// "just now", "5 minutes ago", "2 hours ago", "3 days ago".
pub fn ago(now: i64, at: i64) -> String {
    let secs = (now - at).max(0);
    let (n, unit) = match secs {
        0..=59 => return "just now".to_owned(),
        60..=3599 => (secs / 60, "minute"),
        3600..=86_399 => (secs / 3600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    format!("{} ago", crate::domain::words::counted(n, unit))
}

#[cfg(test)]
mod tests {
    use super::ago;

    #[test]
    fn times_read_as_people_say_them() {
        assert_eq!(ago(100, 100), "just now");
        assert_eq!(ago(7300, 100), "2 hours ago");
        assert_eq!(ago(160, 100), "1 minute ago");
        assert_eq!(ago(3 * 86_400, 0), "3 days ago");
    }
}
