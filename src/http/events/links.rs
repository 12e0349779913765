//! What an event may link to beyond the core contract — a category, ticket types — read
//! from bodies and shown on the event. Events without one look exactly as the contract shows them.

use std::collections::HashMap;

use projections::events::EventRow;
use projections::tickets;
use projections::Page;
use uuid::Uuid;

use super::json::EventBody;
use crate::categories::Category;
use crate::http::categories::json::CategoryBody;
use crate::http::error::ApiError;
use crate::http::fields::{Field, Fields};
use crate::http::tickets::json::TicketTypeBody;
use crate::state::AppState;

/// `category` in a body, by slug or id: `None` if absent, `Some(None)` if `null`; an
/// unknown one is a field error.
pub async fn category_field(
    state: &AppState,
    fields: &mut Fields,
    category: Field<String>,
) -> Result<Option<Option<Uuid>>, ApiError> {
    match fields.nullable("category", category) {
        Some(Some(raw)) => match state.categories.find(&raw).await? {
            Some(category) => Ok(Some(Some(category.id))),
            None => {
                fields.error("category", "no category with this slug or id");
                Ok(None)
            }
        },
        other => Ok(other.map(|_| None)),
    }
}

/// The event as the API shows it, with its category and ticket types.
pub async fn body(state: &AppState, row: EventRow) -> Result<EventBody, ApiError> {
    let mut page = bodies(state, Page::of_one(row)).await?;
    Ok(page.items.remove(0))
}

/// A page of events as the API shows them, with their categories and ticket types.
pub async fn bodies(state: &AppState, page: Page<EventRow>) -> Result<Page<EventBody>, ApiError> {
    let categories = categories_of(state, &page.items).await?;
    let mut types = ticket_types_of(state, &page.items).await?;
    Ok(page.map(|row| {
        let types = types.remove(&row.id).unwrap_or_default();
        shown(row, &categories).with_ticket_types(types)
    }))
}

/// Asks the store only for events that sell ticket types.
async fn ticket_types_of(state: &AppState, rows: &[EventRow]) -> Result<HashMap<Uuid, Vec<TicketTypeBody>>, ApiError> {
    let ids: Vec<Uuid> = rows
        .iter()
        .filter(|row| row.ticket_types > 0)
        .map(|row| row.id)
        .collect();
    let mut by_event: HashMap<Uuid, Vec<TicketTypeBody>> = HashMap::new();
    for row in tickets::types_of(&state.store.read, &ids).await? {
        by_event.entry(row.event_id).or_default().push(row.into());
    }
    Ok(by_event)
}

/// Asks the store only when some event has a category.
async fn categories_of(state: &AppState, rows: &[EventRow]) -> Result<HashMap<Uuid, Category>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().filter_map(|row| row.category_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(state.categories.by_ids(&ids).await?)
}

fn shown(row: EventRow, categories: &HashMap<Uuid, Category>) -> EventBody {
    let category = row
        .category_id
        .and_then(|id| categories.get(&id))
        .cloned()
        .map(CategoryBody::from);
    EventBody::from(row).with_category(category)
}
