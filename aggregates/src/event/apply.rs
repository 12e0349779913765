//! How each fact changes the state the rules see. Only what a later decision reads is kept.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::aggregate::{EventState, GuestStage, GuestState, Invitation, Stint, TicketState};
use super::{EventFact, GuestPlace, Seat};
use crate::values::{EventStatus, Ticket};
use crate::Actor;

impl EventState {
    pub(super) fn apply(&mut self, fact: EventFact) {
        let details = &mut self.details;
        match fact {
            EventFact::EventCreated { .. } => {}
            EventFact::EventUpdated { changes, .. } => details.change(changes),
            EventFact::EventClosed { .. } => details.status = EventStatus::Closed,
            EventFact::EventOpened { .. } => details.status = EventStatus::Open,
            EventFact::EventDeleted { .. } => self.deleted = true,
            EventFact::MemberJoined { member, at, ticket, .. } => self.seat(member, ticket, at),
            EventFact::MemberWaitlisted {
                member, ticket_type, ..
            } => {
                if let Some(ticket_type) = ticket_type {
                    self.waiting_for.insert(member.id, ticket_type);
                }
                self.waitlist.insert(member.id, member.username);
            }
            EventFact::MemberLeft { member, seat, at, .. } | EventFact::MemberRemoved { member, seat, at, .. } => {
                self.unseat(member.id, seat, at);
            }
            EventFact::MemberPromoted { member, at, ticket, .. } => self.promote(member, ticket, at),
            EventFact::InvitationSent {
                invitation_id, invitee, ..
            } => {
                let invitation = Invitation { invitee, pending: true };
                self.invitations.insert(invitation_id, invitation);
            }
            EventFact::InvitationAccepted { invitation_id, .. }
            | EventFact::InvitationDeclined { invitation_id, .. } => {
                if let Some(invitation) = self.invitations.get_mut(&invitation_id) {
                    invitation.pending = false;
                }
            }
            EventFact::InvitationWithdrawn { invitation_id, .. } => {
                self.invitations.shift_remove(&invitation_id);
            }
            EventFact::FeedbackLeft { feedback_id, actor, .. } => {
                self.feedback.insert(actor.id, feedback_id);
            }
            EventFact::FeedbackWithdrawn { actor, .. } => {
                self.feedback.shift_remove(&actor.id);
            }
            EventFact::TicketCheckedIn { code, at, .. } => {
                if let Some(ticket) = self.tickets.get_mut(&code) {
                    ticket.checked_in = Some(at);
                }
            }
            EventFact::ReminderSent { start_time, .. } => self.reminded_for = Some(start_time),
            EventFact::GuestRegistered {
                guest,
                expires_at,
                ticket_type,
                ..
            } => {
                let state = GuestState {
                    guest,
                    expires_at,
                    ticket_type,
                    stage: GuestStage::Pending,
                };
                self.guests.insert(state.guest.id, state);
            }
            EventFact::GuestConfirmed { guest, place, at, .. } => {
                self.set_guest_stage(guest.id, GuestStage::Seated);
                match place {
                    GuestPlace::Member { ticket } => self.seat(guest.as_actor(), Some(ticket), at),
                    GuestPlace::Waitlist { .. } => {
                        let ticket_type = self.guests.get(&guest.id).and_then(|g| g.ticket_type);
                        if let Some(ticket_type) = ticket_type {
                            self.waiting_for.insert(guest.id, ticket_type);
                        }
                        self.waitlist.insert(guest.id, guest.name.as_str().to_owned());
                    }
                }
            }
            EventFact::GuestPromoted { guest, ticket, at, .. } => self.promote(guest.as_actor(), Some(ticket), at),
            EventFact::GuestCancelled { guest, seat, at, .. } | EventFact::GuestRemoved { guest, seat, at, .. } => {
                self.set_guest_stage(guest.id, GuestStage::Gone);
                self.unseat(guest.id, seat, at);
            }
        }
    }

    fn set_guest_stage(&mut self, guest_id: Uuid, stage: GuestStage) {
        if let Some(guest) = self.guests.get_mut(&guest_id) {
            guest.stage = stage;
        }
    }

    /// The holder gives up their seat (voiding its ticket) or their place in line.
    fn unseat(&mut self, holder: Uuid, seat: Seat, at: DateTime<Utc>) {
        match seat {
            Seat::Member => {
                self.members.swap_remove(&holder);
                if let Some(stint) = self.stints.get_mut(&holder) {
                    stint.until = Some(at);
                }
                let code = self.held.swap_remove(&holder);
                if let Some(ticket) = code.and_then(|code| self.tickets.get_mut(&code)) {
                    ticket.void = true;
                }
            }
            Seat::Waitlist => {
                self.waitlist.shift_remove(&holder);
                self.waiting_for.shift_remove(&holder);
            }
        }
    }

    fn promote(&mut self, holder: Actor, ticket: Option<Ticket>, at: DateTime<Utc>) {
        self.waitlist.shift_remove(&holder.id);
        self.waiting_for.shift_remove(&holder.id);
        self.seat(holder, ticket, at);
    }

    fn seat(&mut self, member: Actor, ticket: Option<Ticket>, at: DateTime<Utc>) {
        self.stints.insert(member.id, Stint { from: at, until: None });
        if let Some(ticket) = ticket {
            self.held.insert(member.id, ticket.code);
            let state = TicketState {
                holder: member.id,
                ticket_type: ticket.ticket_type,
                checked_in: None,
                void: false,
            };
            self.tickets.insert(ticket.code, state);
        }
        self.members.insert(member.id, member.username);
    }
}
