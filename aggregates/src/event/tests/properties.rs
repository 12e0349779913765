//! Properties: random command sequences never break the `Event` aggregate's invariants, and
//! the value parsers accept exactly what their rules allow, whatever they are given.
//!
//! A script is a `create` followed by random commands of every kind, by five users, each at a
//! clock that moves forward by a random step (so scripts cross the event's start). After every
//! step the aggregate is checked against the seat rules, against the facts it emitted, and
//! against a replay of the whole history.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{TestCaseError, TestRunner};

use super::super::aggregate::EventState;
use super::stored::one_fact_of_each_kind;
use super::*;
use crate::event::{Guest, GuestPlace};
use crate::values::{Currency, Email, GuestEmail, GuestName, Password, Price, TicketType, TicketTypeName, Username};

// =============================================================================================
// Scripts

/// Who acts: an index into [`people`]. Alice (0) created the event.
type Who = usize;

fn people() -> [Actor; 5] {
    [alice(), bob(), carol(), dave(), erin()]
}

/// Which `expected_version` an update or delete carries.
#[derive(Debug, Clone, Copy)]
enum Precondition {
    None,
    Current,
    Stale,
}

/// What an update asks for: a capacity, a status, the waitlist on or off, a new start.
#[derive(Debug, Clone)]
struct Update {
    seats: Option<i64>,
    status: Option<EventStatus>,
    waitlist: Option<bool>,
    starts_in_hours: Option<i64>,
    precondition: Precondition,
}

/// One command, described by the choices that matter; it becomes an [`EventCommand`] against
/// the aggregate's current version and the clock of its step.
#[derive(Debug, Clone)]
enum Op {
    /// `typed`: the seats are sold as two ticket types (one if there is a single seat).
    Create {
        by: Who,
        seats: i64,
        waitlist: bool,
        starts_in_hours: i64,
        typed: bool,
        guests: bool,
    },
    Update {
        by: Who,
        update: Update,
    },
    Delete {
        by: Who,
        precondition: Precondition,
    },
    /// `pick` chooses among the event's ticket types, if it has any.
    Join {
        by: Who,
        pick: usize,
    },
    Leave {
        by: Who,
    },
    Remove {
        by: Who,
        user: Who,
    },
    Invite {
        by: Who,
        invitation: u128,
        invitee: Who,
    },
    Answer {
        by: Who,
        invitation: u128,
        accept: bool,
        pick: usize,
    },
    CheckIn {
        by: Who,
        holder: Who,
    },
    Feedback {
        by: Who,
        rating: i64,
        comment_chars: usize,
    },
    Forget {
        by: Who,
    },
    Remind {
        by: Who,
    },
    /// `who` is one of three guests, two of whom share an address (in different cases).
    RegisterGuest {
        who: usize,
        pick: usize,
    },
    /// `pick` chooses among the registrations so far.
    ConfirmGuest {
        pick: usize,
    },
    CancelGuest {
        pick: usize,
    },
    RemoveGuest {
        by: Who,
        pick: usize,
    },
}

/// The guests of the scripts: the first and the third share an address.
fn guest_person(who: usize, id: Uuid) -> Guest {
    let (name, email) = [
        ("Gina", "gina@example.com"),
        ("Hugo", "hugo@example.com"),
        ("Gina's twin", "GINA@example.com"),
    ][who % 3];
    Guest {
        id,
        name: GuestName::parse(name).unwrap(),
        email: GuestEmail::parse(email).unwrap(),
    }
}

