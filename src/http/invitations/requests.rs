//! This resource's request bodies, which parse and document them, and its parameters.

use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::http::extract::path_params;
use crate::http::fields::{text, Field, Fields, FromJson};
use crate::http::query::{choice, FromParam, Param, Query};
use crate::http::wire::{InvitationAnswer, InvitationStatus};

/// Whom to invite: `username` or `user_id`.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"username": "bea"}))]
pub struct Invite {
    #[serde(default)]
    #[schema(value_type = String)]
    username: Field<String>,
    #[serde(default)]
    #[schema(value_type = Uuid)]
    user_id: Field<Uuid>,
}

/// The user to invite, and the field that named them.
pub enum Invitee {
    Id(Uuid),
    Username(String),
}

impl Invitee {
    pub fn field(&self) -> &'static str {
        match self {
            Self::Id(_) => "user_id",
            Self::Username(_) => "username",
        }
    }
}

impl Invite {
    /// The invitee: by id when both are given.
    pub fn validate(self) -> Result<Invitee, ApiError> {
        let mut fields = Fields::new();
        let username = fields.optional("username", self.username);
        let user_id = fields.optional("user_id", self.user_id);
        let invitee = match (user_id, username) {
            (Some(id), _) => Some(Invitee::Id(id)),
            (None, Some(name)) => Some(Invitee::Username(name)),
            (None, None) => None,
        };
        if invitee.is_none() {
            fields.error("username", "give the username or the user_id of the user to invite");
        }
        fields.complete(|| invitee)
    }
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"status": "accepted"}))]
pub struct Answer {
    #[serde(default)]
    /// `accepted` or `declined`.
    #[schema(value_type = InvitationAnswer, required = true)]
    status: Field<Accepts>,
    #[serde(default)]
    /// When accepting an invitation to an event with ticket types: which one.
    #[schema(value_type = Uuid)]
    ticket_type: Field<Uuid>,
}

/// `accepted` (true) or `declined` (false).
pub struct Accepts(bool);

impl FromJson for Accepts {
    fn from_json(value: &Value) -> Result<Self, String> {
        text(value, |raw| match raw {
            "accepted" => Ok(Self(true)),
            "declined" => Ok(Self(false)),
            other => Err(format!("\"{other}\" is not a valid choice (accepted, declined)")),
        })
    }
}

impl Answer {
    /// Whether the invitee accepts, and the ticket type they ask for.
    pub fn validate(self) -> Result<(bool, Option<Uuid>), ApiError> {
        let mut fields = Fields::new();
        let accepts = fields.required("status", self.status);
        let ticket_type = fields.optional("ticket_type", self.ticket_type);
        fields.complete(|| Some((accepts?.0, ticket_type)))
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationFilters {
    /// `pending`, `accepted` or `declined`.
    #[serde(default)]
    #[param(value_type = Option<InvitationStatus>)]
    status: Param<StatusFilter>,
}

impl Query for InvitationFilters {
    type Valid = Option<&'static str>;

    fn validate(self, fields: &mut Fields) -> Option<&'static str> {
        self.status.read("status", fields).map(|StatusFilter(status)| status)
    }
}

/// An invitation's status, as the read model stores it.
pub struct StatusFilter(&'static str);

impl FromParam for StatusFilter {
    fn from_param(raw: &str) -> Result<Self, String> {
        const STATUSES: [(&str, &str); 3] = [
            ("pending", "pending"),
            ("accepted", "accepted"),
            ("declined", "declined"),
        ];
        choice(raw, &STATUSES).map(Self)
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct InvitationPath {
    /// The invitation's id.
    pub id: Uuid,
}

path_params!(InvitationPath);
