//! Who may reach an event: the lookups that every resource under `/events/{id}` starts with,
//! in the contract's order (404 before 403).

use projections::events::{self, EventRow};
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::http::extract::{AuthUser, Viewer};
use crate::state::AppState;

/// The live event, or 404: also when it is private and `viewer` may not see it, with the
/// same answer as for an unknown id.
pub async fn find(state: &AppState, id: Uuid, viewer: Viewer) -> Result<EventRow, ApiError> {
    events::get(&state.store.read, id, viewer.0)
        .await?
        .ok_or(ApiError::NotFound("event not found"))
}

/// The live event, if the caller created it: 404 (also a private event they may not see),
/// then 403.
pub async fn find_as_creator(state: &AppState, id: Uuid, user: &AuthUser) -> Result<EventRow, ApiError> {
    let row = find(state, id, user.viewer()).await?;
    if row.creator_id != user.id {
        return Err(ApiError::Forbidden("only the creator of the event may do this"));
    }
    Ok(row)
}
