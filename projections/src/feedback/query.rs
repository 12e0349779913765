use chrono::{DateTime, Utc};
use sqlx::{AnyPool, FromRow};
use uuid::Uuid;

use crate::column::{Micros, UuidText};
use crate::sql::Sql;
use crate::{Page, PageRequest};

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct FeedbackRow {
    #[sqlx(try_from = "UuidText")]
    pub id: Uuid,
    #[sqlx(try_from = "UuidText")]
    pub event_id: Uuid,
    #[sqlx(try_from = "UuidText")]
    pub user_id: Uuid,
    pub username: String,
    pub rating: i64,
    pub comment: String,
    #[sqlx(try_from = "Micros")]
    pub created_at: DateTime<Utc>,
}

/// A page of feedback and the summary of all of it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackPage {
    pub page: Page<FeedbackRow>,
    /// `None` while nobody has rated the event.
    pub average_rating: Option<f64>,
}

const COLUMNS: &str = "SELECT id, event_id, user_id, username, rating, comment, created_at FROM feedback_view WHERE ";

#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn get(pool: &AnyPool, id: Uuid) -> Result<Option<FeedbackRow>, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select.push("id = ").bind(id);
    select.row(pool).await
}

/// An event's feedback, newest first.
#[tracing::instrument(level = "debug", skip_all, fields(event_id = %event_id))]
pub async fn list(pool: &AnyPool, event_id: Uuid, page: PageRequest) -> Result<FeedbackPage, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select
        .push("event_id = ")
        .bind(event_id)
        .push(" ORDER BY created_at DESC, id")
        .paginate(page);
    let items = select.rows(pool).await?;
    // The sum, not AVG, cast to one integer type on both databases; the division is ours.
    let mut summary =
        Sql::new("SELECT COUNT(*), CAST(COALESCE(SUM(rating), 0) AS BIGINT) FROM feedback_view WHERE event_id = ");
    summary.bind(event_id);
    let (count, sum): (i64, i64) = summary.one(pool).await?;
    Ok(FeedbackPage {
        page: Page { count, items },
        average_rating: (count > 0).then(|| (sum as f64 / count as f64 * 100.0).round() / 100.0),
    })
}

/// The events a user left feedback on (for deleting their account).
#[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
pub async fn events_of_author(pool: &AnyPool, user_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    let mut select = Sql::new("SELECT event_id FROM feedback_view WHERE user_id = ");
    select.bind(user_id);
    select.event_ids(pool).await
}
