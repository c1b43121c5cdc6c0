use sea_orm::entity::prelude::*;

/// Failed log-ins counted per key: `acct:<hash of the identifier tried>` (consecutive failures,
/// whether or not the account exists) or `ip:<address or /64>` (failures in a window).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub failures: i32,
    pub window_start: i64,
    pub locked_until: i64,
    pub updated_at: i64,
    /// Attempts whose password is being checked right now.
    pub pending: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
