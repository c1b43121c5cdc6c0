//! Logging in: throttled, uniform (the same work and the same answer for an unknown account and
//! a wrong password), and the place where old password hashes are upgraded.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::{
    auth::password::Verdict,
    domain::Email,
    entities::user,
    error::{Error, Field, Result, INVALID_CREDENTIALS},
    mail::{Notice, To},
    services::{
        audit::{self, Kind},
        rate_limit,
        sessions::{self, IssuedTokens},
        throttle::{self, AfterFailure, Subject},
        ClientInfo,
    },
    state::AppState,
};

pub const EMAIL_NOT_VERIFIED: &str = "Email not verified";

/// What a log-in form or body carries. `identifier` is an email or a username.
pub struct Credentials<'a> {
    pub identifier: &'a str,
    pub password: &'a str,
    /// Browsers only: keep the session across browser restarts.
    pub persistent: bool,
}

/// How a log-in ended, for the two faces to word as they do. Refusals that are not about the
/// credentials (throttled, malformed, unavailable) stay errors.
pub enum Outcome {
    SignedIn(IssuedTokens),
    /// Wrong password or no such account: the same answer for both.
    BadCredentials,
    /// The right password for an account whose address is not confirmed yet.
    Unverified,
}

impl Outcome {
    /// The API's reading: anything but a session is an error with its status.
    pub fn into_tokens(self) -> Result<IssuedTokens> {
        match self {
            Self::SignedIn(issued) => Ok(issued),
            Self::BadCredentials => Err(Error::Unauthorized(INVALID_CREDENTIALS)),
            Self::Unverified => Err(Error::Forbidden(EMAIL_NOT_VERIFIED)),
        }
    }
}

pub async fn login(
    app: &AppState,
    credentials: Credentials<'_>,
    client: &ClientInfo,
) -> Result<Outcome> {
    let identifier = credentials.identifier.trim();
    if identifier.is_empty() {
        return Err(Error::invalid(
            Field::Identifier,
            "email or username is required",
        ));
    }
    let user = find_by_identifier(app, identifier).await?;
    let subject = Subject::LogIn {
        user_id: user.as_ref().map(|u| u.id),
        identifier,
        ip: client.ip,
    };
    let verdict = check_password(app, subject, credentials.password, user.as_ref(), client).await?;
    match user {
        Some(user) if verdict.matched() => {
            if verdict == Verdict::MatchNeedsRehash {
                upgrade_hash(app, &user, credentials.password).await;
            }
            if app.settings.require_email_verification && user.email_verified_at.is_none() {
                // Only after a correct password, so it tells a guesser nothing.
                return Ok(Outcome::Unverified);
            }
            let issued = match sessions::start(app, user.id, credentials.persistent, client).await {
                Ok(issued) => issued,
                // The account was deleted while its password was being checked: from here it
                // is an account that does not exist.
                Err(Error::Unauthorized(_)) => return Ok(Outcome::BadCredentials),
                Err(err) => return Err(err),
            };
            audit::note(app, Some(user.id), Kind::LoginSucceeded, client).await;
            Ok(Outcome::SignedIn(issued))
        }
        _ => {
            audit::note(app, user.map(|u| u.id), Kind::LoginFailed, client).await;
            Ok(Outcome::BadCredentials)
        }
    }
}

/// One throttled check of `password` against `user`'s (none: an unknown account, checked
/// against a dummy hash all the same): log-ins and the current password of a change both go
/// through here. Refused with 429 while the throttle says wait; the owner is mailed once when
/// failures against their account reach LOGIN_MAX_FAILURES within an hour.
async fn check_password(
    app: &AppState,
    subject: Subject<'_>,
    password: &str,
    user: Option<&user::Model>,
    client: &ClientInfo,
) -> Result<Verdict> {
    // Shed a flood before it costs database work: the check would be refused anyway.
    if app.hasher.saturated() {
        return Err(Error::Unavailable {
            retry_after_secs: 2,
        });
    }
    let reservation = throttle::reserve(app, subject).await?;
    let hash = user.map(|u| u.password_hash.as_str());
    let verdict = match app.hasher.verify(password, hash).await {
        Ok(verdict) => verdict,
        Err(err) => {
            reservation.abandoned().await?;
            return Err(err);
        }
    };
    if verdict.matched() {
        reservation.succeeded().await?;
    } else if reservation.failed().await? == AfterFailure::StartedThrottling {
        if let Some(user) = user {
            log::warn!(
                "log-in throttled for user {} after repeated failures",
                user.id
            );
            audit::note(app, Some(user.id), Kind::LoginThrottled, client).await;
            // An outsider's guesses cause this mail: it spends the budget of such mails, and
            // once that is spent the throttle still holds but the owner is not mailed.
            match rate_limit::unauthenticated_mail(app, "log-in throttled notice").await {
                Ok(()) => {
                    let to = To {
                        address: &user.email,
                        user_id: Some(user.id),
                    };
                    let notice = Notice::LoginThrottled {
                        ceiling: app.settings.login_max_failures_per_account,
                    };
                    app.mailer
                        .notice(&app.writer, app.clock.now(), to, notice)
                        .await?;
                }
                Err(Error::TooManyRequests { .. }) => {}
                Err(err) => return Err(err),
            }
        }
    }
    Ok(verdict)
}

/// The signed-in user's password once more, before a change that needs it (password, email,
/// deletion): throttled per session, so that a lock an outsider set on the account does not
/// stand in its owner's way; a wrong one is [`Error::IncorrectPassword`].
pub async fn confirm_password(
    app: &AppState,
    user: &user::Model,
    session_id: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<()> {
    let subject = Subject::Session { session_id };
    let verdict = check_password(app, subject, password, Some(user), client).await?;
    if verdict.matched() {
        Ok(())
    } else {
        Err(Error::IncorrectPassword)
    }
}

/// Stores the password again under the current scheme and cost. A failure only delays the
/// upgrade to the next log-in, so it is logged rather than refused.
async fn upgrade_hash(app: &AppState, user: &user::Model, password: &str) {
    let hash = match app.hasher.hash(password).await {
        Ok(hash) => hash,
        Err(err) => {
            log::warn!(
                "password hash upgrade postponed for user {}: {err}",
                user.id
            );
            return;
        }
    };
    let mut active: user::ActiveModel = user.clone().into();
    active.password_hash = Set(hash);
    if let Err(err) = active.update(&app.writer).await {
        log::warn!(
            "password hash upgrade not stored for user {}: {err}",
            user.id
        );
    }
}

pub async fn find_by_identifier(app: &AppState, identifier: &str) -> Result<Option<user::Model>> {
    let identifier = identifier.trim();
    let query = if identifier.contains('@') {
        let key = Email::parse(identifier).map_or_else(|_| identifier.to_lowercase(), |e| e.key());
        user::Entity::find().filter(user::Column::EmailKey.eq(key))
    } else {
        user::Entity::find().filter(user::Column::UsernameKey.eq(identifier.to_ascii_lowercase()))
    };
    Ok(query.one(&app.db).await?)
}
