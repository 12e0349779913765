//! Which messages a user receives by email (`email_notifications` on their account).

use projections::email::Topic;

/// A user's choice per kind of message; all on unless they turned one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailNotifications {
    pub invitations: bool,
    pub promotions: bool,
    pub changes: bool,
    pub reminders: bool,
}

impl Default for EmailNotifications {
    fn default() -> Self {
        Self {
            invitations: true,
            promotions: true,
            changes: true,
            reminders: true,
        }
    }
}

impl EmailNotifications {
    /// Whether the user receives messages of `topic`.
    pub fn wants(&self, topic: Topic) -> bool {
        match topic {
            Topic::Invitations => self.invitations,
            Topic::Promotions => self.promotions,
            Topic::Changes => self.changes,
            Topic::Reminders => self.reminders,
        }
    }
}

/// The choices a `PATCH` changes; the others stay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmailNotificationChanges {
    pub invitations: Option<bool>,
    pub promotions: Option<bool>,
    pub changes: Option<bool>,
    pub reminders: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_topic_follows_its_own_choice() {
        let only_reminders = EmailNotifications {
            invitations: false,
            promotions: false,
            changes: false,
            reminders: true,
        };
        assert!(only_reminders.wants(Topic::Reminders));
        for topic in [Topic::Invitations, Topic::Promotions, Topic::Changes] {
            assert!(!only_reminders.wants(topic), "{topic:?}");
            assert!(EmailNotifications::default().wants(topic), "{topic:?}");
        }
    }
}
