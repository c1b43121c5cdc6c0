//! The one read every authenticated request and refresh makes: a session with its user. On
//! SQLite the [`SessionProbe`] answers without a thread hop when it can; otherwise, and always
//! on PostgreSQL, the pool does. Both give the same answer (see `probe`).

use sea_orm::{DatabaseConnection, DbErr, EntityTrait};

use super::SessionProbe;
use crate::entities::{session, user};

/// Where session reads go: the readers' pool, and the probe where there is one.
#[derive(Clone, Copy)]
pub struct SessionReads<'a> {
    pub pool: &'a DatabaseConnection,
    pub probe: Option<&'a SessionProbe>,
}

impl SessionReads<'_> {
    /// The session `sid` and its user.
    pub async fn session_and_user(
        self,
        sid: &str,
    ) -> Result<Option<(session::Model, user::Model)>, DbErr> {
        match self.probe.map(|probe| probe.session(sid)) {
            Some(Ok(found)) => Ok(found),
            _ => self.pool_read(sid).await,
        }
    }

    /// The session's lifetime only, with its user: all an authenticated request needs.
    pub async fn lifetime_and_user(
        self,
        sid: &str,
    ) -> Result<Option<(session::Lifetime, user::Model)>, DbErr> {
        match self.probe.map(|probe| probe.lifetime(sid)) {
            Some(Ok(found)) => Ok(found),
            _ => Ok(self
                .pool_read(sid)
                .await?
                .map(|(session, user)| (session.lifetime(), user))),
        }
    }

    async fn pool_read(self, sid: &str) -> Result<Option<(session::Model, user::Model)>, DbErr> {
        Ok(session::Entity::find_by_id(sid.to_owned())
            .find_also_related(user::Entity)
            .one(self.pool)
            .await?
            .and_then(|(session, user)| Some((session, user?))))
    }
}
