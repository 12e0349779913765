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
    /// A guest registered: the link (and code) to confirm by `expires_at`. The token is
    /// computed when the message is rendered, never stored.
    GuestConfirmation {
        guest_id: Uuid,
        name: String,
        expires_at: DateTime<Utc>,
    },
    /// A guest confirmed: their ticket (or place in line) and the link to cancel.
    GuestSeat {
        guest_id: Uuid,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<Uuid>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<usize>,
    },
    /// A waiting guest took a seat: their ticket and the link to cancel.
    GuestPromoted {
        guest_id: Uuid,
        name: String,
        code: Uuid,
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
            Self::GuestConfirmation { .. } => "guest_confirmation",
            Self::GuestSeat { .. } => "guest_seat",
            Self::GuestPromoted { .. } => "guest_promoted",
        }
    }

    /// The name a guest's own message greets them by (an address has no username).
    pub fn guest_name(&self) -> Option<&str> {
        match self {
            Self::GuestConfirmation { name, .. } | Self::GuestSeat { name, .. } | Self::GuestPromoted { name, .. } => {
                Some(name)
            }
            Self::Invited { .. }
            | Self::Promoted
            | Self::Changed { .. }
            | Self::Closed
            | Self::Deleted
            | Self::Reminder { .. } => None,
        }
    }

    /// The preference that decides whether a user receives it; `None` for a guest's own
    /// messages, which guests always receive.
    pub fn topic(&self) -> Option<Topic> {
        match self {
            Self::Invited { .. } => Some(Topic::Invitations),
            Self::Promoted => Some(Topic::Promotions),
            Self::Changed { .. } | Self::Closed | Self::Deleted => Some(Topic::Changes),
            Self::Reminder { .. } => Some(Topic::Reminders),
            Self::GuestConfirmation { .. } | Self::GuestSeat { .. } | Self::GuestPromoted { .. } => None,
        }
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
