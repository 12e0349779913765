//! A category.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::categories::Category;

/// A category events may be filed under (`GET /api/events?category=slug`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryBody {
    id: Uuid,
    #[schema(example = "Tech talks")]
    name: String,
    #[schema(example = "tech-talks", pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    slug: String,
}

impl From<Category> for CategoryBody {
    fn from(category: Category) -> Self {
        Self {
            id: category.id,
            name: category.name,
            slug: category.slug,
        }
    }
}