impl Op {
    fn command(&self, event: &Event, clock: DateTime<Utc>) -> EventCommand {
        let person = |who: &Who| people()[*who].clone();
        let expected = |precondition: &Precondition| match precondition {
            Precondition::None => None,
            Precondition::Current => Some(event.version()),
            Precondition::Stale => Some(event.version() + 1),
        };
        let in_hours = |hours: &i64| clock + Duration::hours(*hours);
        let pick_type = |pick: &usize| {
            let types = event
                .state
                .as_ref()
                .map(|s| s.details.ticket_types.clone())
                .unwrap_or_default();
            (!types.is_empty()).then(|| types[pick % types.len()].id)
        };
        // A registration that does not exist stands for a forged link.
        let registration = |pick: &usize| {
            let ids: Vec<Uuid> = event
                .state
                .as_ref()
                .map(|s| s.guests.keys().copied().collect())
                .unwrap_or_default();
            ids.get(pick % ids.len().max(1)).copied().unwrap_or(Uuid::nil())
        };
        match self {
            Op::Create {
                by,
                seats,
                waitlist,
                starts_in_hours,
                typed,
                guests,
            } => EventCommand::CreateEvent {
                details: EventDetails {
                    start_time: in_hours(starts_in_hours),
                    end_time: Some(in_hours(starts_in_hours) + Duration::hours(2)),
                    capacity: capacity(*seats),
                    waitlist_enabled: *waitlist,
                    ticket_types: if *typed { two_types(*seats) } else { Vec::new() },
                    guest_registration: *guests,
                    ..details(1, false)
                },
                actor: person(by),
            },
            Op::Update { by, update } => EventCommand::UpdateEvent {
                changes: DetailChanges {
                    start_time: update.starts_in_hours.as_ref().map(in_hours),
                    end_time: update
                        .starts_in_hours
                        .as_ref()
                        .map(|h| Some(in_hours(h) + Duration::hours(2))),
                    capacity: update.seats.map(capacity),
                    waitlist_enabled: update.waitlist,
                    ..changes()
                },
                status: update.status,
                expected_version: expected(&update.precondition),
                actor: person(by),
            },
            Op::Delete { by, precondition } => EventCommand::DeleteEvent {
                expected_version: expected(precondition),
                actor: person(by),
            },
            Op::Join { by, pick } => EventCommand::JoinEvent {
                ticket_type: pick_type(pick),
                actor: person(by),
            },
            Op::CheckIn { by, holder } => EventCommand::CheckInTicket {
                code: code_of(&person(holder)),
                actor: person(by),
            },
            Op::Leave { by } => leave(person(by)),
            Op::Remove { by, user } => remove_by(person(by), &person(user)),
            Op::Invite {
                by,
                invitation: n,
                invitee,
            } => EventCommand::SendInvitation {
                invitation_id: invitation(*n),
                invitee: person(invitee),
                actor: person(by),
            },
            Op::Answer {
                by,
                invitation: n,
                accept,
                pick,
            } => EventCommand::AnswerInvitation {
                invitation_id: invitation(*n),
                accept: *accept,
                ticket_type: pick_type(pick),
                actor: person(by),
            },
            Op::Feedback {
                by,
                rating,
                comment_chars,
            } => EventCommand::LeaveFeedback {
                feedback_id: feedback_id(&person(by)),
                rating: *rating,
                comment: "é".repeat(*comment_chars),
                actor: person(by),
            },
            Op::Forget { by } => EventCommand::ForgetParticipant { actor: person(by) },
            Op::Remind { by } => EventCommand::SendReminder { actor: person(by) },
            Op::RegisterGuest { who, pick } => {
                // A new id each time, as the service draws one.
                let guest = guest_person(*who, Uuid::from_u128((0x9e57 << 64) | u128::from(event.version())));
                EventCommand::RegisterGuest {
                    guest_id: guest.id,
                    name: guest.name,
                    email: guest.email,
                    ticket_type: pick_type(pick),
                }
            }
            Op::ConfirmGuest { pick } => EventCommand::ConfirmGuest {
                guest_id: registration(pick),
            },
            Op::CancelGuest { pick } => EventCommand::CancelGuest {
                guest_id: registration(pick),
            },
            Op::RemoveGuest { by, pick } => EventCommand::RemoveGuest {
                guest_id: registration(pick),
                actor: person(by),
            },
        }
    }
}

/// `seats` split into a standard and (from two seats) a VIP type, adding up to the capacity
/// or one less.
fn two_types(seats: i64) -> Vec<TicketType> {
    let kind = |n: u128, name: &str, quantity: i64| TicketType {
        id: Uuid::from_u128(0x7e_00 + n),
        name: TicketTypeName::parse(name).unwrap(),
        price: Price::parse("5").unwrap(),
        currency: Currency::parse("EUR").unwrap(),
        quantity: capacity(quantity),
    };
    let vip = seats / 2;
    let standard = (seats - vip - i64::from(seats > 2)).max(1);
    let mut types = vec![kind(1, "Standard", standard)];
    if vip > 0 {
        types.push(kind(2, "VIP", vip));
    }
    types
}

