//! Reading ticket types and ticket codes from request bodies.

use aggregates::event::MAX_TICKET_TYPES;
use aggregates::values::{Capacity, Currency, Price, TicketType, TicketTypeName};
use serde_json::Value;
use uuid::Uuid;

use crate::http::fields::{integer, text, Fields};

/// `ticket_types`: a list of `{name, price, currency, quantity}`, each given a new id.
/// Every problem is named with the item's index, in one message per item.
pub fn ticket_types(value: &Value) -> Result<Vec<TicketType>, String> {
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
        Ok(types)
    } else {
        Err(problems.join("; "))
    }
}

fn ticket_type(item: &Value) -> Result<TicketType, String> {
    let Value::Object(map) = item else {
        return Err("must be an object {name, price, currency, quantity}".to_owned());
    };
    let mut fields = Fields::new(map.clone());
    let name = fields.required("name", &text(TicketTypeName::parse));
    // A number would have passed through a float on its way here: only a string is exact.
    let price = fields.required("price", &|v| match v {
        Value::String(raw) => Price::parse(raw),
        _ => Err("must be a decimal string such as \"12.50\", not a number".to_owned()),
    });
    let currency = fields.required("currency", &text(Currency::parse));
    let quantity = fields.required("quantity", &|v| Capacity::parse(integer(v)?));
    let problems = fields.into_problems();
    match (name, price, currency, quantity) {
        (Some(name), Some(price), Some(currency), Some(quantity)) if problems.is_empty() => Ok(TicketType {
            id: Uuid::new_v4(),
            name,
            price,
            currency,
            quantity,
        }),
        _ => Err(problems.join(", ")),
    }
}
