//! The rules: each command either becomes facts or is refused, without touching state.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::aggregate::{Event, EventState};
use super::{DetailChanges, EventCommand, EventDetails, EventError, EventFact, Guest, GuestPlace, Seat};
use crate::values::{Comment, EventStatus, Rating, Visibility};
use crate::{Actor, TicketCodes};

pub(super) type Decision = Result<Vec<EventFact>, EventError>;

impl Event {
    pub(super) fn decide(&self, command: EventCommand, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        match command {
            EventCommand::CreateEvent { details, actor } => self.create(details, actor, at),
            EventCommand::UpdateEvent {
                changes,
                status,
                expected_version,
                actor,
            } => {
                let state = self.guarded(&actor, expected_version)?;
                state.update(changes, status, actor, at, codes)
            }
            EventCommand::DeleteEvent {
                expected_version,
                actor,
            } => {
                self.guarded(&actor, expected_version)?;
                Ok(vec![EventFact::EventDeleted { actor, at }])
            }
            EventCommand::JoinEvent { ticket_type, actor } => self.seen_by(&actor)?.join(actor, ticket_type, at, codes),
            EventCommand::LeaveEvent { actor } => self.seen_by(&actor)?.leave(actor, at, codes),
            EventCommand::RemoveMember { user_id, actor } => {
                self.guarded(&actor, None)?.remove(user_id, actor, at, codes)
            }
            EventCommand::SendInvitation {
                invitation_id,
                invitee,
                actor,
            } => self.guarded(&actor, None)?.invite(invitation_id, invitee, actor, at),
            EventCommand::AnswerInvitation {
                invitation_id,
                accept,
                ticket_type,
                actor,
            } => self
                .seen_by(&actor)?
                .answer(invitation_id, accept, ticket_type, actor, at, codes),
            EventCommand::CheckInTicket { code, actor } => self.guarded(&actor, None)?.check_in(code, actor, at),
            EventCommand::LeaveFeedback {
                feedback_id,
                rating,
                comment,
                actor,
            } => self.seen_by(&actor)?.review(feedback_id, rating, &comment, actor, at),
            // A deleted event has nothing of the user's left to forget.
            EventCommand::ForgetParticipant { actor } => {
                self.live().map_or(Ok(Vec::new()), |s| s.forget(actor, at, codes))
            }
            EventCommand::SendReminder { actor } => self.guarded(&actor, None)?.remind(actor, at),
            EventCommand::RegisterGuest {
                guest_id,
                name,
                email,
                ticket_type,
            } => {
                let guest = Guest {
                    id: guest_id,
                    name,
                    email,
                };
                self.live()?.register_guest(guest, ticket_type, at)
            }
            // A link to an event that is gone is as invalid as a forged one.
            EventCommand::ConfirmGuest { guest_id } => self
                .live()
                .map_err(|_| EventError::GuestLinkInvalid)?
                .confirm_guest(guest_id, at, codes),
            EventCommand::CancelGuest { guest_id } => self
                .live()
                .map_err(|_| EventError::GuestLinkInvalid)?
                .cancel_guest(guest_id, at, codes),
            EventCommand::RemoveGuest { guest_id, actor } => {
                self.guarded(&actor, None)?.remove_guest(guest_id, actor, at, codes)
            }
        }
    }

    fn create(&self, details: EventDetails, actor: Actor, at: DateTime<Utc>) -> Decision {
        if self.state.is_some() {
            return Err(EventError::AlreadyExists);
        }
        check_times(Some(details.start_time), details.start_time, details.end_time, at)?;
        check_guests(details.visibility, details.guest_registration)?;
        super::tickets::check_ticket_types(&details)?;
        Ok(vec![EventFact::EventCreated { details, actor, at }])
    }

    /// The event, unless it was never created or has been deleted.
    fn live(&self) -> Result<&EventState, EventError> {
        self.state.as_ref().filter(|s| !s.deleted).ok_or(EventError::NotFound)
    }

    /// The live event, if `actor` may see it: to anyone else a private event does not exist.
    fn seen_by(&self, actor: &Actor) -> Result<&EventState, EventError> {
        self.live()?.seen_by(actor.id).ok_or(EventError::NotFound)
    }

    /// The live event, for its creator only, at the version the caller expects. An outsider
    /// is told a private event does not exist before being told it is not theirs.
    fn guarded(&self, actor: &Actor, expected_version: Option<u64>) -> Result<&EventState, EventError> {
        let state = self.seen_by(actor)?;
        if state.creator.id != actor.id {
            return Err(EventError::NotCreator);
        }
        match expected_version {
            Some(expected) if expected != self.version => Err(EventError::VersionMismatch { current: self.version }),
            _ => Ok(state),
        }
    }
}