/// Anyone.
fn anyone() -> impl Strategy<Value = Who> {
    0..5usize
}

/// Mostly the creator, so that creator-only commands often pass.
fn mostly_alice() -> impl Strategy<Value = Who> {
    prop_oneof![3 => Just(0usize), 1 => anyone()]
}

fn precondition() -> impl Strategy<Value = Precondition> {
    prop_oneof![
        3 => Just(Precondition::None),
        1 => Just(Precondition::Current),
        1 => Just(Precondition::Stale),
    ]
}

/// A create of a small event, almost always in the future.
fn creation(by: impl Strategy<Value = Who>) -> impl Strategy<Value = Op> {
    (by, 1..=4i64, any::<bool>(), -2..200i64, any::<bool>(), any::<bool>()).prop_map(
        |(by, seats, waitlist, starts_in_hours, typed, guests)| Op::Create {
            by,
            seats,
            waitlist,
            starts_in_hours,
            typed,
            guests,
        },
    )
}

fn op() -> impl Strategy<Value = Op> {
    let create = creation(anyone());
    let update = (
        mostly_alice(),
        proptest::option::of(1..=5i64),
        proptest::option::of(prop_oneof![Just(EventStatus::Open), Just(EventStatus::Closed)]),
        proptest::option::weighted(0.3, any::<bool>()),
        proptest::option::weighted(0.15, -2..100i64),
        precondition(),
    )
        .prop_map(|(by, seats, status, waitlist, starts_in_hours, precondition)| {
            let update = Update {
                seats,
                status,
                waitlist,
                starts_in_hours,
                precondition,
            };
            Op::Update { by, update }
        });
    let delete = (mostly_alice(), precondition()).prop_map(|(by, precondition)| Op::Delete { by, precondition });
    let remove = (mostly_alice(), anyone()).prop_map(|(by, user)| Op::Remove { by, user });
    let invite = (mostly_alice(), 1..=3u128, anyone()).prop_map(|(by, invitation, invitee)| Op::Invite {
        by,
        invitation,
        invitee,
    });
    let answer =
        (anyone(), 1..=3u128, any::<bool>(), 0..2usize).prop_map(|(by, invitation, accept, pick)| Op::Answer {
            by,
            invitation,
            accept,
            pick,
        });
    let check_in = (mostly_alice(), anyone()).prop_map(|(by, holder)| Op::CheckIn { by, holder });
    let feedback =
        (anyone(), -1..=7i64, prop_oneof![0..20usize, 1995..2005usize]).prop_map(|(by, rating, comment_chars)| {
            Op::Feedback {
                by,
                rating,
                comment_chars,
            }
        });
    prop_oneof![
        1 => create,
        4 => update,
        1 => delete,
        8 => (anyone(), 0..2usize).prop_map(|(by, pick)| Op::Join { by, pick }),
        3 => check_in,
        4 => anyone().prop_map(|by| Op::Leave { by }),
        2 => remove,
        3 => invite,
        3 => answer,
        3 => feedback,
        2 => anyone().prop_map(|by| Op::Forget { by }),
        1 => mostly_alice().prop_map(|by| Op::Remind { by }),
        4 => (0..3usize, 0..2usize).prop_map(|(who, pick)| Op::RegisterGuest { who, pick }),
        4 => (0..4usize).prop_map(|pick| Op::ConfirmGuest { pick }),
        2 => (0..4usize).prop_map(|pick| Op::CancelGuest { pick }),
        1 => (mostly_alice(), 0..4usize).prop_map(|(by, pick)| Op::RemoveGuest { by, pick }),
    ]
}

/// How far the clock moves before a step: mostly a little, sometimes days.
fn advance() -> impl Strategy<Value = i64> {
    prop_oneof![3 => 0..3i64, 1 => 0..48i64]
}

type Script = (Op, Vec<(i64, Op)>);

fn script() -> impl Strategy<Value = Script> {
    (creation(Just(0)), proptest::collection::vec((advance(), op()), 0..40))
}

