//! This resource's request bodies, which parse and document them.

use aggregates::values::{Email, Password, Username};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::accounts::{EmailNotificationChanges as NotificationChanges, Role};
use crate::http::error::ApiError;
use crate::http::fields::{object, Field, Fields, FromJson};
use crate::http::wire;

/// The longest first or last name, in characters, as in Django.
pub const MAX_NAME_CHARS: usize = 150;

/// A first or last name: at most 150 characters, like Django's.
pub struct PersonName(String);

impl FromJson for PersonName {
    fn from_json(value: &Value) -> Result<Self, String> {
        let name = String::from_json(value)?;
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "ensure this field has no more than {MAX_NAME_CHARS} characters"
            ));
        }
        Ok(Self(name))
    }
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"username": "ali", "email": "ali@example.com", "password": "correct horse"}))]
pub struct Register {
    #[serde(default)]
    /// 3–150 letters, digits and `@.+-_`; unique case-insensitively.
    #[schema(value_type = String, pattern = r"^[\w.@+-]+$", required = true)]
    username: Field<Username>,
    #[serde(default)]
    #[schema(value_type = String, format = Email, required = true)]
    email: Field<Email>,
    #[serde(default)]
    /// At least 8 characters, not all digits. Never returned or logged.
    #[schema(value_type = String, pattern = r"\D", format = Password, required = true)]
    password: Field<Password>,
    #[serde(default)]
    #[schema(value_type = String)]
    first_name: Field<PersonName>,
    #[serde(default)]
    #[schema(value_type = String)]
    last_name: Field<PersonName>,
    #[serde(default)]
    /// `attendee` (the default) or `organizer`; with `ORGANIZERS_ONLY=true` only organizers
    /// may create events.
    #[schema(value_type = wire::Role, example = "organizer")]
    role: Field<Role>,
}

/// A new account as asked for.
pub struct Registration {
    pub username: Username,
    pub email: Email,
    pub password: Password,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
}

impl Register {
    pub fn validate(self) -> Result<Registration, ApiError> {
        let mut fields = Fields::new();
        let username = fields.required("username", self.username);
        let email = fields.required("email", self.email);
        let password = fields.required("password", self.password);
        let first_name = fields.optional("first_name", self.first_name).map(|PersonName(n)| n);
        let last_name = fields.optional("last_name", self.last_name).map(|PersonName(n)| n);
        let role = fields.optional("role", self.role).unwrap_or_default();
        fields.complete(|| {
            Some(Registration {
                username: username?,
                email: email?,
                password: password?,
                first_name: first_name.unwrap_or_default(),
                last_name: last_name.unwrap_or_default(),
                role,
            })
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"username": "ali", "password": "correct horse"}))]
pub struct Login {
    #[serde(default)]
    /// Matched case-insensitively.
    #[schema(value_type = String, required = true)]
    username: Field<String>,
    #[serde(default)]
    #[schema(value_type = String, format = Password, required = true)]
    password: Field<String>,
}

impl Login {
    /// The username and the password, as given.
    pub fn validate(self) -> Result<(String, String), ApiError> {
        let mut fields = Fields::new();
        let username = fields.required("username", self.username);
        let password = fields.required("password", self.password);
        fields.complete(|| Some((username?, password?)))
    }
}

#[derive(Deserialize, ToSchema)]
pub struct Refresh {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    refresh: Field<String>,
}

impl Refresh {
    pub fn validate(self) -> Result<String, ApiError> {
        Fields::only_required("refresh", self.refresh)
    }
}

#[derive(Deserialize, ToSchema)]
pub struct Logout {
    #[serde(default)]
    /// Revoked too, if given (an unknown one is no error).
    #[schema(value_type = String)]
    refresh: Field<String>,
}

impl Logout {
    /// The refresh token to revoke, if one is given.
    pub fn validate(self) -> Result<Option<String>, ApiError> {
        Fields::only_optional("refresh", self.refresh)
    }
}

#[derive(Deserialize, ToSchema)]
pub struct UserChanges {
    #[serde(default)]
    #[schema(value_type = String, format = Email)]
    email: Field<Email>,
    #[serde(default)]
    #[schema(value_type = String)]
    first_name: Field<PersonName>,
    #[serde(default)]
    #[schema(value_type = String)]
    last_name: Field<PersonName>,
    #[serde(default)]
    /// A new password needs `current_password`, and revokes every refresh token of the user.
    #[schema(value_type = String, pattern = r"\D", format = Password)]
    password: Field<Password>,
    #[serde(default)]
    #[schema(value_type = String, format = Password)]
    current_password: Field<String>,
    #[serde(default)]
    /// Which messages to be mailed; the kinds left out keep their choice.
    #[schema(value_type = EmailNotificationChanges)]
    email_notifications: Field<NotificationChanges>,
}

/// A user's changes as asked for; the password still to check and hash.
pub struct AccountChanges {
    pub email: Option<Email>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The new password and the current one given with it.
    pub password: Option<(Password, Option<String>)>,
    pub email_notifications: NotificationChanges,
}

impl UserChanges {
    /// The changes; problems go to `fields`, where the handler adds the current password's.
    pub fn validate(self, fields: &mut Fields) -> AccountChanges {
        let password = fields.optional("password", self.password);
        let current_password = fields.optional("current_password", self.current_password);
        AccountChanges {
            email: fields.optional("email", self.email),
            first_name: fields.optional("first_name", self.first_name).map(|PersonName(n)| n),
            last_name: fields.optional("last_name", self.last_name).map(|PersonName(n)| n),
            password: password.map(|password| (password, current_password)),
            email_notifications: fields
                .optional("email_notifications", self.email_notifications)
                .unwrap_or_default(),
        }
    }
}

/// Each kind of message on (`true`, the default) or off; every field is optional.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"reminders": false}))]
pub struct EmailNotificationChanges {
    #[serde(default)]
    /// An invitation to an event.
    #[schema(value_type = bool)]
    invitations: Field<bool>,
    #[serde(default)]
    /// A seat taken from the waitlist for them.
    #[schema(value_type = bool)]
    promotions: Field<bool>,
    #[serde(default)]
    /// An event they hold a seat for changed its time or location, closed, or was deleted.
    #[schema(value_type = bool)]
    changes: Field<bool>,
    #[serde(default)]
    /// The reminder 24 hours before an event they hold a seat for.
    #[schema(value_type = bool)]
    reminders: Field<bool>,
}

/// `email_notifications`: `{invitations, promotions, changes, reminders}`, each an optional
/// boolean.
impl FromJson for NotificationChanges {
    fn from_json(value: &Value) -> Result<Self, String> {
        let request: EmailNotificationChanges =
            object(value, "{invitations, promotions, changes, reminders} of booleans")?;
        let mut fields = Fields::new();
        let changes = NotificationChanges {
            invitations: fields.optional("invitations", request.invitations),
            promotions: fields.optional("promotions", request.promotions),
            changes: fields.optional("changes", request.changes),
            reminders: fields.optional("reminders", request.reminders),
        };
        fields.complete_nested(|| Some(changes))
    }
}
