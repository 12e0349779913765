//! This resource's request bodies and parameters, as the OpenAPI document describes them
//! (see `crate::http::fields` for why handlers do not deserialise into them).
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

use utoipa::ToSchema;

use crate::http::wire::Role;

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
