//! Password hashing: bcrypt on blocking threads, never more at once than there are cores, behind
//! a bounded queue. A login storm then waits here for a few seconds at most, or is told to come
//! back (503), instead of starving the async workers that serve every other route.
//!
//! Hashes are stored as `gh2:<bcrypt of base64(SHA-256(password))>`: bcrypt reads only 72 bytes
//! and stops at NUL, and the pre-hash gives every password of up to 256 characters, of any
//! script, its full strength. It is deliberately not keyed by SECRET_KEY, so rotating that key
//! never locks anyone out. Plain bcrypt hashes of earlier versions still verify and are upgraded
//! at the next successful login, as are hashes of another cost than BCRYPT_COST.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use base64::{engine::general_purpose::STANDARD, Engine};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

const SCHEME: &str = "gh2:";
/// bcrypt's input limit, which only plain (legacy) hashes are subject to.
const BCRYPT_MAX_BYTES: usize = 72;
/// How many hashes may wait per core before new ones are refused: at cost 12 (about 0.25 s a
/// hash) a full queue drains in about a second.
const QUEUE_PER_CORE: usize = 4;

pub struct PasswordHasher {
    cost: u32,
    permits: Arc<Semaphore>,
    /// Hashes running or waiting; past `capacity` new ones are refused at once.
    in_flight: Arc<AtomicUsize>,
    capacity: usize,
    /// Verified against when the account does not exist, so that an unknown user costs the same
    /// time as a wrong password.
    dummy_hash: String,
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Mismatch,
    Match,
    /// A match whose hash uses an older scheme or another cost: store a new one.
    MatchNeedsRehash,
}

impl Verdict {
    pub fn matched(self) -> bool {
        self != Self::Mismatch
    }
}

fn prehash(password: &str) -> String {
    STANDARD.encode(Sha256::digest(password.as_bytes()))
}

fn hash_now(password: &str, cost: u32) -> Result<String> {
    bcrypt::hash(prehash(password), cost)
        .map(|hash| format!("{SCHEME}{hash}"))
        .map_err(Error::internal)
}

/// The cost of a bcrypt hash: `$2b$12$...`.
fn cost_of(bcrypt_hash: &str) -> Option<u32> {
    bcrypt_hash.get(4..6)?.parse().ok()
}

fn verify_now(password: &str, stored: &str, cost: u32) -> Verdict {
    let (matched, current_scheme, bcrypt_hash) = match stored.strip_prefix(SCHEME) {
        Some(hash) => (
            bcrypt::verify(prehash(password), hash).unwrap_or(false),
            true,
            hash,
        ),
        // A longer input must not match a stored 72-byte prefix.
        None => (
            password.len() <= BCRYPT_MAX_BYTES
                && !password.contains('\0')
                && bcrypt::verify(password, stored).unwrap_or(false),
            false,
            stored,
        ),
    };
    match matched {
        false => Verdict::Mismatch,
        true if current_scheme && cost_of(bcrypt_hash) == Some(cost) => Verdict::Match,
        true => Verdict::MatchNeedsRehash,
    }
}

/// Gives a queue slot back however the hashing ends (including a dropped request).
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl PasswordHasher {
    pub async fn new(cost: u32) -> Result<Self> {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let dummy_hash =
            tokio::task::spawn_blocking(move || hash_now("gatehouse-dummy-password", cost))
                .await??;
        Ok(Self {
            cost,
            permits: Arc::new(Semaphore::new(cores)),
            in_flight: Arc::new(AtomicUsize::new(0)),
            capacity: cores * (1 + QUEUE_PER_CORE),
            dummy_hash,
        })
    }

    /// Hashes a password that already passed the policy (`domain::Password`).
    pub async fn hash(&self, password: &str) -> Result<String> {
        let password = password.to_owned();
        let cost = self.cost;
        self.run(move || hash_now(&password, cost)).await
    }

    /// Checks `password` against `hash`, or against the dummy hash when there is no account.
    /// Always does one full bcrypt verification.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<Verdict> {
        let exists = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.to_owned();
        let cost = self.cost;
        let verdict = self
            .run(move || Ok(verify_now(&password, &hash, cost)))
            .await?;
        Ok(if exists { verdict } else { Verdict::Mismatch })
    }

    /// Whether new work would be refused right now (callers shed load before doing any other).
    pub fn saturated(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) >= self.capacity
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let slot = Slot(self.in_flight.clone());
        if self.in_flight.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            drop(slot);
            log::warn!("password hashing queue full: refusing a request");
            return Err(Error::Unavailable {
                retry_after_secs: 2,
            });
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Error::internal("hasher closed"))?;
        let result = tokio::task::spawn_blocking(work).await?;
        drop(slot);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_passphrases_of_any_script_keep_every_character() {
        let phrase = "съешь же ещё этих мягких французских булок да выпей чаю".repeat(2);
        let hash = hash_now(&phrase, 4).expect("hash");
        assert!(hash.starts_with(SCHEME));
        assert_eq!(verify_now(&phrase, &hash, 4), Verdict::Match);
        let mut changed = phrase.clone();
        changed.push('!');
        assert_eq!(verify_now(&changed, &hash, 4), Verdict::Mismatch);
    }

    #[test]
    fn legacy_hashes_verify_and_ask_for_an_upgrade() {
        let legacy = bcrypt::hash("violet-harbor-71", 4).expect("hash");
        assert_eq!(
            verify_now("violet-harbor-71", &legacy, 4),
            Verdict::MatchNeedsRehash
        );
        assert_eq!(verify_now("wrong", &legacy, 4), Verdict::Mismatch);
        let current = hash_now("violet-harbor-71", 4).expect("hash");
        assert_eq!(
            verify_now("violet-harbor-71", &current, 5),
            Verdict::MatchNeedsRehash
        );
    }
}
