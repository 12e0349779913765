/// Why an event refused a command. Each variant maps to one HTTP status in `src/http`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("event not found")]
    NotFound,
    #[error("an event with this id already exists")]
    AlreadyExists,
    #[error("only the creator of the event may do this")]
    NotCreator,
    #[error("the event has changed: its version is now {current}")]
    VersionMismatch { current: u64 },
    /// Field values that are fine alone but not against the event (or the clock).
    #[error("invalid fields")]
    InvalidFields(Vec<(&'static str, String)>),
    #[error("capacity cannot go below the {members} current members")]
    CapacityBelowMembers { members: usize },
    #[error("event is full")]
    Full,
    #[error("event is closed")]
    Closed,
    #[error("event has already started")]
    AlreadyStarted,
    #[error("you have already joined this event")]
    AlreadyJoined,
    #[error("you are already on the waitlist of this event")]
    AlreadyWaitlisted,
    #[error("you are neither a member nor on the waitlist of this event")]
    NotJoined,
    #[error("this user is neither a member nor on the waitlist of this event")]
    MemberNotFound,
}
