//! Input parsed once into types that cannot hold bad values.
//!
//! Each `parse` answers a message fit to show a client next to the field's name.

mod account;
mod event;
mod recurrence;
mod tickets;

pub use account::{Email, Password, Username};
pub use event::{Capacity, Comment, Description, EventStatus, Location, Rating, Title};
pub use recurrence::{Ending, Frequency, Recurrence, MAX_OCCURRENCES};
pub use tickets::{Currency, Price, Ticket, TicketType, TicketTypeName};

/// Checks that `value` has between `min` and `max` characters (not bytes).
fn check_length(value: &str, min: usize, max: usize) -> Result<(), String> {
    let count = value.chars().count();
    if count < min {
        return Err(if min == 1 {
            "this field may not be blank".to_owned()
        } else {
            format!("ensure this field has at least {min} characters")
        });
    }
    if count > max {
        return Err(format!("ensure this field has no more than {max} characters"));
    }
    Ok(())
}

/// A string newtype with a length rule; serialises as the bare string.
macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The longest value, in characters.
            pub const MAX_CHARS: usize = $max;

            pub fn parse(value: &str) -> Result<Self, String> {
                $crate::values::check_length(value, $min, $max)?;
                Ok(Self(value.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}
pub(crate) use bounded_text;
