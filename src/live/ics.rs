//! iCalendar (RFC 5545) rendering of events, with the `icalendar` crate.

use icalendar::{Calendar, Component, EventLike, EventStatus};
use projections::calendar::CalendarRow;

/// A calendar holding one VEVENT per row. `SEQUENCE` is the event's version, so calendar
/// apps take every change as newer; a deleted event stays, `STATUS:CANCELLED`.
pub fn calendar(name: &str, rows: &[CalendarRow]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for row in rows {
        calendar.push(vevent(row));
    }
    calendar.done().to_string()
}

fn vevent(row: &CalendarRow) -> icalendar::Event {
    let mut event = icalendar::Event::new();
    event
        .uid(&uid(row.id))
        .timestamp(row.updated_at)
        .created(row.created_at)
        .last_modified(row.updated_at)
        .starts(row.start_time)
        .summary(&row.title)
        .description(&row.description)
        .sequence(u32::try_from(row.version).unwrap_or(u32::MAX))
        .status(if row.deleted {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    // Without an end the event is an instant (RFC 5545 §3.6.1): DTEND is left out.
    if let Some(end) = row.end_time {
        event.ends(end);
    }
    if let Some(location) = &row.location {
        event.location(location);
    }
    event.done()
}

/// Stable and globally unique: the event's id at this service's name.
pub fn uid(id: uuid::Uuid) -> String {
    format!("{id}@event-manager")
}