// =============================================================================================
// Checks

/// Who holds which seat, read from the aggregate's state.
fn seat_of(state: &EventState, user: Uuid) -> Option<Seat> {
    if state.members.contains_key(&user) {
        Some(Seat::Member)
    } else if state.waitlist.contains_key(&user) {
        Some(Seat::Waitlist)
    } else {
        None
    }
}

/// The seat invariant, which must hold after every command.
fn check_invariants(event: &Event) -> Result<(), TestCaseError> {
    let Some(state) = &event.state else {
        return Ok(());
    };
    let capacity = state.details.capacity.get();
    prop_assert!(state.members.len() <= capacity, "more members than seats: {state:?}");
    for user in state.waitlist.keys() {
        prop_assert!(!state.members.contains_key(user), "{user} is member and waitlisted");
    }
    // Nobody waits while a seat is free for them, deleted or not: deletion changes no seat.
    for user in state.waitlist.keys() {
        let waits_for = state.waiting_for.get(user).copied();
        prop_assert!(
            !seat_free_for(state, waits_for),
            "a seat is free while {user} waits: {state:?}"
        );
    }
    let free = state.free_per_type(None);
    for ticket_type in &state.details.ticket_types {
        let held = state
            .held
            .values()
            .filter(|code| state.tickets[*code].ticket_type == Some(ticket_type.id))
            .count();
        prop_assert!(held <= ticket_type.quantity.get(), "type {} oversold", ticket_type.id);
        prop_assert_eq!(free[&ticket_type.id], ticket_type.quantity.get() - held);
    }
    prop_assert_eq!(state.held.len(), state.members.len(), "a member without a ticket");
    let pending: Vec<Uuid> = state
        .invitations
        .values()
        .filter(|i| i.pending)
        .map(|i| i.invitee.id)
        .collect();
    let distinct: BTreeSet<&Uuid> = pending.iter().collect();
    prop_assert_eq!(distinct.len(), pending.len(), "two pending invitations for one user");
    let seated: Vec<String> = state
        .guests
        .values()
        .filter(|g| seat_of(state, g.guest.id).is_some())
        .map(|g| g.guest.email.key())
        .collect();
    let addresses: BTreeSet<&String> = seated.iter().collect();
    prop_assert_eq!(addresses.len(), seated.len(), "one address in two seats");
    Ok(())
}

/// Is there a seat for someone who wants `ticket_type`?
fn seat_free_for(state: &EventState, ticket_type: Option<Uuid>) -> bool {
    state.members.len() < state.details.capacity.get()
        && ticket_type.is_none_or(|t| state.free_per_type(None).get(&t).is_some_and(|free| *free > 0))
}

fn ticket_type_of(fact: &EventFact) -> Option<Uuid> {
    match fact {
        EventFact::MemberJoined { ticket, .. } | EventFact::MemberPromoted { ticket, .. } => {
            ticket.and_then(|t| t.ticket_type)
        }
        EventFact::GuestConfirmed {
            place: GuestPlace::Member { ticket },
            ..
        }
        | EventFact::GuestPromoted { ticket, .. } => ticket.ticket_type,
        EventFact::MemberWaitlisted { ticket_type, .. } => *ticket_type,
        // A registration names a type too, but takes no seat or place yet.
        EventFact::GuestConfirmed {
            place: GuestPlace::Waitlist { .. },
            ..
        }
        | EventFact::GuestRegistered { .. }
        | EventFact::EventCreated { .. }
        | EventFact::EventUpdated { .. }
        | EventFact::EventClosed { .. }
        | EventFact::EventOpened { .. }
        | EventFact::EventDeleted { .. }
        | EventFact::MemberLeft { .. }
        | EventFact::MemberRemoved { .. }
        | EventFact::InvitationSent { .. }
        | EventFact::InvitationAccepted { .. }
        | EventFact::InvitationDeclined { .. }
        | EventFact::InvitationWithdrawn { .. }
        | EventFact::FeedbackLeft { .. }
        | EventFact::FeedbackWithdrawn { .. }
        | EventFact::TicketCheckedIn { .. }
        | EventFact::ReminderSent { .. }
        | EventFact::GuestCancelled { .. }
        | EventFact::GuestRemoved { .. } => None,
    }
}

