use aggregates::EventFact;
use uuid::Uuid;

/// Whether a fact is about `user` as a participant: their own seat, invitations and
/// feedback. (A creator sees every fact of their events; that is decided by the caller.)
///
/// The match is exhaustive so that a new kind of fact must be placed here deliberately.
pub fn concerns(fact: &EventFact, user: Uuid) -> bool {
    match fact {
        EventFact::MemberJoined { member, .. }
        | EventFact::MemberWaitlisted { member, .. }
        | EventFact::MemberLeft { member, .. }
        | EventFact::MemberRemoved { member, .. }
        | EventFact::MemberPromoted { member, .. } => member.id == user,
        // The holder's own ticket was scanned.
        EventFact::TicketCheckedIn { holder, .. } => holder.id == user,
        EventFact::InvitationSent { invitee, .. } | EventFact::InvitationWithdrawn { invitee, .. } => {
            invitee.id == user
        }
        // The invitee answers for themselves; feedback is its author's.
        EventFact::InvitationAccepted { actor, .. }
        | EventFact::InvitationDeclined { actor, .. }
        | EventFact::FeedbackLeft { actor, .. }
        | EventFact::FeedbackWithdrawn { actor, .. } => actor.id == user,
        EventFact::EventCreated { .. }
        | EventFact::EventUpdated { .. }
        | EventFact::EventClosed { .. }
        | EventFact::EventOpened { .. }
        | EventFact::EventDeleted { .. }
        | EventFact::ReminderSent { .. } => false,
        // A guest is nobody's account.
        EventFact::GuestRegistered { .. }
        | EventFact::GuestConfirmed { .. }
        | EventFact::GuestPromoted { .. }
        | EventFact::GuestCancelled { .. }
        | EventFact::GuestRemoved { .. } => false,
    }
}
