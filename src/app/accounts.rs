//! Deleting an account: what the user created goes, what they took part in forgets them.

use std::time::Duration;

use aggregates::{Actor, EventCommand};
use projections::events::{self, CreatorFilter, EventFilter, EventOrdering};
use projections::{feedback, invitations, members, PageRequest};

use super::unless_gone;
use crate::commands::{CommandError, Via};
use crate::state::AppState;

/// How long the sweep waits for the read models to show every command committed before the
/// account was marked.
const SETTLED_WITHIN: Duration = Duration::from_secs(10);

/// Marks the account as being deleted, deletes every event `user` created, has every event
/// they took part in (as a member, on the waitlist, invited, with feedback) forget them, and
/// then deletes the account. Each step is a command of its own, logged with
/// `via: "account_deletion"`; a second run after a failure picks up where the first stopped.
/// What the user's own commands commit once the mark is set is undone by the commands
/// themselves; what committed before it, the sweep finds once the read models show it.
pub async fn delete_account(state: &AppState, user: &Actor) -> Result<(), CommandError> {
    state.users.close(user.id).await?;
    if let Some(last) = state.event_log.last().await? {
        if !state.commands.projector().wait_for(last, SETTLED_WITHIN).await {
            return Err(CommandError::Unavailable(
                "the read models are behind; try again".into(),
            ));
        }
    }
    let read = &state.store.read;
    let first_page = PageRequest { page: 1, size: 100 };
    let filter = EventFilter {
        creator: Some(CreatorFilter::Id(user.id)),
        ..EventFilter::default()
    };
    loop {
        let created = events::list(read, &filter, Some(user.id), EventOrdering::default(), first_page).await?;
        if created.items.is_empty() {
            break;
        }
        for event in created.items {
            let command = EventCommand::DeleteEvent {
                expected_version: None,
                actor: user.clone(),
            };
            unless_gone(state.commands.execute(event.id, command, Via::AccountDeletion).await)?;
        }
    }
    let mut touched = members::events_of_user(read, user.id).await?;
    touched.extend(invitations::events_of_invitee(read, user.id).await?);
    touched.extend(feedback::events_of_author(read, user.id).await?);
    touched.sort();
    touched.dedup();
    for event_id in touched {
        let command = EventCommand::ForgetParticipant { actor: user.clone() };
        unless_gone(state.commands.execute(event_id, command, Via::AccountDeletion).await)?;
    }
    state.calendar_tokens.revoke(user.id).await?;
    projections::notifications::forget_reads(read, user.id).await?;
    state.users.delete(user.id).await?;
    Ok(())
}
