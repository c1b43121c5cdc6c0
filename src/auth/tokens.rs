//! JWT issuing and verification. One signing key (derived from SECRET_KEY), one allowed
//! algorithm, and a `typ` claim that binds every token to one purpose.

use std::sync::Mutex;

use jsonwebtoken::{decode, encode, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::keys::{derive_key, sign_hex};
pub use super::keys::{hash_token, random_id};
use crate::{config::Settings, error::Error};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

/// Field order is fixed, which keeps encoding deterministic (see [`Tokens::child_refresh`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub typ: TokenType,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub iss: String,
}

impl Claims {
    pub fn user_id(&self) -> Option<i32> {
        self.sub.parse().ok()
    }
}

pub struct Tokens {
    header: Header,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    chain_key: [u8; 64],
    issuer: String,
    pub access_ttl: i64,
    pub refresh_ttl: i64,
    verified: Verified,
}

/// Access tokens this process has verified, with their claims. A client sends the same access
/// token with every request until it expires, and decoding it (base64, the HMAC, two JSON
/// parses) was a tenth of the cost of `/users/me`: now it is done once per token. Only a pure
/// function of the token and the key is cached, never whether its session is live, and expiry
/// is checked on every use. Hashed with foldhash (randomly seeded per process), several times
/// faster than std's SipHash on a 300-byte token; only verified tokens are ever inserted, so
/// nobody can choose the keys.
#[derive(Default)]
struct Verified(Mutex<foldhash::HashMap<String, Claims>>);

/// About 400 kB at most; when full it starts over, which costs one decode per live token.
const VERIFIED_CAPACITY: usize = 1024;

impl Verified {
    fn get(&self, token: &str) -> Option<Claims> {
        self.0.lock().ok()?.get(token).cloned()
    }

    fn insert(&self, token: &str, claims: &Claims) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= VERIFIED_CAPACITY {
                map.clear();
            }
            map.insert(token.to_owned(), claims.clone());
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Bad signature, wrong algorithm, malformed, wrong issuer or wrong `typ`.
    Invalid,
    Expired,
}

impl Tokens {
    pub fn new(settings: &Settings) -> Self {
        let key = derive_key(settings.secret_key.expose(), "jwt");
        let mut validation = Validation::new(settings.algorithm);
        // Expiry is checked against our own clock below, so tests can move time.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss"]);
        validation.set_issuer(&[&settings.public_url]);
        Self {
            header: Header::new(settings.algorithm),
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            validation,
            chain_key: derive_key(settings.secret_key.expose(), "refresh-chain"),
            issuer: settings.public_url.clone(),
            access_ttl: settings.access_token_ttl_secs,
            refresh_ttl: settings.refresh_token_ttl_secs,
            verified: Verified::default(),
        }
    }

    pub fn access(&self, user_id: i32, sid: &str, now: i64) -> Result<String, Error> {
        self.sign(&Claims {
            sub: user_id.to_string(),
            sid: sid.to_owned(),
            typ: TokenType::Access,
            iat: now,
            exp: now + self.access_ttl,
            jti: random_id(),
            iss: self.issuer.clone(),
        })
    }

    /// The first refresh token of a new session.
    pub fn first_refresh(&self, user_id: i32, sid: &str, now: i64) -> Result<String, Error> {
        self.refresh_with_jti(user_id, sid, now, random_id())
    }

    /// The refresh token that replaces `parent_hash`, issued at `issued_at`. It is a pure
    /// function of its inputs and the server key, so a client that races itself and presents the
    /// parent twice gets the very same child both times: one live child, and only its hash
    /// stored. Without the server key the child cannot be predicted from the parent.
    pub fn child_refresh(
        &self,
        user_id: i32,
        sid: &str,
        parent_hash: &str,
        issued_at: i64,
    ) -> Result<String, Error> {
        let jti = sign_hex(&self.chain_key, parent_hash.as_bytes())[..32].to_owned();
        self.refresh_with_jti(user_id, sid, issued_at, jti)
    }

    fn refresh_with_jti(
        &self,
        user_id: i32,
        sid: &str,
        now: i64,
        jti: String,
    ) -> Result<String, Error> {
        self.sign(&Claims {
            sub: user_id.to_string(),
            sid: sid.to_owned(),
            typ: TokenType::Refresh,
            iat: now,
            exp: now + self.refresh_ttl,
            jti,
            iss: self.issuer.clone(),
        })
    }

    fn sign(&self, claims: &Claims) -> Result<String, Error> {
        encode(&self.header, claims, &self.encoding)
            .map_err(|e| Error::internal(format!("JWT signing: {e}")))
    }

    pub fn verify(&self, token: &str, expected: TokenType, now: i64) -> Result<Claims, TokenError> {
        // Refresh tokens are used once each: not worth remembering.
        let cached = expected == TokenType::Access;
        let hit = if cached {
            self.verified.get(token)
        } else {
            None
        };
        let claims = if let Some(claims) = hit {
            claims
        } else {
            let claims = decode::<Claims>(token, &self.decoding, &self.validation)
                .map_err(|_| TokenError::Invalid)?
                .claims;
            if claims.typ != expected || claims.user_id().is_none() {
                return Err(TokenError::Invalid);
            }
            if cached && claims.exp > now {
                self.verified.insert(token, &claims);
            }
            claims
        };
        if claims.exp <= now {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}
