//! This resource's request bodies and parameters, as the OpenAPI document describes them
//! (see `crate::http::fields` for why handlers do not deserialise into them).
#![expect(dead_code, reason = "describes requests for the OpenAPI document; never built")]

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
