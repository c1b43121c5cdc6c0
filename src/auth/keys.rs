//! Key material derived from SECRET_KEY, one key per purpose, and random tokens.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256, Sha512};

/// Key material for one purpose, derived from SECRET_KEY so that operators set a single secret
/// and no two uses share a key.
pub fn derive_key(secret: &str, purpose: &str) -> [u8; 64] {
    let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(b"gatehouse/");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA256 of `data` under `key`, hex encoded.
pub fn sign_hex(key: &[u8], data: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// Tokens are stored as SHA-256 hex: a leaked table does not yield usable tokens.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A 128-bit random identifier (session ids, JWT ids).
pub fn random_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A 256-bit random token for links in mails: 43 base64url characters.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `token` has the shape of [`random_token`]'s output. Checked before any look-up, so
/// that input a database cannot store (NUL, lone surrogates) never reaches one.
pub fn is_token_shaped(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Constant-time equality of two strings.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_by_purpose_and_tokens_have_their_shape() {
        assert_ne!(derive_key("s", "a"), derive_key("s", "b"));
        let token = random_token();
        assert!(is_token_shaped(&token), "{token}");
        assert!(!is_token_shaped("short"));
        assert!(!is_token_shaped(&format!("{}\0", &token[..42])));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
