//! Who a request is made as: the `Auth` trait, the test users and hand-made JWTs.

use chrono::Utc;
use serde_json::{json, Value};
use uuid::Uuid;

/// Every user in the tests has this password unless a test says otherwise.
pub const PASSWORD: &str = "correct horse battery staple";

/// The HS256 secret the service signs with in tests, so tests can forge and expire tokens.
pub const JWT_SECRET: &str = "event-manager-test-secret-0123456789abcdef";

/// Who a request is made as.
pub trait Auth {
    fn token(&self) -> Option<String>;
}

/// No `Authorization` header at all.
#[derive(Clone, Copy, Debug)]
pub struct Anon;

impl Auth for Anon {
    fn token(&self) -> Option<String> {
        None
    }
}

impl Auth for &TestUser {
    fn token(&self) -> Option<String> {
        Some(self.access.clone())
    }
}

impl Auth for &str {
    fn token(&self) -> Option<String> {
        Some((*self).to_owned())
    }
}

impl Auth for &String {
    fn token(&self) -> Option<String> {
        Some((*self).clone())
    }
}

/// A registered, logged-in user.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub id: String,
    pub username: String,
    pub access: String,
    pub refresh: String,
}

/// base64url without padding (for hand-made JWTs).
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// An HS256 JWT over `claims` signed with `secret`.
pub fn sign(claims: &Value, secret: &str) -> String {
    event_manager::accounts::install_jwt_crypto();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("signing a token")
}

/// Claims like the service's own for `user_id`, expiring `exp_in_seconds` from now.
pub fn claims(user_id: &str, exp_in_seconds: i64) -> Value {
    let now = Utc::now().timestamp();
    json!({"sub": user_id, "jti": Uuid::new_v4().simple().to_string(), "iat": now, "exp": now + exp_in_seconds})
}
