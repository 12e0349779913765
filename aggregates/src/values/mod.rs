//! Input parsed once into types that cannot hold bad values.
//!
//! Each `parse` answers a message fit to show a client next to the field's name.

mod account;
mod event;
mod guest;
mod recurrence;
mod tickets;

pub use account::{Email, Password, Username};
pub use event::{Capacity, Comment, Description, EventStatus, Location, Rating, Title, Visibility};
pub use guest::{GuestEmail, GuestName};
pub use recurrence::{latest, Ending, Frequency, Recurrence, MAX_OCCURRENCES};
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

/// Refuses control characters (line breaks, tabs, escapes): a one-line field that holds
/// them breaks the lines of whatever shows it, a calendar file among them.
fn one_line(value: &str) -> Result<(), String> {
    if value.chars().any(char::is_control) {
        return Err("this field may not contain line breaks or other control characters".to_owned());
    }
    Ok(())
}

/// A one-line field that also needs something visible in it.
fn visible_line(value: &str) -> Result<(), String> {
    one_line(value)?;
    if value.chars().all(invisible) {
        return Err("this field may not be blank".to_owned());
    }
    Ok(())
}

/// White space, and what Unicode says to draw as nothing where it is not supported
/// (Default_Ignorable_Code_Point): zero-width spaces and joiners, direction marks and
/// overrides, variation selectors, the Hangul fillers, tags.
pub(crate) fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// A string newtype with a length rule (and optionally another check); serialises as the
/// bare string.
macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr) => {
        bounded_text!($(#[$doc])* $name, $min, $max, |_| Ok(()));
    };
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The shortest value, in characters.
            pub const MIN_CHARS: usize = $min;
            /// The longest value, in characters.
            pub const MAX_CHARS: usize = $max;

            pub fn parse(value: &str) -> Result<Self, String> {
                $crate::values::check_length(value, $min, $max)?;
                let check: fn(&str) -> Result<(), String> = $check;
                check(value)?;
                Ok(Self(value.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}
pub(crate) use bounded_text;
