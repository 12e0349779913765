//! What requests carry, as the OpenAPI document describes it. Handlers do not deserialise
//! into these types: they read bodies field by field (`Fields`) and query strings
//! parameter by parameter (`Params`), so that a 400 names every bad field at once and the
//! contract's order of errors holds. These types only describe the same fields.
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use chrono::{DateTime, Utc};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(ToSchema)]
#[schema(example = json!({"username": "ali", "email": "ali@example.com", "password": "correct horse"}))]
pub struct Register {
    /// 3–150 letters, digits and `@.+-_`; unique case-insensitively.
    #[schema(min_length = 3, max_length = 150, pattern = r"^[\w.@+-]+$")]
    username: String,
    #[schema(format = Email)]
    email: String,
    /// At least 8 characters, not all digits. Never returned or logged.
    #[schema(min_length = 8, format = Password)]
    password: String,
    #[schema(max_length = 150)]
    first_name: Option<String>,
    #[schema(max_length = 150)]
    last_name: Option<String>,
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
    refresh: Option<String>,
}

#[derive(ToSchema)]
pub struct UserChanges {
    #[schema(format = Email)]
    email: Option<String>,
    #[schema(max_length = 150)]
    first_name: Option<String>,
    #[schema(max_length = 150)]
    last_name: Option<String>,
    /// A new password needs `current_password`, and revokes every refresh token of the user.
    #[schema(min_length = 8, format = Password)]
    password: Option<String>,
    #[schema(format = Password)]
    current_password: Option<String>,
}

/// An event as `POST` creates it and `PUT` replaces it (`PUT` requires every field).
#[derive(ToSchema)]
#[schema(example = json!({"title": "Rust meetup", "start_time": "2027-01-15T18:00:00Z", "capacity": 2, "waitlist_enabled": true}))]
pub struct EventFields {
    #[schema(min_length = 1, max_length = 200)]
    title: String,
    #[schema(max_length = 5000)]
    description: Option<String>,
    #[schema(max_length = 200)]
    location: Option<String>,
    /// In the future.
    start_time: DateTime<Utc>,
    /// After `start_time`.
    end_time: Option<DateTime<Utc>>,
    #[schema(minimum = 1, maximum = 100000)]
    capacity: i64,
    /// `open` (the default) or `closed`.
    #[schema(example = "open")]
    status: Option<String>,
    waitlist_enabled: Option<bool>,
}

/// The fields to change; the others keep their values.
#[derive(ToSchema)]
#[schema(example = json!({"capacity": 50, "status": "closed"}))]
pub struct EventChanges {
    #[schema(min_length = 1, max_length = 200)]
    title: Option<String>,
    #[schema(max_length = 5000)]
    description: Option<String>,
    #[schema(max_length = 200)]
    location: Option<String>,
    start_time: Option<DateTime<Utc>>,
    end_time: Option<DateTime<Utc>>,
    /// Not below `members_count` (409); raising it promotes waitlisted users in order.
    #[schema(minimum = 1, maximum = 100000)]
    capacity: Option<i64>,
    /// `open` or `closed`; closing stops new joins, members stay.
    status: Option<String>,
    waitlist_enabled: Option<bool>,
}

/// Whom to invite: `username` or `user_id`.
#[derive(ToSchema)]
#[schema(example = json!({"username": "bea"}))]
pub struct Invite {
    username: Option<String>,
    user_id: Option<Uuid>,
}

#[derive(ToSchema)]
#[schema(example = json!({"status": "accepted"}))]
pub struct Answer {
    /// `accepted` or `declined`.
    status: String,
}

#[derive(ToSchema)]
#[schema(example = json!({"rating": 5, "comment": "Great talks"}))]
pub struct Feedback {
    #[schema(minimum = 1, maximum = 5)]
    rating: i64,
    #[schema(max_length = 2000)]
    comment: Option<String>,
}

/// Which page of a list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Pagination {
    /// From 1; a page past the end has empty `results`.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    page_size: Option<u32>,
}

/// Filters of the event list, all combinable.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilters {
    /// Case-insensitive substring of the title.
    title: Option<String>,
    /// Case-insensitive substring of the location.
    location: Option<String>,
    /// The creator's user id or username.
    creator: Option<String>,
    /// `open` or `closed`.
    status: Option<String>,
    /// Inclusive; RFC 3339, or `YYYY-MM-DD` for the start of that UTC day.
    start_after: Option<String>,
    /// Inclusive; RFC 3339, or `YYYY-MM-DD` for the whole of that UTC day.
    start_before: Option<String>,
    /// `true`: only events that start in the future.
    upcoming: Option<bool>,
    /// `start_time` (default), `-start_time`, `created_at`, `-created_at`, `title`, `-title`;
    /// ties are broken by id.
    ordering: Option<String>,
}

/// Filters of the activity log.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogFilters {
    event_id: Option<Uuid>,
    /// An entry type such as `member_joined`.
    r#type: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationFilters {
    /// `pending`, `accepted` or `declined`.
    status: Option<String>,
}

/// An event named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EventPath {
    /// The event's id.
    id: Uuid,
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
