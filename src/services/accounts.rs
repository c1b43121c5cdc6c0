//! Creating accounts and changing passwords. Input arrives raw from either face; every field is
//! parsed here and each problem is reported against its field.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, PaginatorTrait,
    QueryFilter, Set, SqlErr, TransactionTrait,
};
use serde_json::json;

use crate::{
    domain::{Email, Password, Username},
    entities::{password_reset, user},
    error::{Error, Field, FieldError, Limited, Result},
    mail::{Notice, To},
    services::{
        audit::{self, Kind},
        email, login, rate_limit, sessions, ClientInfo,
    },
    state::AppState,
};

const HOUR: i64 = 3600;

pub struct Registration {
    pub email: String,
    pub password: String,
    pub username: Option<String>,
    /// Pages ask for the password twice; the API does not.
    pub confirm_password: Option<String>,
}

/// Records a field's parse failure and passes the value on.
fn field<T>(errors: &mut Vec<FieldError>, field: Field, parsed: Result<T, String>) -> Option<T> {
    parsed
        .map_err(|message| errors.push(FieldError::new(field, message)))
        .ok()
}

/// The "type it twice" check of the page forms.
pub fn check_confirmation(
    errors: &mut Vec<FieldError>,
    password: &str,
    confirmation: Option<&str>,
    message: &str,
) {
    if confirmation.is_some_and(|c| c != password) {
        errors.push(FieldError::new(Field::ConfirmPassword, message));
    }
}

pub async fn register(
    app: &AppState,
    input: Registration,
    client: &ClientInfo,
) -> Result<user::Model> {
    let mut errors = Vec::new();
    let email = field(&mut errors, Field::Email, Email::parse(&input.email));
    let username = match input.username.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(name) => field(&mut errors, Field::Username, Username::parse(name)),
        None => None,
    };
    let key = email
        .as_ref()
        .map_or_else(|| input.email.trim().to_lowercase(), Email::key);
    let password = field(
        &mut errors,
        Field::Password,
        Password::parse(input.password.clone(), &key),
    );
    check_confirmation(
        &mut errors,
        &input.password,
        input.confirm_password.as_deref(),
        "the passwords do not match",
    );
    Error::check(errors)?;
    let (Some(email), Some(password)) = (email, password) else {
        return Err(Error::internal("parsed fields missing without an error"));
    };

    // Two budgets per network: "already registered" answers are how addresses get tested, so
    // they have a tight one, checked first so that a spent one stops testing altogether;
    // accounts actually created have a large one, which a shared office address does not reach.
    let ip = rate_limit::ip_key(client.ip);
    let taken_budget = [rate_limit::Limit {
        bucket: format!("register-taken:ip:{ip}"),
        max: app.settings.register_taken_limit_per_ip,
        window_secs: HOUR,
        limited: Limited::TakenAddresses,
    }];
    rate_limit::check(app, &taken_budget).await?;

    // An account that never confirmed its address in time no longer holds it (or its name).
    let mut holders = Condition::any().add(user::Column::EmailKey.eq(email.key()));
    if let Some(name) = &username {
        holders = holders.add(user::Column::UsernameKey.eq(name.key()));
    }
    super::deletion::remove_expired_unverified(app, holders).await?;
    // Checked before hashing so the common case answers fast with a precise message; the unique
    // indexes still decide races below.
    if exists(app, user::Column::EmailKey, email.key()).await? {
        rate_limit::hit(app, &taken_budget).await?;
        return Err(Error::Conflict(FieldError::new(
            Field::Email,
            "Email already registered",
        )));
    }
    if let Some(name) = &username {
        if exists(app, user::Column::UsernameKey, name.key()).await? {
            rate_limit::hit(app, &taken_budget).await?;
            return Err(Error::Conflict(FieldError::new(
                Field::Username,
                "Username already taken",
            )));
        }
    }
    rate_limit::hit(
        app,
        &[rate_limit::Limit {
            bucket: format!("register:ip:{ip}"),
            max: app.settings.register_limit_per_ip,
            window_secs: HOUR,
            limited: Limited::SignUps,
        }],
    )
    .await?;
    rate_limit::unauthenticated_mail(app, "registration").await?;

    let password_hash = app.hasher.hash(password.expose()).await?;
    let txn = app.writer.begin().await?;
    let inserted = user::ActiveModel {
        email: Set(email.as_str().to_owned()),
        email_key: Set(email.key()),
        username: Set(username.as_ref().map(|u| u.as_str().to_owned())),
        username_key: Set(username.as_ref().map(Username::key)),
        password_hash: Set(password_hash),
        created_at: Set(app.clock.now_utc()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match inserted {
        Ok(user) => {
            email::send_verification(app, &txn, &user, client).await?;
            txn.commit().await?;
            Ok(user)
        }
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(Error::Conflict(FieldError::new(
                Field::Email,
                "Email or username already registered",
            )))
        }
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

pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: Option<String>,
}

/// A logged-in password change. The current password is checked like a log-in (throttled per
/// session). The session that asked keeps going; every other one ends.
pub async fn change_password(
    app: &AppState,
    user: &user::Model,
    session_id: &str,
    change: PasswordChange,
    client: &ClientInfo,
) -> Result<()> {
    let mut errors = Vec::new();
    if change.current.is_empty() {
        errors.push(FieldError::new(
            Field::CurrentPassword,
            "enter your current password",
        ));
    }
    let password = if !change.current.is_empty() && change.current == change.new {
        errors.push(FieldError::new(
            Field::NewPassword,
            "new password must differ from the current one",
        ));
        None
    } else {
        field(
            &mut errors,
            Field::NewPassword,
            Password::parse(change.new.clone(), &user.email_key),
        )
    };
    check_confirmation(
        &mut errors,
        &change.new,
        change.confirm.as_deref(),
        "the new passwords do not match",
    );
    Error::check(errors)?;
    let Some(password) = password else {
        return Err(Error::internal("parsed password missing without an error"));
    };

    login::confirm_password(app, user, session_id, &change.current, client).await?;
    let hash = app.hasher.hash(password.expose()).await?;
    let now = app.clock.now();
    let txn = app.writer.begin().await?;
    let done = Done {
        kind: Kind::PasswordChanged,
        keep: Some(session_id),
        client,
        now,
    };
    store_password(app, &txn, user, hash, &done).await?;
    txn.commit().await?;
    Ok(())
}

/// How a password change came about, for its notice and its activity row.
pub struct Done<'a> {
    pub kind: Kind,
    /// The session that made the change keeps going; every other one ends.
    pub keep: Option<&'a str>,
    pub client: &'a ClientInfo,
    pub now: i64,
}

/// Every password change goes through here: the new hash, no outstanding reset token, no
/// session left but `done.keep`, the "password changed" mail and the activity row. Part of the
/// caller's transaction.
pub async fn store_password(
    app: &AppState,
    txn: &DatabaseTransaction,
    user: &user::Model,
    hash: String,
    done: &Done<'_>,
) -> Result<()> {
    let mut active: user::ActiveModel = user.clone().into();
    active.password_hash = Set(hash);
    active.update(txn).await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::UserId.eq(user.id))
        .exec(txn)
        .await?;
    sessions::revoke_all(txn, user.id, done.keep, done.now).await?;
    let to = To {
        address: &user.email,
        user_id: Some(user.id),
    };
    app.mailer
        .notice(txn, done.now, to, Notice::PasswordChanged)
        .await?;
    audit::record(
        txn,
        done.now,
        Some(user.id),
        done.kind,
        done.client,
        json!({}),
    )
    .await
}
