//! Guest registration, the workflow: limits, then the registration; a link's token, then
//! its command. The HTTP handlers call these; the emails that carry the links are the
//! outbox's (see `crate::email`).

mod limits;
mod links;

use std::net::IpAddr;
use std::sync::Arc;

use aggregates::values::{GuestEmail, GuestName};
use aggregates::{Clock, EventCommand, EventError, EventFact};
use sqlx::AnyPool;
use uuid::Uuid;

pub use limits::{LimitError, PER_ADDRESS, PER_CLIENT};
pub use links::{GuestLinks, LinkPurpose, LinkTarget, TOKEN_CHARS};

use crate::commands::{Answering, CommandError, Commands, Via};

/// What someone without an account asks for.
#[derive(Debug, Clone)]
pub struct GuestRequest {
    pub name: GuestName,
    pub email: GuestEmail,
    pub ticket_type: Option<Uuid>,
}

#[derive(Debug, thiserror::Error)]
pub enum GuestError {
    #[error(transparent)]
    Limited(#[from] LimitError),
    #[error(transparent)]
    Command(#[from] CommandError),
}

/// A link that opens nothing is refused as the event refuses a used or expired one.
fn invalid_link() -> GuestError {
    GuestError::Command(CommandError::Rejected(EventError::GuestLinkInvalid))
}

#[derive(Clone)]
pub struct Guests {
    links: GuestLinks,
    commands: Commands,
    /// Where the limits keep their ledger.
    ledger: AnyPool,
    clock: Arc<dyn Clock>,
}

impl Guests {
    pub fn new(links: GuestLinks, commands: Commands, ledger: AnyPool, clock: Arc<dyn Clock>) -> Self {
        Self {
            links,
            commands,
            ledger,
            clock,
        }
    }

    pub fn links(&self) -> &GuestLinks {
        &self.links
    }

    /// Takes a slot of the client's and of the address's limits, then registers: no seat
    /// yet, and an email with the confirmation link follows through the outbox.
    pub async fn register(
        &self,
        event_id: Uuid,
        request: GuestRequest,
        client: IpAddr,
        answer: Option<Answering>,
    ) -> Result<Vec<EventFact>, GuestError> {
        let now = self.clock.now();
        limits::take(&self.ledger, &request.email.key(), client, now).await?;
        let command = EventCommand::RegisterGuest {
            guest_id: Uuid::new_v4(),
            name: request.name,
            email: request.email,
            ticket_type: request.ticket_type,
        };
        let facts = self.commands.execute_answering(event_id, command, Via::Api, answer);
        Ok(facts.await?)
    }

    /// Confirms the registration a confirmation token names: a seat or a place in line.
    pub async fn confirm(
        &self,
        token: &str,
        answer: impl FnOnce(LinkTarget) -> Option<Answering>,
    ) -> Result<(LinkTarget, Vec<EventFact>), GuestError> {
        let target = self.links.open(LinkPurpose::Confirm, token).ok_or_else(invalid_link)?;
        let command = EventCommand::ConfirmGuest {
            guest_id: target.guest_id,
        };
        let facts = self
            .commands
            .execute_answering(target.event_id, command, Via::Api, answer(target))
            .await?;
        Ok((target, facts))
    }

    /// Gives back the seat or place a cancel token names; the next in line moves up.
    pub async fn cancel(&self, token: &str) -> Result<(), GuestError> {
        let target = self.links.open(LinkPurpose::Cancel, token).ok_or_else(invalid_link)?;
        let command = EventCommand::CancelGuest {
            guest_id: target.guest_id,
        };
        self.commands.execute(target.event_id, command, Via::Api).await?;
        Ok(())
    }
}
