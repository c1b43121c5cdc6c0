use sea_orm::entity::prelude::*;

/// One row per rate-limit bucket, upserted first in every counting transaction so that the
/// count-then-insert that follows is serialised per bucket (see `services::rate_limit`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_limit_buckets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub bucket: String,
    pub touched_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
