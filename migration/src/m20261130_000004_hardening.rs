use sea_orm_migration::{
    prelude::*,
    schema::{big_integer, big_integer_null, boolean, integer, string_len, string_len_null},
};

use crate::m20261124_000002_create_sessions::Sessions;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Brute-force defence and atomic limits: per-key log-in throttles and one lockable row per
/// rate-limit bucket (a transaction that upserts it first is serialised per bucket on
/// PostgreSQL, and takes SQLite's write lock before it reads). Sessions learn whether they
/// outlive the browser, and where and when they were last used.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottles::Table)
                    .if_not_exists()
                    .col(string_len(LoginThrottles::Key, 80).primary_key())
                    .col(integer(LoginThrottles::Failures))
                    .col(big_integer(LoginThrottles::WindowStart))
                    .col(big_integer(LoginThrottles::LockedUntil))
                    .col(big_integer(LoginThrottles::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RateLimitBuckets::Table)
                    .if_not_exists()
                    .col(string_len(RateLimitBuckets::Bucket, 120).primary_key())
                    .col(big_integer(RateLimitBuckets::TouchedAt))
                    .to_owned(),
            )
            .await?;
        // SQLite alters one column per statement.
        let columns = [
            boolean(Sessions::Persistent).default(true).to_owned(),
            big_integer_null(Sessions::LastUsedAt),
            string_len_null(Sessions::Device, 120),
            string_len_null(Sessions::Ip, 64),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .add_column_if_not_exists(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginThrottles::Table.into_iden(),
            RateLimitBuckets::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        for column in [
            Sessions::Persistent,
            Sessions::LastUsedAt,
            Sessions::Device,
            Sessions::Ip,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum LoginThrottles {
    Table,
    Key,
    Failures,
    WindowStart,
    LockedUntil,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum RateLimitBuckets {
    Table,
    Bucket,
    TouchedAt,
}
