//! `ticket_types` in `POST /api/events`: the kinds of seat an event sells.

use aggregates::event::MAX_TICKET_TYPES;
use aggregates::values::{Capacity, Currency, Price, TicketType, TicketTypeName};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::fields::{object, Field, Fields, FromJson};

/// A kind of seat, as `POST /api/events` takes it in `ticket_types`.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"name": "Early bird", "price": "12.50", "currency": "EUR", "quantity": 20}))]
pub struct NewTicketType {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    name: Field<TicketTypeName>,
    #[serde(default)]
    /// A decimal string (never a JSON number, which would pass through a float).
    #[schema(value_type = String, pattern = r"^\d{1,9}(\.\d{1,3})?$", required = true)]
    price: Field<Price>,
    #[serde(default)]
    #[schema(value_type = String, pattern = "^[A-Z]{3}$", required = true)]
    currency: Field<Currency>,
    #[serde(default)]
    #[schema(value_type = i64, required = true)]
    quantity: Field<Capacity>,
}

/// `ticket_types`: each given a new id; every problem is named with the item's index, in
/// one message per item.
#[derive(Default)]
pub struct TicketTypes(Vec<TicketType>);

impl TicketTypes {
    pub fn into_inner(self) -> Vec<TicketType> {
        self.0
    }
}

impl FromJson for TicketTypes {
    fn from_json(value: &Value) -> Result<Self, String> {
        let items = value.as_array().ok_or("must be a list of ticket types")?;
        if items.len() > MAX_TICKET_TYPES {
            return Err(format!("ensure there are no more than {MAX_TICKET_TYPES} ticket types"));
        }
        let mut problems = Vec::new();
        let mut types = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match ticket_type(item) {
                Ok(ticket_type) => types.push(ticket_type),
                Err(problem) => problems.push(format!("[{index}] {problem}")),
            }
        }
        if problems.is_empty() {
            Ok(Self(types))
        } else {
            Err(problems.join("; "))
        }
    }
}

fn ticket_type(item: &Value) -> Result<TicketType, String> {
    let request: NewTicketType = object(item, "{name, price, currency, quantity}")?;
    let mut fields = Fields::new();
    let name = fields.required("name", request.name);
    let price = fields.required("price", request.price);
    let currency = fields.required("currency", request.currency);
    let quantity = fields.required("quantity", request.quantity);
    fields.complete_nested(|| {
        Some(TicketType {
            id: Uuid::new_v4(),
            name: name?,
            price: price?,
            currency: currency?,
            quantity: quantity?,
        })
    })
}
