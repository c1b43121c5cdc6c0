//! Forgotten passwords: a single-use link by email. The answer to "send me a link" is the same,
//! in status, body and timing, whether or not the account exists: the look-up happens after the
//! response, in the background.

use std::net::IpAddr;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::{rngs::OsRng, RngCore};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set, TransactionTrait,
};

use crate::{
    auth::tokens::hash_token,
    domain::{Email, Password},
    entities::{password_reset, user},
    error::{Error, Result},
    services::{accounts, rate_limit},
    state::AppState,
};

pub const INVALID_TOKEN: &str = "Invalid or expired reset token";
const HOUR: i64 = 3600;

/// Validates the address, applies the rate limits (per address, known or not, and per client IP)
/// and hands the rest to a background task.
pub async fn request(app: &AppState, email: &str, client_ip: Option<IpAddr>) -> Result<()> {
    let key = Email::parse(email).map_err(Error::Validation)?.key();
    let ip = client_ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    rate_limit::hit(
        app,
        &[
            rate_limit::Limit {
                bucket: format!("forgot:email:{}", hash_token(&key)),
                max: app.settings.forgot_password_limit_per_email,
                window_secs: HOUR,
            },
            rate_limit::Limit {
                bucket: format!("forgot:ip:{ip}"),
                max: app.settings.forgot_password_limit_per_ip,
                window_secs: HOUR,
            },
        ],
    )
    .await?;
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
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let now = app.clock.now();

    let txn = app.db.begin().await?;
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
    txn.commit().await?;

    app.mailer
        .password_reset(&user.email, &token, app.settings.reset_token_ttl_secs / 60);
    Ok(())
}

/// The unused, unexpired token row behind `token`, with its user. The one place that decides
/// whether a reset link still works.
async fn usable(
    app: &AppState,
    token: &str,
    now: i64,
) -> Result<Option<(password_reset::Model, user::Model)>> {
    if token.is_empty() {
        return Ok(None);
    }
    let found = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(hash_token(token)))
        .find_also_related(user::Entity)
        .one(&app.db)
        .await?;
    Ok(match found {
        Some((row, Some(user))) if row.used_at.is_none() && row.expires_at > now => {
            Some((row, user))
        }
        _ => None,
    })
}

/// Whether a reset link can still be used (for showing the form; [`reset`] checks again).
pub async fn is_valid(app: &AppState, token: &str) -> Result<bool> {
    Ok(usable(app, token, app.clock.now()).await?.is_some())
}

/// Sets a new password with a token from a reset mail. The token is checked first, then the
/// password (a rejected password leaves the token usable), then both are committed together:
/// the token consumed, every reset token and every session of the user gone.
pub async fn reset(app: &AppState, token: &str, new_password: String) -> Result<()> {
    let now = app.clock.now();
    let invalid = || Error::BadRequest(INVALID_TOKEN.into());
    let (row, user) = usable(app, token, now).await?.ok_or_else(invalid)?;
    let password = Password::parse(new_password, &user.email_key).map_err(Error::Validation)?;
    let hash = app.hasher.hash(&password).await?;

    let txn = app.db.begin().await?;
    // Consumed with a compare-and-swap: of two concurrent resets with one token, one wins.
    let consumed = password_reset::Entity::update_many()
        .col_expr(
            password_reset::Column::UsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(password_reset::Column::Id.eq(row.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if consumed.rows_affected != 1 {
        return Err(invalid());
    }
    accounts::store_password(app, &txn, &user, hash, None).await?;
    txn.commit().await?;
    app.mailer.password_changed(&user.email);
    Ok(())
}