/// What a single fact may do to the aggregate it is applied to. The seat maps would hide a
/// second seat for the same user, so "nobody twice" is checked on the facts themselves.
fn check_fact(event: &Event, fact: &EventFact) -> Result<(), TestCaseError> {
    let Some(state) = &event.state else {
        prop_assert!(
            matches!(fact, EventFact::EventCreated { .. }),
            "{fact:?} before creation"
        );
        return Ok(());
    };
    match fact {
        EventFact::EventCreated { .. } => prop_assert!(false, "a second EventCreated"),
        EventFact::MemberJoined { member, ticket, .. } => {
            prop_assert_eq!(seat_of(state, member.id), None, "{} joined twice", member.username);
            prop_assert!(
                seat_free_for(state, ticket_type_of(fact)),
                "{} joined a full event or type",
                member.username
            );
            prop_assert!(ticket.is_some(), "a seat without a ticket");
        }
        EventFact::MemberWaitlisted { member, position, .. } => {
            prop_assert_eq!(seat_of(state, member.id), None, "{} waitlisted twice", member.username);
            prop_assert!(state.details.waitlist_enabled, "waitlisted with the waitlist off");
            prop_assert!(
                !seat_free_for(state, ticket_type_of(fact)),
                "waitlisted with a seat free"
            );
            prop_assert_eq!(*position, state.waitlist.len() + 1, "wrong waitlist position");
        }
        EventFact::MemberPromoted { member, ticket, .. } => {
            prop_assert_eq!(seat_of(state, member.id), Some(Seat::Waitlist), "promoted from nowhere");
            let waits_for = state.waiting_for.get(&member.id).copied();
            prop_assert_eq!(ticket_type_of(fact), waits_for, "promoted to another type");
            prop_assert!(seat_free_for(state, waits_for), "promoted into a full event or type");
            prop_assert!(ticket.is_some(), "a seat without a ticket");
            // Everyone ahead in line waits for a type that has no seat.
            for ahead in state.waitlist.keys().take_while(|id| **id != member.id) {
                let their_type = state.waiting_for.get(ahead).copied();
                prop_assert!(!seat_free_for(state, their_type), "promoted out of turn");
            }
        }
        EventFact::TicketCheckedIn { code, holder, .. } => {
            prop_assert_eq!(state.held.get(&holder.id), Some(code), "checked in a ticket not held");
            prop_assert_eq!(state.tickets[code].checked_in, None, "checked in twice");
        }
        EventFact::MemberLeft { member, seat, .. } | EventFact::MemberRemoved { member, seat, .. } => {
            prop_assert_eq!(seat_of(state, member.id), Some(*seat), "left a seat not held");
        }
        EventFact::GuestConfirmed { guest, place, .. } => {
            prop_assert_eq!(
                seat_of(state, guest.id),
                None,
                "{} confirmed twice",
                guest.name.as_str()
            );
            let waits_for = state.guests[&guest.id].ticket_type;
            match place {
                GuestPlace::Member { .. } => {
                    prop_assert!(
                        seat_free_for(state, waits_for),
                        "a guest seated in a full event or type"
                    );
                }
                GuestPlace::Waitlist { position } => {
                    prop_assert!(state.details.waitlist_enabled, "waitlisted with the waitlist off");
                    prop_assert!(!seat_free_for(state, waits_for), "a guest waitlisted with a seat free");
                    prop_assert_eq!(*position, state.waitlist.len() + 1, "wrong waitlist position");
                }
            }
        }
        EventFact::GuestPromoted { guest, .. } => {
            prop_assert_eq!(
                seat_of(state, guest.id),
                Some(Seat::Waitlist),
                "a guest promoted from nowhere"
            );
            let waits_for = state.waiting_for.get(&guest.id).copied();
            prop_assert_eq!(ticket_type_of(fact), waits_for, "a guest promoted to another type");
            prop_assert!(
                seat_free_for(state, waits_for),
                "a guest promoted into a full event or type"
            );
        }
        EventFact::GuestCancelled { guest, seat, .. } | EventFact::GuestRemoved { guest, seat, .. } => {
            prop_assert_eq!(seat_of(state, guest.id), Some(*seat), "a guest left a seat not held");
        }
        // These move no seat, so the seat invariant has nothing to check in them.
        EventFact::EventUpdated { .. }
        | EventFact::EventClosed { .. }
        | EventFact::EventOpened { .. }
        | EventFact::EventDeleted { .. }
        | EventFact::InvitationSent { .. }
        | EventFact::InvitationAccepted { .. }
        | EventFact::InvitationDeclined { .. }
        | EventFact::InvitationWithdrawn { .. }
        | EventFact::FeedbackLeft { .. }
        | EventFact::FeedbackWithdrawn { .. }
        | EventFact::ReminderSent { .. }
        | EventFact::GuestRegistered { .. } => {}
    }
    Ok(())
}

