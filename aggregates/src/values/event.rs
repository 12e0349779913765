use serde::{Deserialize, Serialize};

use super::{bounded_text, one_line, visible_line};

bounded_text!(
    /// An event's title: 1–200 characters on one line, not all of them blank.
    Title, 1, 200, visible_line
);
bounded_text!(
    /// An event's description: 0–5000 characters.
    Description, 0, 5000
);
bounded_text!(
    /// An event's location: 0–200 characters on one line.
    Location, 0, 200, one_line
);

bounded_text!(
    /// A comment left with feedback: 0–2000 characters.
    Comment, 0, 2000
);

impl Default for Description {
    /// No description: the empty string.
    fn default() -> Self {
        Self(String::new())
    }
}

/// How many members an event seats: 1–100000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Capacity(u32);

impl Capacity {
    pub const MIN: i64 = 1;
    pub const MAX: i64 = 100_000;

    pub fn parse(value: i64) -> Result<Self, String> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Self(value as u32))
        } else {
            Err(format!("ensure this value is between {} and {}", Self::MIN, Self::MAX))
        }
    }

    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// Whether an event takes new members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    #[default]
    Open,
    Closed,
}

impl EventStatus {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            other => Err(format!("\"{other}\" is not a valid choice (open, closed)")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
}

/// Who may see an event: anyone, or only its creator, its members and waitlisted users, and
/// the users invited to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Private,
}

impl Visibility {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "public" => Ok(Self::Public),
            "private" => Ok(Self::Private),
            other => Err(format!("\"{other}\" is not a valid choice (public, private)")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }

    pub fn is_public(&self) -> bool {
        *self == Self::Public
    }
}

/// A feedback rating: 1 to 5 stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rating(u8);

impl Rating {
    pub const MIN: i64 = 1;
    pub const MAX: i64 = 5;

    pub fn parse(value: i64) -> Result<Self, String> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Self(value as u8))
        } else {
            Err(format!("ensure this value is between {} and {}", Self::MIN, Self::MAX))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_one_line_with_something_visible() {
        assert!(Title::parse("Rust meetup").is_ok());
        assert!(Title::parse("Ärger – 東京").is_ok());
        assert!(Title::parse("\u{200f}שלום").is_ok(), "a direction mark beside a word");
        for bad in [
            "",
            " ",
            "   ",
            "\u{3000}",
            "Party\r\nBEGIN:VEVENT",
            "a\nb",
            "tab\there",
            "esc\u{1b}[0m",
            "c1\u{85}",
            "\u{200b}",
            "\u{202e}",
            " \u{200d}\u{feff} ",
            "\u{3164}",
        ] {
            assert!(Title::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn locations_are_one_line_and_may_be_empty() {
        assert!(Location::parse("").is_ok());
        assert!(Location::parse("Room 1, Berlin").is_ok());
        for bad in ["Room\r\n1", "Room\n1", "nul\0"] {
            assert!(Location::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn descriptions_may_span_lines() {
        assert!(Description::parse("first line\nsecond line").is_ok());
    }
}
