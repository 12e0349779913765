//! What an event may link to beyond the core contract — a category — read from bodies and
//! shown on the event. Events without one look exactly as the contract shows them.

use std::collections::HashMap;

use projections::events::EventRow;
use projections::Page;
use uuid::Uuid;

use super::error::ApiError;
use super::fields::{string, Fields};
use super::wire::{CategoryBody, EventBody};
use crate::categories::Category;
use crate::state::AppState;

/// `category` in a body, by slug or id: `None` if absent, `Some(None)` if `null`; an
/// unknown one is a field error.
pub async fn category_field(state: &AppState, fields: &mut Fields) -> Result<Option<Option<Uuid>>, ApiError> {
    match fields.nullable("category", &string) {
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

/// The event as the API shows it, with its category.
pub async fn body(state: &AppState, row: EventRow) -> Result<EventBody, ApiError> {
    let categories = categories_of(state, std::slice::from_ref(&row)).await?;
    Ok(shown(row, &categories))
}

/// A page of events as the API shows them, with their categories.
pub async fn bodies(state: &AppState, page: Page<EventRow>) -> Result<Page<EventBody>, ApiError> {
    let categories = categories_of(state, &page.items).await?;
    Ok(page.map(|row| shown(row, &categories)))
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
