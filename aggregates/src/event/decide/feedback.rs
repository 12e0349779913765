//! Feedback: one rating and comment from each user who was seated when the event started.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::event::aggregate::EventState;
use crate::event::{Decision, EventError, EventFact};
use crate::values::{Comment, Rating};
use crate::Actor;

impl EventState {
    /// Who may is checked before what they wrote: 403 comes before 400 in the contract.
    pub(super) fn review(
        &self,
        feedback_id: Uuid,
        rating: i64,
        comment: &str,
        actor: Actor,
        at: DateTime<Utc>,
    ) -> Decision {
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
}
