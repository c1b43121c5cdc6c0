use sea_orm::entity::prelude::*;

/// A mail waiting to be delivered (or delivered, until purged). Written in the same transaction
/// as what it announces; the worker claims due rows with a lease (`lease_until`, Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: Option<i32>,
    pub kind: String,
    pub recipient: String,
    /// The formatted message, encrypted with a key derived from SECRET_KEY.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// Claims so far. Each claim increments it, so with `id` it names the current claim: the
    /// worker writes to a claimed row only `WHERE id = ? AND attempts = ?`.
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub lease_until: Option<i64>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
