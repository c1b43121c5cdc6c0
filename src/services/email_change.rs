//! Moving an account to another address: the password again, then a link to the new address
//! (which changes nothing until it is confirmed through [`super::email::confirm`]) and a notice
//! to the old one.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde_json::json;

use super::email::{issue, limit, CHANGE, HOUR, TTL_SECS};
use crate::{
    domain::Email,
    entities::{email_token, user},
    error::{Error, Field, FieldError, Result},
    mail::{Address, Notice, To},
    services::{
        audit::{self, Kind},
        login, ClientInfo,
    },
    state::AppState,
};

/// Asks to move the account to `new_email`. The answer is the same whether or not the address is
/// taken: a free address gets the confirmation link (and the old one a notice); a taken one gets
/// a "someone tried to use this address" mail instead.
pub async fn request(
    app: &AppState,
    user: &user::Model,
    session_id: &str,
    password: &str,
    new_email: &str,
    client: &ClientInfo,
) -> Result<()> {
    let mut errors = Vec::new();
    if password.is_empty() {
        errors.push(FieldError::new(
            Field::CurrentPassword,
            "enter your password",
        ));
    }
    let email = Email::parse(new_email)
        .map_err(|message| errors.push(FieldError::new(Field::NewEmail, message)))
        .ok();
    if email.as_ref().is_some_and(|e| e.key() == user.email_key) {
        errors.push(FieldError::new(
            Field::NewEmail,
            "new email must differ from the current one",
        ));
    }
    Error::check(errors)?;
    let Some(email) = email else {
        return Err(Error::internal("parsed email missing without an error"));
    };
    login::confirm_password(app, user, session_id, password, client).await?;
    limit(app, "change-email", user.id, client).await?;

    let now = app.clock.now();
    let in_use = user::Entity::find()
        .filter(user::Column::EmailKey.eq(email.key()))
        .one(&app.db)
        .await?
        .is_some();
    let txn = app.writer.begin().await?;
    // A taken address gets a pending change too (whose link is never sent), so the settings
    // page shows the same "waiting for confirmation" either way and says nothing about who owns
    // the address.
    let token = issue(&txn, now, user.id, CHANGE, email.as_str()).await?;
    if in_use {
        let stranger = To {
            address: email.as_str(),
            user_id: None,
        };
        app.mailer
            .notice(&txn, now, stranger, Notice::AddressInUse)
            .await?;
    } else {
        let wanted = To {
            address: email.as_str(),
            user_id: Some(user.id),
        };
        app.mailer
            .confirmation(&txn, now, wanted, Address::New, &token, TTL_SECS / HOUR)
            .await?;
        let current = To {
            address: &user.email,
            user_id: Some(user.id),
        };
        app.mailer
            .email_changed(&txn, now, current, email.as_str())
            .await?;
    }
    let detail = json!({});
    audit::record(
        &txn,
        now,
        Some(user.id),
        Kind::EmailChangeRequested,
        client,
        detail,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An email change that waits for its link to be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub address: String,
    pub sent_at: i64,
}

/// The account's change still waiting for confirmation, if any (a newer request replaces an
/// older one, so there is at most one).
pub async fn pending(app: &AppState, user_id: i32) -> Result<Option<Pending>> {
    let now = app.clock.now();
    let row = live_changes(user_id, now).one(&app.db).await?;
    Ok(row.and_then(|row| {
        Some(Pending {
            address: row.new_email?,
            sent_at: row.created_at,
        })
    }))
}

/// Withdraws the pending change: its link stops working. `false` when there was none.
pub async fn cancel(app: &AppState, user: &user::Model, client: &ClientInfo) -> Result<bool> {
    let now = app.clock.now();
    let txn = app.writer.begin().await?;
    let removed = email_token::Entity::delete_many()
        .filter(email_token::Column::UserId.eq(user.id))
        .filter(email_token::Column::Purpose.eq(CHANGE))
        .exec(&txn)
        .await?
        .rows_affected;
    if removed > 0 {
        let detail = json!({});
        audit::record(
            &txn,
            now,
            Some(user.id),
            Kind::EmailChangeCancelled,
            client,
            detail,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(removed > 0)
}

fn live_changes(user_id: i32, now: i64) -> sea_orm::Select<email_token::Entity> {
    email_token::Entity::find()
        .filter(email_token::Column::UserId.eq(user_id))
        .filter(email_token::Column::Purpose.eq(CHANGE))
        .filter(email_token::Column::UsedAt.is_null())
        .filter(email_token::Column::ExpiresAt.gt(now))
        .order_by_desc(email_token::Column::CreatedAt)
}
