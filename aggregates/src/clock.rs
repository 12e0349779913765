use chrono::{DateTime, SubsecRound, Utc};

/// Where the domain learns the time, so that tests (and `prune`) can choose it.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock, to the microsecond (what both stores keep).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// Where the domain gets ticket codes: unguessable in service, predictable in tests.
pub trait TicketCodes: Send + Sync {
    /// A new code for `holder`'s ticket. The holder is given so that tests can predict
    /// codes; the service's codes never depend on it.
    fn issue(&self, holder: uuid::Uuid) -> uuid::Uuid;
}
