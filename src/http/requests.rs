//! What requests carry, as the OpenAPI document describes it. Handlers do not deserialise
//! into these types: they read bodies field by field (`Fields`) and query strings
//! parameter by parameter (`Params`), so that a 400 names every bad field at once and the
//! contract's order of errors holds. These types only describe the same fields.
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use chrono::{DateTime, Utc};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::wire::{EventStatus, InvitationAnswer, InvitationStatus, Role, Visibility};

#[derive(ToSchema)]
#[schema(example = json!({"username": "ali", "email": "ali@example.com", "password": "correct horse"}))]
pub struct Register {
    /// 3–150 letters, digits and `@.+-_`; unique case-insensitively.
    #[schema(pattern = r"^[\w.@+-]+$")]
    username: String,
    #[schema(format = Email)]
    email: String,
    /// At least 8 characters, not all digits. Never returned or logged.
    #[schema(pattern = r"\D", format = Password)]
    password: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    /// `attendee` (the default) or `organizer`; with `ORGANIZERS_ONLY=true` only organizers
    /// may create events.
    #[serde(default)]
    #[schema(value_type = Role, example = "organizer")]
    role: String,
}

#[derive(ToSchema)]
#[schema(example = json!({"username": "ali", "password": "correct horse"}))]
pub struct Login {
    /// Matched case-insensitively.
    username: String,
    #[schema(format = Password)]
    password: String,
}

#[derive(ToSchema)]
pub struct Refresh {
    refresh: String,
}

#[derive(ToSchema)]
pub struct Logout {
    /// Revoked too, if given (an unknown one is no error).
    #[serde(default)]
    refresh: String,
}

#[derive(ToSchema)]
pub struct UserChanges {
    #[serde(default)]
    #[schema(format = Email)]
    email: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    /// A new password needs `current_password`, and revokes every refresh token of the user.
    #[serde(default)]
    #[schema(pattern = r"\D", format = Password)]
    password: String,
    #[serde(default)]
    #[schema(format = Password)]
    current_password: String,
    /// Which messages to be mailed; the kinds left out keep their choice.
    #[serde(default)]
    email_notifications: EmailNotificationChanges,
}

/// Each kind of message on (`true`, the default) or off; every field is optional.
#[derive(ToSchema)]
#[schema(example = json!({"reminders": false}))]
pub struct EmailNotificationChanges {
    /// An invitation to an event.
    #[serde(default)]
    invitations: bool,
    /// A seat taken from the waitlist for them.
    #[serde(default)]
    promotions: bool,
    /// An event they hold a seat for changed its time or location, closed, or was deleted.
    #[serde(default)]
    changes: bool,
    /// The reminder 24 hours before an event they hold a seat for.
    #[serde(default)]
    reminders: bool,
}

/// An event as `POST` creates it.
#[derive(ToSchema)]
#[schema(example = json!({"title": "Rust meetup", "start_time": "2027-01-15T18:00:00Z", "capacity": 2, "waitlist_enabled": true}))]
pub struct EventFields {
    title: String,
    #[serde(default)]
    description: String,
    location: Option<String>,
    /// In the future.
    start_time: DateTime<Utc>,
    /// After `start_time`.
    end_time: Option<DateTime<Utc>>,
    capacity: i64,
    /// `open` (the default) or `closed`.
    #[serde(default)]
    #[schema(value_type = EventStatus, example = "open")]
    status: String,
    #[serde(default)]
    waitlist_enabled: bool,
    /// A category's slug or id (`GET /api/categories`); none by default.
    #[serde(default)]
    category: String,
    /// `public` (the default) or `private`: a private event is seen only by its creator,
    /// members, waitlisted users and invitees; to anyone else it does not exist (404).
    #[serde(default)]
    #[schema(value_type = Visibility, example = "public")]
    visibility: String,
    /// Whether people without an account may register; `false` by default. Refused (400)
    /// on a private event.
    #[serde(default)]
    guest_registration: bool,
    /// Kinds of seat, their quantities adding up to at most `capacity`; set at creation
    /// only. Joining then requires one.
    #[serde(default)]
    ticket_types: Vec<NewTicketType>,
    /// Makes a series: one ordinary event per occurrence, the first at `start_time`.
    #[serde(default)]
    recurrence: Option<RecurrenceFields>,
}

/// Every writable field of an event, as `PUT` replaces them: none may be missing.
#[derive(ToSchema)]
#[schema(example = json!({"title": "Rust meetup", "description": "", "location": null, "start_time": "2027-01-15T18:00:00Z",
    "end_time": null, "capacity": 2, "status": "open", "waitlist_enabled": true}))]
