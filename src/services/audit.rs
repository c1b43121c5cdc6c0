//! Security activity: one row per event that matters to an account's owner, newest first, and
//! never a secret in it. Rows older than AUDIT_RETENTION_DAYS are purged.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::Value;

use crate::{entities::audit_event, error::Result, services::ClientInfo, state::AppState};

/// What happened. The snake_case names are a stable public contract (README lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    LoginSucceeded,
    LoginFailed,
    LoginThrottled,
    Logout,
    SessionEnded,
    RefreshReuseDetected,
    PasswordChanged,
    ResetRequested,
    ResetCompleted,
    VerificationSent,
    EmailVerified,
    EmailChangeRequested,
    EmailChangeCompleted,
    AccountDeleted,
    UsernameChanged,
    EmailChangeCancelled,
}

impl Kind {
    pub const ALL: [Kind; 16] = [
        Kind::LoginSucceeded,
        Kind::LoginFailed,
        Kind::LoginThrottled,
        Kind::Logout,
        Kind::SessionEnded,
        Kind::RefreshReuseDetected,
        Kind::PasswordChanged,
        Kind::ResetRequested,
        Kind::ResetCompleted,
        Kind::VerificationSent,
        Kind::EmailVerified,
        Kind::EmailChangeRequested,
        Kind::EmailChangeCompleted,
        Kind::AccountDeleted,
        Kind::UsernameChanged,
        Kind::EmailChangeCancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::LoginSucceeded => "login_succeeded",
            Kind::LoginFailed => "login_failed",
            Kind::LoginThrottled => "login_throttled",
            Kind::Logout => "logout",
            Kind::SessionEnded => "session_ended",
            Kind::RefreshReuseDetected => "refresh_reuse_detected",
            Kind::PasswordChanged => "password_changed",
            Kind::ResetRequested => "reset_requested",
            Kind::ResetCompleted => "reset_completed",
            Kind::VerificationSent => "verification_sent",
            Kind::EmailVerified => "email_verified",
            Kind::EmailChangeRequested => "email_change_requested",
            Kind::EmailChangeCompleted => "email_change_completed",
            Kind::AccountDeleted => "account_deleted",
            Kind::UsernameChanged => "username_changed",
            Kind::EmailChangeCancelled => "email_change_cancelled",
        }
    }

    /// The event in plain words, for the account page ("Password changed").
    pub fn describe(self) -> &'static str {
        match self {
            Kind::LoginSucceeded => "Logged in",
            Kind::LoginFailed => "Failed log-in attempt",
            Kind::LoginThrottled => "Log-in attempts slowed down after repeated failures",
            Kind::Logout => "Logged out",
            Kind::SessionEnded => "A session was ended",
            Kind::RefreshReuseDetected => {
                "A stolen or replayed session token was detected; that session was ended"
            }
            Kind::PasswordChanged => "Password changed",
            Kind::ResetRequested => "Password reset requested",
            Kind::ResetCompleted => "Password reset completed",
            Kind::VerificationSent => "Verification email sent",
            Kind::EmailVerified => "Email address verified",
            Kind::EmailChangeRequested => "Email change requested",
            Kind::EmailChangeCompleted => "Email address changed",
            Kind::AccountDeleted => "Account deleted",
            Kind::UsernameChanged => "Username changed",
            Kind::EmailChangeCancelled => "Email change cancelled",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// Records one event, inside the caller's transaction when it has one.
pub async fn record(
    db: &impl ConnectionTrait,
    now: i64,
    user_id: Option<i32>,
    kind: Kind,
    client: &ClientInfo,
    detail: Value,
) -> Result<()> {
    audit_event::ActiveModel {
        at: Set(now),
        user_id: Set(user_id),
        kind: Set(kind.as_str().to_owned()),
        ip: Set(client.ip.map(|ip| ip.to_string())),
        device: Set(client.device()),
        detail: Set(detail.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records an event whose failure must not fail the request it describes (a failed log-in is
/// still a failed log-in); the failure is logged instead.
pub async fn note(app: &AppState, user_id: Option<i32>, kind: Kind, client: &ClientInfo) {
    let recorded = record(
        &app.writer,
        app.clock.now(),
        user_id,
        kind,
        client,
        Value::Object(serde_json::Map::default()),
    )
    .await;
    if let Err(err) = recorded {
        log::warn!("audit: could not record {}: {err}", kind.as_str());
    }
}

/// A page of a user's events, newest first: up to `limit` rows older than the cursor `before`
/// (an event id), and the cursor of the next page when there may be one.
pub async fn recent(
    app: &AppState,
    user_id: i32,
    limit: u64,
    before: Option<i32>,
) -> Result<(Vec<audit_event::Model>, Option<i32>)> {
    let mut query = audit_event::Entity::find()
        .filter(audit_event::Column::UserId.eq(user_id))
        .order_by_desc(audit_event::Column::Id)
        .limit(limit + 1);
    if let Some(before) = before {
        query = query.filter(audit_event::Column::Id.lt(before));
    }
    let mut rows = query.all(&app.db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next = if more {
        rows.last().map(|row| row.id)
    } else {
        None
    };
    Ok((rows, next))
}

/// Drops events older than AUDIT_RETENTION_DAYS. Safe from several instances at once.
pub async fn purge(app: &AppState) -> Result<()> {
    let cutoff = app.clock.now() - app.settings.audit_retention_days * 86_400;
    audit_event::Entity::delete_many()
        .filter(audit_event::Column::At.lt(cutoff))
        .exec(&app.writer)
        .await?;
    Ok(())
}

/// An account is gone: its events stay for the record, without anything that identifies it.
pub async fn forget_user(db: &impl ConnectionTrait, user_id: i32) -> Result<()> {
    use sea_orm::sea_query::Expr;
    audit_event::Entity::update_many()
        .col_expr(
            audit_event::Column::UserId,
            Expr::value(Option::<i32>::None),
        )
        .col_expr(audit_event::Column::Ip, Expr::value(Option::<String>::None))
        .col_expr(
            audit_event::Column::Device,
            Expr::value(Option::<String>::None),
        )
        .filter(audit_event::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
