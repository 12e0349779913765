use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{AnyPool, Row};
use uuid::Uuid;

use crate::sql::{uuid, Sql};
use crate::time::from_micros;
use crate::{Page, PageRequest};

#[derive(Debug, Clone, PartialEq)]
pub struct LogRow {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_title: String,
    pub sequence: i64,
    pub kind: String,
    pub action: String,
    pub actor_id: Uuid,
    pub actor_username: String,
    pub metadata: Value,
    pub timestamp: DateTime<Utc>,
}

/// Which entries to read: always one creator's events, optionally narrowed.
#[derive(Debug, Clone, PartialEq)]
pub struct LogFilter {
    pub creator_id: Uuid,
    pub event_id: Option<Uuid>,
    pub kind: Option<String>,
}

/// Entries newest first, each with its event's current title.
pub async fn list(pool: &AnyPool, filter: &LogFilter, page: PageRequest) -> Result<Page<LogRow>, sqlx::Error> {
    let where_clause = |sql: &mut Sql| {
        sql.push(" WHERE l.creator_id = ").bind(filter.creator_id);
        if let Some(event_id) = filter.event_id {
            sql.push(" AND l.event_id = ").bind(event_id);
        }
        if let Some(kind) = &filter.kind {
            sql.push(" AND l.type = ").bind(kind.as_str());
        }
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM activity_log l");
    where_clause(&mut count);
    let mut select = Sql::new(
        "SELECT l.id, l.event_id, e.title, l.sequence, l.type, l.action, l.actor_id, l.actor_username,
            l.metadata, l.timestamp
         FROM activity_log l JOIN event_view e ON e.id = l.event_id",
    );
    where_clause(&mut select);
    select.push(" ORDER BY l.tx DESC, l.pos DESC");
    select
        .page(&count, page, pool, |row| {
            let metadata: String = row.try_get("metadata")?;
            Ok(LogRow {
                id: uuid(row, "id")?,
                event_id: uuid(row, "event_id")?,
                event_title: row.try_get("title")?,
                sequence: row.try_get("sequence")?,
                kind: row.try_get("type")?,
                action: row.try_get("action")?,
                actor_id: uuid(row, "actor_id")?,
                actor_username: row.try_get("actor_username")?,
                metadata: serde_json::from_str(&metadata).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                timestamp: from_micros(row.try_get("timestamp")?),
            })
        })
        .await
}
