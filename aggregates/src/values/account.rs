use unicode_normalization::UnicodeNormalization;

use super::{bounded_text, check_length};

bounded_text!(
    /// A login name: 3–150 letters, digits and `@.+-_`; unique regardless of case and of
    /// compatibility forms (NFKC: `ａｌｉ` is `ali`).
    Username, 3, 150
);

impl Username {
    /// Parses a new username into its NFKC form, also checking its alphabet.
    pub fn parse_new(value: &str) -> Result<Self, String> {
        let normalised: String = value.nfkc().collect();
        let username = Self::parse(&normalised)?;
        let allowed = |c: char| c.is_alphanumeric() || "@.+-_".contains(c);
        if normalised.chars().all(allowed) {
            Ok(username)
        } else {
            Err("enter a valid username: letters, digits and @/./+/-/_ only".to_owned())
        }
    }

    /// What makes two usernames the same: NFKC, then lower case.
    pub fn key_of(value: &str) -> String {
        value.nfkc().collect::<String>().to_lowercase()
    }
}

/// An email address, checked for the shape `local@domain.tld`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// The longest address, in characters (RFC 5321's path limit less its brackets).
    pub const MAX_CHARS: usize = 254;

    pub fn parse(value: &str) -> Result<Self, String> {
        const INVALID: &str = "enter a valid email address";
        check_length(value, 3, Self::MAX_CHARS).map_err(|_| INVALID.to_owned())?;
        let (local, domain) = value.rsplit_once('@').ok_or(INVALID)?;
        let labels_ok = domain.split('.').count() >= 2
            && domain
                .split('.')
                .all(|label| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-'));
        let local_ok = !local.is_empty() && !local.contains(char::is_whitespace) && !local.contains('@');
        if labels_ok && local_ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(INVALID.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 8 characters and not only digits. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    /// Long enough for any passphrase, short enough that hashing one costs little.
    pub const MAX_CHARS: usize = 4096;

    pub fn parse(value: &str) -> Result<Self, String> {
        let (min, max) = (Self::MIN_CHARS, Self::MAX_CHARS);
        if value.chars().count() < min {
            return Err(format!(
                "this password is too short: it must contain at least {min} characters"
            ));
        }
        if value.chars().count() > max {
            return Err(format!("ensure this field has no more than {max} characters"));
        }
        // Digits of any script, as Django's NumericPasswordValidator (`str.isdigit`) has it.
        if value.chars().all(char::is_numeric) {
            return Err("this password is entirely numeric".to_owned());
        }
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_accept_letters_digits_and_the_django_punctuation() {
        assert!(Username::parse_new("ali.b+c-d_e@x").is_ok());
        assert!(Username::parse_new("ab").is_err());
        assert!(Username::parse_new("has space").is_err());
        assert!(Username::parse_new(&"a".repeat(151)).is_err());
    }

    #[test]
    fn usernames_are_kept_in_nfkc_and_compared_without_case_or_compatibility_forms() {
        assert_eq!(
            Username::parse_new("ａｌｉ").map(|u| u.as_str().to_owned()),
            Ok("ali".to_owned())
        );
        assert_eq!(Username::key_of("ＡＬＩ"), Username::key_of("ali"));
        assert_eq!(Username::key_of("Ärger"), "ärger");
        assert_ne!(Username::key_of("ali"), Username::key_of("alí"));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(Email::parse("ali@example.com").is_ok());
        for bad in [
            "",
            "ali",
            "ali@",
            "@example.com",
            "ali@example",
            "a b@example.com",
            "ali@exa mple.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn passwords_must_be_long_enough_and_not_all_digits() {
        assert!(Password::parse("correct horse").is_ok());
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("1234567890").is_err());
        assert!(Password::parse("١٢٣٤٥٦٧٨").is_err(), "Arabic-Indic digits are digits");
        assert!(Password::parse("１２３４５６７８").is_err(), "so are full-width ones");
    }

    #[test]
    fn passwords_never_print() {
        let password = Password::parse("correct horse").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
