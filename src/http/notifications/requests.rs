//! This resource's parameters: its query, which parses and documents it, and its path.

use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::http::extract::path_params;
use crate::http::fields::Fields;
use crate::http::query::{Param, Query};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnreadFilter {
    /// `true`: only unread notifications; `false`: only read ones.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    unread: Param<bool>,
}

impl Query for UnreadFilter {
    type Valid = Option<bool>;

    fn validate(self, fields: &mut Fields) -> Option<bool> {
        self.unread.read("unread", fields)
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NotificationPath {
    pub id: Uuid,
}

path_params!(NotificationPath);
