//! What calendar exports read: events as the events read model has them, deleted ones too
//! (a calendar must hear that an event was cancelled), and the events a user has a seat in.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use uuid::Uuid;

use crate::events::{seen_by, Viewer};
use crate::sql::{uuid, Sql};
use crate::time::{from_micros, to_micros};

/// An event as a calendar entry shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarRow {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub location: Option<String>,
    pub start_time: DateTime<Utc>,
    pub end_time: Option<DateTime<Utc>>,
    /// Every change recorded for the event, its deletion included.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted: bool,
}

const COLUMNS: &str = "SELECT e.id, e.title, e.description, e.location, e.start_time, e.end_time, e.version,
    e.created_at, e.updated_at, e.deleted_at FROM event_view e";

fn row(row: &AnyRow) -> Result<CalendarRow, sqlx::Error> {
    Ok(CalendarRow {
        id: uuid(row, "id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        location: row.try_get("location")?,
        start_time: from_micros(row.try_get("start_time")?),
        end_time: row.try_get::<Option<i64>, _>("end_time")?.map(from_micros),
        version: row.try_get("version")?,
        created_at: from_micros(row.try_get("created_at")?),
        updated_at: from_micros(row.try_get("updated_at")?),
        deleted: row.try_get::<Option<i64>, _>("deleted_at")?.is_some(),
    })
}

/// A live event that starts soon, with its creator (on whose behalf reminders go out).
#[derive(Debug, Clone, PartialEq)]
pub struct DueRow {
    pub id: Uuid,
    pub creator_id: Uuid,
    pub creator_username: String,
}

/// Live events starting after `from` and at or before `to`, unless their last change was
/// their reminder (a later change may have moved them: the aggregate decides).
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
    let rows = select.fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            Ok(DueRow {
                id: uuid(row, "id")?,
                creator_id: uuid(row, "creator_id")?,
                creator_username: row.try_get("creator_username")?,
            })
        })
        .collect()
}

/// One event, deleted or not; `None` if it never existed or `viewer` may not see it.
pub async fn event(pool: &AnyPool, id: Uuid, viewer: Viewer) -> Result<Option<CalendarRow>, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select.push(" WHERE e.id = ").bind(id);
    seen_by(&mut select, "e", viewer);
    select.fetch_optional(pool).await?.as_ref().map(row).transpose()
}

/// Every event `user_id` has a seat in (deleted ones too, until they leave), by start time.
pub async fn joined_by(pool: &AnyPool, user_id: Uuid) -> Result<Vec<CalendarRow>, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select
        .push(" JOIN notification_audience a ON a.event_id = e.id AND a.role = 'member' WHERE a.user_id = ")
        .bind(user_id)
        .push(" ORDER BY e.start_time, e.id");
    select.fetch_all(pool).await?.iter().map(row).collect()
}
