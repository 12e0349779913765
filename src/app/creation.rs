//! Creating an event: who may, how often, and one event or a whole series.

use aggregates::event::EventDetails;
use aggregates::{Actor, EventCommand, EventFact};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::accounts::Role;
use crate::commands::{Answering, CommandError};
use crate::state::AppState;
use crate::throttle::ThrottleError;

/// Why an event was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreationError {
    #[error("only organizers may create events")]
    NotAnOrganizer,
    #[error(transparent)]
    Throttled(#[from] ThrottleError),
    #[error(transparent)]
    Command(#[from] CommandError),
}

impl From<sqlx::Error> for CreationError {
    fn from(error: sqlx::Error) -> Self {
        Self::Command(error.into())
    }
}

/// Whether `user` may create an event now: an organizer where only organizers may, with a
/// slot left in the day's allowance. Asked before the request is read, as DRF's
/// permissions and throttles are (403 before 429 before 400).
pub async fn admit(state: &AppState, user: &Actor) -> Result<(), CreationError> {
    if state.organizers_only {
        let account = state.users.find(user.id).await?;
        if account.is_none_or(|a| a.role != Role::Organizer) {
            return Err(CreationError::NotAnOrganizer);
        }
    }
    let now = state.clock.now();
    Ok(state.throttle.admit(&state.store.read, user.id, now).await?)
}

/// Creates the event `id` from `details`, or, with `starts`, a series of one event per
/// start time of which `id` is the first; answers the first event's facts. The allowance
/// is taken for every occurrence at once, or none is created. `recording` goes with the
/// first event's command.
pub async fn create(
    state: &AppState,
    user: &Actor,
    id: Uuid,
    details: EventDetails,
    starts: Option<&[DateTime<Utc>]>,
    recording: Option<Answering>,
) -> Result<Vec<EventFact>, CreationError> {
    let occurrences = starts.map_or(1, <[_]>::len);
    let count = u32::try_from(occurrences).unwrap_or(u32::MAX);
    let now = state.clock.now();
    let mut reservation = state.throttle.reserve(&state.store.read, user.id, count, now).await?;
    let facts = match starts {
        Some(starts) => super::series::create(state, user, id, details, starts, recording, &mut reservation).await?,
        None => {
            let command = EventCommand::CreateEvent {
                details,
                actor: user.clone(),
            };
            reservation.create(&state.commands, id, command, recording).await?
        }
    };
    Ok(facts)
}
