use sea_orm_migration::{prelude::*, schema::big_integer};

use crate::m20261130_000004_hardening::LoginThrottles;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// When a throttle row last counted a failure: the 24-hour forgetting clock of consecutive
/// failures runs from it, so refused attempts (which write nothing) cannot keep it going. The
/// keys change shape with this release (`p:`, `a:`, `n:`, `s:`), so rows of the old ones are
/// dropped: they held at most a day of failure counts.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LoginThrottles::Table)
                    .add_column_if_not_exists(big_integer(LastFailure::LastFailureAt).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM login_throttles")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LoginThrottles::Table)
                    .drop_column(LastFailure::LastFailureAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum LastFailure {
    LastFailureAt,
}
