//! The single-use links mailed to people (password reset, address verification and change):
//! one place decides whether a link still works and consumes it. Only the token's hash is stored;
//! a link is consumed by compare-and-swap on `used_at`, so of two concurrent uses one wins.

use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Related};

use crate::{
    auth::keys::{hash_token, is_token_shaped},
    entities::{email_token, password_reset, user},
    error::Result,
};

/// A table of mailed links: each row belongs to a user and has a hash, an expiry and `used_at`.
pub trait LinkToken: EntityTrait + Related<user::Entity> {
    fn id_column() -> Self::Column;
    fn hash_column() -> Self::Column;
    fn used_column() -> Self::Column;
    fn id(row: &Self::Model) -> i32;
    /// Unused and unexpired at `now`.
    fn live(row: &Self::Model, now: i64) -> bool;
}

impl LinkToken for password_reset::Entity {
    fn id_column() -> Self::Column {
        password_reset::Column::Id
    }
    fn hash_column() -> Self::Column {
        password_reset::Column::TokenHash
    }
    fn used_column() -> Self::Column {
        password_reset::Column::UsedAt
    }
    fn id(row: &Self::Model) -> i32 {
        row.id
    }
    fn live(row: &Self::Model, now: i64) -> bool {
        row.used_at.is_none() && row.expires_at > now
    }
}

impl LinkToken for email_token::Entity {
    fn id_column() -> Self::Column {
        email_token::Column::Id
    }
    fn hash_column() -> Self::Column {
        email_token::Column::TokenHash
    }
    fn used_column() -> Self::Column {
        email_token::Column::UsedAt
    }
    fn id(row: &Self::Model) -> i32 {
        row.id
    }
    fn live(row: &Self::Model, now: i64) -> bool {
        row.used_at.is_none() && row.expires_at > now
    }
}

/// The live row behind `token`, with its user; `None` for anything else (malformed, unknown,
/// used, expired, or its account gone).
pub async fn usable<E: LinkToken>(
    db: &impl ConnectionTrait,
    token: &str,
    now: i64,
) -> Result<Option<(E::Model, user::Model)>> {
    if !is_token_shaped(token) {
        return Ok(None);
    }
    let found = E::find()
        .filter(E::hash_column().eq(hash_token(token)))
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    Ok(match found {
        Some((row, Some(user))) if E::live(&row, now) => Some((row, user)),
        _ => None,
    })
}

/// The row behind `token` if it was used, with its user (to tell someone who opens a link a
/// second time what the first use did).
pub async fn used<E: LinkToken>(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<(E::Model, user::Model)>> {
    if !is_token_shaped(token) {
        return Ok(None);
    }
    let found = E::find()
        .filter(E::hash_column().eq(hash_token(token)))
        .filter(E::used_column().is_not_null())
        .find_also_related(user::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(row, user)| Some((row, user?))))
}

/// Marks `row` used unless someone else did first: true when this call consumed it.
pub async fn consume<E: LinkToken>(
    txn: &impl ConnectionTrait,
    row: &E::Model,
    now: i64,
) -> Result<bool> {
    let consumed = E::update_many()
        .col_expr(E::used_column(), Expr::value(now))
        .filter(E::id_column().eq(E::id(row)))
        .filter(E::used_column().is_null())
        .exec(txn)
        .await?;
    Ok(consumed.rows_affected == 1)
}
