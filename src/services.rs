//! The services the domain asks of the process that runs it. A leaf: the server, the
//! command line, the tests and the seeder build their aggregates' services here.

use std::sync::Arc;

use aggregates::{Clock, EventServices, TicketCodes};

/// What the `Event` aggregate needs from the service: the clock, and random ticket codes.
pub fn event_services(clock: Arc<dyn Clock>) -> EventServices {
    EventServices {
        clock,
        codes: Arc::new(RandomCodes),
    }
}

/// Ticket codes as random version 4 UUIDs (122 random bits): nobody guesses one.
pub struct RandomCodes;

impl TicketCodes for RandomCodes {
    fn issue(&self, _holder: uuid::Uuid) -> uuid::Uuid {
        uuid::Uuid::new_v4()
    }
}
