//! Sliding-window rate limits kept in the database, so that they hold across every instance
//! sharing it. A bucket names what is limited (`forgot:email:<hash>`, `forgot:ip:<address>`).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    entities::rate_limit_hit,
    error::{Error, Result},
    state::AppState,
};

/// The longest window any limit may use without its hits being pruned early.
const RETENTION_SECS: i64 = 24 * 3600;

pub struct Limit {
    pub bucket: String,
    pub max: u32,
    pub window_secs: i64,
}

/// Counts one request against every limit, or none if any is exhausted (then 429 with the
/// seconds until the oldest counted request leaves the window). Refused requests are not
/// counted, so a client that waits as told gets through.
pub async fn hit(app: &AppState, limits: &[Limit]) -> Result<()> {
    let now = app.clock.now();
    // Hits older than any window count for nothing; dropping them here keeps the table as small
    // as a day of traffic (one indexed range delete).
    let retention = limits
        .iter()
        .map(|l| l.window_secs)
        .fold(RETENTION_SECS, i64::max);
    rate_limit_hit::Entity::delete_many()
        .filter(rate_limit_hit::Column::CreatedAt.lte(now - retention))
        .exec(&app.db)
        .await?;
    let mut retry_after = None;
    for limit in limits {
        let since = now - limit.window_secs;
        let recent = rate_limit_hit::Entity::find()
            .filter(rate_limit_hit::Column::Bucket.eq(limit.bucket.as_str()))
            .filter(rate_limit_hit::Column::CreatedAt.gt(since))
            .order_by_asc(rate_limit_hit::Column::CreatedAt)
            .limit(u64::from(limit.max))
            .all(&app.db)
            .await?;
        if recent.len() >= limit.max as usize {
            let wait = recent.first().map_or(limit.window_secs, |oldest| {
                oldest.created_at + limit.window_secs - now
            });
            retry_after = Some(retry_after.map_or(wait, |w: i64| w.max(wait)));
        }
    }
    if let Some(retry_after_secs) = retry_after {
        return Err(Error::TooManyRequests { retry_after_secs });
    }
    for limit in limits {
        rate_limit_hit::ActiveModel {
            bucket: Set(limit.bucket.clone()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await?;
    }
    Ok(())
}
