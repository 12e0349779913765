//! The OpenAPI document: the operations come from the handlers' `#[utoipa::path]`s (the
//! router and the document are built from the same `routes!` calls); what every operation
//! shares — error answers, authentication, `Idempotency-Key` — is added here by rule.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::Extension;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::schema::{ArrayItems, Object, SchemaType};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Header, OpenApi, Ref, RefOr, Required, Response, Schema, Type};
use utoipa::OpenApi as _;

use super::error::Problem;

/// The parts of the document that no handler owns.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Event Manager API", description = include_str!("openapi.md")),
    components(schemas(Problem)),
    tags(
        (name = "auth", description = "Registration and tokens"),
        (name = "users", description = "The caller's account and memberships"),
        (name = "events", description = "Events and a creator's changes to them"),
        (name = "membership", description = "Joining, leaving, members and waitlists"),
        (name = "invitations", description = "Invitations to events"),
        (name = "feedback", description = "Ratings of events that took place"),
        (name = "categories", description = "Categories events are filed under, kept by administrators"),
        (name = "tickets", description = "Ticket types, tickets and check-in"),
        (name = "guests", description = "Seats for people without an account, confirmed by email"),
        (name = "series", description = "Recurring events: series of ordinary events"),
        (name = "logs", description = "The creator's activity log and raw history"),
        (name = "live", description = "The change feed, notifications and their live streams"),
        (name = "calendar", description = "iCalendar export of events and a personal subscription feed"),
        (name = "operations", description = "Health, readiness, metrics and this document"),
    )
)]
struct ApiDoc;

/// The calendar files, whose paths the router serves rewritten (see `calendar::ics_paths`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(super::calendar::event, super::calendar::subscription))]
pub struct Calendars;

/// The name of the bearer security scheme that secured operations refer to.
pub const BEARER: &str = "bearer";

/// The document's skeleton, before the routes add their operations.
pub fn skeleton() -> OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

/// Adds what every operation shares, once all of them are in the document.
pub fn complete(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    pages_refer_to_their_items(&mut components.schemas);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            (false, &mut item.get),
            (false, &mut item.put),
            (true, &mut item.post),
            (false, &mut item.patch),
            (false, &mut item.delete),
        ];
        for (is_post, operation) in operations {
            if let Some(operation) = operation {
                conventions(path, is_post, operation);
            }
        }
    }
}

/// A page's `results` refer to their item's component. utoipa inlines a generic's argument,
/// which gave generated clients a second, unrelated type for every item
/// (`PageBodyMemberBodyResultsItem` beside `MemberBody`).
fn pages_refer_to_their_items(schemas: &mut BTreeMap<String, RefOr<Schema>>) {
    let pages: Vec<String> = schemas.keys().filter(|name| name.starts_with(PAGE)).cloned().collect();
    for page in pages {
        let item = &page[PAGE.len()..];
        let Some(component) = schemas.get(item).cloned() else {
            continue;
        };
        if let Some(RefOr::T(Schema::Object(object))) = schemas.get_mut(&page) {
            if let Some(RefOr::T(Schema::Array(results))) = object.properties.get_mut("results") {
                if let ArrayItems::RefOrSchema(items) = &mut results.items {
                    if **items == component {
                        **items = RefOr::Ref(Ref::from_schema_name(item));
                    }
                }
            }
        }
    }
}

/// How utoipa names `PageBody<T>`: `PageBody_T`.
const PAGE: &str = "PageBody_";

/// The contract's general rules, as they apply to one operation.
fn conventions(path: &str, is_post: bool, operation: &mut Operation) {
    // Handlers' names repeat across modules (`list`, `of_event`); with the tag they do not.
    if let (Some(tag), Some(id)) = (operation.tags.iter().flatten().next(), &operation.operation_id) {
        operation.operation_id = Some(format!("{tag}.{id}"));
    }
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let paginated = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p, RefOr::T(p) if p.name == "page"));
    if secured {
        let unauthorized = with_header(
            problem("not authenticated: no access token, or one that is invalid, expired or revoked"),
            "WWW-Authenticate",
            "`Bearer`",
        );
        add(operation, "401", unauthorized);
    }
    if path.contains('{') {
        let of_event = ["/api/events/{id}", "/api/logs/{event_id}", "/api/series/{id}"]
            .iter()
            .any(|prefix| path.starts_with(prefix));
        let missing = if of_event {
            "no such resource (also: an id that is not a UUID, or a private event the caller may \
             not see: only its creator, members, waitlisted users and invitees see it)"
        } else {
            "no such resource (also: an id that is not a UUID)"
        };
        add(operation, "404", problem(missing));
    }
    optional_body_not_null(operation);
    // The guests' pages (outside `/api`) take forms and answer pages of their own.
    if operation.request_body.is_some() && path.starts_with("/api/") {
        add(
            operation,
            "400",
            problem("malformed JSON, or invalid fields (`errors` names each)"),
        );
        add(
            operation,
            "408",
            problem(&format!(
                "the body did not arrive within {} s of the request's head",
                super::extract::BODY_WITHIN.as_secs()
            )),
        );
        add(
            operation,
            "413",
            problem(
                "the body is larger than 64 KiB (also: a declared `Content-Length` over it, refused before it is read)",
            ),
        );
        add(
            operation,
            "415",
            problem("the body is not JSON (`Content-Type: application/json`), or comes with a `Content-Encoding` (bodies are not decoded)"),
        );
    }
    if paginated {
        add(
            operation,
            "400",
            problem("a query parameter is invalid (`errors` names each)"),
        );
    }
    if path.starts_with("/api/") {
        let unavailable = with_header(
            problem(
                "the store is unavailable, the request took too long, or too many passwords are being checked; retry",
            ),
            "Retry-After",
            "seconds to wait before retrying",
        );
        add(operation, "503", unavailable);
    }
    let holds_credentials = super::idempotency::WITH_CREDENTIALS
        .iter()
        .any(|credentials| path.strip_prefix("/api") == Some(credentials));
    let anonymous_keys = path.starts_with("/api/") && super::idempotency::keeps_anonymous_keys(path);
    if is_post && !holds_credentials && (secured || anonymous_keys) {
        idempotency(operation);
    }
    // Handlers name their own error statuses; every error answer has the problem shape.
    for (status, response) in operation.responses.responses.iter_mut() {
        if let (true, RefOr::T(response)) = (status.starts_with(['4', '5']), response) {
            if response.content.is_empty() {
                response
                    .content
                    .insert("application/problem+json".to_owned(), problem_content());
            }
        }
    }
}

