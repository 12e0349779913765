//! The limits of fields and query parameters in the OpenAPI document, taken from the
//! constants the server checks them against. An attribute such as `max_length = 200`
//! would be a second copy of a rule that lives in the domain; here each limit names its
//! constant, so changing the rule changes the document. A listed field that the document
//! lacks stops the service at start (and every test), so this list cannot silently rot.

use aggregates::event::MAX_TICKET_TYPES;
use aggregates::values::{
    Capacity, Comment, Description, Email, GuestName, Location, Password, Rating, Recurrence, TicketTypeName, Title,
    Username, MAX_OCCURRENCES,
};
use projections::events::EventOrdering;
use utoipa::openapi::schema::{Object, Schema};
use utoipa::openapi::{Components, OpenApi, RefOr};
use utoipa::Number;

use super::accounts::requests::MAX_NAME_CHARS;
use super::query::{MAX_PAGED_ITEMS, MAX_PAGE_SIZE};
use crate::categories::{MAX_NAME_CHARS as MAX_CATEGORY_CHARS, MAX_SLUG_CHARS, SLUG_PATTERN};
use crate::guests::TOKEN_CHARS;

/// What a field may hold.
enum Limit {
    /// A string of this many characters (a `min` of 0 is left out).
    Chars { min: usize, max: usize },
    /// An integer in this range.
    Range { min: i64, max: i64 },
    /// An array of at most this many items.
    Items(usize),
    /// A string matching this pattern.
    Pattern(String),
}

fn chars(min: usize, max: usize) -> Limit {
    Limit::Chars { min, max }
}

