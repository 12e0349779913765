use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a message tells its recipient, as the outbox keeps it (its `payload`, whose `kind`
/// is also the row's `kind`). The text is rendered from it when it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// The recipient was invited to the event.
    Invited {
        invitation_id: Uuid,
    },
    /// The recipient took a seat from the waitlist.
    Promoted,
    /// The event's time or location changed; `fields` names which.
    Changed {
        fields: Vec<String>,
    },
    Closed,
    Deleted,
    /// The event starts within 24 hours, at `start_time`.
    Reminder {
        start_time: DateTime<Utc>,
    },
}

/// The kinds of message a user may turn off (`email_notifications` of their account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Invitations,
    Promotions,
    Changes,
    Reminders,
}

impl Message {
    /// The row's `kind`: the payload's tag.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Invited { .. } => "invited",
            Self::Promoted => "promoted",
            Self::Changed { .. } => "changed",
            Self::Closed => "closed",
            Self::Deleted => "deleted",
            Self::Reminder { .. } => "reminder",
        }
    }

    /// The preference that decides whether a user receives it; `None` for a message no
    /// preference stops (as a guest's own confirmation and ticket will be).
    pub fn topic(&self) -> Option<Topic> {
        Some(match self {
            Self::Invited { .. } => Topic::Invitations,
            Self::Promoted => Topic::Promotions,
            Self::Changed { .. } | Self::Closed | Self::Deleted => Topic::Changes,
            Self::Reminder { .. } => Topic::Reminders,
        })
    }
}

/// Whom a message goes to: a user, whose address and preferences are read when it is sent
/// (a deleted account is mailed nothing), or a literal address (a guest has no account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    User(Uuid),
    Address(String),
}

impl Recipient {
    /// As the outbox's `recipient_kind` and `recipient` columns hold it.
    pub fn columns(&self) -> (&'static str, String) {
        match self {
            Self::User(id) => ("user", id.to_string()),
            Self::Address(address) => ("address", address.clone()),
        }
    }

    /// Back from the columns; `None` for a kind this version does not know.
    pub fn from_columns(kind: &str, recipient: &str) -> Option<Self> {
        match kind {
            "user" => Uuid::parse_str(recipient).ok().map(Self::User),
            "address" => Some(Self::Address(recipient.to_owned())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_carries_its_kind_and_reads_back() {
        let message = Message::Changed {
            fields: vec!["location".to_owned()],
        };
        let payload = serde_json::to_value(&message).unwrap();
        assert_eq!(payload["kind"], message.kind());
        assert_eq!(serde_json::from_value::<Message>(payload).unwrap(), message);
        let promoted = serde_json::to_value(Message::Promoted).unwrap();
        assert_eq!(promoted, serde_json::json!({"kind": "promoted"}));
    }

    #[test]
    fn a_recipient_reads_back_from_its_columns() {
        for recipient in [
            Recipient::User(Uuid::new_v4()),
            Recipient::Address("g@example.com".into()),
        ] {
            let (kind, value) = recipient.columns();
            assert_eq!(Recipient::from_columns(kind, &value), Some(recipient));
        }
        assert_eq!(Recipient::from_columns("pigeon", "x"), None);
    }
}
