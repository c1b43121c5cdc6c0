use sea_orm_migration::{
    prelude::*,
    schema::{pk_auto, string_len, string_len_null, string_len_uniq, timestamp_with_time_zone},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(pk_auto(Users::Id))
                    // `email` keeps what the person typed (domain lower-cased); `email_key` is the
                    // fully lower-cased form that uniqueness and log-in look-ups use.
                    .col(string_len(Users::Email, 254))
                    .col(string_len_uniq(Users::EmailKey, 254))
                    .col(string_len_null(Users::Username, 32))
                    .col(string_len_null(Users::UsernameKey, 32).unique_key())
                    .col(string_len(Users::PasswordHash, 100))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Email,
    EmailKey,
    Username,
    UsernameKey,
    PasswordHash,
    CreatedAt,
}
