use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, big_integer_null, integer, pk_auto, string_len, string_len_uniq},
};

use crate::m20261124_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Password-reset tokens (SHA-256 hashes only) and the hits that rate-limit asking for them.
/// Both live in the database so that limits and single use hold across instances.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordResetTokens::Table)
                    .if_not_exists()
                    .col(pk_auto(PasswordResetTokens::Id))
                    .col(integer(PasswordResetTokens::UserId))
                    .col(string_len_uniq(PasswordResetTokens::TokenHash, 64))
                    .col(big_integer(PasswordResetTokens::CreatedAt))
                    .col(big_integer(PasswordResetTokens::ExpiresAt))
                    .col(big_integer_null(PasswordResetTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_password_reset_tokens_user")
                            .from(PasswordResetTokens::Table, PasswordResetTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_password_reset_tokens_user_id")
                    .table(PasswordResetTokens::Table)
                    .col(PasswordResetTokens::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RateLimitHits::Table)
                    .if_not_exists()
                    .col(pk_auto(RateLimitHits::Id))
                    .col(string_len(RateLimitHits::Bucket, 128))
                    .col(big_integer(RateLimitHits::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_limit_hits_bucket_created_at")
                    .table(RateLimitHits::Table)
                    .col(RateLimitHits::Bucket)
                    .col(RateLimitHits::CreatedAt)
                    .to_owned(),
            )
            .await?;
        // Housekeeping deletes old hits and expired tokens across all buckets and users.
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_limit_hits_created_at")
                    .table(RateLimitHits::Table)
                    .col(RateLimitHits::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_password_reset_tokens_expires_at")
                    .table(PasswordResetTokens::Table)
                    .col(PasswordResetTokens::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateLimitHits::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PasswordResetTokens::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PasswordResetTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum RateLimitHits {
    Table,
    Id,
    Bucket,
    CreatedAt,
}
