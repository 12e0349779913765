//! The domain's values as request fields: each parses with the domain's own rules, so a
//! bound is written once, where the domain checks it.

use aggregates::values::{
    Capacity, Currency, Description, Email, EventStatus, Frequency, GuestEmail, GuestName, Location, Password, Price,
    TicketTypeName, Title, Username, Visibility,
};
use serde_json::Value;

use super::{text, FromJson};
use crate::accounts::Role;

/// Values that are strings checked by their type's `parse`.
macro_rules! from_text {
    ($($value:ty => $parse:expr),* $(,)?) => {
        $(impl FromJson for $value {
            fn from_json(value: &Value) -> Result<Self, String> {
                text(value, $parse)
            }
        })*
    };
}

from_text! {
    Title => Title::parse,
    Description => Description::parse,
    Location => Location::parse,
    EventStatus => EventStatus::parse,
    Visibility => Visibility::parse,
    TicketTypeName => TicketTypeName::parse,
    Currency => Currency::parse,
    GuestName => GuestName::parse,
    GuestEmail => GuestEmail::parse,
    Email => Email::parse,
    Password => Password::parse,
    // Only new accounts are named by a request body; login takes any string.
    Username => Username::parse_new,
    Frequency => Frequency::parse,
    Role => Role::parse,
}

impl FromJson for Capacity {
    fn from_json(value: &Value) -> Result<Self, String> {
        Capacity::parse(i64::from_json(value)?)
    }
}

/// A number would have passed through a float on its way here: only a string is exact.
impl FromJson for Price {
    fn from_json(value: &Value) -> Result<Self, String> {
        match value {
            Value::String(raw) => Price::parse(raw),
            _ => Err("must be a decimal string such as \"12.50\", not a number".to_owned()),
        }
    }
}
