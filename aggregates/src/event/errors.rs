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
    #[error("this user already has a seat or a place on the waitlist of this event")]
    InviteeAlreadyJoined,
    #[error("this user already has a pending invitation to this event")]
    AlreadyInvited,
    #[error("invitation not found")]
    InvitationNotFound,
    #[error("this invitation has already been answered")]
    InvitationAnswered,
    #[error("only users who were members when the event started may leave feedback")]
    NotAnAttendee,
    #[error("feedback opens when the event starts")]
    NotStarted,
    #[error("you have already left feedback for this event")]
    FeedbackAlreadyLeft,
    #[error("capacity cannot go below the {quantities} seats of the ticket types")]
    CapacityBelowTicketQuantities { quantities: usize },
    #[error("this ticket type is sold out")]
    TicketTypeSoldOut,
    #[error("ticket not found")]
    TicketNotFound,
    #[error("this ticket is void: its holder left the event")]
    TicketVoid,
    #[error("this ticket was already checked in at {}", .at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))]
    AlreadyCheckedIn { at: chrono::DateTime<chrono::Utc> },
    #[error("the members have already been reminded of this start time")]
    AlreadyReminded,
    #[error("reminders go out within 24 hours of the start")]
    TooEarlyToRemind,
    #[error("this event does not accept guest registrations")]
    GuestsNotAccepted,
    #[error("this email address already holds a seat or a place on the waitlist of this event")]
    GuestAlreadySeated,
    #[error("guest not found")]
    GuestNotFound,
    /// Used twice, expired or forged: which one is not said.
    #[error("this link is not valid (it may have expired or been used already)")]
    GuestLinkInvalid,
}
