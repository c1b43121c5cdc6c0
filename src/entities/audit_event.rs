use sea_orm::entity::prelude::*;

/// One security-relevant event. `user_id` is empty for attempts on unknown accounts and for
/// accounts that were deleted (their rows lose ip and device too).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: i64,
    pub user_id: Option<i32>,
    pub kind: String,
    pub ip: Option<String>,
    pub device: Option<String>,
    /// A small JSON object without secrets.
    #[sea_orm(column_type = "Text")]
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
