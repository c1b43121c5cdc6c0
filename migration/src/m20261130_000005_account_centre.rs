use sea_orm_migration::{
    prelude::*,
    schema::{
        big_integer, big_integer_null, integer, integer_null, pk_auto, string_len, string_len_null,
        string_len_uniq, text,
    },
};

use crate::m20261124_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The account security centre: verified addresses, single-use mail tokens (verification and
/// email change), the durable mail outbox, and the security activity log. Instants are Unix
/// seconds, as everywhere else.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column_if_not_exists(big_integer_null(EmailVerifiedAt::EmailVerifiedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailTokens::Table)
                    .if_not_exists()
                    .col(pk_auto(EmailTokens::Id))
                    .col(integer(EmailTokens::UserId))
                    .col(string_len(EmailTokens::Purpose, 16))
                    .col(string_len_uniq(EmailTokens::TokenHash, 64))
                    .col(string_len_null(EmailTokens::NewEmail, 254))
                    .col(big_integer(EmailTokens::CreatedAt))
                    .col(big_integer(EmailTokens::ExpiresAt))
                    .col(big_integer_null(EmailTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_tokens_user")
                            .from(EmailTokens::Table, EmailTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .if_not_exists()
                    .col(pk_auto(Outbox::Id))
                    // No foreign key: a goodbye mail outlives its account.
                    .col(integer_null(Outbox::UserId))
                    .col(string_len(Outbox::Kind, 40))
                    .col(string_len(Outbox::Recipient, 254))
                    // The formatted message, encrypted: it may hold a live link.
                    .col(text(Outbox::Payload))
                    .col(string_len(Outbox::Status, 10))
                    .col(integer(Outbox::Attempts))
                    .col(big_integer(Outbox::NextAttemptAt))
                    .col(big_integer_null(Outbox::LeaseUntil))
                    .col(big_integer(Outbox::CreatedAt))
                    .col(big_integer_null(Outbox::SentAt))
                    .col(string_len_null(Outbox::LastError, 300))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .if_not_exists()
                    .col(pk_auto(AuditEvents::Id))
                    .col(big_integer(AuditEvents::At))
                    .col(integer_null(AuditEvents::UserId))
                    .col(string_len(AuditEvents::Kind, 40))
                    .col(string_len_null(AuditEvents::Ip, 64))
                    .col(string_len_null(AuditEvents::Device, 120))
                    .col(text(AuditEvents::Detail))
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in [
            (
                "idx_email_tokens_user",
                EmailTokens::Table.into_iden(),
                vec![EmailTokens::UserId.into_iden()],
            ),
            (
                "idx_outbox_due",
                Outbox::Table.into_iden(),
                vec![
                    Outbox::Status.into_iden(),
                    Outbox::NextAttemptAt.into_iden(),
                ],
            ),
            (
                "idx_audit_user",
                AuditEvents::Table.into_iden(),
                vec![AuditEvents::UserId.into_iden(), AuditEvents::Id.into_iden()],
            ),
            (
                "idx_audit_at",
                AuditEvents::Table.into_iden(),
                vec![AuditEvents::At.into_iden()],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(table).if_not_exists();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            Outbox::Table.into_iden(),
            EmailTokens::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(EmailVerifiedAt::EmailVerifiedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum EmailVerifiedAt {
    EmailVerifiedAt,
}

#[derive(DeriveIden)]
pub enum EmailTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    NewEmail,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
pub enum Outbox {
    Table,
    Id,
    UserId,
    Kind,
    Recipient,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    CreatedAt,
    SentAt,
    LastError,
}

#[derive(DeriveIden)]
pub enum AuditEvents {
    Table,
    Id,
    At,
    UserId,
    Kind,
    Ip,
    Device,
    Detail,
}
