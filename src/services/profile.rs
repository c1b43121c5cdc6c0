//! The profile: what an account shows of itself besides its address. Today the username, which
//! can be added, changed or removed after registration with the same rules and the same
//! uniqueness as at registration.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, Set,
    SqlErr, TransactionTrait,
};
use serde_json::json;

use crate::{
    domain::Username,
    entities::user,
    error::{Error, Field, FieldError, Result},
    services::{
        audit::{self, Kind},
        ClientInfo,
    },
    state::AppState,
};

pub const USERNAME_TAKEN: &str = "Username already taken";

/// What a username change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    Set,
    Removed,
    /// The name asked for is the one the account has: nothing was written.
    Unchanged,
}

/// Sets the username to `raw` (trimmed), or removes it when `raw` is empty. Another account's
/// name, in any letter case, is a 409; an invalid one a 422 on the username field.
pub async fn set_username(
    app: &AppState,
    account: &user::Model,
    raw: &str,
    client: &ClientInfo,
) -> Result<(Changed, user::Model)> {
    let wanted =
        if Username::is_blank(raw) {
            None
        } else {
            Some(Username::parse(raw).map_err(|message| {
                Error::Invalid(vec![FieldError::new(Field::Username, message)])
            })?)
        };
    let current = account.username.as_deref();
    if wanted.as_ref().map(Username::as_str) == current {
        return Ok((Changed::Unchanged, account.clone()));
    }
    if let Some(name) = &wanted {
        // An account that never confirmed its address in time no longer holds its name.
        let holder = Condition::all()
            .add(user::Column::UsernameKey.eq(name.key()))
            .add(user::Column::Id.ne(account.id));
        super::deletion::remove_expired_unverified(app, holder).await?;
        let taken = user::Entity::find()
            .filter(user::Column::UsernameKey.eq(name.key()))
            .filter(user::Column::Id.ne(account.id))
            .count(&app.db)
            .await?
            > 0;
        if taken {
            return Err(taken_error());
        }
    }
    let now = app.clock.now();
    let txn = app.writer.begin().await?;
    let mut active: user::ActiveModel = account.clone().into();
    active.username = Set(wanted.as_ref().map(|n| n.as_str().to_owned()));
    active.username_key = Set(wanted.as_ref().map(Username::key));
    let updated = match active.update(&txn).await {
        Ok(updated) => updated,
        // The unique index decides a race with a registration or another change.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(taken_error());
        }
        // The account was deleted meanwhile.
        Err(sea_orm::DbErr::RecordNotUpdated) => {
            return Err(Error::Unauthorized("Session has ended"))
        }
        Err(err) => return Err(err.into()),
    };
    // No names in the event: deleting the account must leave nothing that identifies it, and
    // `forget_user` clears only the columns, not the detail.
    audit::record(
        &txn,
        now,
        Some(account.id),
        Kind::UsernameChanged,
        client,
        json!({}),
    )
    .await?;
    txn.commit().await?;
    let changed = if wanted.is_some() {
        Changed::Set
    } else {
        Changed::Removed
    };
    Ok((changed, updated))
}

fn taken_error() -> Error {
    Error::Conflict(FieldError::new(Field::Username, USERNAME_TAKEN))
}