impl EventState {
    /// The event, if `user` may see it: anyone a public one; a private one its creator, its
    /// members and waitlisted users, and whoever holds an invitation to it (answered or not).
    fn seen_by(&self, user: Uuid) -> Option<&Self> {
        let sees = match self.details.visibility {
            Visibility::Public => true,
            Visibility::Private => {
                self.creator.id == user
                    || self.seat_of(user).is_some()
                    || self.invitations.values().any(|i| i.invitee.id == user)
            }
        };
        sees.then_some(self)
    }

    fn update(
        &self,
        changes: DetailChanges,
        status: Option<EventStatus>,
        actor: Actor,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Decision {
        let changes = self.effective(changes);
        let start = changes.start_time.unwrap_or(self.details.start_time);
        let end = changes.end_time.unwrap_or(self.details.end_time);
        check_times(changes.start_time, start, end, at)?;
        check_guests(
            changes.visibility.unwrap_or(self.details.visibility),
            changes.guest_registration.unwrap_or(self.details.guest_registration),
        )?;
        let capacity = changes.capacity.unwrap_or(self.details.capacity).get();
        if capacity < self.members.len() {
            return Err(EventError::CapacityBelowMembers {
                members: self.members.len(),
            });
        }
        let quantities = self.ticket_quantities();
        if capacity < quantities {
            return Err(EventError::CapacityBelowTicketQuantities { quantities });
        }
        let mut facts = Vec::new();
        if !changes.is_empty() {
            facts.push(EventFact::EventUpdated {
                changes,
                actor: actor.clone(),
                at,
            });
        }
        match status {
            Some(EventStatus::Closed) if self.details.status == EventStatus::Open => {
                facts.push(EventFact::EventClosed {
                    actor: actor.clone(),
                    at,
                });
            }
            Some(EventStatus::Open) if self.details.status == EventStatus::Closed => {
                facts.push(EventFact::EventOpened {
                    actor: actor.clone(),
                    at,
                });
            }
            _ => {}
        }
        facts.extend(self.promotions(capacity, None, &actor, at, codes));
        Ok(facts)
    }

    /// Only the fields whose value actually changes.
    fn effective(&self, changes: DetailChanges) -> DetailChanges {
        fn differs<T: PartialEq>(new: Option<T>, current: &T) -> Option<T> {
            new.filter(|value| value != current)
        }
        let d = &self.details;
        DetailChanges {
            title: differs(changes.title, &d.title),
            description: differs(changes.description, &d.description),
            location: differs(changes.location, &d.location),
            start_time: differs(changes.start_time, &d.start_time),
            end_time: differs(changes.end_time, &d.end_time),
            capacity: differs(changes.capacity, &d.capacity),
            waitlist_enabled: differs(changes.waitlist_enabled, &d.waitlist_enabled),
            category: differs(changes.category, &d.category),
            visibility: differs(changes.visibility, &d.visibility),
            guest_registration: differs(changes.guest_registration, &d.guest_registration),
        }
    }

    fn join(&self, member: Actor, ticket_type: Option<Uuid>, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        // A bad ticket type is a bad field: 400 comes before the 409s.
        self.check_ticket_type(ticket_type)?;
        if self.members.contains_key(&member.id) {
            return Err(EventError::AlreadyJoined);
        }
        if self.waitlist.contains_key(&member.id) {
            return Err(EventError::AlreadyWaitlisted);
        }
        if self.details.status == EventStatus::Closed {
            return Err(EventError::Closed);
        }
        Ok(vec![self.take_seat(member, ticket_type, at, codes)?])
    }

    /// A user's seat or place in line, as [`Self::place_for`] finds it.
    fn take_seat(
        &self,
        member: Actor,
        ticket_type: Option<Uuid>,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Result<EventFact, EventError> {
        let actor = member.clone();
        Ok(match self.place_for(member.id, ticket_type, at, codes)? {
            GuestPlace::Member { ticket } => EventFact::MemberJoined {
                member,
                actor,
                at,
                ticket: Some(ticket),
            },
            GuestPlace::Waitlist { position } => EventFact::MemberWaitlisted {
                member,
                position,
                actor,
                at,
                ticket_type,
            },
        })
    }

    /// A seat (of the type asked for) if one is free, else a place on the waitlist if it is
    /// on; never after the start. Users and guests take their places by this one rule.
    pub(super) fn place_for(
        &self,
        holder: Uuid,
        ticket_type: Option<Uuid>,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Result<GuestPlace, EventError> {
        if at >= self.details.start_time {
            return Err(EventError::AlreadyStarted);
        }
        let seat_free = self.members.len() < self.details.capacity.get();
        let type_free = ticket_type.is_none_or(|t| self.has_room_for(t));
        if seat_free && type_free {
            let ticket = self.ticket(holder, ticket_type, codes);
            return Ok(GuestPlace::Member { ticket });
        }
        if !self.details.waitlist_enabled {
            return Err(if seat_free {
                EventError::TicketTypeSoldOut
            } else {
                EventError::Full
            });
        }
        let position = self.waitlist.len() + 1;
        Ok(GuestPlace::Waitlist { position })
    }

    fn invite(&self, invitation_id: Uuid, invitee: Actor, actor: Actor, at: DateTime<Utc>) -> Decision {
        if self.seat_of(invitee.id).is_some() {
            return Err(EventError::InviteeAlreadyJoined);
        }
        if self
            .invitations
            .values()
            .any(|i| i.pending && i.invitee.id == invitee.id)
        {
            return Err(EventError::AlreadyInvited);
        }
        Ok(vec![EventFact::InvitationSent {
            invitation_id,
            invitee,
            actor,
            at,
        }])
    }

    /// Accepting takes a seat like a join, but also in a closed event: the creator asked.
    fn answer(
        &self,
        invitation_id: Uuid,
        accept: bool,
        ticket_type: Option<Uuid>,
        actor: Actor,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Decision {
        let invitation = self
            .invitations
            .get(&invitation_id)
            .filter(|i| i.invitee.id == actor.id)
            .ok_or(EventError::InvitationNotFound)?;
        if !invitation.pending {
            return Err(EventError::InvitationAnswered);
        }
        if !accept {
            return Ok(vec![EventFact::InvitationDeclined {
                invitation_id,
                actor,
                at,
            }]);
        }
        let accepted = EventFact::InvitationAccepted {
            invitation_id,
            actor: actor.clone(),
            at,
        };
        if self.seat_of(actor.id).is_some() {
            return Ok(vec![accepted]);
        }
        self.check_ticket_type(ticket_type)?;
        let seat = self.take_seat(actor, ticket_type, at, codes)?;
        Ok(vec![accepted, seat])
    }

    /// Who may is checked before what they wrote: 403 comes before 400 in the contract.
    fn review(&self, feedback_id: Uuid, rating: i64, comment: &str, actor: Actor, at: DateTime<Utc>) -> Decision {
        let started = at >= self.details.start_time;
        let attended = if started {
            self.was_seated_at_start(actor.id)
        } else {
            self.members.contains_key(&actor.id)
        };
        if !attended {
            return Err(EventError::NotAnAttendee);
        }
        let (rating, comment) = match (Rating::parse(rating), Comment::parse(comment)) {
            (Ok(rating), Ok(comment)) => (rating, comment),
            (rating, comment) => {
                let problems = [("rating", rating.err()), ("comment", comment.err())];
                let invalid = problems.into_iter().filter_map(|(name, p)| Some((name, p?))).collect();
                return Err(EventError::InvalidFields(invalid));
            }
        };
        if !started {
            return Err(EventError::NotStarted);
        }
        if self.feedback.contains_key(&actor.id) {
            return Err(EventError::FeedbackAlreadyLeft);
        }
        Ok(vec![EventFact::FeedbackLeft {
            feedback_id,
            rating,
            comment,
            actor,
            at,
        }])
    }

    fn was_seated_at_start(&self, user_id: Uuid) -> bool {
        let start = self.details.start_time;
        self.stints
            .get(&user_id)
            .is_some_and(|stint| stint.from <= start && stint.until.is_none_or(|until| until > start))
    }

    /// Everything of the actor's in this event goes: their seat (promoting the next in
    /// line), the invitations they received, and their feedback.
    /// Once per start time, within the 24 hours before it: two schedulers racing are
    /// settled by the store (the second commit conflicts, is retried, and then refused).
    fn remind(&self, actor: Actor, at: DateTime<Utc>) -> Decision {
        let start_time = self.details.start_time;
        if at >= start_time {
            return Err(EventError::AlreadyStarted);
        }
        if start_time - at > chrono::Duration::hours(24) {
            return Err(EventError::TooEarlyToRemind);
        }
        if self.reminded_for == Some(start_time) {
            return Err(EventError::AlreadyReminded);
        }
        Ok(vec![EventFact::ReminderSent { start_time, actor, at }])
    }

    fn forget(&self, actor: Actor, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        let mut facts = match self.seat_of(actor.id) {
            Some(_) => self.leave(actor.clone(), at, codes)?,
            None => Vec::new(),
        };
        let invitations = self.invitations.iter().filter(|(_, i)| i.invitee.id == actor.id);
        facts.extend(invitations.map(|(id, i)| EventFact::InvitationWithdrawn {
            invitation_id: *id,
            invitee: i.invitee.clone(),
            actor: actor.clone(),
            at,
        }));
        if let Some(feedback_id) = self.feedback.get(&actor.id) {
            facts.push(EventFact::FeedbackWithdrawn {
                feedback_id: *feedback_id,
                actor,
                at,
            });
        }
        Ok(facts)
    }

    fn leave(&self, actor: Actor, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        let seat = self.seat_of(actor.id).ok_or(EventError::NotJoined)?;
        let member = actor.clone();
        let mut facts = vec![EventFact::MemberLeft {
            member,
            seat,
            actor: actor.clone(),
            at,
        }];
        facts.extend(self.promotions_after_leaving(seat, &actor.id, &actor, at, codes));
        Ok(facts)
    }

    fn remove(&self, user_id: Uuid, actor: Actor, at: DateTime<Utc>, codes: &dyn TicketCodes) -> Decision {
        // Guests are removed as guests (their own fact, their own endpoint).
        if self.guests.contains_key(&user_id) {
            return Err(EventError::MemberNotFound);
        }
        let seat = self.seat_of(user_id).ok_or(EventError::MemberNotFound)?;
        let seats = match seat {
            Seat::Member => &self.members,
            Seat::Waitlist => &self.waitlist,
        };
        let member = Actor::new(user_id, seats[&user_id].clone());
        let mut facts = vec![EventFact::MemberRemoved {
            member,
            seat,
            actor: actor.clone(),
            at,
        }];
        facts.extend(self.promotions_after_leaving(seat, &user_id, &actor, at, codes));
        Ok(facts)
    }

    pub(super) fn seat_of(&self, user_id: Uuid) -> Option<Seat> {
        if self.members.contains_key(&user_id) {
            Some(Seat::Member)
        } else if self.waitlist.contains_key(&user_id) {
            Some(Seat::Waitlist)
        } else {
            None
        }
    }

    pub(super) fn promotions_after_leaving(
        &self,
        seat: Seat,
        leaver: &Uuid,
        actor: &Actor,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Vec<EventFact> {
        match seat {
            Seat::Member => self.promotions(self.details.capacity.get(), Some(leaver), actor, at, codes),
            Seat::Waitlist => Vec::new(),
        }
    }

    /// The waitlisted users, first come first served, who fit into the free seats (and,
    /// in events with ticket types, into a free seat of the type they wait for), counting
    /// the `leaver`'s seat as free.
    fn promotions(
        &self,
        capacity: usize,
        leaver: Option<&Uuid>,
        actor: &Actor,
        at: DateTime<Utc>,
        codes: &dyn TicketCodes,
    ) -> Vec<EventFact> {
        let members = self.members.len() - usize::from(leaver.is_some());
        let mut free = capacity.saturating_sub(members);
        let mut type_free = self.free_per_type(leaver);
        let mut facts = Vec::new();
        for (id, username) in &self.waitlist {
            if free == 0 {
                break;
            }
            let ticket_type = self.waiting_for.get(id).copied();
            if let Some(t) = ticket_type {
                match type_free.get_mut(&t) {
                    Some(left) if *left > 0 => *left -= 1,
                    _ => continue,
                }
            }
            free -= 1;
            let ticket = self.ticket(*id, ticket_type, codes);
            facts.push(match self.guests.get(id) {
                Some(guest) => EventFact::GuestPromoted {
                    guest: guest.guest.clone(),
                    ticket,
                    actor: actor.clone(),
                    at,
                },
                None => EventFact::MemberPromoted {
                    member: Actor::new(*id, username.clone()),
                    actor: actor.clone(),
                    at,
                    ticket: Some(ticket),
                },
            });
        }
        facts
    }
}

/// Guests register without an account, so nobody could tell them from outsiders: a private
/// event takes none.
fn check_guests(visibility: Visibility, guest_registration: bool) -> Result<(), EventError> {
    match (visibility, guest_registration) {
        (Visibility::Private, true) => Err(EventError::InvalidFields(vec![(
            "guest_registration",
            "a private event cannot take guest registrations".to_owned(),
        )])),
        (Visibility::Private, false) | (Visibility::Public, _) => Ok(()),
    }
}

/// A start time that is being set must lie in the future; an end time must follow the start.
fn check_times(
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
