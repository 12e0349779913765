use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{AnyPool, FromRow};
use uuid::Uuid;

use crate::column::{JsonText, Micros, UuidText};
use crate::sql::Sql;
use crate::{Page, PageRequest};

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct LogRow {
    #[sqlx(try_from = "UuidText")]
    pub id: Uuid,
    #[sqlx(try_from = "UuidText")]
    pub event_id: Uuid,
    #[sqlx(rename = "title")]
    pub event_title: String,
    pub sequence: i64,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub action: String,
    #[sqlx(try_from = "UuidText")]
    pub actor_id: Uuid,
    pub actor_username: String,
    #[sqlx(try_from = "JsonText")]
    pub metadata: Value,
    #[sqlx(try_from = "Micros")]
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
#[tracing::instrument(level = "debug", skip_all)]
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
    select.page(&count, page, pool).await
}
