use aggregates::event::{Guest, GuestPlace, Seat};
use aggregates::EventFact;
use uuid::Uuid;

use super::{Message, Recipient};
use crate::write::{args, Arg, Write};
use crate::Recorded;

/// The `via` of the `prune` command's facts (`src/commands.rs`).
const PRUNED: &str = "prune";

/// The writes one recorded event makes: who holds a seat (`email_audience`), and a message
/// per recipient for the facts that mail someone (`email_outbox`).
pub fn project(event: &Recorded) -> Vec<Write> {
    let id = event.event_id;
    let actor = event.fact.actor().id;
    match &event.fact {
        EventFact::MemberJoined { member, .. } => vec![seat(id, member.id)],
        EventFact::MemberPromoted { member, .. } => vec![
            seat(id, member.id),
            mail(event, &Recipient::User(member.id), &Message::Promoted),
        ],
        EventFact::MemberLeft { member, seat, .. } | EventFact::MemberRemoved { member, seat, .. } => match seat {
            Seat::Member => vec![unseat(id, member.id)],
            Seat::Waitlist => Vec::new(),
        },
        EventFact::InvitationSent {
            invitation_id, invitee, ..
        } => {
            let message = Message::Invited {
                invitation_id: *invitation_id,
            };
            vec![mail(event, &Recipient::User(invitee.id), &message)]
        }
        EventFact::EventUpdated { changes, .. } => {
            let fields: Vec<String> = [
                ("start_time", changes.start_time.is_some()),
                ("end_time", changes.end_time.is_some()),
                ("location", changes.location.is_some()),
            ]
            .into_iter()
            .filter(|(_, changed)| *changed)
            .map(|(name, _)| name.to_owned())
            .collect();
            if fields.is_empty() {
                return Vec::new();
            }
            vec![mail_seated(event, &Message::Changed { fields }, Some(actor))]
        }
        // Whoever closed or deleted the event knows; a reminder goes to every member.
        EventFact::EventClosed { .. } => vec![mail_seated(event, &Message::Closed, Some(actor))],
        // `prune` deletes events that ended long ago: housekeeping, no cancellation to tell of.
        EventFact::EventDeleted { .. } if event.via == PRUNED => Vec::new(),
        EventFact::EventDeleted { .. } => vec![mail_seated(event, &Message::Deleted, Some(actor))],
        EventFact::ReminderSent { start_time, .. } => {
            let message = Message::Reminder {
                start_time: *start_time,
            };
            vec![mail_seated(event, &message, None)]
        }
        EventFact::EventCreated { .. }
        | EventFact::EventOpened { .. }
        | EventFact::MemberWaitlisted { .. }
        | EventFact::InvitationAccepted { .. }
        | EventFact::InvitationDeclined { .. }
        | EventFact::InvitationWithdrawn { .. }
        | EventFact::FeedbackLeft { .. }
        | EventFact::FeedbackWithdrawn { .. }
        | EventFact::TicketCheckedIn { .. } => Vec::new(),
        // A guest always receives their own messages, at the address they registered.
        EventFact::GuestRegistered { guest, expires_at, .. } => {
            let message = Message::GuestConfirmation {
                guest_id: guest.id,
                name: guest.name.as_str().to_owned(),
                expires_at: *expires_at,
            };
            vec![mail(
                event,
                &Recipient::Address(guest.email.as_str().to_owned()),
                &message,
            )]
        }
        EventFact::GuestConfirmed { guest, place, .. } => {
            let to = Recipient::Address(guest.email.as_str().to_owned());
            let name = guest.name.as_str().to_owned();
            match place {
                GuestPlace::Member { ticket } => vec![
                    seat_guest(id, guest),
                    mail(
                        event,
                        &to,
                        &Message::GuestSeat {
                            guest_id: guest.id,
                            name,
                            code: Some(ticket.code),
                            position: None,
                        },
                    ),
                ],
                GuestPlace::Waitlist { position } => vec![mail(
                    event,
                    &to,
                    &Message::GuestSeat {
                        guest_id: guest.id,
                        name,
                        code: None,
                        position: Some(*position),
                    },
                )],
            }
        }
        EventFact::GuestPromoted { guest, ticket, .. } => {
            let message = Message::GuestPromoted {
                guest_id: guest.id,
                name: guest.name.as_str().to_owned(),
                code: ticket.code,
            };
            let to = Recipient::Address(guest.email.as_str().to_owned());
            vec![seat_guest(id, guest), mail(event, &to, &message)]
        }
        EventFact::GuestCancelled { guest, seat, .. } | EventFact::GuestRemoved { guest, seat, .. } => match seat {
            Seat::Member => vec![unseat(id, guest.id)],
            Seat::Waitlist => Vec::new(),
        },
    }
}

/// A plain INSERT, so that a run of joins goes as one multi-row INSERT: the seat rule holds
/// a user in one seat at most, and giving it up deletes the row.
fn seat(event_id: Uuid, user_id: Uuid) -> Write {
    Write::sql(
        "INSERT INTO email_audience (event_id, user_id) VALUES ($1, $2)",
        args![event_id, user_id],
    )
}

/// A seated guest hears of changes like a user, at their address.
fn seat_guest(event_id: Uuid, guest: &Guest) -> Write {
    Write::sql(
        "INSERT INTO email_audience (event_id, user_id, address) VALUES ($1, $2, $3)
         ON CONFLICT (event_id, user_id) DO NOTHING",
        args![event_id, guest.id, guest.email.as_str()],
    )
}

