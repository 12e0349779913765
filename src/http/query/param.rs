//! Query strings as types: each operation's query is one type in its resource's
//! `requests.rs` that both parses it (serde) and documents it (utoipa's `IntoParams`). Its
//! parameters are [`Param`]s, which, like a body's `Field`s, keep a bad value as that
//! parameter's problem, so that one 400 names every bad parameter at once.

use std::collections::HashMap;

use serde::de::value::{Error as ValueError, MapDeserializer};
use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::http::fields::{Field, Fields};

/// How a query parameter's text becomes a `Self`, or the message that says why it cannot.
pub trait FromParam: Sized {
    fn from_param(raw: &str) -> Result<Self, String>;
}

/// A query string's parameters, read as one type.
pub trait Query: DeserializeOwned {
    /// What the handler gets from a valid query.
    type Valid;

    /// Reads every parameter, naming each bad one in `fields`.
    fn validate(self, fields: &mut Fields) -> Self::Valid;
}

/// Reads `pairs` as `Q`, the last value of a name winning; problems go to `fields`.
pub(super) fn read<Q: Query>(pairs: &[(String, String)], fields: &mut Fields) -> Result<Q::Valid, ApiError> {
    let latest: HashMap<&str, &str> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let query = Q::deserialize(MapDeserializer::<_, ValueError>::new(latest.into_iter()))
        .map_err(|error| ApiError::internal(format!("a query type failed to read: {error}")))?;
    Ok(query.validate(fields))
}

/// One query parameter, as sent: absent, or its text parsed.
#[derive(Debug)]
pub struct Param<T>(Option<Result<T, String>>);

impl<T> Default for Param<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<'de, T: FromParam> Deserialize<'de> for Param<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(Self(Some(T::from_param(&raw))))
    }
}

impl<T> Param<T> {
    /// Its value if sent and valid; a bad one is named in `fields` under `name`.
    pub fn read(self, name: &str, fields: &mut Fields) -> Option<T> {
        fields.optional(name, self.0.map_or(Field::Absent, Field::Sent))
    }
}

impl FromParam for String {
    fn from_param(raw: &str) -> Result<Self, String> {
        Ok(raw.to_owned())
    }
}

impl FromParam for Uuid {
    fn from_param(raw: &str) -> Result<Self, String> {
        Uuid::parse_str(raw).map_err(|_| "must be a UUID".to_owned())
    }
}

/// As DRF's `BooleanField` reads a query: `true`, `1`, `yes` or their opposites, any case.
impl FromParam for bool {
    fn from_param(raw: &str) -> Result<Self, String> {
        match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err("must be true or false".to_owned()),
        }
    }
}

/// An integer from `MIN` to `MAX`.
#[derive(Debug, Clone, Copy)]
pub struct Bounded<const MIN: u32, const MAX: u32>(pub u32);

impl<const MIN: u32, const MAX: u32> FromParam for Bounded<MIN, MAX> {
    fn from_param(raw: &str) -> Result<Self, String> {
        raw.parse::<u32>()
            .ok()
            .filter(|n| (MIN..=MAX).contains(n))
            .map(Self)
            .ok_or_else(|| format!("must be an integer between {MIN} and {MAX}"))
    }
}

/// A substring to search a field of at most `MAX` characters for: a longer one can match
/// nothing, and would cost the store a pattern as long.
#[derive(Debug)]
pub struct Substring<const MAX: usize>(pub String);

impl<const MAX: usize> FromParam for Substring<MAX> {
    fn from_param(raw: &str) -> Result<Self, String> {
        if raw.chars().count() > MAX {
            Err(format!("ensure this value has at most {MAX} characters"))
        } else {
            Ok(Self(raw.to_owned()))
        }
    }
}

/// A closed set of choices, each sent as its name.
pub fn choice<T: Copy>(raw: &str, choices: &[(&str, T)]) -> Result<T, String> {
    choices
        .iter()
        .find(|(name, _)| *name == raw)
        .map(|(_, choice)| *choice)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
            format!("\"{raw}\" is not a valid choice ({})", names.join(", "))
        })
}

#[cfg(test)]
mod tests {
    use projections::PageRequest;

    use super::*;
    use crate::http::query::Pagination;

    #[derive(serde::Deserialize)]
    struct Search {
        #[serde(default)]
        id: Param<Uuid>,
        #[serde(default)]
        name: Param<Substring<3>>,
        #[serde(default)]
        upcoming: Param<bool>,
    }

    impl Query for Search {
        type Valid = (Option<Uuid>, Option<String>, Option<bool>);

        fn validate(self, fields: &mut Fields) -> Self::Valid {
            let id = self.id.read("id", fields);
            let name = self.name.read("name", fields).map(|Substring(name)| name);
            (id, name, self.upcoming.read("upcoming", fields))
        }
    }

    fn pairs(query: &[(&str, &str)]) -> Vec<(String, String)> {
        query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn every_bad_parameter_is_named_at_once_and_unknown_ones_are_ignored() {
        let mut fields = Fields::new();
        let query = pairs(&[("id", "nope"), ("name", "long"), ("upcoming", "maybe"), ("other", "x")]);
        let read = read::<Search>(&query, &mut fields).expect("parameters never fail the query");
        assert_eq!(read, (None, None, None));
        let errors = fields.problems_for_test();
        assert_eq!(errors["id"], ["must be a UUID"]);
        assert_eq!(errors["name"], ["ensure this value has at most 3 characters"]);
        assert_eq!(errors["upcoming"], ["must be true or false"]);
        assert_eq!(errors.len(), 3);
    }

    #[test]
    fn the_last_value_of_a_name_wins_and_absent_ones_are_none() {
        let mut fields = Fields::new();
        let query = pairs(&[("name", "toolong"), ("upcoming", "no"), ("name", "abc")]);
        let read = read::<Search>(&query, &mut fields).expect("parameters never fail the query");
        assert_eq!(read, (None, Some("abc".to_owned()), Some(false)));
        assert!(fields.finish().is_ok());
    }

    #[test]
    fn pages_have_a_default_and_bounds_and_a_depth() {
        let mut fields = Fields::new();
        let page = read::<Pagination>(&[], &mut fields).expect("parameters never fail the query");
        assert_eq!(page, PageRequest { page: 1, size: 20 });
        let bad = pairs(&[("page", "0"), ("page_size", "101")]);
        read::<Pagination>(&bad, &mut fields).expect("parameters never fail the query");
        let errors = fields.problems_for_test();
        assert_eq!(errors["page"], ["must be an integer between 1 and 4294967294"]);
        assert_eq!(errors["page_size"], ["must be an integer between 1 and 100"]);
        let mut fields = Fields::new();
        read::<Pagination>(&pairs(&[("page", "101"), ("page_size", "100")]), &mut fields).expect("reads");
        assert_eq!(fields.problems_for_test()["page"].len(), 1);
    }
}
