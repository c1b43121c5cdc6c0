//! Authenticated encryption of secrets that must be read back (mails in the outbox, which carry
//! live links). AES-256-GCM under a key derived from SECRET_KEY per purpose; a random nonce is
//! stored in front of each ciphertext.

use aes_gcm::{
    aead::{Aead, KeyInit},
    Aes256Gcm, Key, Nonce,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use rand::{rngs::OsRng, RngCore};

use super::keys::derive_key;
use crate::error::{Error, Result};

const NONCE: usize = 12;

pub struct Sealer(Aes256Gcm);

impl Sealer {
    pub fn new(secret: &str, purpose: &str) -> Self {
        let key = derive_key(secret, purpose);
        let key: [u8; 32] = key[..32]
            .try_into()
            .unwrap_or_else(|_| unreachable!("a 64-byte key has 32 bytes"));
        Self(Aes256Gcm::new(&Key::<Aes256Gcm>::from(key)))
    }

    /// base64(nonce ‖ ciphertext).
    pub fn seal(&self, plain: &[u8]) -> Result<String> {
        let mut nonce = [0u8; NONCE];
        OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .0
            .encrypt(&Nonce::from(nonce), plain)
            .map_err(|_| Error::internal("sealing failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(STANDARD.encode(out))
    }

    /// Fails on anything not sealed by this key (a changed SECRET_KEY, a tampered row).
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>> {
        let bytes = STANDARD
            .decode(sealed)
            .map_err(|_| Error::internal("sealed value is not base64"))?;
        if bytes.len() < NONCE {
            return Err(Error::internal("sealed value is too short"));
        }
        let (nonce, cipher) = bytes.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce
            .try_into()
            .map_err(|_| Error::internal("sealed value is too short"))?;
        self.0
            .decrypt(&Nonce::from(nonce), cipher)
            .map_err(|_| Error::internal("sealed value does not open with this key"))
    }
}

#[cfg(test)]
mod tests {
    use super::Sealer;

    #[test]
    fn round_trips_and_refuses_other_keys() {
        let ours = Sealer::new("a-secret-of-some-length-0123456789", "outbox");
        let sealed = ours.seal(b"a link with a token").expect("seal");
        assert!(!sealed.contains("token"));
        assert_eq!(ours.open(&sealed).expect("open"), b"a link with a token");
        let stranger = Sealer::new("another-secret-of-some-length-987654", "outbox");
        assert!(stranger.open(&sealed).is_err());
    }
}
