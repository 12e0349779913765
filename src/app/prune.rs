//! `prune --older-than 30d`: deletes events that ended long ago, each through the normal
//! delete command on behalf of its creator, logged with `via: "prune"`.

use aggregates::{Actor, EventCommand};
use chrono::{DateTime, Utc};
use projections::events::{self, EventRow};

use super::unless_gone;
use crate::commands::{CommandError, Via};
use crate::state::AppState;

/// Deletes every live event that ended before `cutoff` and answers those it deleted. An
/// event deleted meanwhile (by its creator, or a second `prune`) is skipped.
pub async fn prune(state: &AppState, cutoff: DateTime<Utc>) -> Result<Vec<EventRow>, CommandError> {
    let candidates = events::ended_before(&state.store.read, cutoff).await?;
    let mut deleted = Vec::new();
    for event in candidates {
        let command = EventCommand::DeleteEvent {
            expected_version: None,
            actor: Actor::new(event.creator_id, event.creator_username.clone()),
        };
        if unless_gone(state.commands.execute(event.id, command, Via::Prune).await)?.is_some() {
            deleted.push(event);
        }
    }
    Ok(deleted)
}
