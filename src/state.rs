use std::{ops::Deref, sync::Arc};

use sea_orm::DatabaseConnection;

use crate::{
    auth::password::PasswordHasher, auth::tokens::Tokens, clock::Clock, config::Settings,
    mail::Mailer,
};

/// Everything a request needs, built once at ignite and managed by Rocket. Cheap to clone (one
/// `Arc`), so work that outlives a request (sending a reset mail) can take its own handle. No
/// global statics, so each test builds its own.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub db: DatabaseConnection,
    pub settings: Settings,
    pub tokens: Tokens,
    pub hasher: PasswordHasher,
    pub clock: Clock,
    pub mailer: Mailer,
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
