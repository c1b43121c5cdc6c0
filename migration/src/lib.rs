//! Schema migrations for Gatehouse. Applied automatically at start-up and runnable by hand
//! with `cargo run -p migration -- up`.

// `MigrationTrait` is an async_trait whose methods take `&SchemaManager` with an elided
// lifetime; spelling it out (`<'_>`) no longer matches the trait's signature.
#![allow(elided_lifetimes_in_paths)]

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_users;
mod m20261124_000002_create_sessions;
mod m20261124_000003_create_password_resets;
mod m20261130_000004_hardening;
mod m20261130_000005_account_centre;
mod m20261130_000006_throttle_pending;
mod m20261202_000007_throttle_scopes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_users::Migration),
            Box::new(m20261124_000002_create_sessions::Migration),
            Box::new(m20261124_000003_create_password_resets::Migration),
            Box::new(m20261130_000004_hardening::Migration),
            Box::new(m20261130_000005_account_centre::Migration),
            Box::new(m20261130_000006_throttle_pending::Migration),
            Box::new(m20261202_000007_throttle_scopes::Migration),
        ]
    }
}
