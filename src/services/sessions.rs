//! Sessions are refresh-token families. Logging in starts one; every refresh rotates its token;
//! presenting a rotated token again revokes the family (unless it is the immediate parent within
//! the grace window: a client racing itself); logout and password changes revoke.

use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
};

use crate::{
    auth::tokens::{hash_token, random_id, TokenError, TokenType},
    entities::{session, user},
    error::{Error, Result},
    services::{
        audit::{self, Kind},
        ClientInfo,
    },
    state::AppState,
};

/// What a successful log-in or refresh hands to the client.
#[derive(Debug)]
pub struct IssuedTokens {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Seconds until the refresh token expires (the cookie's Max-Age).
    pub refresh_expires_in: i64,
    /// Whether a browser should keep the session across restarts.
    pub persistent: bool,
}

/// The user behind a valid access token, and the session it belongs to.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: user::Model,
    pub session_id: String,
}

/// Starts a new session for a user whose credentials were just checked. `persistent`: whether
/// a browser keeps it across restarts (the API's refresh cookie always has a lifetime).
pub async fn start(
    app: &AppState,
    user_id: i32,
    persistent: bool,
    client: &ClientInfo,
) -> Result<IssuedTokens> {
    let now = app.clock.now();
    let sid = random_id();
    let refresh_token = app.tokens.first_refresh(user_id, &sid, now)?;
    session::ActiveModel {
        id: Set(sid.clone()),
        user_id: Set(user_id),
        token_hash: Set(hash_token(&refresh_token)),
        previous_hash: Set(None),
        rotated_at: Set(None),
        created_at: Set(now),
        expires_at: Set(now + app.tokens.refresh_ttl),
        revoked_at: Set(None),
        persistent: Set(persistent),
        last_used_at: Set(Some(now)),
        device: Set(client.device()),
        ip: Set(client.ip.map(|ip| ip.to_string())),
    }
    .insert(&app.writer)
    .await
    .map_err(|err| match err.sql_err() {
        // The account was deleted while its password was being checked.
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => {
            Error::Unauthorized(crate::error::INVALID_CREDENTIALS)
        }
        _ => err.into(),
    })?;
    // Housekeeping that keeps one user's rows bounded; cheap thanks to the user_id index.
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(&app.writer)
        .await?;
    super::session_list::end_beyond_cap(app, user_id, now).await?;
    Ok(IssuedTokens {
        access_token: app.tokens.access(user_id, &sid, now)?,
        refresh_token,
        expires_in: app.tokens.access_ttl,
        refresh_expires_in: app.tokens.refresh_ttl,
        persistent,
    })
}

/// When a session ends whatever its activity: SESSION_MAX_DAYS after it started.
fn hard_end(app: &AppState, created_at: i64) -> i64 {
    created_at + app.settings.session_max_secs
}

/// Rotates a refresh token. The compare-and-swap on the stored hash makes concurrent refreshes
/// safe on both databases: exactly one request rotates, the others see the new state.
pub async fn refresh(app: &AppState, token: &str, client: &ClientInfo) -> Result<IssuedTokens> {
    let now = app.clock.now();
    let claims = app
        .tokens
        .verify(token, TokenType::Refresh, now)
        .map_err(|e| match e {
            TokenError::Expired => Error::Unauthorized("Refresh token expired"),
            TokenError::Invalid => Error::Unauthorized("Invalid refresh token"),
        })?;
    let user_id = claims
        .user_id()
        .ok_or(Error::Unauthorized("Invalid refresh token"))?;
    let presented = hash_token(token);

    // Two passes at most: if our swap loses a race, the second read sees the winner's row.
    for _ in 0..2 {
        let session = live_session(app, &claims.sid, user_id, now)
            .await?
            .ok_or(Error::Unauthorized("Session has ended"))?;
        // Idle sessions slide, but never past their absolute end.
        let expires_at = (now + app.tokens.refresh_ttl).min(hard_end(app, session.created_at));

        if session.token_hash == presented {
            let child = app
                .tokens
                .child_refresh(user_id, &session.id, &presented, now)?;
            let swapped = session::Entity::update_many()
                .col_expr(session::Column::TokenHash, Expr::value(hash_token(&child)))
                .col_expr(
                    session::Column::PreviousHash,
                    Expr::value(presented.clone()),
                )
                .col_expr(session::Column::RotatedAt, Expr::value(now))
                .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
                .col_expr(session::Column::LastUsedAt, Expr::value(now))
                .filter(session::Column::Id.eq(session.id.as_str()))
                .filter(session::Column::TokenHash.eq(presented.as_str()))
                .filter(session::Column::RevokedAt.is_null())
                .exec(&app.writer)
                .await?;
            if swapped.rows_affected == 1 {
                return issued(app, &session, child, now, expires_at);
            }
            continue;
        }

        let within_grace = session.previous_hash.as_deref() == Some(presented.as_str())
            && session.rotated_at.is_some_and(|at| {
                // 0 turns the grace off, even within the second of the rotation.
                let grace = app.settings.refresh_reuse_grace_secs;
                grace > 0 && now - at <= grace
            });
        if let (true, Some(rotated_at)) = (within_grace, session.rotated_at) {
            let child = app
                .tokens
                .child_refresh(user_id, &session.id, &presented, rotated_at)?;
            if hash_token(&child) == session.token_hash {
                return issued(app, &session, child, now, session.expires_at);
            }
        }
        break;
    }

    // A token of this family that is neither current nor a fresh parent was stolen or replayed.
    revoke_session(app, &claims.sid).await?;
    log::warn!("refresh token reuse detected: revoked a session of user {user_id}");
    audit::note(app, Some(user_id), Kind::RefreshReuseDetected, client).await;
    Err(Error::Unauthorized(
        "Refresh token reuse detected; session revoked",
    ))
}

