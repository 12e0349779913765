//! iCalendar (RFC 5545) rendering of events, with the `icalendar` crate.

use icalendar::{Calendar, Component, EventLike, EventStatus};
use projections::calendar::CalendarRow;

/// A calendar holding one VEVENT per row. `SEQUENCE` is the event's version, so calendar
/// apps take every change as newer; a deleted event stays, `STATUS:CANCELLED`.
///
/// Every text goes through [`plain`]; the crate escapes and folds the properties it knows
/// as TEXT (`SUMMARY`, `LOCATION`, `DESCRIPTION`) but writes `NAME` as given, so the name
/// is escaped here.
pub fn calendar(name: &str, rows: &[CalendarRow]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(&escape(&plain(name)));
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
        .summary(&plain(&row.title))
        .description(&plain(&row.description))
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
        event.location(&plain(location));
    }
    event.done()
}

/// Stable and globally unique: the event's id at this service's name.
pub fn uid(id: uuid::Uuid) -> String {
    format!("{id}@event-manager")
}

/// `text` with its line breaks as `\n` only and no other control character but tab. Titles
/// and locations can no longer hold any, but rows written before may; a bare CR would end
/// a content line, and a line starting `BEGIN:VEVENT` would be another event.
fn plain(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// RFC 5545 §3.3.11 TEXT escaping, for the properties the crate writes unescaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_line_breaks_as_newlines_and_drops_other_controls() {
        assert_eq!(plain("a\r\nb\rc\nd\te\u{1b}f\u{0}"), "a\nb\nc\nd\tef");
    }

    #[test]
    fn escaped_text_has_no_line_break_and_no_bare_separator() {
        assert_eq!(escape("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
    }
}
