//! What calendar exports read: events as the events read model has them, deleted ones too
//! (a calendar must hear that an event was cancelled), and the events a user has a seat in.

use chrono::{DateTime, Utc};
use sqlx::{AnyPool, FromRow};
use uuid::Uuid;

use crate::column::{IsSet, Micros, OptMicros, UuidText};
use crate::events::{seen_by, Viewer};
use crate::sql::Sql;
use crate::time::to_micros;

/// An event as a calendar entry shows it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct CalendarRow {
    #[sqlx(try_from = "UuidText")]
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub location: Option<String>,
    #[sqlx(try_from = "Micros")]
    pub start_time: DateTime<Utc>,
    #[sqlx(try_from = "OptMicros")]
    pub end_time: Option<DateTime<Utc>>,
    /// Every change recorded for the event, its deletion included.
    pub version: i64,
    #[sqlx(try_from = "Micros")]
    pub created_at: DateTime<Utc>,
    #[sqlx(try_from = "Micros")]
    pub updated_at: DateTime<Utc>,
    #[sqlx(rename = "deleted_at", try_from = "IsSet")]
    pub deleted: bool,
}

const COLUMNS: &str = "SELECT e.id, e.title, e.description, e.location, e.start_time, e.end_time, e.version,
    e.created_at, e.updated_at, e.deleted_at FROM event_view e";

/// A live event that starts soon, with its creator (on whose behalf reminders go out).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct DueRow {
    #[sqlx(try_from = "UuidText")]
    pub id: Uuid,
    #[sqlx(try_from = "UuidText")]
    pub creator_id: Uuid,
    pub creator_username: String,
}

/// Live events starting after `from` and at or before `to`, unless their last change was
/// their reminder (a later change may have moved them: the aggregate decides).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn starting_between(
    pool: &AnyPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<DueRow>, sqlx::Error> {
    let mut select =
        Sql::new("SELECT e.id, e.creator_id, e.creator_username FROM event_view e WHERE e.deleted_at IS NULL");
    select
        .push(" AND e.start_time > ")
        .bind(to_micros(from))
        .push(" AND e.start_time <= ")
        .bind(to_micros(to))
        .push(
            " AND NOT EXISTS (SELECT 1 FROM activity_log a WHERE a.event_id = e.id
                AND a.type = 'reminder_sent' AND a.sequence = e.version)
             ORDER BY e.start_time, e.id",
        );
    select.rows(pool).await
}

/// One event, deleted or not; `None` if it never existed or `viewer` may not see it.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn event(pool: &AnyPool, id: Uuid, viewer: Viewer) -> Result<Option<CalendarRow>, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select.push(" WHERE e.id = ").bind(id);
    seen_by(&mut select, "e", viewer);
    select.row(pool).await
}

/// Every event `user_id` has a seat in (deleted ones too, until they leave), by start time.
#[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
pub async fn joined_by(pool: &AnyPool, user_id: Uuid) -> Result<Vec<CalendarRow>, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select
        .push(" JOIN notification_audience a ON a.event_id = e.id AND a.role = 'member' WHERE a.user_id = ")
        .bind(user_id)
        .push(" ORDER BY e.start_time, e.id");
    select.rows(pool).await
}
