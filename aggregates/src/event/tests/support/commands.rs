//! Commands, by alice unless said otherwise.

use super::{alice, changes, title};
use crate::event::{DetailChanges, EventCommand, EventDetails};
use crate::values::EventStatus;
use crate::Actor;

pub(crate) fn create(details: EventDetails) -> EventCommand {
    EventCommand::CreateEvent {
        details,
        actor: alice(),
    }
}

pub(crate) fn update_with(
    actor: Actor,
    changes: DetailChanges,
    status: Option<EventStatus>,
    version: Option<u64>,
) -> EventCommand {
    EventCommand::UpdateEvent {
        changes,
        status,
        expected_version: version,
        actor,
    }
}

pub(crate) fn update(changes: DetailChanges) -> EventCommand {
    update_with(alice(), changes, None, None)
}

pub(crate) fn set_status(status: EventStatus) -> EventCommand {
    update_with(alice(), changes(), Some(status), None)
}

pub(crate) fn retitle() -> DetailChanges {
    DetailChanges {
        title: Some(title("Rust meetup #2")),
        ..changes()
    }
}

pub(crate) fn delete_with(actor: Actor, version: Option<u64>) -> EventCommand {
    EventCommand::DeleteEvent {
        expected_version: version,
        actor,
    }
}

pub(crate) fn delete() -> EventCommand {
    delete_with(alice(), None)
}

pub(crate) fn join(actor: Actor) -> EventCommand {
    EventCommand::JoinEvent {
        ticket_type: None,
        actor,
    }
}

pub(crate) fn leave(actor: Actor) -> EventCommand {
    EventCommand::LeaveEvent { actor }
}

pub(crate) fn remove_by(actor: Actor, user: &Actor) -> EventCommand {
    EventCommand::RemoveMember {
        user_id: user.id,
        actor,
    }
}

pub(crate) fn remove(user: &Actor) -> EventCommand {
    remove_by(alice(), user)
}
