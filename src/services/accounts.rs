//! Creating accounts and changing passwords.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set, SqlErr,
};

use crate::{
    domain::{Email, Password, Username},
    entities::user,
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
    set_password(app, user, new).await?;
    sessions::revoke_all(app, user.id, Some(session_id)).await
}

/// Validates and stores a new password. Callers decide which sessions survive.
pub async fn set_password(app: &AppState, user: &user::Model, new: String) -> Result<()> {
    let password = Password::parse(new, &user.email_key).map_err(Error::Validation)?;
    let hash = app.hasher.hash(&password).await?;
    let mut active: user::ActiveModel = user.clone().into();
    active.password_hash = Set(hash);
    active.update(&app.db).await?;
    Ok(())
}

/// Sets a new password with a token from a reset mail. Until reset mails exist no token is valid.
pub async fn reset_password(_app: &AppState, _token: &str, _new: String) -> Result<()> {
    Err(Error::BadRequest("Invalid or expired reset token".into()))
}
