use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{AnyPool, FromRow};
use uuid::Uuid;

use crate::column::{JsonText, Micros, OptMicros, UuidText};
use crate::events::visible_to;
use crate::sql::Sql;
use crate::{Page, PageRequest, Position};

/// A notification as its user sees it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct NotificationRow {
    #[sqlx(try_from = "UuidText")]
    pub id: Uuid,
    #[sqlx(try_from = "UuidText")]
    pub user_id: Uuid,
    pub kind: String,
    #[sqlx(try_from = "UuidText")]
    pub event_id: Uuid,
    /// The event's current title (also after it was deleted); empty for a private event the
    /// user no longer sees.
    #[sqlx(rename = "title")]
    pub event_title: String,
    #[sqlx(try_from = "UuidText")]
    pub actor_id: Uuid,
    pub actor_username: String,
    #[sqlx(try_from = "JsonText")]
    pub detail: Value,
    /// The position of the fact it tells of.
    #[sqlx(flatten)]
    pub position: Position,
    #[sqlx(try_from = "Micros")]
    pub created_at: DateTime<Utc>,
    #[sqlx(try_from = "OptMicros")]
    pub read_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "SELECT n.id, n.user_id, n.kind, n.event_id, COALESCE(e.title, '') AS title, n.actor_id,
    n.actor_username, n.detail, n.tx, n.pos, n.created_at, r.read_at";
/// The event's title only for a user who may still see it (or once it is deleted, when it
/// changes no more): one who left a private event is not shown its later renames.
fn from() -> String {
    format!(
        " FROM notification_view n
        LEFT JOIN event_view e ON e.id = n.event_id AND (e.deleted_at IS NOT NULL OR {})
        LEFT JOIN notification_reads r ON r.user_id = n.user_id AND r.notification_id = n.id WHERE ",
        visible_to("e", "n.user_id")
    )
}

/// A user's notifications, newest first; `unread` keeps only the unread (or only the read).
#[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
pub async fn list(
    pool: &AnyPool,
    user_id: Uuid,
    unread: Option<bool>,
    page: PageRequest,
) -> Result<Page<NotificationRow>, sqlx::Error> {
    let [mut count, mut select] = [Sql::new("SELECT COUNT(*)"), Sql::new(COLUMNS)];
    for sql in [&mut count, &mut select] {
        sql.push(&from()).push("n.user_id = ").bind(user_id);
        match unread {
            Some(true) => sql.push(" AND r.read_at IS NULL"),
            Some(false) => sql.push(" AND r.read_at IS NOT NULL"),
            None => sql,
        };
    }
    select.push(" ORDER BY n.tx DESC, n.pos DESC");
    select.page(&count, page, pool).await
}

/// Notifications of facts after `after` (only `user`'s, if given), oldest first: for the
/// live push and for resuming it.
///
/// The projector writes a batch's rows in one transaction and batches in position order,
/// so once a row is seen here no row before it can appear later.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn since(pool: &AnyPool, after: Position, user: Option<Uuid>) -> Result<Vec<NotificationRow>, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select.push(&from());
    if let Some(user) = user {
        select.push("n.user_id = ").bind(user).push(" AND ");
    }
    select
        .push("(n.tx > ")
        .bind(after.tx)
        .push(" OR (n.tx = ")
        .bind(after.tx)
        .push(" AND n.pos > ")
        .bind(after.pos)
        .push(")) ORDER BY n.tx, n.pos, n.user_id");
    select.rows(pool).await
}
