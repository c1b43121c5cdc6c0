//! bcrypt, always on blocking threads and never more at once than there are cores: a login storm
//! then queues here instead of starving the async workers that serve every other route.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::{
    domain::{password::MAX_BYTES, Password},
    error::{Error, Result},
};

pub struct PasswordHasher {
    cost: u32,
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so that an unknown user costs the same
    /// time as a wrong password.
    dummy_hash: String,
}

impl PasswordHasher {
    pub async fn new(cost: u32) -> Result<Self> {
        let parallelism = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let dummy_hash =
            tokio::task::spawn_blocking(move || bcrypt::hash("gatehouse-dummy-password", cost))
                .await?
                .map_err(Error::internal)?;
        Ok(Self {
            cost,
            permits: Arc::new(Semaphore::new(parallelism)),
            dummy_hash,
        })
    }

    pub async fn hash(&self, password: &Password) -> Result<String> {
        let password = password.expose().to_owned();
        let cost = self.cost;
        self.run(move || bcrypt::hash(password, cost).map_err(Error::internal))
            .await
    }

    /// Checks `password` against `hash`, or against the dummy hash when there is no account.
    /// Always does one full bcrypt verification.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool> {
        // bcrypt only reads 72 bytes; a longer input must not match a stored 72-byte prefix.
        let exists = hash.is_some() && password.len() <= MAX_BYTES;
        let hash = hash.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.to_owned();
        let matched = self
            .run(move || Ok(bcrypt::verify(password, &hash).unwrap_or(false)))
            .await?;
        Ok(exists && matched)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Error::internal("hasher closed"))?;
        tokio::task::spawn_blocking(work).await?
    }
}
