//! Sliding-window rate limits kept in the database, so that they hold across every instance
//! sharing it. A bucket names what is limited (`forgot:email:<hash>`, `register:ip:<address>`).
//!
//! Counting is atomic: each check runs in a transaction that first upserts the bucket's row in
//! `rate_limit_buckets`. On PostgreSQL that row lock serialises every transaction on the same
//! bucket until commit; on SQLite the upsert takes the database's write lock before anything is
//! read. So N parallel requests against a limit of k let exactly k through.

use std::net::IpAddr;

use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::{
    entities::{rate_limit_bucket, rate_limit_hit},
    error::{Error, Limited, Result},
    state::AppState,
};

/// The longest window any limit may use without its hits being pruned early.
const RETENTION_SECS: i64 = 24 * 3600;
const HOUR: i64 = 3600;

pub struct Limit {
    pub bucket: String,
    pub max: u32,
    pub window_secs: i64,
    /// What the bucket counts, for the refusal to name.
    pub limited: Limited,
}

/// The part of a client address that limits count: the address for IPv4, its /64 for IPv6 (one
/// subscriber usually holds a whole /64, so counting single addresses would be no limit).
pub fn ip_key(ip: Option<IpAddr>) -> String {
    match ip {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                v4.to_string()
            } else {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        }
        None => "unknown".to_owned(),
    }
}

/// Takes the lock rows of `buckets` inside `txn`, in a fixed order so that two transactions
/// never wait on each other crosswise.
pub async fn lock_buckets(txn: &DatabaseTransaction, buckets: &[&str], now: i64) -> Result<()> {
    let mut sorted: Vec<&str> = buckets.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    for bucket in sorted {
        rate_limit_bucket::Entity::insert(rate_limit_bucket::ActiveModel {
            bucket: Set(bucket.to_owned()),
            touched_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(rate_limit_bucket::Column::Bucket)
                .update_column(rate_limit_bucket::Column::TouchedAt)
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// Counts one request against every limit, or none if any is exhausted (then 429 with the
/// seconds until the oldest counted request leaves the window). Refused requests are not
/// counted, so a client that waits as told gets through.
pub async fn hit(app: &AppState, limits: &[Limit]) -> Result<()> {
    decide(app, limits, true).await
}

/// Whether [`hit`] would let the request through, without counting it: for a budget that only
/// some answers spend, checked before the answer is known.
pub async fn check(app: &AppState, limits: &[Limit]) -> Result<()> {
    decide(app, limits, false).await
}

async fn decide(app: &AppState, limits: &[Limit], spend: bool) -> Result<()> {
    let now = app.clock.now();
    let _turn = app.lock_turn().await?;
    let txn = app.writer.begin().await?;
    let buckets: Vec<&str> = limits.iter().map(|l| l.bucket.as_str()).collect();
    lock_buckets(&txn, &buckets, now).await?;
    let mut retry_after = None;
    for limit in limits {
        let since = now - limit.window_secs;
        let recent = rate_limit_hit::Entity::find()
            .filter(rate_limit_hit::Column::Bucket.eq(limit.bucket.as_str()))
            .filter(rate_limit_hit::Column::CreatedAt.gt(since))
            .order_by_asc(rate_limit_hit::Column::CreatedAt)
            .limit(u64::from(limit.max))
            .all(&txn)
            .await?;
        if recent.len() >= limit.max as usize {
            let wait = recent.first().map_or(limit.window_secs, |oldest| {
                oldest.created_at + limit.window_secs - now
            });
            // The refusal names the limit with the longest wait: the one that decides.
            if retry_after.is_none_or(|(longest, _)| wait > longest) {
                retry_after = Some((wait, limit.limited));
            }
        }
    }
    if let Some((retry_after_secs, limited)) = retry_after {
        txn.commit().await?;
        return Err(Error::TooManyRequests {
            retry_after_secs,
            limited,
        });
    }
    for limit in limits.iter().filter(|_| spend) {
        rate_limit_hit::ActiveModel {
            bucket: Set(limit.bucket.clone()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The limits of every request that mails a link (reset, verification, email change): per
/// target (`email:<hash>` or `user:<id>`) and per client, FORGOT_PASSWORD_LIMIT_PER_EMAIL and
/// _PER_IP an hour, in buckets named after `what` (`forgot`, `verify`, `change-email`).
pub async fn mail_link(app: &AppState, what: &str, target: &str, ip: Option<IpAddr>) -> Result<()> {
    hit(
        app,
        &[
            Limit {
                bucket: format!("{what}:{target}"),
                max: app.settings.forgot_password_limit_per_email,
                window_secs: HOUR,
                limited: Limited::LinksForTarget,
            },
            Limit {
                bucket: format!("{what}:ip:{}", ip_key(ip)),
                max: app.settings.forgot_password_limit_per_ip,
                window_secs: HOUR,
                limited: Limited::LinksFromNetwork,
            },
        ],
    )
    .await
}

/// The instance-wide hourly budget of mails that someone who is not signed in can cause
/// (registration, forgot password, resending a verification to an address): whatever addresses
/// and networks a script cycles through, Gatehouse never becomes a mail cannon aimed at
/// strangers. Spent, it answers 429 and says so in the log. Called after the per-target and
/// per-client limits, so one client is refused by those first. The owner's notice that log-ins
/// are throttled counts too (an outsider's guesses cause it), but is skipped, not refused.
pub async fn unauthenticated_mail(app: &AppState, what: &str) -> Result<()> {
    let spent = hit(
        app,
        &[Limit {
            bucket: "mail:unauthenticated".to_owned(),
            max: app.settings.unauthenticated_mail_per_hour,
            window_secs: HOUR,
            limited: Limited::MailBudget,
        }],
    )
    .await;
    if let Err(Error::TooManyRequests { .. }) = &spent {
        log::warn!(
            "{what}: no mail sent, the hourly budget of mails to people not signed in \
             (UNAUTHENTICATED_MAIL_PER_HOUR={}) is spent",
            app.settings.unauthenticated_mail_per_hour
        );
    }
    spent
}

/// Drops hits older than any window, and lock rows nobody touched since. Safe to run from
/// several instances at once (plain range deletes).
pub async fn purge(app: &AppState) -> Result<()> {
    let cutoff = app.clock.now() - RETENTION_SECS;
    rate_limit_hit::Entity::delete_many()
        .filter(rate_limit_hit::Column::CreatedAt.lte(cutoff))
        .exec(&app.writer)
        .await?;
    rate_limit_bucket::Entity::delete_many()
        .filter(rate_limit_bucket::Column::TouchedAt.lte(cutoff))
        .exec(&app.writer)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ip_key;

    #[test]
    fn ipv6_clients_count_per_64() {
        let a = "2001:db8:1:2:aaaa::1".parse().ok();
        let b = "2001:db8:1:2:bbbb::9".parse().ok();
        assert_eq!(ip_key(a), ip_key(b));
        assert_eq!(ip_key(a), "2001:db8:1:2::/64");
        assert_eq!(ip_key("203.0.113.7".parse().ok()), "203.0.113.7");
        assert_eq!(ip_key("::ffff:203.0.113.7".parse().ok()), "203.0.113.7");
    }
}