pub struct EventReplacement {
    title: String,
    description: String,
    #[schema(required = true)]
    location: Option<String>,
    /// In the future.
    start_time: DateTime<Utc>,
    /// After `start_time`.
    #[schema(required = true)]
    end_time: Option<DateTime<Utc>>,
    capacity: i64,
    #[schema(value_type = EventStatus)]
    status: String,
    waitlist_enabled: bool,
    /// Optional even here: absent keeps the event's category, `null` removes it.
    category: Option<String>,
    /// `public` or `private`; optional even here: absent keeps the event's. A private event
    /// is seen only by its creator, members, waitlisted users and invitees; to anyone else
    /// it does not exist (404).
    #[serde(default)]
    #[schema(value_type = Visibility)]
    visibility: String,
    /// Optional even here: absent keeps the event's. Refused (400) when the event would end
    /// up private with it.
    #[serde(default)]
    guest_registration: bool,
}

/// The fields to change; the others keep their values.
#[derive(ToSchema)]
#[schema(example = json!({"capacity": 50, "status": "closed"}))]
pub struct EventChanges {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    location: Option<String>,
    /// In the future.
    #[serde(default)]
    start_time: DateTime<Utc>,
    /// After `start_time`.
    end_time: Option<DateTime<Utc>>,
    /// Not below `members_count` (409); raising it promotes waitlisted users in order.
    #[serde(default)]
    capacity: i64,
    /// `open` or `closed`; closing stops new joins, members stay.
    #[serde(default)]
    #[schema(value_type = EventStatus)]
    status: String,
    #[serde(default)]
    waitlist_enabled: bool,
    /// A category's slug or id; `null` removes it.
    category: Option<String>,
    /// `public` or `private`; absent keeps the event's. A private event is seen only by its
    /// creator, members, waitlisted users and invitees; to anyone else it does not exist (404).
    #[serde(default)]
    #[schema(value_type = Visibility)]
    visibility: String,
    /// Absent keeps the event's. Refused (400) when the event would end up private with it.
    #[serde(default)]
    guest_registration: bool,
}

/// A new category.
#[derive(ToSchema)]
#[schema(example = json!({"name": "Tech talks", "slug": "tech-talks"}))]
pub struct NewCategory {
    name: String,
    /// Made from the name when absent.
    #[serde(default)]
    slug: String,
}

/// A category's new name and/or slug.
#[derive(ToSchema)]
#[schema(example = json!({"name": "Talks"}))]
pub struct CategoryChanges {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
}

/// Whom to invite: `username` or `user_id`.
#[derive(ToSchema)]
#[schema(example = json!({"username": "bea"}))]
pub struct Invite {
    #[serde(default)]
    username: String,
    #[serde(default)]
    user_id: Uuid,
}

#[derive(ToSchema)]
#[schema(example = json!({"status": "accepted"}))]
pub struct Answer {
    /// `accepted` or `declined`.
    #[schema(value_type = InvitationAnswer)]
    status: String,
    /// When accepting an invitation to an event with ticket types: which one.
    #[serde(default)]
    ticket_type: Uuid,
}

#[derive(ToSchema)]
#[schema(example = json!({"rating": 5, "comment": "Great talks"}))]
pub struct Feedback {
    rating: i64,
    comment: Option<String>,
}

/// Which page of a list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Pagination {
    /// From 1; a page past the end has empty `results`. No deeper than 10,000 items:
    /// `page` × `page_size` above that is 400.
    page: Option<u32>,
    /// 1–100, default 20.
    page_size: Option<u32>,
}

/// Filters of the event list, all combinable.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilters {
    /// Case-insensitive substring of the title (at most 200 characters, as a title).
    title: Option<String>,
    /// Case-insensitive substring of the location (at most 200 characters, as a location).
    location: Option<String>,
    /// The creator's user id or username.
    creator: Option<String>,
    /// `open` or `closed`.
    #[param(value_type = Option<EventStatus>)]
    status: Option<String>,
    /// Inclusive; an RFC 3339 date-time, or `YYYY-MM-DD` for the start of that UTC day.
    start_after: Option<DateTime<Utc>>,
    /// Inclusive; an RFC 3339 date-time, or `YYYY-MM-DD` for the whole of that UTC day.
    start_before: Option<DateTime<Utc>>,
    /// `true`: only events that start in the future.
    upcoming: Option<bool>,
    /// `start_time` (default), `-start_time`, `created_at`, `-created_at`, `title`, `-title`;
    /// ties are broken by id.
    ordering: Option<String>,
    /// A category's slug (or id): only events filed under it.
    category: Option<String>,
}

