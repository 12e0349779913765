//! Calendar subscription tokens: one per user, stored as a hash, rotated or revoked at will.
//! Calendar apps fetch a subscription URL without headers, so the URL itself must be the
//! credential; it opens only that user's calendar, nothing else.

use sqlx::{AnyPool, Row};
use uuid::Uuid;

use super::tokens::hash;
use super::{now_micros, random_token};

#[derive(Clone)]
pub struct CalendarTokens {
    pool: AnyPool,
}

impl CalendarTokens {
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }

    /// A new token for `user_id`; the one before, if any, stops working.
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    pub async fn rotate(&self, user_id: Uuid) -> Result<String, sqlx::Error> {
        let token = random_token();
        // One statement: a delete and an insert let two racing rotations both delete
        // nothing and then collide on the key.
        sqlx::query(
            "INSERT INTO calendar_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
        )
        .bind(user_id.to_string())
        .bind(hash(&token))
        .bind(now_micros())
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// Revokes the user's token; answers whether there was one.
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    pub async fn revoke(&self, user_id: Uuid) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM calendar_tokens WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Whose calendar a token opens, if it is current.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn user_of(&self, token: &str) -> Result<Option<Uuid>, sqlx::Error> {
        let row = sqlx::query("SELECT user_id FROM calendar_tokens WHERE token_hash = $1")
            .bind(hash(token))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let id: String = row.try_get("user_id")?;
        Ok(Uuid::parse_str(&id).ok())
    }
}
