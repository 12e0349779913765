use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use uuid::Uuid;

use super::{now_micros, EmailNotificationChanges, EmailNotifications};
use crate::store::begin_write;

/// A user as the API shows them (never with the password hash).
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub date_joined: DateTime<Utc>,
    pub role: Role,
    /// Administrators manage categories; only the `user promote` command makes one.
    pub is_admin: bool,
    pub email_notifications: EmailNotifications,
}

/// What a user registered as: organizers may create events when `ORGANIZERS_ONLY` is on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Role {
    #[default]
    Attendee,
    Organizer,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "attendee" => Ok(Self::Attendee),
            "organizer" => Ok(Self::Organizer),
            _ => Err("must be attendee or organizer".to_owned()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Attendee => "attendee",
            Self::Organizer => "organizer",
        }
    }
}

pub struct NewUser {
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub password_hash: String,
    pub role: Role,
}

#[derive(Default)]
pub struct UserChanges {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub password_hash: Option<String>,
    pub email_notifications: EmailNotificationChanges,
}

/// The `users` table.
#[derive(Clone)]
pub struct Users {
    pool: AnyPool,
}

const COLUMNS: &str = "id, username, email, first_name, last_name, date_joined, role, is_admin,
    email_invitations, email_promotions, email_changes, email_reminders";

fn decode(row: &AnyRow) -> Result<User, sqlx::Error> {
    let id: String = row.try_get("id")?;
    Ok(User {
        id: Uuid::parse_str(&id).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        date_joined: projections::from_micros(row.try_get("date_joined")?),
        role: Role::parse(&row.try_get::<String, _>("role")?).map_err(|e| sqlx::Error::Decode(e.into()))?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        email_notifications: EmailNotifications {
            invitations: row.try_get::<i64, _>("email_invitations")? != 0,
            promotions: row.try_get::<i64, _>("email_promotions")? != 0,
            changes: row.try_get::<i64, _>("email_changes")? != 0,
            reminders: row.try_get::<i64, _>("email_reminders")? != 0,
        },
    })
}

/// The key usernames are unique by: case does not count.
fn username_key(username: &str) -> String {
    aggregates::values::Username::key_of(username)
}

impl Users {
    pub fn new(pool: AnyPool) -> Self {
        Self { pool }
    }

    /// Creates the user; `None` if the username is taken (in any case).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn create(&self, new: NewUser) -> Result<Option<User>, sqlx::Error> {
        let id = Uuid::new_v4();
        let inserted = sqlx::query(
            "INSERT INTO users (id, username, username_key, email, first_name, last_name, password_hash, date_joined, role)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.to_string())
        .bind(&new.username)
        .bind(username_key(&new.username))
        .bind(&new.email)
        .bind(&new.first_name)
        .bind(&new.last_name)
        .bind(&new.password_hash)
        .bind(now_micros())
        .bind(new.role.as_str())
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => self.find(id).await,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
            Err(e) => Err(e),
        }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    pub async fn find(&self, id: Uuid) -> Result<Option<User>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    /// The user and their password hash, by username in any case.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn find_for_login(&self, username: &str) -> Result<Option<(User, String)>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS}, password_hash FROM users WHERE username_key = $1");
        let mut row = sqlx::query(&sql)
            .bind(username_key(username))
            .fetch_optional(&self.pool)
            .await?;
        // An account registered before keys were NFKC has its plain lower-case key.
        if row.is_none() && username_key(username) != username.to_lowercase() {
            row = sqlx::query(&sql)
                .bind(username.to_lowercase())
                .fetch_optional(&self.pool)
                .await?;
        }
        row.map(|row| Ok((decode(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn find_by_username(&self, username: &str) -> Result<Option<User>, sqlx::Error> {
        Ok(self.find_for_login(username).await?.map(|(user, _)| user))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    pub async fn password_hash(&self, id: Uuid) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| row.try_get(0)).transpose()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    pub async fn update(&self, id: Uuid, changes: UserChanges) -> Result<Option<User>, sqlx::Error> {
        sqlx::query(
            "UPDATE users SET email = COALESCE($2, email), first_name = COALESCE($3, first_name),
                last_name = COALESCE($4, last_name), password_hash = COALESCE($5, password_hash),
                email_invitations = COALESCE($6, email_invitations), email_promotions = COALESCE($7, email_promotions),
                email_changes = COALESCE($8, email_changes), email_reminders = COALESCE($9, email_reminders)
             WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(changes.email)
        .bind(changes.first_name)
        .bind(changes.last_name)
        .bind(changes.password_hash)
        .bind(changes.email_notifications.invitations.map(i64::from))
        .bind(changes.email_notifications.promotions.map(i64::from))
        .bind(changes.email_notifications.changes.map(i64::from))
        .bind(changes.email_notifications.reminders.map(i64::from))
        .execute(&self.pool)
        .await?;
        self.find(id).await
    }

    /// Makes the user (by username, in any case) an administrator and/or an organizer;
    /// `None` if there is no such user.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn promote(&self, username: &str, admin: bool, organizer: bool) -> Result<Option<User>, sqlx::Error> {
        let Some(user) = self.find_by_username(username).await? else {
            return Ok(None);
        };
        let role = if organizer { Role::Organizer } else { user.role };
        sqlx::query("UPDATE users SET is_admin = $2, role = $3 WHERE id = $1")
            .bind(user.id.to_string())
            .bind(i64::from(admin || user.is_admin))
            .bind(role.as_str())
            .execute(&self.pool)
            .await?;
        self.find(user.id).await
    }

    /// Marks the account as being deleted. Commands its user commits from now on are undone
    /// (see [`crate::commands`]), so that the deletion's sweep misses none of them.
    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    pub async fn close(&self, id: Uuid) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE users SET closing = 1 WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether the account is being deleted, or is gone.
    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    pub async fn is_closing(&self, id: Uuid) -> Result<bool, sqlx::Error> {
        let closing: Option<i64> = sqlx::query_scalar("SELECT closing FROM users WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(closing.is_none_or(|closing| closing != 0))
    }

    /// Deletes the account; its refresh tokens go with it and the username is free again.
    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    pub async fn delete(&self, id: Uuid) -> Result<(), sqlx::Error> {
        let mut tx = begin_write(&self.pool).await?;
        sqlx::query("DELETE FROM refresh_tokens WHERE user_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }
}