/// The events whose log to show.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogEventFilter {
    event_id: Option<Uuid>,
}

/// Which entries of a log to show.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogTypeFilter {
    /// Only entries of this type (see the log entry's `type`).
    #[param(value_type = Option<crate::http::wire::LogType>)]
    r#type: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationFilters {
    /// `pending`, `accepted` or `declined`.
    #[param(value_type = Option<InvitationStatus>)]
    status: Option<String>,
}

/// An event named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EventPath {
    /// The event's id.
    id: Uuid,
}

/// A category named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CategoryPath {
    /// The category's id.
    id: Uuid,
}

/// A series named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SeriesPath {
    /// The series' id.
    id: Uuid,
}

/// How an event repeats (`POST /api/events`): every `interval` weeks or months, `count`
/// times or `until` a time; at most 200 occurrences.
#[derive(ToSchema)]
#[schema(example = json!({"freq": "weekly", "interval": 1, "count": 10}))]
pub struct RecurrenceFields {
    #[schema(pattern = "^(weekly|monthly)$")]
    freq: String,
    #[serde(default)]
    interval: i64,
    /// Give `count` or `until`, not both.
    #[serde(default)]
    count: i64,
    /// Inclusive.
    #[serde(default)]
    until: DateTime<Utc>,
}

/// The fields to change on every future occurrence of a series.
#[derive(ToSchema)]
#[schema(example = json!({"title": "Weekly Rust meetup", "capacity": 30}))]
pub struct SeriesChanges {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    location: Option<String>,
    #[serde(default)]
    capacity: i64,
    #[serde(default)]
    #[schema(value_type = EventStatus)]
    status: String,
    #[serde(default)]
    waitlist_enabled: bool,
    /// A category's slug or id; `null` removes it.
    category: Option<String>,
}

/// An event and one of its tickets.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TicketPath {
    /// The event's id.
    id: Uuid,
    /// The ticket's code.
    code: Uuid,
}

/// A ticket scanned at the door.
#[derive(ToSchema)]
#[schema(example = json!({"code": "3f0c8a4e-9d0b-4f5e-8a8e-2b7f1f6f0c11"}))]
pub struct CheckIn {
    code: Uuid,
}

/// A guest's registration: a name and the address the confirmation link goes to.
/// `ticket_type` as in a join: required when the event sells types, refused otherwise.
#[derive(ToSchema)]
#[schema(example = json!({"name": "Ann Smith", "email": "ann@example.com"}))]
pub struct GuestRegistration {
    name: String,
    #[schema(format = Email)]
    email: String,
    ticket_type: Option<Uuid>,
}

/// The token of a guest's link (confirmation, or cancellation).
#[derive(ToSchema)]
#[schema(example = json!({"token": "8f1c…"}))]
pub struct GuestToken {
    token: String,
}

/// A guest of an event.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GuestPath {
    /// The event's id.
    id: Uuid,
    /// The guest's id (as `/members` and `/waitlist` show it).
    guest_id: Uuid,
}

/// Which ticket type to join as: required when the event sells types, refused otherwise.
#[derive(ToSchema)]
pub struct JoinFields {
    ticket_type: Uuid,
}

/// A kind of seat, as `POST /api/events` takes it in `ticket_types`.
#[derive(ToSchema)]
#[schema(example = json!({"name": "Early bird", "price": "12.50", "currency": "EUR", "quantity": 20}))]
pub struct NewTicketType {
    name: String,
    /// A decimal string (never a JSON number, which would pass through a float).
    #[schema(pattern = r"^\d{1,9}(\.\d{1,3})?$")]
    price: String,
    #[schema(pattern = "^[A-Z]{3}$")]
    currency: String,
    quantity: i64,
}

/// An event and one of its members (or waitlisted users).
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    /// The event's id.
    id: Uuid,
    /// The user's id.
    user_id: Uuid,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitationPath {
    /// The invitation's id.
    id: Uuid,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LogPath {
    /// The event's id (also of a deleted event).
    event_id: Uuid,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Only what was recorded after this position (`tx-pos`, from an item's `position` or a
    /// page's `position`), or `now` for only what happens from here on. Default: from the
    /// beginning for a JSON page, `now` for a stream (`after=0-0` streams the history too).
    /// A `Last-Event-ID` header takes precedence.
    #[param(pattern = r"^(\d+-\d+|now)$", example = "0-42")]
    after: Option<String>,
    /// How many items a JSON page holds: 1–100, default 20.
    page_size: Option<u32>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnreadFilter {
    /// `true`: only unread notifications; `false`: only read ones.
    unread: Option<bool>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NotificationPath {
    id: Uuid,
}