fn unseat(event_id: Uuid, user_id: Uuid) -> Write {
    Write::sql(
        "DELETE FROM email_audience WHERE event_id = $1 AND user_id = $2",
        args![event_id, user_id],
    )
}

fn payload(message: &Message) -> String {
    serde_json::to_string(message).expect("a message serialises")
}

/// One message to one recipient.
fn mail(event: &Recorded, to: &Recipient, message: &Message) -> Write {
    let (recipient_kind, recipient) = to.columns();
    Write::sql(
        "INSERT INTO email_outbox (event_id, sequence, recipient, recipient_kind, kind, payload)
         VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            event.event_id,
            event.sequence,
            recipient,
            recipient_kind,
            message.kind(),
            payload(message)
        ],
    )
}

/// The message to everyone in the event's seats, but `except`.
fn mail_seated(event: &Recorded, message: &Message, except: Option<Uuid>) -> Write {
    Write::sql(
        "INSERT INTO email_outbox (event_id, sequence, recipient, recipient_kind, kind, payload)
         SELECT $1, $2, COALESCE(address, user_id), CASE WHEN address IS NULL THEN 'user' ELSE 'address' END, $3, $4
           FROM email_audience
          WHERE event_id = $1 AND ($5 IS NULL OR user_id <> $5)",
        [
            Arg::from(event.event_id),
            Arg::from(event.sequence),
            Arg::from(message.kind()),
            Arg::from(payload(message)),
            Arg::OptText(except.map(|id| id.to_string())),
        ],
    )
}

#[cfg(test)]
mod tests {
    use aggregates::event::DetailChanges;
    use aggregates::values::Title;
    use aggregates::Actor;
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::Position;

    fn recorded(fact: EventFact) -> Recorded {
        recorded_via(fact, "api")
    }

    fn recorded_via(fact: EventFact, via: &str) -> Recorded {
        Recorded {
            position: Position { tx: 1, pos: 7 },
            event_id: Uuid::from_u128(1),
            sequence: 7,
            fact,
            via: via.to_owned(),
            recorded_at: Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap(),
        }
    }

    fn updated(changes: DetailChanges) -> Recorded {
        recorded(EventFact::EventUpdated {
            changes,
            actor: Actor::new(Uuid::from_u128(9), "creator"),
            at: Utc::now(),
        })
    }

    /// A write's statement and values: the outbox's writes are all statements.
    fn statement(write: &Write) -> (&'static str, &[Arg]) {
        match write {
            Write::Sql { sql, args } => (sql, args),
            other => panic!("the outbox writes statements, not {other:?}"),
        }
    }

    /// The messages `writes` queue, by the payloads they carry.
    fn payloads(writes: &[Write]) -> Vec<Message> {
        writes
            .iter()
            .map(statement)
            .filter(|(sql, _)| sql.contains("email_outbox"))
            .flat_map(|(_, args)| args.iter())
            .filter_map(|arg| match arg {
                Arg::Text(text) => serde_json::from_str(text).ok(),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn only_a_change_of_time_or_location_mails_the_seated() {
        let retitled = DetailChanges {
            title: Some(Title::parse("New name").unwrap()),
            ..DetailChanges::default()
        };
        assert!(project(&updated(retitled)).is_empty());
        let moved = DetailChanges {
            location: Some(None),
            start_time: Some(Utc::now()),
            ..DetailChanges::default()
        };
        let writes = project(&updated(moved));
        assert!(
            statement(&writes[0]).0.contains("FROM email_audience"),
            "{:?}",
            writes[0]
        );
        let fields = vec!["start_time".to_owned(), "location".to_owned()];
        assert_eq!(payloads(&writes), [Message::Changed { fields }]);
    }

    #[test]
    fn a_promotion_gives_a_seat_and_tells_the_promoted_user() {
        let member = Actor::new(Uuid::from_u128(5), "ann");
        let writes = project(&recorded(EventFact::MemberPromoted {
            member: member.clone(),
            actor: Actor::new(Uuid::from_u128(6), "bob"),
            at: Utc::now(),
            ticket: None,
        }));
        assert!(statement(&writes[0]).0.starts_with("INSERT INTO email_audience"));
        assert_eq!(payloads(&writes), [Message::Promoted]);
        assert!(
            statement(&writes[1]).1.contains(&Arg::from(member.id)),
            "{:?}",
            writes[1]
        );
    }

    #[test]
    fn leaving_the_waitlist_holds_no_seat_to_give_up() {
        let member = Actor::new(Uuid::from_u128(5), "ann");
        let left = |seat| {
            project(&recorded(EventFact::MemberLeft {
                member: member.clone(),
                seat,
                actor: member.clone(),
                at: Utc::now(),
            }))
        };
        assert!(left(Seat::Waitlist).is_empty());
        assert!(statement(&left(Seat::Member)[0])
            .0
            .starts_with("DELETE FROM email_audience"));
    }

    #[test]
    fn a_deletion_tells_the_seated_unless_prune_cleared_a_long_past_event() {
        let deleted = || EventFact::EventDeleted {
            actor: Actor::new(Uuid::from_u128(9), "creator"),
            at: Utc::now(),
        };
        assert_eq!(payloads(&project(&recorded(deleted()))), [Message::Deleted]);
        assert!(project(&recorded_via(deleted(), "prune")).is_empty());
    }
}