/// A body a client may leave out is described as optional (`required` unset), not as one
/// that may be `null`: from `Option<Json>` utoipa writes `oneOf: [T, null]`, and a generated
/// client then has no way to send nothing (openapi-python-client sent its `UNSET` marker as
/// the JSON body and failed).
fn optional_body_not_null(operation: &mut Operation) {
    let Some(RefOr::T(body)) = operation.request_body.as_mut() else {
        return;
    };
    if matches!(body.required, Some(Required::True)) {
        return;
    }
    for content in body.content.values_mut() {
        let RefOr::T(content) = content else {
            continue;
        };
        let only_not_null = match &content.schema {
            Some(RefOr::T(Schema::OneOf(one_of))) => {
                match one_of.items.iter().filter(|s| !is_null(s)).collect::<Vec<_>>()[..] {
                    [only] => Some(only.clone()),
                    _ => None,
                }
            }
            _ => None,
        };
        if only_not_null.is_some() {
            content.schema = only_not_null;
        }
    }
}

fn is_null(schema: &RefOr<Schema>) -> bool {
    matches!(schema, RefOr::T(Schema::Object(object)) if object.schema_type == SchemaType::Type(Type::Null))
}

/// `Idempotency-Key` on authenticated `POST`s and on registration: the header, its replays
/// and its refusals.
fn idempotency(operation: &mut Operation) {
    let mut key = Parameter::new("Idempotency-Key");
    key.parameter_in = ParameterIn::Header;
    key.required = Required::False;
    let mut schema = Object::with_type(Type::String);
    schema.min_length = Some(1);
    schema.max_length = Some(255);
    schema.pattern = Some("^[!-~]+$".to_owned());
    key.schema = Some(RefOr::T(Schema::Object(schema)));
    key.description = Some(
        "1–255 visible ASCII characters. A retry with the same key by the same user within 24 hours \
         gets the first answer again (with `Idempotent-Replayed: true`) and changes nothing. As at \
         Stripe, a first answer that ran no command is not kept: a 5xx, or a refusal before the \
         command (400, 401, 403, 404, 408, 412, 413, 415, 429), so the corrected request may use \
         the key; a 409 is the command's own answer and is kept. A retry while the first \
         request runs waits for its answer (up to 30 s, then 409). The first request runs to its \
         end even if the client hangs up; creating an event and joining record their answer in \
         the transaction that commits them, so once committed they are always replayed."
            .to_owned(),
    );
    operation.parameters.get_or_insert_with(Vec::new).push(RefOr::T(key));
    add(
        operation,
        "400",
        problem("an invalid Idempotency-Key, or invalid fields"),
    );
    add(
        operation,
        "422",
        problem("this Idempotency-Key was used with another request"),
    );
    add(
        operation,
        "409",
        problem("a request with this Idempotency-Key is still in progress"),
    );
    for (status, response) in operation.responses.responses.iter_mut() {
        if let (false, RefOr::T(response)) = (status.starts_with('5'), response) {
            let replayed = header("`true` on a replay of an earlier answer to the same Idempotency-Key");
            response.headers.insert("Idempotent-Replayed".to_owned(), replayed);
        }
    }
}

/// A problem+json answer with this description.
fn problem(description: &str) -> Response {
    let mut response = Response::new(description);
    response
        .content
        .insert("application/problem+json".to_owned(), problem_content());
    response
}

fn problem_content() -> RefOr<Content> {
    RefOr::T(Content::new(Some(Ref::from_schema_name("Problem"))))
}

fn with_header(mut response: Response, name: &str, description: &str) -> Response {
    response.headers.insert(name.to_owned(), header(description));
    response
}

fn header(description: &str) -> RefOr<Header> {
    let mut header = Header::new(string_schema());
    header.description = Some(description.to_owned());
    RefOr::T(header)
}

fn string_schema() -> RefOr<Schema> {
    RefOr::T(Schema::Object(Object::with_type(Type::String)))
}

/// Adds a response unless the handler described that status itself.
fn add(operation: &mut Operation, status: &str, response: Response) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert(RefOr::T(response));
}

/// `GET /api/openapi.json`: this document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document of this service", content_type = "application/json")))]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn document(Extension(Document(json)): Extension<Document>) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], json)
}

/// The document, serialised once when the router is built.
#[derive(Clone)]
pub struct Document(pub Bytes);
