//! Forgotten passwords: a single-use link by email. The answer to "send me a link" is the same,
//! in status, body and timing, whether or not the account exists: the look-up happens after the
//! response, in the background.

use std::net::IpAddr;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;

use crate::{
    auth::keys::{hash_token, random_token},
    domain::{Email, Password},
    entities::{password_reset, user},
    error::{Error, Field, Result},
    mail::To,
    services::{
        accounts,
        audit::{self, Kind},
        link_token::{consume, usable},
        rate_limit, throttle, ClientInfo,
    },
    state::AppState,
};

pub const INVALID_TOKEN: &str = "Invalid or expired reset token";
/// The answer to every well-formed request for a link, whether or not the account exists.
pub const FORGOT_PASSWORD_MSG: &str =
    "If an account exists for that email, a reset link has been sent.";

/// Validates the address, applies the rate limits (per address, known or not, and per client IP)
/// and hands the rest to a background task.
pub async fn request(app: &AppState, email: &str, client_ip: Option<IpAddr>) -> Result<()> {
    let key = Email::parse(email)
        .map_err(|message| Error::invalid(Field::Email, message))?
        .key();
    let target = format!("email:{}", hash_token(&key));
    rate_limit::mail_link(app, "forgot", &target, client_ip).await?;
    // Counted before the account is looked up: the answer must not depend on whether it exists.
    rate_limit::unauthenticated_mail(app, "forgot password").await?;
    let app = app.clone();
    tokio::spawn(async move {
        if let Err(err) = issue(&app, &key).await {
            log::error!("password reset: could not issue a token: {err}");
        }
    });
    Ok(())
}

/// Creates a token for the account (if there is one), voiding older ones, and mails the link.
async fn issue(app: &AppState, email_key: &str) -> Result<()> {
    let Some(user) = user::Entity::find()
        .filter(user::Column::EmailKey.eq(email_key))
        .one(&app.db)
        .await?
    else {
        return Ok(());
    };
    let token = random_token();
    let now = app.clock.now();

    let txn = app.writer.begin().await?;
    // This user's older tokens are superseded; everyone's expired ones are just clutter.
    password_reset::Entity::delete_many()
        .filter(
            Condition::any()
                .add(password_reset::Column::UserId.eq(user.id))
                .add(password_reset::Column::ExpiresAt.lte(now)),
        )
        .exec(&txn)
        .await?;
    password_reset::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(now + app.settings.reset_token_ttl_secs),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let to = To {
        address: &user.email,
        user_id: Some(user.id),
    };
    let minutes = app.settings.reset_token_ttl_secs / 60;
    app.mailer
        .password_reset(&txn, now, to, &token, minutes)
        .await?;
    let nobody = ClientInfo::default();
    audit::record(
        &txn,
        now,
        Some(user.id),
        Kind::ResetRequested,
        &nobody,
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The address of the account a reset link can still be used for (for showing the form, with
/// the address for password managers; [`reset`] checks again).
pub async fn account_email(app: &AppState, token: &str) -> Result<Option<String>> {
    Ok(
        usable::<password_reset::Entity>(&app.db, token, app.clock.now())
            .await?
            .map(|(_, user)| user.email),
    )
}

/// How a reset with a link ended. A password the rules refuse is an error (its field's).
pub enum Outcome {
    /// The password is set; the account's address, for the log-in page that follows.
    Changed(String),
    /// Malformed, unknown, used or expired (or used by a concurrent request meanwhile).
    LinkInvalid,
}

/// Sets a new password with a token from a reset mail. The token is checked first, then the
/// password (a rejected password leaves the token usable), then both are committed together:
/// the token consumed, every reset token and every session of the user gone. `confirm` is the
/// pages' second copy of the password.
pub async fn reset(
    app: &AppState,
    token: &str,
    new_password: String,
    confirm: Option<&str>,
    client: &ClientInfo,
) -> Result<Outcome> {
    let now = app.clock.now();
    let Some((row, user)) = usable::<password_reset::Entity>(&app.db, token, now).await? else {
        return Ok(Outcome::LinkInvalid);
    };
    let mut errors = Vec::new();
    let password = Password::parse(new_password.clone(), &user.email_key)
        .map_err(|message| errors.push(crate::error::FieldError::new(Field::NewPassword, message)))
        .ok();
    accounts::check_confirmation(
        &mut errors,
        &new_password,
        confirm,
        "the new passwords do not match",
    );
    Error::check(errors)?;
    let Some(password) = password else {
        return Err(Error::internal("parsed password missing without an error"));
    };
    let hash = app.hasher.hash(password.expose()).await?;

    let txn = app.writer.begin().await?;
    if !consume::<password_reset::Entity>(&txn, &row, now).await? {
        return Ok(Outcome::LinkInvalid);
    }
    let done = accounts::Done {
        kind: Kind::ResetCompleted,
        keep: None,
        client,
        now,
    };
    accounts::store_password(app, &txn, &user, hash, &done).await?;
    // Whoever locked the account out, its owner just proved control of the address.
    throttle::lift_account(&txn, user.id).await?;
    txn.commit().await?;
    Ok(Outcome::Changed(user.email))
}
