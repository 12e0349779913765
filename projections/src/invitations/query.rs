use chrono::{DateTime, Utc};
use sqlx::{AnyPool, FromRow};
use uuid::Uuid;

use crate::column::{Micros, OptMicros, UuidText};
use crate::sql::Sql;
use crate::{Page, PageRequest};

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct InvitationRow {
    #[sqlx(try_from = "UuidText")]
    pub id: Uuid,
    #[sqlx(try_from = "UuidText")]
    pub event_id: Uuid,
    #[sqlx(rename = "title")]
    pub event_title: String,
    #[sqlx(try_from = "UuidText")]
    pub inviter_id: Uuid,
    pub inviter_username: String,
    #[sqlx(try_from = "UuidText")]
    pub invitee_id: Uuid,
    pub invitee_username: String,
    pub status: String,
    #[sqlx(try_from = "Micros")]
    pub sent_at: DateTime<Utc>,
    #[sqlx(try_from = "OptMicros")]
    pub responded_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "SELECT i.id, i.event_id, e.title, i.inviter_id, i.inviter_username, i.invitee_id,
    i.invitee_username, i.status, i.sent_at, i.responded_at";
/// Invitations of live events only: a deleted event is 404 everywhere but its log.
const FROM: &str = " FROM invitation_view i JOIN event_view e ON e.id = i.event_id
    WHERE e.deleted_at IS NULL AND ";

/// One invitation, if its event is still there.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn get(pool: &AnyPool, id: Uuid) -> Result<Option<InvitationRow>, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select.push(FROM).push("i.id = ").bind(id);
    select.row(pool).await
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
    select.page(&count, page, pool).await
}

/// The invitations an event's creator sent.
#[tracing::instrument(level = "debug", skip_all, fields(event_id = %event_id))]
pub async fn for_event(
    pool: &AnyPool,
    event_id: Uuid,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Page<InvitationRow>, sqlx::Error> {
    list(pool, "i.event_id", event_id, status, page).await
}

/// The invitations a user received.
#[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
pub async fn received(
    pool: &AnyPool,
    user_id: Uuid,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Page<InvitationRow>, sqlx::Error> {
    list(pool, "i.invitee_id", user_id, status, page).await
}

/// The events where a user has an invitation (for deleting their account).
#[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
pub async fn events_of_invitee(pool: &AnyPool, user_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    let mut select = Sql::new("SELECT DISTINCT event_id FROM invitation_view WHERE invitee_id = ");
    select.bind(user_id);
    select.event_ids(pool).await
}
