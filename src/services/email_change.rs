//! Moving an account to another address: the password again, then a link to the new address
//! (which changes nothing until it is confirmed through [`super::email::confirm`]) and a notice
//! to the old one.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;

use super::email::{issue, limit, CHANGE, HOUR, TTL_SECS};
use crate::{
    domain::Email,
    entities::user,
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
    if in_use {
        let stranger = To {
            address: email.as_str(),
            user_id: None,
        };
        app.mailer
            .notice(&txn, now, stranger, Notice::AddressInUse)
            .await?;
    } else {
        let token = issue(&txn, now, user.id, CHANGE, email.as_str()).await?;
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
