use chrono::{DateTime, Utc};
use sqlx::{AnyPool, FromRow};
use uuid::Uuid;

use crate::column::{Flag, Micros, UuidText};
use crate::sql::Sql;
use crate::{Page, PageRequest};

/// A seat's holder: a user (id, username), or a guest (guest id, name, and their address
/// in `guest_email`).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct MemberRow {
    #[sqlx(try_from = "UuidText")]
    pub user_id: Uuid,
    pub username: String,
    pub guest_email: Option<String>,
    #[sqlx(try_from = "Micros")]
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaitlistRow {
    pub user_id: Uuid,
    pub username: String,
    pub guest_email: Option<String>,
    pub position: i64,
    pub joined_at: DateTime<Utc>,
}

/// One of a user's seats, with what the listing shows of its event.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct MembershipRow {
    #[sqlx(try_from = "UuidText")]
    pub event_id: Uuid,
    pub title: String,
    #[sqlx(try_from = "Micros")]
    pub start_time: DateTime<Utc>,
    pub visibility: String,
    #[sqlx(try_from = "Flag")]
    pub guest_registration: bool,
    pub status: String,
    #[sqlx(try_from = "Micros")]
    pub joined_at: DateTime<Utc>,
}

async fn seats(
    pool: &AnyPool,
    event_id: Uuid,
    status: &str,
    page: PageRequest,
) -> Result<Page<MemberRow>, sqlx::Error> {
    let filter = |sql: &mut Sql| {
        sql.bind(event_id).push(" AND status = ").bind(status);
    };
    let mut count = Sql::new("SELECT COUNT(*) FROM member_view WHERE event_id = ");
    filter(&mut count);
    let mut select = Sql::new("SELECT user_id, username, guest_email, joined_at FROM member_view WHERE event_id = ");
    filter(&mut select);
    select.push(" ORDER BY queue");
    select.page(&count, page, pool).await
}

/// The event's members in the order they took their seats.
#[tracing::instrument(level = "debug", skip_all, fields(event_id = %event_id))]
pub async fn members(pool: &AnyPool, event_id: Uuid, page: PageRequest) -> Result<Page<MemberRow>, sqlx::Error> {
    seats(pool, event_id, "member", page).await
}

/// The event's waitlist in promotion order; positions start at 1.
#[tracing::instrument(level = "debug", skip_all, fields(event_id = %event_id))]
pub async fn waitlist(pool: &AnyPool, event_id: Uuid, page: PageRequest) -> Result<Page<WaitlistRow>, sqlx::Error> {
    let first = page.offset() + 1;
    let page = seats(pool, event_id, "waitlisted", page).await?;
    let mut position = first;
    Ok(page.map(|row| {
        let entry = WaitlistRow {
            user_id: row.user_id,
            username: row.username,
            guest_email: row.guest_email,
            position,
            joined_at: row.joined_at,
        };
        position += 1;
        entry
    }))
}

/// The events a user holds a seat in or waits for, soonest first.
#[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
pub async fn memberships(pool: &AnyPool, user_id: Uuid, page: PageRequest) -> Result<Page<MembershipRow>, sqlx::Error> {
    const FROM: &str = " FROM member_view m JOIN event_view e ON e.id = m.event_id
        WHERE e.deleted_at IS NULL AND m.user_id = ";
    let mut count = Sql::new(&format!("SELECT COUNT(*){FROM}"));
    count.bind(user_id);
    let mut select = Sql::new(&format!(
        "SELECT m.event_id, e.title, e.start_time, e.visibility, e.guest_registration, m.status,
            m.joined_at{FROM}"
    ));
    select.bind(user_id).push(" ORDER BY e.start_time, m.event_id");
    select.page(&count, page, pool).await
}

/// Every event a user holds a seat in or waits for (for deleting their account).
#[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
pub async fn events_of_user(pool: &AnyPool, user_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    let mut select = Sql::new("SELECT event_id FROM member_view WHERE user_id = ");
    select.bind(user_id);
    select.event_ids(pool).await
}
