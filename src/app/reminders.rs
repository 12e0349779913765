//! The reminder job: every minute, each live event starting within 24 hours gets the
//! `SendReminder` command, on behalf of its creator, logged with `via: "reminder"`.
//!
//! The job keeps no state of its own. Whether a reminder went out is a fact of the event
//! (`ReminderSent`), and the aggregate refuses a second one for the same start time, so the
//! job is idempotent, survives restarts, and two instances running it at once are settled by
//! the store: the later commit conflicts, is retried, and is then refused.

use std::time::Duration;

use aggregates::{Actor, EventCommand, EventError};
use projections::calendar;
use uuid::Uuid;

use super::unless_gone;
use crate::commands::{CommandError, Via};
use crate::state::AppState;

/// How often the job looks for events to remind.
const INTERVAL: Duration = Duration::from_secs(60);

/// Sends every reminder that is due now; answers the events reminded by this call.
pub async fn remind_due(state: &AppState) -> Result<Vec<Uuid>, CommandError> {
    let now = state.clock.now();
    let due = calendar::starting_between(&state.store.read, now, now + chrono::Duration::hours(24)).await?;
    let mut reminded = Vec::new();
    for event in due {
        let actor = Actor::new(event.creator_id, event.creator_username);
        let command = EventCommand::SendReminder { actor };
        match unless_gone(state.commands.execute(event.id, command, Via::Reminder).await) {
            Ok(Some(facts)) if !facts.is_empty() => reminded.push(event.id),
            Ok(_) => {}
            // Another instance was first, or the event moved meanwhile.
            Err(CommandError::Rejected(
                EventError::AlreadyReminded | EventError::TooEarlyToRemind | EventError::AlreadyStarted,
            )) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(reminded)
}

/// Runs the job for as long as the process runs (from the start, then every minute).
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        loop {
            match remind_due(&state).await {
                Ok(reminded) if !reminded.is_empty() => tracing::info!(count = reminded.len(), "reminders sent"),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "the reminder job failed; it runs again in a minute"),
            }
            tokio::time::sleep(INTERVAL).await;
        }
    });
}
