use sea_orm_migration::{prelude::*, schema::integer};

use crate::m20261130_000004_hardening::LoginThrottles;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Log-in attempts whose password is being checked right now: bounded per key, so a burst of
/// parallel guesses cannot slip past the failure count, while a success counts as no failure.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LoginThrottles::Table)
                    .add_column_if_not_exists(integer(Pending::Pending).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LoginThrottles::Table)
                    .drop_column(Pending::Pending)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Pending {
    Pending,
}
