use std::collections::BTreeMap;

use aggregates::event::{GuestPlace, Seat};
use aggregates::EventFact;
use uuid::Uuid;

use crate::time::to_micros;
use crate::write::{args, Arg, Write};
use crate::Recorded;

/// The row writes a run of recorded events makes to `event_view`: each event's own changes,
/// then one UPDATE per event row with its latest version and time and its seat counters
/// moved by the run's sum. A popular event's joins then rewrite its row once per run, not
/// once per join (every rewrite within a transaction leaves a row version behind that the
/// next lookup of the row walks past).
pub fn project(events: &[&Recorded]) -> Vec<Write> {
    let mut stamps: BTreeMap<Uuid, Stamp> = BTreeMap::new();
    let mut writes: Vec<Write> = Vec::new();
    for event in events {
        let (fields, (members, waitlisted)) = changes(event);
        writes.extend(fields);
        let stamp = stamps.entry(event.event_id).or_default();
        stamp.version = event.sequence;
        stamp.updated_at = to_micros(event.fact.at());
        stamp.members += members;
        stamp.waitlisted += waitlisted;
    }
    writes.extend(stamps.into_iter().map(|(id, stamp)| {
        Write::new(
            "UPDATE event_view SET version = $2, updated_at = $3,
                    members_count = members_count + $4, waitlist_count = waitlist_count + $5
             WHERE id = $1",
            args![id, stamp.version, stamp.updated_at, stamp.members, stamp.waitlisted],
        )
    }));
    writes
}

/// What a run of events leaves on an event's row besides its own fields.
#[derive(Default)]
struct Stamp {
    version: i64,
    updated_at: i64,
    members: i64,
    waitlisted: i64,
}

/// The writes of the fields an event changes, and how it moves the seat counters
/// (members, waitlisted).
fn changes(event: &Recorded) -> (Vec<Write>, (i64, i64)) {
    let id = || Arg::from(event.event_id);
    let fields = |writes| (writes, (0, 0));
    let seats = |moved| (Vec::new(), moved);
    match &event.fact {
        EventFact::EventCreated { details, actor, at } => fields(vec![Write::new(
            "INSERT INTO event_view (id, title, title_key, description, location, location_key,
                start_time, end_time, capacity, status, waitlist_enabled, creator_id, creator_username,
                members_count, waitlist_count, created_at, updated_at, version, category_id, ticket_types, series_id,
                visibility, guest_registration)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, 0, $14, $14, 0, $15, $16, $17,
                $18, $19)",
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
                details.visibility.as_str().into(),
                i64::from(details.guest_registration).into(),
            ],
        )]),
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
            if let Some(visibility) = changes.visibility {
                set(
                    "UPDATE event_view SET visibility = $2 WHERE id = $1",
                    vec![visibility.as_str().into()],
                );
            }
            if let Some(guests) = changes.guest_registration {
                set(
                    "UPDATE event_view SET guest_registration = $2 WHERE id = $1",
                    vec![i64::from(guests).into()],
                );
            }
            fields(writes)
        }
        EventFact::EventClosed { .. } => fields(vec![status(event, "closed")]),
        EventFact::EventOpened { .. } => fields(vec![status(event, "open")]),
        EventFact::EventDeleted { at, .. } => fields(vec![Write::new(
            "UPDATE event_view SET deleted_at = $2 WHERE id = $1",
            args![event.event_id, to_micros(*at)],
        )]),
        EventFact::MemberJoined { .. } => seats((1, 0)),
        EventFact::MemberWaitlisted { .. } => seats((0, 1)),
        EventFact::MemberLeft { seat, .. }
        | EventFact::MemberRemoved { seat, .. }
        | EventFact::GuestCancelled { seat, .. }
        | EventFact::GuestRemoved { seat, .. } => match seat {
            Seat::Member => seats((-1, 0)),
            Seat::Waitlist => seats((0, -1)),
        },
        EventFact::MemberPromoted { .. } | EventFact::GuestPromoted { .. } => seats((1, -1)),
        EventFact::GuestConfirmed { place, .. } => match place {
            GuestPlace::Member { .. } => seats((1, 0)),
            GuestPlace::Waitlist { .. } => seats((0, 1)),
        },
        EventFact::InvitationSent { .. }
        | EventFact::InvitationAccepted { .. }
        | EventFact::InvitationDeclined { .. }
        | EventFact::InvitationWithdrawn { .. }
        | EventFact::FeedbackLeft { .. }
        | EventFact::FeedbackWithdrawn { .. }
        | EventFact::TicketCheckedIn { .. }
        | EventFact::ReminderSent { .. }
        | EventFact::GuestRegistered { .. } => fields(Vec::new()),
    }
}

fn status(event: &Recorded, status: &str) -> Write {
    Write::new(
        "UPDATE event_view SET status = $2 WHERE id = $1",
        args![event.event_id, status],
    )
}

#[cfg(test)]
mod tests {
    use aggregates::Actor;
    use chrono::{DateTime, TimeZone, Utc};

    use super::*;
    use crate::Position;

    fn at(second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, second).unwrap()
    }

    fn recorded(event_id: Uuid, sequence: i64, fact: EventFact) -> Recorded {
        Recorded {
            position: Position { tx: 1, pos: sequence },
            event_id,
            sequence,
            fact,
            via: "api".to_owned(),
            recorded_at: at(0),
        }
    }

    fn user(name: &str) -> Actor {
        Actor::new(Uuid::new_v4(), name)
    }

    fn joined(event_id: Uuid, sequence: i64, name: &str) -> Recorded {
        let member = user(name);
        let fact = EventFact::MemberJoined {
            actor: member.clone(),
            member,
            at: at(sequence as u32),
            ticket: None,
        };
        recorded(event_id, sequence, fact)
    }

    #[test]
    fn a_run_of_seat_changes_stamps_each_event_row_once_with_the_sums() {
        let (popular, quiet) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let ann = user("ann");
        let left = EventFact::MemberLeft {
            member: ann.clone(),
            seat: Seat::Member,
            actor: ann,
            at: at(9),
        };
        let run = [
            joined(popular, 4, "ann"),
            joined(quiet, 7, "bob"),
            joined(popular, 5, "cat"),
            recorded(popular, 6, left),
            joined(popular, 7, "dan"),
        ];

        let writes = project(&run.iter().collect::<Vec<_>>());

        let stamps: Vec<_> = writes.iter().map(|write| write.args.clone()).collect();
        assert_eq!(
            stamps,
            [
                args![popular, 7, to_micros(at(7)), 2, 0].to_vec(),
                args![quiet, 7, to_micros(at(7)), 1, 0].to_vec(),
            ]
        );
        assert!(writes
            .iter()
            .all(|write| write.sql.contains("members_count = members_count + $4")));
    }

    #[test]
    fn an_event_s_own_changes_come_before_the_stamps() {
        let id = Uuid::from_u128(1);
        let creator = user("ann");
        let closed = recorded(
            id,
            2,
            EventFact::EventClosed {
                actor: creator,
                at: at(2),
            },
        );
        let run = [joined(id, 1, "bob"), closed];

        let writes = project(&run.iter().collect::<Vec<_>>());

        let statements: Vec<_> = writes.iter().map(|write| &write.sql[..30]).collect();
        assert_eq!(
            statements,
            ["UPDATE event_view SET status =", "UPDATE event_view SET version "]
        );
        assert_eq!(writes[1].args, args![id, 2, to_micros(at(2)), 1, 0]);
    }
}
