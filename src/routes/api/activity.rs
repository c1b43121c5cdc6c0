//! `/users/me/activity`: the signed-in user's security events, newest first, a page at a time.
//!
//! The cursor (`next_cursor`, passed back as `before`) is the decimal id of the last event of the
//! page; clients treat it as opaque.

use rocket::{get, serde::json::Json, State};

use crate::{
    error::{Error, Result},
    http::CurrentUser,
    services::audit,
    state::AppState,
};

use super::{
    dto::{ActivityResponse, ErrorResponse},
    responses::{NotAuthenticated, Unavailable},
};

const DEFAULT_LIMIT: u64 = 20;
const MAX_LIMIT: u64 = 100;

/// The signed-in user's security activity, newest first.
///
/// Log-ins (and failed attempts), log-outs, ended sessions, password changes and resets, email
/// changes. Pass `next_cursor` as `before` for the next, older page.
#[utoipa::path(
    get, path = "/users/me/activity", tag = "users",
    params(
        ("limit" = Option<u64>, Query, minimum = 1, maximum = 100,
         description = "Events per page, 1 to 100 (default 20)"),
        ("before" = Option<i32>, Query, minimum = 1, maximum = 2_147_483_647,
         description = "The `next_cursor` of the previous page, passed back unchanged"),
    ),
    responses(
        (status = 200, description = "A page of events, newest first", body = ActivityResponse),
        (status = 401, response = NotAuthenticated),
        (status = 422, description = "limit out of range, a malformed cursor, or a parameter \
         given twice", body = ErrorResponse),
        (status = 503, response = Unavailable),
    ),
    security(("bearerAuth" = []), ("oauth2" = []))
)]
#[get("/users/me/activity?<limit>&<before>")]
pub async fn activity(
    app: &State<AppState>,
    user: CurrentUser,
    limit: Vec<&str>,
    before: Vec<&str>,
) -> Result<Json<ActivityResponse>> {
    let limit = parse_limit(once("limit", &limit)?)?;
    let before = once("before", &before)?.map(parse_cursor).transpose()?;
    let (events, next) = audit::recent(app, user.0.user.id, limit, before).await?;
    Ok(Json(ActivityResponse {
        events: events.into_iter().map(Into::into).collect(),
        next_cursor: next.map(|id| id.to_string()),
    }))
}

/// A query parameter given at most once: `?limit=5&limit=50` is ambiguous, so it is refused
/// rather than read as either (or, as Rocket's `Option` would, as neither).
fn once<'a>(name: &str, values: &[&'a str]) -> Result<Option<&'a str>> {
    match values {
        [] => Ok(None),
        [value] => Ok(Some(value)),
        _ => Err(Error::Malformed(format!("{name} may be given only once"))),
    }
}

fn parse_limit(limit: Option<&str>) -> Result<u64> {
    let Some(limit) = limit else {
        return Ok(DEFAULT_LIMIT);
    };
    limit
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| Error::Malformed(format!("limit must be between 1 and {MAX_LIMIT}")))
}

fn parse_cursor(cursor: &str) -> Result<i32> {
    cursor
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| cursor.parse::<i32>().ok())
        .flatten()
        .filter(|id| *id > 0)
        .ok_or_else(|| Error::Malformed("Invalid cursor".into()))
}

#[cfg(test)]
mod tests {
    use super::{once, parse_cursor, parse_limit};

    #[test]
    fn limits_and_cursors_are_checked() {
        assert_eq!(parse_limit(None).ok(), Some(20));
        assert_eq!(parse_limit(Some("100")).ok(), Some(100));
        for bad in ["0", "101", "-1", "", "ten"] {
            assert!(parse_limit(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(parse_cursor("42").ok(), Some(42));
        for bad in ["", "0", "+4", "-4", "abc", "99999999999"] {
            assert!(parse_cursor(bad).is_err(), "{bad}");
        }
        assert_eq!(once("limit", &[]).ok(), Some(None));
        assert_eq!(once("limit", &["5"]).ok(), Some(Some("5")));
        assert!(once("limit", &["5", "5"]).is_err());
    }
}