/// Runs a script, checking every step; answers every fact it recorded.
fn run(script: Script) -> Result<Vec<EventFact>, TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let (first, rest) = script;
    let mut clock = now();
    let mut event = Event::default();
    let mut history: Vec<EventFact> = Vec::new();
    for (advance, op) in std::iter::once((0, first)).chain(rest) {
        clock += Duration::hours(advance);
        let command = op.command(&event, clock);
        let before = event.clone();
        let sink = EventSink::default();
        let result = runtime.block_on(event.handle(command.clone(), &services_at(clock), &sink));
        let facts = runtime.block_on(sink.collect());
        match result {
            Err(error) => {
                prop_assert!(
                    facts.is_empty(),
                    "{command:?} was refused ({error}) but recorded {facts:?}"
                );
                prop_assert_eq!(
                    &event,
                    &before,
                    "{:?} was refused ({}) but changed the event",
                    command,
                    error
                );
            }
            Ok(()) => {
                let mut stepwise = before;
                for fact in &facts {
                    check_fact(&stepwise, fact)?;
                    stepwise.apply(fact.clone());
                }
                prop_assert_eq!(&stepwise, &event, "handle and apply disagree on {:?}", command);
            }
        }
        history.extend(facts);
        check_invariants(&event)?;
        prop_assert_eq!(event.version(), history.len() as u64);
        prop_assert_eq!(&replay(history.clone()), &event, "a replay differs after {:?}", command);
    }
    Ok(history)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_commands_never_break_the_invariants(script in script()) {
        run(script)?;
    }
}

/// The scripts reach every kind of fact, so the property above is not vacuous.
#[test]
fn random_scripts_record_every_kind_of_fact() {
    let mut runner = TestRunner::deterministic();
    let mut seen = BTreeSet::new();
    for _ in 0..300 {
        let script = script().new_tree(&mut runner).unwrap().current();
        seen.extend(run(script).unwrap().iter().map(EventFact::name));
    }
    let every: BTreeSet<&str> = one_fact_of_each_kind().iter().map(EventFact::name).collect();
    let missing: Vec<&&str> = every.difference(&seen).collect();
    assert!(missing.is_empty(), "never recorded: {missing:?}");
}

// =============================================================================================
// Value parsers

/// Any string, and long runs of one character (multi-byte ones too) around the length limits.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,12}",
        (any::<char>(), 0..5_100usize).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

/// Any number, with the edges and the interesting range weighted in.
fn number() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MIN),
        Just(i64::MAX),
        Just(i64::from(u32::MAX) + 2),
        any::<i64>(),
        -10..110_000i64,
    ]
}

