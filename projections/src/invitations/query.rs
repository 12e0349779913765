use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use uuid::Uuid;

use crate::sql::{uuid, Sql};
use crate::time::from_micros;
use crate::{Page, PageRequest};

#[derive(Debug, Clone, PartialEq)]
pub struct InvitationRow {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_title: String,
    pub inviter_id: Uuid,
    pub inviter_username: String,
    pub invitee_id: Uuid,
    pub invitee_username: String,
    pub status: String,
    pub sent_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "SELECT i.id, i.event_id, e.title, i.inviter_id, i.inviter_username, i.invitee_id,
    i.invitee_username, i.status, i.sent_at, i.responded_at";
/// Invitations of live events only: a deleted event is 404 everywhere but its log.
const FROM: &str = " FROM invitation_view i JOIN event_view e ON e.id = i.event_id
    WHERE e.deleted_at IS NULL AND ";

fn row(row: &AnyRow) -> Result<InvitationRow, sqlx::Error> {
    Ok(InvitationRow {
        id: uuid(row, "id")?,
        event_id: uuid(row, "event_id")?,
        event_title: row.try_get("title")?,
        inviter_id: uuid(row, "inviter_id")?,
        inviter_username: row.try_get("inviter_username")?,
        invitee_id: uuid(row, "invitee_id")?,
        invitee_username: row.try_get("invitee_username")?,
        status: row.try_get("status")?,
        sent_at: from_micros(row.try_get("sent_at")?),
        responded_at: row.try_get::<Option<i64>, _>("responded_at")?.map(from_micros),
    })
}

/// One invitation, if its event is still there.
pub async fn get(pool: &AnyPool, id: Uuid) -> Result<Option<InvitationRow>, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select.push(FROM).push("i.id = ").bind(id);
    select.fetch_optional(pool).await?.as_ref().map(row).transpose()
}

/// Newest first, optionally only those with `status`.
async fn list(
    pool: &AnyPool,
    column: &str,
    id: Uuid,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Page<InvitationRow>, sqlx::Error> {
    let filter = |sql: &mut Sql| {
        sql.push(FROM).push(column).push(" = ").bind(id);
        if let Some(status) = status {
            sql.push(" AND i.status = ").bind(status);
        }
    };
    let mut count = Sql::new("SELECT COUNT(*)");
    filter(&mut count);
    let mut select = Sql::new(COLUMNS);
    filter(&mut select);
    select.push(" ORDER BY i.sent_at DESC, i.id");
    select.page(&count, page, pool, row).await
}

/// The invitations an event's creator sent.
pub async fn for_event(
    pool: &AnyPool,
    event_id: Uuid,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Page<InvitationRow>, sqlx::Error> {
    list(pool, "i.event_id", event_id, status, page).await
}

/// The invitations a user received.
pub async fn received(
    pool: &AnyPool,
    user_id: Uuid,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Page<InvitationRow>, sqlx::Error> {
    list(pool, "i.invitee_id", user_id, status, page).await
}

/// The events where a user has an invitation (for deleting their account).
pub async fn events_of_invitee(pool: &AnyPool, user_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    let mut select = Sql::new("SELECT DISTINCT event_id FROM invitation_view WHERE invitee_id = ");
    select.bind(user_id);
    select.event_ids(pool).await
}
