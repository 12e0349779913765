//! Feedback: attendees rate an event once it has started; anyone reads the ratings.

use aggregates::EventCommand;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use projections::feedback;
use uuid::Uuid;

use super::json::{FeedbackBody, FeedbackPage};
use super::requests::Feedback;
use crate::commands::Via;
use crate::http::access::find;
use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, JsonBody, Viewer};
use crate::http::paths::EventPath;
use crate::http::query::Params;
use crate::state::AppState;

/// Rates an event that has started (attendees only, once).
///
/// The rating's range and the comment's length are the aggregate's to check, after it has
/// decided whether the caller may leave feedback at all (403 comes before 400).
#[utoipa::path(post, path = "/events/{id}/feedback", tag = "feedback", security(("bearer" = [])),
    params(crate::http::paths::EventPath), request_body = super::requests::Feedback,
    responses(
        (status = 201, description = "The feedback", body = FeedbackBody),
        (status = 403, description = "only users who were members when the event started may leave feedback (checked first)"),
        (status = 409, description = "the event has not started, or the caller left feedback already"),
    ))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %event_id, user = %user.id))]
pub async fn leave(
    State(state): State<AppState>,
    user: AuthUser,
    EventPath { id: event_id }: EventPath,
    body: JsonBody,
) -> Result<(StatusCode, Json<FeedbackBody>), ApiError> {
    find(&state, event_id, user.viewer()).await?;
    let (rating, comment) = body.parse::<Feedback>()?.validate()?;
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
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// An event's feedback, with the average rating.
#[utoipa::path(get, path = "/events/{id}/feedback", tag = "feedback",
    params(crate::http::paths::EventPath, crate::http::query::Pagination),
    responses((status = 200, description = "A page of feedback", body = FeedbackPage)))]
#[tracing::instrument(level = "debug", skip_all, fields(id = %event_id))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    EventPath { id: event_id }: EventPath,
    mut params: Params,
) -> Result<Json<FeedbackPage>, ApiError> {
    find(&state, event_id, viewer).await?;
    let page = params.page()?;
    params.finish()?;
    let found = feedback::list(&state.store.read, event_id, page).await?;
    let page = params.envelope(page, found.page.map(FeedbackBody::from));
    Ok(Json(FeedbackPage {
        ratings_count: page.count,
        average_rating: found.average_rating,
        page,
    }))
}
