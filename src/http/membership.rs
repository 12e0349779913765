//! Joining, leaving, and the creator's view of members and waitlist.

use aggregates::{EventCommand, EventFact};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use projections::members;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::error::ApiError;
use super::events::{find, find_as_creator};
use super::extract::{AuthUser, Id, Ids};
use super::query::Params;
use super::wire::{at, rfc3339, UserRef};
use crate::commands::Via;
use crate::state::AppState;

#[derive(Serialize)]
struct Joined {
    event_id: Uuid,
    user: UserRef,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<usize>,
    #[serde(serialize_with = "rfc3339")]
    joined_at: DateTime<Utc>,
}

pub async fn join(
    State(state): State<AppState>,
    user: AuthUser,
    Id(id): Id,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let facts = state
        .commands
        .execute(id, EventCommand::JoinEvent { actor: user.actor() }, Via::Api)
        .await?;
    let user_ref = || UserRef {
        id: user.id,
        username: user.username.clone(),
    };
    let joined = match facts.first() {
        Some(EventFact::MemberWaitlisted { position, at, .. }) => Joined {
            event_id: id,
            user: user_ref(),
            status: "waitlisted",
            position: Some(*position),
            joined_at: *at,
        },
        Some(fact) => Joined {
            event_id: id,
            user: user_ref(),
            status: "member",
            position: None,
            joined_at: fact.at(),
        },
        None => return Err(ApiError::internal("a join recorded nothing")),
    };
    Ok((StatusCode::CREATED, Json(json!(joined))))
}

pub async fn leave(State(state): State<AppState>, user: AuthUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    state
        .commands
        .execute(id, EventCommand::LeaveEvent { actor: user.actor() }, Via::Api)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove(
    State(state): State<AppState>,
    user: AuthUser,
    Ids(id, user_id): Ids,
) -> Result<StatusCode, ApiError> {
    find_as_creator(&state, id, &user).await?;
    state
        .commands
        .execute(
            id,
            EventCommand::RemoveMember {
                user_id,
                actor: user.actor(),
            },
            Via::Api,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_members(
    State(state): State<AppState>,
    user: AuthUser,
    Id(id): Id,
    mut params: Params,
) -> Result<Json<Value>, ApiError> {
    find_as_creator(&state, id, &user).await?;
    let page = params.page();
    params.finish()?;
    let rows = members::members(&state.store.read, id, page).await?;
    Ok(Json(params.envelope(
        page,
        rows.map(
            |row| json!({"user": UserRef { id: row.user_id, username: row.username }, "joined_at": at(row.joined_at)}),
        ),
    )))
}

pub async fn waitlist(
    State(state): State<AppState>,
    user: AuthUser,
    Id(id): Id,
    mut params: Params,
) -> Result<Json<Value>, ApiError> {
    find_as_creator(&state, id, &user).await?;
    let page = params.page();
    params.finish()?;
    let rows = members::waitlist(&state.store.read, id, page).await?;
    Ok(Json(params.envelope(
        page,
        rows.map(|row| {
            json!({
                "user": UserRef { id: row.user_id, username: row.username },
                "position": row.position,
                "joined_at": at(row.joined_at),
            })
        }),
    )))
}

pub async fn capacity(State(state): State<AppState>, Id(id): Id) -> Result<Json<Value>, ApiError> {
    let row = find(&state, id).await?;
    Ok(Json(json!({
        "capacity": row.capacity,
        "members_count": row.members_count,
        "available_slots": (row.capacity - row.members_count).max(0),
        "waitlist_count": row.waitlist_count,
    })))
}
