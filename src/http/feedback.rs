//! Feedback: attendees rate an event once it has started; anyone reads the ratings.

use aggregates::EventCommand;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use projections::feedback::{self, FeedbackRow};
use serde_json::{json, Value};
use uuid::Uuid;

use super::error::ApiError;
use super::events::find;
use super::extract::{AuthUser, Id, JsonBody};
use super::fields::{integer, string, Fields};
use super::query::Params;
use super::wire::{at, UserRef};
use crate::commands::Via;
use crate::state::AppState;

fn to_json(row: FeedbackRow) -> Value {
    json!({
        "id": row.id,
        "event_id": row.event_id,
        "user": UserRef { id: row.user_id, username: row.username },
        "rating": row.rating,
        "comment": row.comment,
        "created_at": at(row.created_at),
    })
}

/// The rating's range and the comment's length are the aggregate's to check, after it has
/// decided whether the caller may leave feedback at all (403 comes before 400).
pub async fn leave(
    State(state): State<AppState>,
    user: AuthUser,
    Id(event_id): Id,
    body: JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    find(&state, event_id).await?;
    let mut fields = Fields::new(body.object()?);
    let rating = fields.required("rating", &integer);
    let comment = fields.nullable("comment", &string).flatten().unwrap_or_default();
    fields.finish()?;
    let Some(rating) = rating else {
        unreachable!("finish() reports missing required fields");
    };
    let feedback_id = Uuid::new_v4();
    let command = EventCommand::LeaveFeedback {
        feedback_id,
        rating,
        comment,
        actor: user.actor(),
    };
    state.commands.execute(event_id, command, Via::Api).await?;
    let row = feedback::get(&state.store.read, feedback_id)
        .await?
        .ok_or_else(|| ApiError::internal("recorded feedback is missing from its read model"))?;
    Ok((StatusCode::CREATED, Json(to_json(row))))
}

pub async fn list(
    State(state): State<AppState>,
    Id(event_id): Id,
    mut params: Params,
) -> Result<Json<Value>, ApiError> {
    find(&state, event_id).await?;
    let page = params.page();
    params.finish()?;
    let found = feedback::list(&state.store.read, event_id, page).await?;
    let mut envelope = params.envelope(page, found.page.map(to_json));
    envelope["average_rating"] = json!(found.average_rating);
    envelope["ratings_count"] = json!(envelope["count"]);
    Ok(Json(envelope))
}
