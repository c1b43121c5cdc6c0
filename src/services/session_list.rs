//! The account centre's view of sessions: a user lists their live sessions (devices) and ends
//! one of them, or all but the current one. Ending takes effect at once: every request checks
//! its session ([`super::sessions::authenticate`]) and every refresh does too.

use sea_orm::{
    sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
    UpdateMany,
};
use serde_json::json;

use crate::{
    entities::session,
    error::{Error, Result},
    services::{
        audit::{self, Kind},
        ClientInfo,
    },
    state::AppState,
};

/// One live session as its owner sees it. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: i64,
    /// The last log-in or refresh; the start for sessions recorded before this was tracked.
    pub last_used_at: i64,
    /// A short label such as "Firefox on Linux".
    pub device: Option<String>,
    pub ip: Option<String>,
    /// Whether this is the session of the request asking.
    pub current: bool,
}

/// The user's live sessions (not revoked, not expired, not past SESSION_MAX_DAYS), newest first.
pub async fn list(app: &AppState, user_id: i32, current_sid: &str) -> Result<Vec<SessionInfo>> {
    let now = app.clock.now();
    let rows = live(session::Entity::find(), app, user_id, now)
        .order_by_desc(session::Column::CreatedAt)
        .order_by_desc(session::Column::Id)
        .all(&app.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            current: row.id == current_sid,
            last_used_at: row.last_used_at.unwrap_or(row.created_at),
            created_at: row.created_at,
            device: row.device,
            ip: row.ip,
            id: row.id,
        })
        .collect())
}

/// Ends one of the user's own live sessions (the current one too, if asked). Another user's
/// session, an unknown id and an already ended session are all [`Error::NotFound`], so the
/// answer says nothing about sessions that are not the caller's.
pub async fn end(app: &AppState, user_id: i32, sid: &str, client: &ClientInfo) -> Result<()> {
    // No session id holds NUL, and PostgreSQL refuses it in a query (a 500 otherwise): both
    // faces pass the path segment here as it came.
    if sid.contains('\0') {
        return Err(Error::NotFound);
    }
    let now = app.clock.now();
    let txn = app.writer.begin().await?;
    let ended = revoke_live(app, user_id, now)
        .filter(session::Column::Id.eq(sid))
        .exec(&txn)
        .await?;
    if ended.rows_affected == 0 {
        return Err(Error::NotFound);
    }
    let detail = json!({ "by": "user" });
    audit::record(&txn, now, Some(user_id), Kind::SessionEnded, client, detail).await?;
    txn.commit().await?;
    Ok(())
}

/// Ends every live session of the user except `current_sid`; returns how many ended.
pub async fn end_others(
    app: &AppState,
    user_id: i32,
    current_sid: &str,
    client: &ClientInfo,
) -> Result<u64> {
    let now = app.clock.now();
    let txn = app.writer.begin().await?;
    let ended = revoke_live(app, user_id, now)
        .filter(session::Column::Id.ne(current_sid))
        .exec(&txn)
        .await?;
    let count = ended.rows_affected;
    if count > 0 {
        let detail = json!({ "by": "user", "count": count });
        audit::record(&txn, now, Some(user_id), Kind::SessionEnded, client, detail).await?;
    }
    txn.commit().await?;
    Ok(count)
}

/// `revoked_at = now` on the user's live sessions (narrowed further by the caller).
fn revoke_live(app: &AppState, user_id: i32, now: i64) -> UpdateMany<session::Entity> {
    live(session::Entity::update_many(), app, user_id, now)
        .col_expr(session::Column::RevokedAt, Expr::value(now))
}

/// Narrows a query to the user's live sessions: the same rule as `sessions::authenticate`.
fn live<Q: QueryFilter>(query: Q, app: &AppState, user_id: i32, now: i64) -> Q {
    query
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::CreatedAt.gt(now - app.settings.session_max_secs))
}

/// Past MAX_SESSIONS_PER_USER live sessions, the oldest end (revoked, so that a token of theirs
/// is still recognised as replayed): a script logging in forever cannot grow one account's list
/// without bound.
pub(super) async fn end_beyond_cap(app: &AppState, user_id: i32, now: i64) -> Result<()> {
    use sea_orm::{QueryOrder, QuerySelect};
    let cap = usize::try_from(app.settings.max_sessions_per_user).unwrap_or(usize::MAX);
    // Skipped here rather than with OFFSET, which SQLite only takes after a LIMIT; the list is
    // at most one past the cap.
    let live: Vec<String> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::CreatedAt)
        .order_by_desc(session::Column::Id)
        .into_tuple()
        .all(&app.writer)
        .await?;
    let beyond: Vec<String> = live.into_iter().skip(cap).collect();
    if !beyond.is_empty() {
        session::Entity::update_many()
            .col_expr(
                session::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(session::Column::Id.is_in(beyond))
            .exec(&app.writer)
            .await?;
    }
    Ok(())
}
