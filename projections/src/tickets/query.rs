use chrono::{DateTime, Utc};
use sqlx::{AnyPool, FromRow};
use uuid::Uuid;

use crate::column::{Micros, OptMicros, OptUuidText, UuidText};
use crate::sql::Sql;
use crate::{Page, PageRequest};

/// A ticket type and how many of its seats are taken.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct TicketTypeRow {
    #[sqlx(try_from = "UuidText")]
    pub id: Uuid,
    #[sqlx(try_from = "UuidText")]
    pub event_id: Uuid,
    pub name: String,
    pub price: String,
    pub currency: String,
    pub quantity: i64,
    pub members_count: i64,
}

/// A ticket, with the event it admits to.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct TicketRow {
    #[sqlx(try_from = "UuidText")]
    pub code: Uuid,
    #[sqlx(try_from = "UuidText")]
    pub event_id: Uuid,
    #[sqlx(rename = "title")]
    pub event_title: String,
    #[sqlx(rename = "start_time", try_from = "Micros")]
    pub event_start_time: DateTime<Utc>,
    #[sqlx(try_from = "UuidText")]
    pub user_id: Uuid,
    pub username: String,
    #[sqlx(try_from = "OptUuidText")]
    pub ticket_type_id: Option<Uuid>,
    /// `valid`, `checked_in` or `void`.
    pub status: String,
    #[sqlx(try_from = "Micros")]
    pub issued_at: DateTime<Utc>,
    #[sqlx(try_from = "OptMicros")]
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// The ticket types of these events, each event's in the order they were given.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn types_of(pool: &AnyPool, event_ids: &[Uuid]) -> Result<Vec<TicketTypeRow>, sqlx::Error> {
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT id, event_id, name, price, currency, quantity, members_count FROM ticket_type_view WHERE event_id IN (",
    );
    for (i, id) in event_ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*id);
    }
    sql.push(") ORDER BY event_id, ordinal");
    sql.rows(pool).await
}

const SELECT: &str = "SELECT t.code, t.event_id, e.title, e.start_time, t.user_id, t.username, t.ticket_type_id, \
    t.status, t.issued_at, t.checked_in_at FROM ticket_view t JOIN event_view e ON e.id = t.event_id WHERE ";

/// The ticket with this code, if `event_id` issued it (void or not).
#[tracing::instrument(level = "debug", skip_all, fields(event_id = %event_id))]
pub async fn get(pool: &AnyPool, event_id: Uuid, code: Uuid) -> Result<Option<TicketRow>, sqlx::Error> {
    let mut sql = Sql::new(SELECT);
    sql.push("t.code = ")
        .bind(code)
        .push(" AND t.event_id = ")
        .bind(event_id);
    sql.row(pool).await
}

/// The user's tickets that still admit (valid or checked in), of events not deleted, by
/// the events' start.
#[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
pub async fn of_user(pool: &AnyPool, user_id: Uuid, page: PageRequest) -> Result<Page<TicketRow>, sqlx::Error> {
    let filter = "t.user_id = $1 AND t.status <> 'void' AND e.deleted_at IS NULL";
    let mut count = Sql::new(&format!(
        "SELECT COUNT(*) FROM ticket_view t JOIN event_view e ON e.id = t.event_id WHERE {filter}"
    ));
    let mut select = Sql::new(&format!("{SELECT}{filter} ORDER BY e.start_time, t.code"));
    // `$1` is written into the text: both statements bind the user first.
    count.add(user_id);
    select.add(user_id);
    select.page(&count, page, pool).await
}
