use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, big_integer_null, integer, string_len, string_len_null},
};

use crate::m20261124_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One row per refresh-token family. Instants are Unix seconds (`bigint`) so that comparisons in
/// SQL are exact on both SQLite (which stores timestamps as text) and PostgreSQL.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .if_not_exists()
                    .col(string_len(Sessions::Id, 36).primary_key())
                    .col(integer(Sessions::UserId))
                    .col(string_len(Sessions::TokenHash, 64))
                    .col(string_len_null(Sessions::PreviousHash, 64))
                    .col(big_integer_null(Sessions::RotatedAt))
                    .col(big_integer(Sessions::CreatedAt))
                    .col(big_integer(Sessions::ExpiresAt))
                    .col(big_integer_null(Sessions::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_user")
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user_id")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Sessions {
    Table,
    Id,
    UserId,
    TokenHash,
    PreviousHash,
    RotatedAt,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    Persistent,
    LastUsedAt,
    Device,
    Ip,
}