/// A parse that accepts exactly the strings of `min..=max` characters, keeping them as given.
fn check_bounded<T>(
    parse: fn(&str) -> Result<T, String>,
    as_str: fn(&T) -> &str,
    input: &str,
    (min, max): (usize, usize),
    allowed: fn(&str) -> bool,
) -> Result<(), TestCaseError> {
    let fits = (min..=max).contains(&input.chars().count()) && allowed(input);
    match parse(input) {
        Ok(value) => {
            prop_assert!(fits, "accepted {} characters", input.chars().count());
            prop_assert_eq!(as_str(&value), input);
        }
        Err(message) => {
            prop_assert!(!fits, "refused {} characters: {}", input.chars().count(), message);
            prop_assert!(!message.is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn text_values_accept_exactly_their_lengths_and_characters(input in text()) {
        let one_line: fn(&str) -> bool = |s| !s.chars().any(char::is_control);
        // Visible: one character that is neither white space nor drawn as nothing (the
        // domain's list of those is checked by example in `values::event`).
        let visible_line: fn(&str) -> bool = |s| !s.chars().any(char::is_control) && !s.chars().all(crate::values::invisible);
        check_bounded(Title::parse, Title::as_str, &input, (1, 200), visible_line)?;
        check_bounded(Description::parse, Description::as_str, &input, (0, 5000), |_| true)?;
        check_bounded(Location::parse, Location::as_str, &input, (0, 200), one_line)?;
        check_bounded(Comment::parse, Comment::as_str, &input, (0, 2000), |_| true)?;
        check_bounded(Username::parse, Username::as_str, &input, (3, 150), |_| true)?;
    }

    #[test]
    fn new_usernames_also_need_their_alphabet(input in prop_oneof![text(), "[a-zA-Z0-9@.+_ -]{0,160}", "[ａ-ｚ０-９]{0,10}"]) {
        use unicode_normalization::UnicodeNormalization;
        let normalised: String = input.nfkc().collect();
        let allowed = normalised.chars().all(|c| c.is_alphanumeric() || "@.+-_".contains(c));
        let fits = (3..=150).contains(&normalised.chars().count());
        match Username::parse_new(&input) {
            Ok(username) => {
                prop_assert!(allowed && fits);
                prop_assert_eq!(username.as_str(), normalised.as_str());
            }
            Err(message) => {
                prop_assert!(!(allowed && fits));
                prop_assert!(!message.is_empty());
            }
        }
    }

    #[test]
    fn emails_keep_what_they_accept_and_refuse_with_one_message(input in text()) {
        match Email::parse(&input) {
            Ok(email) => {
                prop_assert_eq!(email.as_str(), input.as_str());
                let (local, domain) = input.rsplit_once('@').unwrap();
                prop_assert!(!local.is_empty() && domain.contains('.'));
                prop_assert!((3..=254).contains(&input.chars().count()));
            }
            Err(message) => prop_assert_eq!(message, "enter a valid email address"),
        }
    }

    #[test]
    fn well_formed_emails_are_accepted(input in "[a-z0-9.+_]{1,20}@[a-z0-9-]{1,10}(\\.[a-zé0-9-]{1,10}){1,3}") {
        prop_assert_eq!(Email::parse(&input).map(|e| e.as_str().to_owned()), Ok(input));
    }

    #[test]
    fn passwords_need_eight_characters_and_a_non_digit(input in prop_oneof![text(), "[0-9]{6,12}"]) {
        let count = input.chars().count();
        let acceptable = (8..=4096).contains(&count) && !input.chars().all(|c| c.is_ascii_digit());
        match Password::parse(&input) {
            Ok(password) => {
                prop_assert!(acceptable);
                prop_assert_eq!(password.expose(), input.as_str());
            }
            Err(message) => {
                prop_assert!(!acceptable);
                prop_assert!(!message.is_empty());
            }
        }
    }

    #[test]
    fn statuses_are_open_or_closed(input in prop_oneof![text(), Just("open".to_owned()), Just("closed".to_owned())]) {
        match EventStatus::parse(&input) {
            Ok(status) => prop_assert_eq!(status.as_str(), input.as_str()),
            Err(message) => prop_assert!(message.contains("not a valid choice")),
        }
    }

    #[test]
    fn capacities_are_one_to_a_hundred_thousand(value in number()) {
        match Capacity::parse(value) {
            Ok(capacity) => {
                prop_assert!((1..=Capacity::MAX).contains(&value));
                prop_assert_eq!(capacity.get() as i64, value);
            }
            Err(message) => {
                prop_assert!(!(1..=Capacity::MAX).contains(&value));
                prop_assert!(!message.is_empty());
            }
        }
    }

    #[test]
    fn ratings_are_one_to_five(value in number()) {
        match Rating::parse(value) {
            Ok(rating) => {
                prop_assert!((1..=5).contains(&value));
                prop_assert_eq!(i64::from(rating.get()), value);
            }
            Err(message) => {
                prop_assert!(!(1..=5).contains(&value));
                prop_assert!(!message.is_empty());
            }
        }
    }
}
