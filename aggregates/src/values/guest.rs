use serde::{Deserialize, Serialize};

use super::{bounded_text, one_line, visible_line, Email};

bounded_text!(
    /// The name a guest registers under: 1–100 characters on one line.
    GuestName, 1, 100, visible_line
);

/// A guest's email address, kept as given (mail goes there) and compared without case
/// (one address, one seat: `Ann@x.org` and `ann@x.org` are the same person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GuestEmail(String);

impl GuestEmail {
    /// Mail is sent to it, so no control character may reach a header.
    pub fn parse(value: &str) -> Result<Self, String> {
        one_line(value)?;
        Email::parse(value).map(|email| Self(email.as_str().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What makes two addresses the same one.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// The address as the activity log shows it: the first character of the local part,
    /// then `***`, then the domain (`a***@example.com`), so a log names nobody's address.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or(("", &self.0));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_address_keeps_only_its_first_letter_and_domain() {
        let email = GuestEmail::parse("ann.smith@example.com").unwrap();
        assert_eq!(email.masked(), "a***@example.com");
        let short = GuestEmail::parse("a@b.io").unwrap();
        assert_eq!(short.masked(), "a***@b.io");
        let quoted = GuestEmail::parse("x@y@example.org");
        assert!(quoted.is_err(), "two @ are refused");
    }

    #[test]
    fn addresses_differing_only_in_case_are_the_same_one() {
        let a = GuestEmail::parse("Ann@Example.com").unwrap();
        let b = GuestEmail::parse("ann@example.com").unwrap();
        assert_eq!(a.key(), b.key());
        assert_eq!(a.as_str(), "Ann@Example.com", "mail goes to the address as given");
    }

    #[test]
    fn guest_names_are_one_visible_line_of_at_most_100_characters() {
        assert!(GuestName::parse("Ann Smith").is_ok());
        assert!(GuestName::parse(&"x".repeat(100)).is_ok());
        for bad in ["", "  ", "a\nb", &"x".repeat(101)] {
            assert!(GuestName::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
