use std::collections::BTreeMap;

use aggregates::event::{DetailChange, DetailChanges, GuestPlace, Seat};
use aggregates::EventFact;
use uuid::Uuid;

use crate::time::to_micros;
use crate::write::{add, eq, to, values, Arg, Change, Write};
use crate::Recorded;

const TABLE: &str = "event_view";

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
        Write::update(
            TABLE,
            [
                to("version", stamp.version),
                to("updated_at", stamp.updated_at),
                add("members_count", stamp.members),
                add("waitlist_count", stamp.waitlisted),
            ],
            [eq("id", id)],
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
    let fields = |writes| (writes, (0, 0));
    let seats = |moved| (Vec::new(), moved);
    match &event.fact {
        EventFact::EventCreated { details, actor, at } => fields(vec![Write::insert(
            TABLE,
            &[
                "id",
                "title",
                "title_key",
                "description",
                "location",
                "location_key",
                "start_time",
                "end_time",
                "capacity",
                "status",
                "waitlist_enabled",
                "creator_id",
                "creator_username",
                "members_count",
                "waitlist_count",
                "created_at",
                "updated_at",
                "version",
                "category_id",
                "ticket_types",
                "series_id",
                "visibility",
                "guest_registration",
            ],
            values![
                event.event_id,
                details.title.as_str(),
                details.title.as_str().to_lowercase(),
                details.description.as_str(),
                Arg::OptText(details.location.as_ref().map(|l| l.as_str().to_owned())),
                Arg::OptText(details.location.as_ref().map(|l| l.as_str().to_lowercase())),
                to_micros(details.start_time),
                Arg::OptInt(details.end_time.map(to_micros)),
                details.capacity.get() as i64,
                details.status.as_str(),
                i64::from(details.waitlist_enabled),
                actor.id,
                actor.username.as_str(),
                0,
                0,
                to_micros(*at),
                to_micros(*at),
                0,
                Arg::OptText(details.category.map(|c| c.to_string())),
                details.ticket_types.len() as i64,
                Arg::OptText(details.series_id.map(|s| s.to_string())),
                details.visibility.as_str(),
                i64::from(details.guest_registration),
            ],
        )]),
        EventFact::EventUpdated { changes, .. } => {
            let set = updated(changes);
            fields(if set.is_empty() {
                Vec::new()
            } else {
                vec![Write::update(TABLE, set, [eq("id", event.event_id)])]
            })
        }
        EventFact::EventClosed { .. } => fields(vec![status(event, "closed")]),
        EventFact::EventOpened { .. } => fields(vec![status(event, "open")]),
        EventFact::EventDeleted { at, .. } => fields(vec![Write::update(
            TABLE,
            [to("deleted_at", to_micros(*at))],
            [eq("id", event.event_id)],
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
    Write::update(TABLE, [to("status", status)], [eq("id", event.event_id)])
}

/// The columns an update of the details sets: every field it changes.
fn updated(changes: &DetailChanges) -> Vec<(&'static str, Change)> {
    changes.each().into_iter().flat_map(columns).collect()
}

/// The columns one changed field sets (two for a text that is also searched).
fn columns(change: DetailChange) -> Vec<(&'static str, Change)> {
    match change {
        DetailChange::Title(title) => vec![
            to("title", title.as_str()),
            to("title_key", title.as_str().to_lowercase()),
        ],
        DetailChange::Description(description) => vec![to("description", description.as_str())],
        DetailChange::Location(location) => {
            let text = location.as_ref().map(|l| l.as_str().to_owned());
            vec![
                to("location_key", Arg::OptText(text.as_ref().map(|l| l.to_lowercase()))),
                to("location", Arg::OptText(text)),
            ]
        }
        DetailChange::StartTime(start) => vec![to("start_time", to_micros(start))],
        DetailChange::EndTime(end) => vec![to("end_time", Arg::OptInt(end.map(to_micros)))],
        DetailChange::Capacity(capacity) => vec![to("capacity", capacity.get() as i64)],
        DetailChange::WaitlistEnabled(enabled) => vec![to("waitlist_enabled", i64::from(enabled))],
        DetailChange::Category(category) => {
            vec![to("category_id", Arg::OptText(category.map(|c| c.to_string())))]
        }
        DetailChange::Visibility(visibility) => vec![to("visibility", visibility.as_str())],
        DetailChange::GuestRegistration(guests) => vec![to("guest_registration", i64::from(guests))],
    }
}

#[cfg(test)]
mod tests {
    use aggregates::Actor;
    use chrono::{DateTime, TimeZone, Utc};

    use super::*;
    use crate::write::Value;
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

    /// The stamp of an event row: its version and time, and members added.
    fn stamp(id: Uuid, version: i64, second: u32, members: i64) -> Write {
        Write::update(
            TABLE,
            [
                to("version", version),
                to("updated_at", to_micros(at(second))),
                add("members_count", members),
                add("waitlist_count", 0),
            ],
            [eq("id", id)],
        )
    }

    /// The creation's insert names its columns by hand; an update's come from `columns`.
    /// This holds them together: a new field that an update writes but a creation does not
    /// fails here (and `every_field` fails to compile until it sets the new field).
    #[test]
    fn a_created_event_has_every_column_an_update_of_its_details_writes_with_the_same_value() {
        use aggregates::event::EventDetails;
        use aggregates::values::{Capacity, Description, Location, Title, Visibility};

        let details = EventDetails {
            description: Description::parse("Talks").unwrap(),
            location: Some(Location::parse("Berlin").unwrap()),
            end_time: Some(at(59)),
            waitlist_enabled: true,
            category: Some(Uuid::from_u128(9)),
            visibility: Visibility::Private,
            guest_registration: true,
            ..EventDetails::new(Title::parse("Meetup").unwrap(), at(30), Capacity::parse(5).unwrap())
        };
        let every_field = DetailChanges {
            title: Some(details.title.clone()),
            description: Some(details.description.clone()),
            location: Some(details.location.clone()),
            start_time: Some(details.start_time),
            end_time: Some(details.end_time),
            capacity: Some(details.capacity),
            waitlist_enabled: Some(details.waitlist_enabled),
            category: Some(details.category),
            visibility: Some(details.visibility),
            guest_registration: Some(details.guest_registration),
        };
        let created = recorded(
            Uuid::from_u128(1),
            1,
            EventFact::EventCreated {
                details,
                actor: user("ann"),
                at: at(1),
            },
        );
        let writes = project(&[&created]);
        let Some(Write::Insert { columns, values, .. }) = writes.first() else {
            panic!("a creation inserts its row first, got {writes:?}");
        };
        let inserted: BTreeMap<&str, &Value> = columns.iter().copied().zip(values).collect();
        let set = updated(&every_field);
        assert_eq!(
            set.len(),
            every_field.each().len() + 2,
            "title and location also write a key"
        );
        for (column, change) in set {
            let Change::To(arg) = change else {
                panic!("{column}: a detail is set, not added to");
            };
            assert_eq!(inserted.get(column), Some(&&Value::Arg(arg)), "{column}");
        }
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

        assert_eq!(writes, [stamp(popular, 7, 7, 2), stamp(quiet, 7, 7, 1)]);
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

        assert_eq!(
            writes,
            [
                Write::update(TABLE, [to("status", "closed")], [eq("id", id)]),
                stamp(id, 2, 2, 1)
            ]
        );
    }
}