fn issued(
    app: &AppState,
    session: &session::Model,
    refresh_token: String,
    now: i64,
    expires_at: i64,
) -> Result<IssuedTokens> {
    Ok(IssuedTokens {
        access_token: app.tokens.access(session.user_id, &session.id, now)?,
        refresh_token,
        expires_in: app.tokens.access_ttl,
        refresh_expires_in: expires_at - now,
        persistent: session.persistent,
    })
}

async fn live_session(
    app: &AppState,
    sid: &str,
    user_id: i32,
    now: i64,
) -> Result<Option<session::Model>> {
    Ok(app
        .session_reads()
        .session_and_user(sid)
        .await?
        .map(|(session, _)| session)
        .filter(|s| s.user_id == user_id && is_live(app, s.lifetime(), now)))
}

fn is_live(app: &AppState, session: session::Lifetime, now: i64) -> bool {
    session.revoked_at.is_none()
        && session.expires_at > now
        && hard_end(app, session.created_at) > now
}

/// The user and session behind an access token. One indexed join per request, so logout and
/// password changes take effect at once.
pub async fn authenticate(app: &AppState, access_token: &str) -> Result<Authenticated> {
    let now = app.clock.now();
    let claims = app
        .tokens
        .verify(access_token, TokenType::Access, now)
        .map_err(|e| match e {
            TokenError::Expired => Error::Unauthorized("Token expired"),
            TokenError::Invalid => Error::Unauthorized("Invalid token"),
        })?;
    let found = app.session_reads().lifetime_and_user(&claims.sid).await?;
    let (lifetime, user) = found.ok_or(Error::Unauthorized("Session has ended"))?;
    if Some(user.id) != claims.user_id() || !is_live(app, lifetime, now) {
        return Err(Error::Unauthorized("Session has ended"));
    }
    Ok(Authenticated {
        user,
        session_id: claims.sid,
    })
}

/// Ends the session a refresh or access token belongs to. Unknown, expired or forged tokens are
/// ignored, so logging out is idempotent.
pub async fn logout(
    app: &AppState,
    refresh_token: Option<&str>,
    access_token: Option<&str>,
    client: &ClientInfo,
) -> Result<()> {
    let now = app.clock.now();
    let sids = [
        refresh_token.and_then(|t| app.tokens.verify(t, TokenType::Refresh, now).ok()),
        access_token.and_then(|t| app.tokens.verify(t, TokenType::Access, now).ok()),
    ];
    for claims in sids.into_iter().flatten() {
        if revoke_session(app, &claims.sid).await? {
            audit::note(app, claims.user_id(), Kind::Logout, client).await;
        }
    }
    Ok(())
}

/// Ends one session; `true` if it was live until now.
pub async fn revoke_session(app: &AppState, sid: &str) -> Result<bool> {
    let ended = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(app.clock.now()))
        .filter(session::Column::Id.eq(sid))
        .filter(session::Column::RevokedAt.is_null())
        .exec(&app.writer)
        .await?;
    Ok(ended.rows_affected > 0)
}

/// Revokes every live session of a user, except `keep` (the one that made the change).
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: i32,
    keep: Option<&str>,
    now: i64,
) -> Result<()> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(session::Column::Id.ne(keep));
    }
    update.exec(db).await?;
    Ok(())
}
