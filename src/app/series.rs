//! Series: one ordinary event per occurrence, sharing a `series_id`. A series change is one
//! command per future occurrence.

use aggregates::event::{DetailChanges, EventDetails};
use aggregates::values::EventStatus;
use aggregates::{Actor, EventCommand, EventFact};
use chrono::{DateTime, Utc};
use projections::events::EventRow;
use uuid::Uuid;

use crate::commands::{Answering, CommandError, Via};
use crate::state::AppState;
use crate::throttle::Reservation;

/// Why a series change was refused.
#[derive(Debug, thiserror::Error)]
pub enum SeriesError {
    /// Checked before any occurrence changes, where the read models can tell in advance.
    #[error("capacity cannot go below the {members} members of the occurrence {occurrence}")]
    Crowded { members: i64, occurrence: Uuid },
    #[error(transparent)]
    Command(#[from] CommandError),
}

/// Creates one event per start time, all in a new series, the first one as `first`;
/// answers its facts. Each occurrence keeps the first one's duration and gets ticket types
/// of its own. `recording` goes with the first occurrence's command.
pub(super) async fn create(
    state: &AppState,
    user: &Actor,
    first: Uuid,
    details: EventDetails,
    starts: &[DateTime<Utc>],
    mut recording: Option<Answering>,
    reservation: &mut Reservation,
) -> Result<Vec<EventFact>, CommandError> {
    let series_id = Uuid::new_v4();
    let duration = details.end_time.map(|end| end - details.start_time);
    let mut first_facts = None;
    for start in starts {
        let mut occurrence = details.clone();
        occurrence.start_time = *start;
        occurrence.end_time = duration.map(|d| *start + d);
        occurrence.series_id = Some(series_id);
        for ticket_type in &mut occurrence.ticket_types {
            ticket_type.id = Uuid::new_v4();
        }
        let id = if first_facts.is_none() { first } else { Uuid::new_v4() };
        let command = EventCommand::CreateEvent {
            details: occurrence,
            actor: user.clone(),
        };
        let facts = reservation
            .create(&state.commands, id, command, recording.take())
            .await?;
        first_facts.get_or_insert(facts);
    }
    first_facts.ok_or_else(|| CommandError::Store("a series without occurrences".into()))
}

/// Applies `changes` (and `status`) to each of `occurrences` that has not started.
pub async fn change(
    state: &AppState,
    user: &Actor,
    occurrences: &[EventRow],
    changes: DetailChanges,
    status: Option<EventStatus>,
) -> Result<(), SeriesError> {
    let future = upcoming(state, occurrences);
    if let Some(capacity) = changes.capacity {
        let crowded = future.clone().find(|row| row.members_count > capacity.get() as i64);
        if let Some(row) = crowded {
            return Err(SeriesError::Crowded {
                members: row.members_count,
                occurrence: row.id,
            });
        }
    }
    for row in future {
        let command = EventCommand::UpdateEvent {
            changes: changes.clone(),
            status,
            expected_version: None,
            actor: user.clone(),
        };
        state.commands.execute(row.id, command, Via::Series).await?;
    }
    Ok(())
}

/// Deletes each of `occurrences` that has not started; past ones stay.
pub async fn delete(state: &AppState, user: &Actor, occurrences: &[EventRow]) -> Result<(), CommandError> {
    for row in upcoming(state, occurrences) {
        let command = EventCommand::DeleteEvent {
            expected_version: None,
            actor: user.clone(),
        };
        state.commands.execute(row.id, command, Via::Series).await?;
    }
    Ok(())
}

fn upcoming<'a>(state: &AppState, occurrences: &'a [EventRow]) -> impl Iterator<Item = &'a EventRow> + Clone {
    let now = state.clock.now();
    occurrences.iter().filter(move |row| row.start_time > now)
}
