use sea_orm::DatabaseConnection;

use crate::{auth::password::PasswordHasher, auth::tokens::Tokens, clock::Clock, config::Settings};

/// Everything a request needs, built once at ignite and managed by Rocket. No global statics, so
/// each test builds its own.
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Settings,
    pub tokens: Tokens,
    pub hasher: PasswordHasher,
    pub clock: Clock,
}
