use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use uuid::Uuid;

use crate::sql::{uuid, Sql};
use crate::time::from_micros;
use crate::{Page, PageRequest};

#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackRow {
    pub id: Uuid,
    pub event_id: Uuid,
    pub user_id: Uuid,
    pub username: String,
    pub rating: i64,
    pub comment: String,
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

fn row(row: &AnyRow) -> Result<FeedbackRow, sqlx::Error> {
    Ok(FeedbackRow {
        id: uuid(row, "id")?,
        event_id: uuid(row, "event_id")?,
        user_id: uuid(row, "user_id")?,
        username: row.try_get("username")?,
        rating: row.try_get("rating")?,
        comment: row.try_get("comment")?,
        created_at: from_micros(row.try_get("created_at")?),
    })
}

pub async fn get(pool: &AnyPool, id: Uuid) -> Result<Option<FeedbackRow>, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select.push("id = ").bind(id);
    select.fetch_optional(pool).await?.as_ref().map(row).transpose()
}

/// An event's feedback, newest first.
pub async fn list(pool: &AnyPool, event_id: Uuid, page: PageRequest) -> Result<FeedbackPage, sqlx::Error> {
    let mut select = Sql::new(COLUMNS);
    select
        .push("event_id = ")
        .bind(event_id)
        .push(" ORDER BY created_at DESC, id")
        .paginate(page);
    let items = select
        .fetch_all(pool)
        .await?
        .iter()
        .map(row)
        .collect::<Result<_, _>>()?;
    // The sum, not AVG, cast to one integer type on both databases; the division is ours.
    let mut summary =
        Sql::new("SELECT COUNT(*), CAST(COALESCE(SUM(rating), 0) AS BIGINT) FROM feedback_view WHERE event_id = ");
    summary.bind(event_id);
    let totals = summary.fetch_all(pool).await?;
    let (count, sum): (i64, i64) = (totals[0].try_get(0)?, totals[0].try_get(1)?);
    Ok(FeedbackPage {
        page: Page { count, items },
        average_rating: (count > 0).then(|| (sum as f64 / count as f64 * 100.0).round() / 100.0),
    })
}

/// The events a user left feedback on (for deleting their account).
pub async fn events_of_author(pool: &AnyPool, user_id: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    let mut select = Sql::new("SELECT event_id FROM feedback_view WHERE user_id = ");
    select.bind(user_id);
    select.event_ids(pool).await
}
