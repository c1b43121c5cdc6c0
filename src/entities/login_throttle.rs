use sea_orm::entity::prelude::*;

/// Failed password checks counted per key (see `services::throttle` for what each kind means):
/// `p:<account>:<network>`, `a:<account>`, `n:<network>`, `s:<session>`, each part a hash.
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
    /// When a failure was last counted (0: never): consecutive failures are forgotten a day
    /// after it.
    pub last_failure_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
