use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use uuid::Uuid;

use crate::sql::{opt_uuid, uuid, Sql};
use crate::time::from_micros;
use crate::{Page, PageRequest};

/// A ticket type and how many of its seats are taken.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketTypeRow {
    pub id: Uuid,
    pub event_id: Uuid,
    pub name: String,
    pub price: String,
    pub currency: String,
    pub quantity: i64,
    pub members_count: i64,
}

/// A ticket, with the event it admits to.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketRow {
    pub code: Uuid,
    pub event_id: Uuid,
    pub event_title: String,
    pub event_start_time: DateTime<Utc>,
    pub user_id: Uuid,
    pub username: String,
    pub ticket_type_id: Option<Uuid>,
    /// `valid`, `checked_in` or `void`.
    pub status: String,
    pub issued_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// The ticket types of these events, each event's in the order they were given.
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
    sql.fetch_all(pool).await?.iter().map(decode_type).collect()
}

fn decode_type(row: &AnyRow) -> Result<TicketTypeRow, sqlx::Error> {
    Ok(TicketTypeRow {
        id: uuid(row, "id")?,
        event_id: uuid(row, "event_id")?,
        name: row.try_get("name")?,
        price: row.try_get("price")?,
        currency: row.try_get("currency")?,
        quantity: row.try_get("quantity")?,
        members_count: row.try_get("members_count")?,
    })
}

const SELECT: &str = "SELECT t.code, t.event_id, e.title, e.start_time, t.user_id, t.username, t.ticket_type_id, \
    t.status, t.issued_at, t.checked_in_at FROM ticket_view t JOIN event_view e ON e.id = t.event_id WHERE ";

/// The ticket with this code, if `event_id` issued it (void or not).
pub async fn get(pool: &AnyPool, event_id: Uuid, code: Uuid) -> Result<Option<TicketRow>, sqlx::Error> {
    let mut sql = Sql::new(SELECT);
    sql.push("t.code = ")
        .bind(code)
        .push(" AND t.event_id = ")
        .bind(event_id);
    sql.fetch_optional(pool).await?.as_ref().map(decode).transpose()
}

/// The user's tickets that still admit (valid or checked in), of events not deleted, by
/// the events' start.
pub async fn of_user(pool: &AnyPool, user_id: Uuid, page: PageRequest) -> Result<Page<TicketRow>, sqlx::Error> {
    let filter = "t.user_id = $1 AND t.status <> 'void' AND e.deleted_at IS NULL";
    let mut count = Sql::new(&format!(
        "SELECT COUNT(*) FROM ticket_view t JOIN event_view e ON e.id = t.event_id WHERE {filter}"
    ));
    let mut select = Sql::new(&format!("{SELECT}{filter} ORDER BY e.start_time, t.code"));
    // `$1` is written into the text: both statements bind the user first.
    count.add(user_id);
    select.add(user_id);
    select.page(&count, page, pool, decode).await
}

fn decode(row: &AnyRow) -> Result<TicketRow, sqlx::Error> {
    Ok(TicketRow {
        code: uuid(row, "code")?,
        event_id: uuid(row, "event_id")?,
        event_title: row.try_get("title")?,
        event_start_time: from_micros(row.try_get("start_time")?),
        user_id: uuid(row, "user_id")?,
        username: row.try_get("username")?,
        ticket_type_id: opt_uuid(row, "ticket_type_id")?,
        status: row.try_get("status")?,
        issued_at: from_micros(row.try_get("issued_at")?),
        checked_in_at: row.try_get::<Option<i64>, _>("checked_in_at")?.map(from_micros),
    })
}
