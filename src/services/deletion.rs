//! Deleting an account: the password again, then everything of it goes in one transaction —
//! sessions, tokens, its mails (pending, sent or failed) — its activity rows lose what
//! identifies them, and a goodbye mail is queued. Every token of the account is refused at once
//! (its sessions are gone) and the address can register again.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde_json::json;

use crate::{
    domain::Email,
    entities::{email_token, password_reset, session, user},
    error::{Error, Field, FieldError, Result},
    mail::{outbox, To},
    services::{
        audit::{self, Kind},
        login, ClientInfo,
    },
    state::AppState,
};

/// What the owner gives to delete the account: the password, and on the pages the account's
/// address typed again (GitHub-style, so that nobody deletes the wrong account by habit).
pub struct Confirm<'a> {
    pub password: &'a str,
    pub typed_email: Option<&'a str>,
}

pub async fn delete_account(
    app: &AppState,
    user: &user::Model,
    session_id: &str,
    confirm: Confirm<'_>,
    client: &ClientInfo,
) -> Result<()> {
    let mut errors = Vec::new();
    if let Some(typed) = confirm.typed_email {
        let same = Email::parse(typed).is_ok_and(|email| email.key() == user.email_key);
        if !same {
            let message = if typed.trim().is_empty() {
                "type your email address to confirm"
            } else {
                "this is not your account's email address"
            };
            errors.push(FieldError::new(Field::ConfirmEmail, message));
        }
    }
    if confirm.password.is_empty() {
        errors.push(FieldError::new(
            Field::CurrentPassword,
            "enter your password",
        ));
    }
    Error::check(errors)?;
    let password = confirm.password;
    login::confirm_password(app, user, session_id, password, client).await?;
    let now = app.clock.now();
    let txn = app.writer.begin().await?;
    remove(&txn, user.id).await?;
    let to = To {
        address: &user.email,
        user_id: None,
    };
    app.mailer.goodbye(&txn, now, to).await?;
    let anonymous = ClientInfo::default();
    audit::record(&txn, now, None, Kind::AccountDeleted, &anonymous, json!({})).await?;
    txn.commit().await?;
    log::info!("account {} deleted at its owner's request", user.id);
    Ok(())
}

/// Everything of the account `user_id`, inside the caller's transaction.
async fn remove(txn: &impl ConnectionTrait, user_id: i32) -> Result<()> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    email_token::Entity::delete_many()
        .filter(email_token::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    outbox::forget_user(txn, user_id).await?;
    audit::forget_user(txn, user_id).await?;
    user::Entity::delete_by_id(user_id).exec(txn).await?;
    Ok(())
}

/// Removes accounts whose address was never confirmed within UNVERIFIED_ACCOUNT_DAYS, among those
/// `filter` selects (all of them for housekeeping; the one address or username a registration
/// wants): an address typed by someone else is not held forever, and a stranger's inbox gets no
/// more reminders.
pub async fn remove_expired_unverified(app: &AppState, filter: Condition) -> Result<usize> {
    let days = i64::from(app.settings.unverified_account_days);
    let cutoff = app.clock.now_utc() - chrono::Duration::days(days);
    let expired: Vec<i32> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::EmailVerifiedAt.is_null())
        .filter(user::Column::CreatedAt.lt(cutoff))
        .filter(filter)
        .limit(500)
        .into_tuple()
        .all(&app.db)
        .await?;
    for id in &expired {
        let txn = app.writer.begin().await?;
        remove(&txn, *id).await?;
        txn.commit().await?;
        log::info!("account {id} removed: its address was never confirmed");
    }
    Ok(expired.len())
}
