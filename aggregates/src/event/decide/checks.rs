//! Rules on the details themselves, which creating and updating an event both apply.

use chrono::{DateTime, Utc};

use crate::event::EventError;
use crate::values::Visibility;

/// Guests register without an account, so nobody could tell them from outsiders: a private
/// event takes none.
pub(super) fn check_guests(visibility: Visibility, guest_registration: bool) -> Result<(), EventError> {
    match (visibility, guest_registration) {
        (Visibility::Private, true) => Err(EventError::InvalidFields(vec![(
            "guest_registration",
            "a private event cannot take guest registrations".to_owned(),
        )])),
        (Visibility::Private, false) | (Visibility::Public, _) => Ok(()),
    }
}

/// A start time that is being set must lie in the future; an end time must follow the start.
pub(super) fn check_times(
    new_start: Option<DateTime<Utc>>,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), EventError> {
    let invalid = schedule_problems(new_start, start, end, now);
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(EventError::InvalidFields(invalid))
    }
}

/// The schedule rules as field problems, public so that a caller can report them together
/// with its own field errors before sending a command.
pub fn schedule_problems(
    new_start: Option<DateTime<Utc>>,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<(&'static str, String)> {
    let mut invalid = Vec::new();
    if new_start.is_some_and(|start| start <= now) {
        invalid.push(("start_time", "must be in the future".to_owned()));
    }
    if end.is_some_and(|end| end <= start) {
        invalid.push(("end_time", "must be after start_time".to_owned()));
    }
    invalid
}
