//! Deleting an account: the password again, then everything of it goes in one transaction —
//! sessions, tokens, its mails (pending, sent or failed) — its activity rows lose what
//! identifies them, and a goodbye mail is queued. Every token of the account is refused at once
//! (its sessions are gone) and the address can register again.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;

use crate::{
    entities::{email_token, password_reset, session, user},
    error::{Error, Field, FieldError, Result},
    mail::{outbox, To},
    services::{
        audit::{self, Kind},
        login, ClientInfo,
    },
    state::AppState,
};

pub async fn delete_account(
    app: &AppState,
    user: &user::Model,
    session_id: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<()> {
    if password.is_empty() {
        return Err(Error::Invalid(vec![FieldError::new(
            Field::CurrentPassword,
            "enter your password",
        )]));
    }
    login::confirm_password(app, user, session_id, password, client).await?;
    let now = app.clock.now();
    let txn = app.writer.begin().await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    email_token::Entity::delete_many()
        .filter(email_token::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    outbox::forget_user(&txn, user.id).await?;
    audit::forget_user(&txn, user.id).await?;
    user::Entity::delete_by_id(user.id).exec(&txn).await?;
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
