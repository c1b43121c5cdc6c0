//! Creating accounts and changing passwords.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Set, SqlErr, TransactionTrait,
};

use crate::{
    domain::{Email, Password, Username},
    entities::{password_reset, user},
    error::{Error, Result},
    services::sessions,
    state::AppState,
};

pub struct Registration {
    pub email: String,
    pub password: String,
    pub username: Option<String>,
}

pub async fn register(app: &AppState, input: Registration) -> Result<user::Model> {
    let email = Email::parse(&input.email).map_err(Error::Validation)?;
    let username = input
        .username
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .map(Username::parse)
        .transpose()
        .map_err(Error::Validation)?;
    let password = Password::parse(input.password, &email.key()).map_err(Error::Validation)?;

    // Checked before hashing so the common case answers fast with a precise message; the unique
    // indexes still decide races below.
    if exists(app, user::Column::EmailKey, email.key()).await? {
        return Err(Error::Conflict("Email already registered".into()));
    }
    if let Some(name) = &username {
        if exists(app, user::Column::UsernameKey, name.key()).await? {
            return Err(Error::Conflict("Username already taken".into()));
        }
    }

    let password_hash = app.hasher.hash(&password).await?;
    let inserted = user::ActiveModel {
        email: Set(email.as_str().to_owned()),
        email_key: Set(email.key()),
        username: Set(username.as_ref().map(|u| u.as_str().to_owned())),
        username_key: Set(username.as_ref().map(Username::key)),
        password_hash: Set(password_hash),
        created_at: Set(app.clock.now_utc()),
        ..Default::default()
    }
    .insert(&app.db)
    .await;
    match inserted {
        Ok(user) => Ok(user),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Err(
            Error::Conflict("Email or username already registered".into()),
        ),
        Err(err) => Err(err.into()),
    }
}

async fn exists(app: &AppState, column: user::Column, key: String) -> Result<bool> {
    Ok(user::Entity::find()
        .filter(column.eq(key))
        .count(&app.db)
        .await?
        > 0)
}

/// A logged-in password change. The session that asked keeps going; every other one ends.
pub async fn change_password(
    app: &AppState,
    user: &user::Model,
    session_id: &str,
    current: &str,
    new: String,
) -> Result<()> {
    if !app
        .hasher
        .verify(current, Some(&user.password_hash))
        .await?
    {
        return Err(Error::BadRequest("Current password is incorrect".into()));
    }
    if current == new {
        return Err(Error::Validation(
            "new password must differ from the current one".into(),
        ));
    }
    let password = Password::parse(new, &user.email_key).map_err(Error::Validation)?;
    let hash = app.hasher.hash(&password).await?;
    let txn = app.db.begin().await?;
    store_password(app, &txn, user, hash, Some(session_id)).await?;
    txn.commit().await?;
    app.mailer.password_changed(&user.email);
    Ok(())
}

/// Every password change goes through here: the new hash, no outstanding reset token, and no
/// session left but `keep`. Part of the caller's transaction.
pub async fn store_password(
    app: &AppState,
    txn: &DatabaseTransaction,
    user: &user::Model,
    hash: String,
    keep: Option<&str>,
) -> Result<()> {
    let mut active: user::ActiveModel = user.clone().into();
    active.password_hash = Set(hash);
    active.update(txn).await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::UserId.eq(user.id))
        .exec(txn)
        .await?;
    sessions::revoke_all(txn, user.id, keep, app.clock.now()).await
}