/// The limits of an event's writable fields, wherever they are written or shown.
fn event_fields() -> [(&'static str, Limit); 4] {
    [
        ("title", chars(Title::MIN_CHARS, Title::MAX_CHARS)),
        ("description", chars(Description::MIN_CHARS, Description::MAX_CHARS)),
        ("location", chars(Location::MIN_CHARS, Location::MAX_CHARS)),
        (
            "capacity",
            Limit::Range {
                min: Capacity::MIN,
                max: Capacity::MAX,
            },
        ),
    ]
}

fn names() -> [(&'static str, Limit); 2] {
    [
        ("first_name", chars(0, MAX_NAME_CHARS)),
        ("last_name", chars(0, MAX_NAME_CHARS)),
    ]
}

fn category() -> [(&'static str, Limit); 3] {
    [
        ("name", chars(1, MAX_CATEGORY_CHARS)),
        ("slug", chars(1, MAX_SLUG_CHARS)),
        ("slug", Limit::Pattern(SLUG_PATTERN.to_owned())),
    ]
}

/// Each component schema's limited properties.
fn schemas() -> Vec<(&'static str, Vec<(&'static str, Limit)>)> {
    let email = || ("email", chars(0, Email::MAX_CHARS));
    let password = || ("password", chars(Password::MIN_CHARS, Password::MAX_CHARS));
    let account = || {
        let mut limits = vec![email(), password()];
        limits.extend(names());
        limits
    };
    let mut register = account();
    register.push(("username", chars(Username::MIN_CHARS, Username::MAX_CHARS)));
    let mut creation = Vec::from(event_fields());
    creation.push(("ticket_types", Limit::Items(MAX_TICKET_TYPES)));
    let token = || {
        vec![
            ("token", chars(TOKEN_CHARS, TOKEN_CHARS)),
            ("token", Limit::Pattern(format!("^[0-9a-f]{{{TOKEN_CHARS}}}$"))),
        ]
    };
    vec![
        ("Register", register),
        ("UserChanges", account()),
        ("EventFields", creation),
        ("EventReplacement", event_fields().into()),
        ("EventChanges", event_fields().into()),
        ("SeriesChanges", event_fields().into()),
        ("EventBody", event_fields().into()),
        ("NewCategory", category().into()),
        ("CategoryChanges", category().into()),
        (
            "Feedback",
            vec![
                (
                    "rating",
                    Limit::Range {
                        min: Rating::MIN,
                        max: Rating::MAX,
                    },
                ),
                ("comment", chars(Comment::MIN_CHARS, Comment::MAX_CHARS)),
            ],
        ),
        (
            "FeedbackBody",
            vec![(
                "rating",
                Limit::Range {
                    min: Rating::MIN,
                    max: Rating::MAX,
                },
            )],
        ),
        (
            "RecurrenceFields",
            vec![
                (
                    "interval",
                    Limit::Range {
                        min: 1,
                        max: Recurrence::MAX_INTERVAL,
                    },
                ),
                (
                    "count",
                    Limit::Range {
                        min: 1,
                        max: MAX_OCCURRENCES as i64,
                    },
                ),
            ],
        ),
        (
            "GuestRegistration",
            vec![("name", chars(GuestName::MIN_CHARS, GuestName::MAX_CHARS)), email()],
        ),
        ("GuestToken", token()),
        (
            "NewTicketType",
            vec![
                ("name", chars(TicketTypeName::MIN_CHARS, TicketTypeName::MAX_CHARS)),
                (
                    "quantity",
                    Limit::Range {
                        min: Capacity::MIN,
                        max: Capacity::MAX,
                    },
                ),
            ],
        ),
    ]
}

/// Each query parameter's limits, in every operation that takes it.
fn parameters() -> Vec<(&'static str, Limit)> {
    let orderings: Vec<&str> = EventOrdering::CHOICES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !name.starts_with('-'))
        .collect();
    vec![
        (
            "page",
            Limit::Range {
                min: 1,
                max: MAX_PAGED_ITEMS as i64,
            },
        ),
        (
            "page_size",
            Limit::Range {
                min: 1,
                max: i64::from(MAX_PAGE_SIZE),
            },
        ),
        ("title", chars(0, Title::MAX_CHARS)),
        ("location", chars(0, Location::MAX_CHARS)),
        ("ordering", Limit::Pattern(format!("^-?({})$", orderings.join("|")))),
    ]
}

/// Writes every limit into `doc`.
///
/// # Panics
/// If a listed schema, property or parameter is not in the document: a request type was
/// renamed and its limits would be lost.
pub fn apply(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Components::default);
    for (schema, limits) in schemas() {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema) else {
            panic!("bounds: no schema {schema} in the OpenAPI document");
        };
        for (property, limit) in limits {
            let Some(RefOr::T(field)) = object.properties.get_mut(property) else {
                panic!("bounds: no property {property} in the schema {schema}");
            };
            set(field, &limit, &format!("{schema}.{property}"));
        }
    }
    for (name, limit) in parameters() {
        let mut found = false;
        let operations = doc.paths.paths.values_mut().flat_map(|item| {
            [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
        });
        for operation in operations {
            for parameter in operation.parameters.iter_mut().flatten() {
                let RefOr::T(parameter) = parameter else { continue };
                if let (true, Some(RefOr::T(schema))) = (parameter.name == name, parameter.schema.as_mut()) {
                    set(schema, &limit, name);
                    found = true;
                }
            }
        }
        assert!(found, "bounds: no operation takes the parameter {name}");
    }
}

fn set(schema: &mut Schema, limit: &Limit, what: &str) {
    match (schema, limit) {
        (Schema::Object(object), Limit::Chars { min, max }) => {
            object.min_length = (*min > 0).then_some(*min);
            object.max_length = Some(*max);
        }
        (Schema::Object(object), Limit::Range { min, max }) => range(object, *min, *max),
        (Schema::Object(object), Limit::Pattern(pattern)) => object.pattern = Some(pattern.clone()),
        (Schema::Array(array), Limit::Items(max)) => array.max_items = Some(*max),
        _ => panic!("bounds: {what} is not the kind of schema its limit is for"),
    }
}

fn range(object: &mut Object, min: i64, max: i64) {
    let number = |n: i64| Number::Int(isize::try_from(n).expect("a limit fits a machine word"));
    object.minimum = Some(number(min));
    object.maximum = Some(number(max));
}
