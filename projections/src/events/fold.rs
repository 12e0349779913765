use aggregates::event::Seat;
use aggregates::EventFact;

use crate::time::to_micros;
use crate::write::{args, Arg, Write};
use crate::Recorded;

/// The row writes one recorded event makes to `event_view`.
pub fn project(event: &Recorded) -> Vec<Write> {
    let id = || Arg::from(event.event_id);
    let mut writes = match &event.fact {
        EventFact::EventCreated { details, actor, at } => vec![Write::new(
            "INSERT INTO event_view (id, title, title_key, description, location, location_key,
                start_time, end_time, capacity, status, waitlist_enabled, creator_id, creator_username,
                members_count, waitlist_count, created_at, updated_at, version, category_id, ticket_types, series_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, 0, $14, $14, 0, $15, $16, $17)",
            [
                id(),
                details.title.as_str().into(),
                details.title.as_str().to_lowercase().into(),
                details.description.as_str().into(),
                Arg::OptText(details.location.as_ref().map(|l| l.as_str().to_owned())),
                Arg::OptText(details.location.as_ref().map(|l| l.as_str().to_lowercase())),
                to_micros(details.start_time).into(),
                Arg::OptInt(details.end_time.map(to_micros)),
                (details.capacity.get() as i64).into(),
                details.status.as_str().into(),
                i64::from(details.waitlist_enabled).into(),
                actor.id.into(),
                actor.username.as_str().into(),
                to_micros(*at).into(),
                Arg::OptText(details.category.map(|c| c.to_string())),
                (details.ticket_types.len() as i64).into(),
                Arg::OptText(details.series_id.map(|s| s.to_string())),
            ],
        )],
        EventFact::EventUpdated { changes, .. } => {
            let mut writes = Vec::new();
            let mut set = |sql, values: Vec<Arg>| writes.push(Write::new(sql, [id()].into_iter().chain(values)));
            if let Some(title) = &changes.title {
                set(
                    "UPDATE event_view SET title = $2, title_key = $3 WHERE id = $1",
                    vec![title.as_str().into(), title.as_str().to_lowercase().into()],
                );
            }
            if let Some(description) = &changes.description {
                set(
                    "UPDATE event_view SET description = $2 WHERE id = $1",
                    vec![description.as_str().into()],
                );
            }
            if let Some(location) = &changes.location {
                let text = location.as_ref().map(|l| l.as_str().to_owned());
                let key = text.as_ref().map(|l| l.to_lowercase());
                set(
                    "UPDATE event_view SET location = $2, location_key = $3 WHERE id = $1",
                    vec![Arg::OptText(text), Arg::OptText(key)],
                );
            }
            if let Some(start) = changes.start_time {
                set(
                    "UPDATE event_view SET start_time = $2 WHERE id = $1",
                    vec![to_micros(start).into()],
                );
            }
            if let Some(end) = changes.end_time {
                set(
                    "UPDATE event_view SET end_time = $2 WHERE id = $1",
                    vec![Arg::OptInt(end.map(to_micros))],
                );
            }
            if let Some(capacity) = changes.capacity {
                set(
                    "UPDATE event_view SET capacity = $2 WHERE id = $1",
                    vec![(capacity.get() as i64).into()],
                );
            }
            if let Some(enabled) = changes.waitlist_enabled {
                set(
                    "UPDATE event_view SET waitlist_enabled = $2 WHERE id = $1",
                    vec![i64::from(enabled).into()],
                );
            }
            if let Some(category) = changes.category {
                set(
                    "UPDATE event_view SET category_id = $2 WHERE id = $1",
                    vec![Arg::OptText(category.map(|c| c.to_string()))],
                );
            }
            writes
        }
        EventFact::EventClosed { .. } => vec![status(event, "closed")],
        EventFact::EventOpened { .. } => vec![status(event, "open")],
        EventFact::EventDeleted { at, .. } => vec![Write::new(
            "UPDATE event_view SET deleted_at = $2 WHERE id = $1",
            args![event.event_id, to_micros(*at)],
        )],
        EventFact::MemberJoined { .. }
        | EventFact::MemberWaitlisted { .. }
        | EventFact::MemberLeft { .. }
        | EventFact::MemberRemoved { .. }
        | EventFact::MemberPromoted { .. }
        | EventFact::InvitationSent { .. }
        | EventFact::InvitationAccepted { .. }
        | EventFact::InvitationDeclined { .. }
        | EventFact::InvitationWithdrawn { .. }
        | EventFact::FeedbackLeft { .. }
        | EventFact::FeedbackWithdrawn { .. }
        | EventFact::TicketCheckedIn { .. }
        | EventFact::ReminderSent { .. } => Vec::new(),
    };
    // A seat change moves the counters in the same statement as the version.
    let (members, waitlisted) = seat_change(&event.fact);
    writes.push(Write::new(
        "UPDATE event_view SET version = $2, updated_at = $3,
                members_count = members_count + $4, waitlist_count = waitlist_count + $5
         WHERE id = $1",
        args![
            event.event_id,
            event.sequence,
            to_micros(event.fact.at()),
            members,
            waitlisted
        ],
    ));
    writes
}

fn status(event: &Recorded, status: &str) -> Write {
    Write::new(
        "UPDATE event_view SET status = $2 WHERE id = $1",
        args![event.event_id, status],
    )
}

/// How a fact moves (members, waitlisted).
fn seat_change(fact: &EventFact) -> (i64, i64) {
    match fact {
        EventFact::MemberJoined { .. } => (1, 0),
        EventFact::MemberWaitlisted { .. } => (0, 1),
        EventFact::MemberLeft { seat, .. } | EventFact::MemberRemoved { seat, .. } => match seat {
            Seat::Member => (-1, 0),
            Seat::Waitlist => (0, -1),
        },
        EventFact::MemberPromoted { .. } => (1, -1),
        _ => (0, 0),
    }
}
