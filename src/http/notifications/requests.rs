//! This resource's query parameters, as the OpenAPI document describes them: `Params`
//! reads a query parameter by parameter, so that a 400 names every bad one at once.
#![expect(
    dead_code,
    reason = "describes queries for the OpenAPI document; `Params` parses them"
)]

use utoipa::IntoParams;
use uuid::Uuid;

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
