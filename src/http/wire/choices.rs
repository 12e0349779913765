//! The closed sets of strings the API answers and accepts, for the document only. The wire
//! and request structs carry plain strings (the read models' columns, checked by the
//! handlers); `#[schema(value_type = …)]` names the set, so the document says `enum` and a
//! generated client gets one instead of a bare string.
#![expect(
    dead_code,
    reason = "schema-only types: the document names these sets, no value is built"
)]

use utoipa::ToSchema;

/// An event's status: closed events take no new members.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum EventStatus {
    Open,
    Closed,
}

/// Who sees an event: anyone, or only its creator, members, waitlisted users and invitees.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Visibility {
    Public,
    Private,
}

/// A seat, or a place on the waitlist.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum SeatStatus {
    Member,
    Waitlisted,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Declined,
}

/// What an invitee may answer.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum InvitationAnswer {
    Accepted,
    Declined,
}

/// `void`: the holder left or the event was deleted.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum TicketStatus {
    Valid,
    CheckedIn,
    Void,
}

/// Organizers may create events when `ORGANIZERS_ONLY=true`; attendees then may not.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Role {
    Attendee,
    Organizer,
}

#[derive(ToSchema)]
pub enum TokenType {
    Bearer,
}

/// An activity log entry's `type`. The set is `projections::activity::LOG_TYPES`, the one
/// the server checks filters against, so the document cannot drift from it.
pub struct LogType;

impl utoipa::PartialSchema for LogType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(projections::activity::LOG_TYPES))
            .description(Some("The kind of change a log entry records."))
            .into()
    }
}

impl ToSchema for LogType {}
