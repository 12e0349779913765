use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Row};
use uuid::Uuid;

use super::{now_micros, random_token};
use crate::config::Secret;
use crate::store::begin_write;

/// What an access token says: whose it is, its id (for logout) and its lifetime.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub jti: String,
    pub iat: i64,
    pub exp: i64,
}

pub struct IssuedTokens {
    pub access: String,
    pub refresh: String,
    pub expires_in: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token is invalid or expired")]
    Invalid,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Issues and checks tokens: HS256 access tokens, and refresh tokens kept only as hashes.
#[derive(Clone)]
pub struct Tokens {
    pool: AnyPool,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    access_ttl: Duration,
    refresh_ttl: Duration,
}

/// A key for another use of `secret` (`purpose` names it): HMAC-SHA256 of the purpose under
/// the secret, so that no two uses share a key and none reveals the secret.
pub fn derive_key(secret: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

pub(super) fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Tokens {
    /// Uses the configured secret, or the one generated at first start and kept in the store.
    pub async fn load(
        pool: AnyPool,
        secret: Option<&Secret>,
        access_ttl: Duration,
        refresh_ttl: Duration,
    ) -> Result<Self, sqlx::Error> {
        super::hs256::install();
        let secret = match secret {
            Some(secret) => secret.expose().to_owned(),
            None => stored_secret(&pool).await?,
        };
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Ok(Self {
            pool,
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            access_ttl,
            refresh_ttl,
        })
    }

    /// A fresh pair for a new login (a new refresh-token family).
    /// A key for another use of the secret (see [`derive_key`]).
    pub fn derive_key(&self, purpose: &str) -> [u8; 32] {
        derive_key(self.encoding.as_bytes(), purpose)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    pub async fn issue(&self, user_id: Uuid) -> Result<IssuedTokens, TokenError> {
        let family = Uuid::new_v4().to_string();
        let refresh = self.insert_refresh(&self.pool, user_id, &family).await?;
        Ok(IssuedTokens {
            access: self.access(user_id)?,
            refresh,
            expires_in: self.access_ttl.as_secs(),
        })
    }

    fn access(&self, user_id: Uuid) -> Result<String, TokenError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            jti: random_token(),
            iat: now,
            exp: now + self.access_ttl.as_secs() as i64,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|_| TokenError::Invalid)
    }

    async fn insert_refresh<'c, E>(&self, executor: E, user_id: Uuid, family: &str) -> Result<String, sqlx::Error>
    where
        E: sqlx::Executor<'c, Database = sqlx::Any>,
    {
        let token = random_token();
        let expires = now_micros() + self.refresh_ttl.as_micros() as i64;
        sqlx::query("INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(hash(&token))
            .bind(user_id.to_string())
            .bind(family)
            .bind(expires)
            .execute(executor)
            .await?;
        Ok(token)
    }

    /// Checks signature, algorithm and expiry (not revocation: see [`Self::is_active`]).
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        // jsonwebtoken accepts `exp == now`; a token is valid before its `exp` only.
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .ok()
            .filter(|claims| claims.exp > chrono::Utc::now().timestamp())
            .ok_or(TokenError::Invalid)
    }

    /// The username behind a verified token, unless it was logged out or the user is gone.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn is_active(&self, claims: &Claims) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT username FROM users WHERE id = $1
               AND NOT EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = $2)",
        )
        .bind(claims.sub.to_string())
        .bind(&claims.jti)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| row.try_get(0)).transpose()
    }

    /// Trades a refresh token for a new pair. Reusing a rotated token revokes its family.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn refresh(&self, token: &str) -> Result<IssuedTokens, TokenError> {
        let now = now_micros();
        let mut tx = begin_write(&self.pool).await?;
        let row =
            sqlx::query("SELECT user_id, family, expires_at, revoked_at FROM refresh_tokens WHERE token_hash = $1")
                .bind(hash(token))
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(TokenError::Invalid)?;
        let user_id: String = row.try_get("user_id")?;
        let family: String = row.try_get("family")?;
        let expires_at: i64 = row.try_get("expires_at")?;
        let rotated =
            sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
                .bind(hash(token))
                .bind(now)
                .execute(&mut *tx)
                .await?;
        if rotated.rows_affected() != 1 {
            tx.rollback().await?;
            self.revoke_family(&family).await?;
            return Err(TokenError::Invalid);
        }
        if expires_at <= now {
            return Err(TokenError::Invalid);
        }
        let user_id = Uuid::parse_str(&user_id).map_err(|_| TokenError::Invalid)?;
        let refresh = self.insert_refresh(&mut *tx, user_id, &family).await?;
        tx.commit().await?;
        Ok(IssuedTokens {
            access: self.access(user_id)?,
            refresh,
            expires_in: self.access_ttl.as_secs(),
        })
    }

    async fn revoke_family(&self, family: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE family = $1 AND revoked_at IS NULL")
            .bind(family)
            .bind(now_micros())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Revokes this access token at once, and the refresh token if it is the user's.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn logout(&self, claims: &Claims, refresh: Option<&str>) -> Result<(), sqlx::Error> {
        let now = now_micros();
        sqlx::query("DELETE FROM revoked_access_tokens WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO revoked_access_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING")
            .bind(&claims.jti)
            .bind(claims.exp * 1_000_000)
            .execute(&self.pool)
            .await?;
        if let Some(token) = refresh {
            sqlx::query(
                "UPDATE refresh_tokens SET revoked_at = $3 WHERE token_hash = $1 AND user_id = $2 AND revoked_at IS NULL",
            )
            .bind(hash(token))
            .bind(claims.sub.to_string())
            .bind(now)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// After a password change every refresh token of the user stops working.
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    pub async fn revoke_all(&self, user_id: Uuid) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(user_id.to_string())
            .bind(now_micros())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The generated secret, created once; concurrent first starts agree on one.
async fn stored_secret(pool: &AnyPool) -> Result<String, sqlx::Error> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ('jwt_secret', $1) ON CONFLICT (key) DO NOTHING")
        .bind(random_token())
        .execute(pool)
        .await?;
    sqlx::query("SELECT value FROM settings WHERE key = 'jwt_secret'")
        .fetch_one(pool)
        .await?
        .try_get(0)
}
