use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{bounded_text, Capacity};

bounded_text!(
    /// A ticket type's name: 1–100 characters.
    TicketTypeName, 1, 100
);

/// A price as a decimal string (`"12.50"`): never a float, so it is exactly what was sent.
/// Up to 9 digits before the point and 3 after (enough for every ISO 4217 currency).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Price(String);

impl Price {
    pub fn parse(value: &str) -> Result<Self, String> {
        const RULE: &str = "must be a decimal string such as \"12.50\" (up to 9 digits, 3 decimals, not negative)";
        let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let fraction_ok = if value.contains('.') {
            (1..=3).contains(&fraction.len())
        } else {
            true
        };
        if (1..=9).contains(&whole.len()) && digits(whole) && digits(fraction) && fraction_ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(RULE.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 4217 currency code's shape: three uppercase letters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Currency(String);

impl Currency {
    pub fn parse(value: &str) -> Result<Self, String> {
        if value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(value.to_owned()))
        } else {
            Err("must be a three-letter ISO 4217 code such as \"EUR\"".to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A kind of seat an event sells: its `quantity` seats are part of the event's capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketType {
    pub id: Uuid,
    pub name: TicketTypeName,
    pub price: Price,
    pub currency: Currency,
    pub quantity: Capacity,
}

/// The ticket a member holds: an unguessable code, and the type it was bought as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub code: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_type: Option<Uuid>,
}
