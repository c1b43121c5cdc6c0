//! The account's address: verifying it, and changing it. Both go through a single-use link
//! (256 random bits, only the hash stored, 24 hours) mailed to the address in question, and
//! only a POST consumes it: mail scanners fetch GET links before the person does.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, SqlErr,
    TransactionTrait,
};
use serde_json::json;

use crate::{
    auth::keys::{hash_token, random_token},
    domain::Email,
    entities::{email_token, password_reset, user},
    error::{Error, Field, FieldError, Result},
    mail::{Address, To},
    services::{
        audit::{self, Kind},
        link_token::{consume, usable, used},
        rate_limit, ClientInfo,
    },
    state::AppState,
};

pub const INVALID_TOKEN: &str = "Invalid or expired verification token";
pub(super) const TTL_SECS: i64 = 24 * 3600;
pub(super) const HOUR: i64 = 3600;
const VERIFY: &str = "verify";
pub(super) const CHANGE: &str = "change_email";

/// What a link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    Verified,
    EmailChanged,
    /// Malformed, unknown, used, expired, or for an address the account no longer has.
    LinkInvalid,
}

impl Confirmed {
    /// The API's reading: an invalid link is a 400.
    pub fn or_invalid(self) -> Result<Self> {
        match self {
            Self::LinkInvalid => Err(Error::BadRequest(INVALID_TOKEN)),
            done => Ok(done),
        }
    }
}

pub(super) async fn issue(
    db: &impl ConnectionTrait,
    now: i64,
    user_id: i32,
    purpose: &str,
    address: &str,
) -> Result<String> {
    // A newer link of the same kind supersedes the older ones.
    email_token::Entity::delete_many()
        .filter(email_token::Column::UserId.eq(user_id))
        .filter(email_token::Column::Purpose.eq(purpose))
        .exec(db)
        .await?;
    let token = random_token();
    email_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.to_owned()),
        token_hash: Set(hash_token(&token)),
        new_email: Set(Some(address.to_owned())),
        created_at: Set(now),
        expires_at: Set(now + TTL_SECS),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Queues a verification link for the user's current address, in the caller's transaction.
pub async fn send_verification(
    app: &AppState,
    db: &impl ConnectionTrait,
    user: &user::Model,
    client: &ClientInfo,
) -> Result<()> {
    let now = app.clock.now();
    let token = issue(db, now, user.id, VERIFY, &user.email).await?;
    let to = To {
        address: &user.email,
        user_id: Some(user.id),
    };
    app.mailer
        .confirmation(db, now, to, Address::Current, &token, TTL_SECS / HOUR)
        .await?;
    audit::record(
        db,
        now,
        Some(user.id),
        Kind::VerificationSent,
        client,
        json!({}),
    )
    .await
}

/// Limits link mails per account and per client like forgot-password does.
pub(super) async fn limit(
    app: &AppState,
    what: &str,
    user_id: i32,
    client: &ClientInfo,
) -> Result<()> {
    rate_limit::mail_link(app, what, &format!("user:{user_id}"), client.ip).await
}

/// Sends the verification link again (nothing when the address is already verified).
pub async fn resend(app: &AppState, user: &user::Model, client: &ClientInfo) -> Result<()> {
    if user.email_verified_at.is_some() {
        return Ok(());
    }
    limit(app, "verify", user.id, client).await?;
    let txn = app.writer.begin().await?;
    send_verification(app, &txn, user, client).await?;
    txn.commit().await?;
    Ok(())
}

/// What a link that still works would confirm (for showing its page; [`confirm`] checks
/// again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFor {
    pub address: String,
    /// The account moves to `address`, rather than confirming the one it has.
    pub change: bool,
}

pub async fn link_for(app: &AppState, token: &str) -> Result<Option<LinkFor>> {
    let now = app.clock.now();
    let usable = usable::<email_token::Entity>(&app.db, token, now).await?;
    Ok(usable.and_then(|(row, _)| {
        Some(LinkFor {
            change: row.purpose == CHANGE,
            address: row.new_email?,
        })
    }))
}

/// Whether `token` is a verification link that was used, for an address its account still has
/// and has confirmed: opened again, it should say so, not "invalid".
pub async fn already_confirmed(app: &AppState, token: &str) -> Result<bool> {
    let Some((row, user)) = used::<email_token::Entity>(&app.db, token).await? else {
        return Ok(false);
    };
    let same_address = row
        .new_email
        .as_deref()
        .and_then(|a| Email::parse(a).ok())
        .is_some_and(|email| email.key() == user.email_key);
    Ok(row.purpose != CHANGE && same_address && user.email_verified_at.is_some())
}

/// Consumes a link: verifies the address it was sent to, or moves the account to it.
pub async fn confirm(app: &AppState, token: &str, client: &ClientInfo) -> Result<Confirmed> {
    let now = app.clock.now();
    let Some((row, user)) = usable::<email_token::Entity>(&app.db, token, now).await? else {
        return Ok(Confirmed::LinkInvalid);
    };
    let Some(email) = row.new_email.as_deref().and_then(|a| Email::parse(a).ok()) else {
        return Ok(Confirmed::LinkInvalid);
    };
    let txn = app.writer.begin().await?;
    if !consume::<email_token::Entity>(&txn, &row, now).await? {
        return Ok(Confirmed::LinkInvalid);
    }
    let mut active: user::ActiveModel = user.clone().into();
    let outcome = if row.purpose == CHANGE {
        active.email = Set(email.as_str().to_owned());
        active.email_key = Set(email.key());
        active.email_verified_at = Set(Some(now));
        Confirmed::EmailChanged
    } else if user.email_key == email.key() {
        active.email_verified_at = Set(Some(now));
        Confirmed::Verified
    } else {
        // A verification link for an address the account no longer has.
        return Ok(Confirmed::LinkInvalid);
    };
    match active.update(&txn).await {
        Ok(_) => {}
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(Error::Conflict(FieldError::new(
                Field::Email,
                "Email already registered",
            )));
        }
        Err(err) => return Err(err.into()),
    }
    if outcome == Confirmed::EmailChanged {
        // Reset links went to the old address, which no longer controls the account.
        password_reset::Entity::delete_many()
            .filter(password_reset::Column::UserId.eq(user.id))
            .exec(&txn)
            .await?;
        // The old address hears that it no longer controls the account, and how to get it back.
        let old = To {
            address: &user.email,
            user_id: Some(user.id),
        };
        app.mailer
            .email_change_completed(&txn, now, old, email.as_str())
            .await?;
    }
    let kind = if outcome == Confirmed::EmailChanged {
        Kind::EmailChangeCompleted
    } else {
        Kind::EmailVerified
    };
    audit::record(&txn, now, Some(user.id), kind, client, json!({})).await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Sends a new verification link to `address` if an unverified account has it, with the same
/// answer either way (pages offer this when a log-in is refused for an unverified address).
pub async fn resend_to_address(app: &AppState, address: &str, client: &ClientInfo) -> Result<()> {
    let email = Email::parse(address).map_err(|message| Error::invalid(Field::Email, message))?;
    let target = format!("email:{}", hash_token(&email.key()));
    rate_limit::mail_link(app, "verify", &target, client.ip).await?;
    rate_limit::unauthenticated_mail(app, "verification resend").await?;
    let found = user::Entity::find()
        .filter(user::Column::EmailKey.eq(email.key()))
        .one(&app.db)
        .await?;
    if let Some(user) = found.filter(|u| u.email_verified_at.is_none()) {
        let txn = app.writer.begin().await?;
        send_verification(app, &txn, &user, client).await?;
        txn.commit().await?;
    }
    Ok(())
}
