use aggregates::EventFact;
use chrono::{DateTime, Utc};
use sqlx::{AnyPool, FromRow};
use uuid::Uuid;

use crate::column::{Flag, Micros, OptMicros, OptUuidText, UuidText};
use crate::sql::{contains_pattern, Sql};
use crate::time::{from_micros, to_micros};
use crate::{Page, PageRequest};

/// An event as the listing shows it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct EventRow {
    #[sqlx(try_from = "UuidText")]
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub location: Option<String>,
    #[sqlx(try_from = "Micros")]
    pub start_time: DateTime<Utc>,
    #[sqlx(try_from = "OptMicros")]
    pub end_time: Option<DateTime<Utc>>,
    pub capacity: i64,
    pub status: String,
    #[sqlx(try_from = "Flag")]
    pub waitlist_enabled: bool,
    #[sqlx(try_from = "UuidText")]
    pub creator_id: Uuid,
    pub creator_username: String,
    pub members_count: i64,
    pub waitlist_count: i64,
    #[sqlx(try_from = "Micros")]
    pub created_at: DateTime<Utc>,
    #[sqlx(try_from = "Micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    #[sqlx(try_from = "OptUuidText")]
    pub category_id: Option<Uuid>,
    /// How many ticket types the event sells.
    pub ticket_types: i64,
    #[sqlx(try_from = "OptUuidText")]
    pub series_id: Option<Uuid>,
    /// `public` or `private`.
    pub visibility: String,
    #[sqlx(try_from = "Flag")]
    pub guest_registration: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CreatorFilter {
    Id(Uuid),
    Username(String),
}

/// The listing's filters; every one that is set must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    pub title: Option<String>,
    pub location: Option<String>,
    pub creator: Option<CreatorFilter>,
    pub status: Option<String>,
    pub start_at_or_after: Option<DateTime<Utc>>,
    pub start_at_or_before: Option<DateTime<Utc>>,
    pub start_after: Option<DateTime<Utc>>,
    /// A category's slug or id.
    pub category: Option<String>,
}

/// The listing's order; ties are always broken by id, ascending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EventOrdering {
    #[default]
    StartTime,
    StartTimeDesc,
    CreatedAt,
    CreatedAtDesc,
    Title,
    TitleDesc,
}

impl EventOrdering {
    pub const CHOICES: [(&'static str, Self); 6] = [
        ("start_time", Self::StartTime),
        ("-start_time", Self::StartTimeDesc),
        ("created_at", Self::CreatedAt),
        ("-created_at", Self::CreatedAtDesc),
        ("title", Self::Title),
        ("-title", Self::TitleDesc),
    ];

    fn sql(self) -> &'static str {
        match self {
            Self::StartTime => " ORDER BY start_time ASC, id ASC",
            Self::StartTimeDesc => " ORDER BY start_time DESC, id ASC",
            Self::CreatedAt => " ORDER BY created_at ASC, id ASC",
            Self::CreatedAtDesc => " ORDER BY created_at DESC, id ASC",
            Self::Title => " ORDER BY title ASC, id ASC",
            Self::TitleDesc => " ORDER BY title DESC, id ASC",
        }
    }
}

const COLUMNS: &str = "id, title, description, location, start_time, end_time, capacity, status, \
    waitlist_enabled, creator_id, creator_username, members_count, waitlist_count, created_at, \
    updated_at, version, category_id, ticket_types, series_id, visibility, guest_registration";

/// Who reads: a user, or an anonymous caller (`None`).
pub type Viewer = Option<Uuid>;

/// Whether `user` (an SQL expression: a placeholder, or a column of the query) may see the
/// event in `table` (`event_view` or its alias): a public one, or a private one they created,
/// hold a seat or waitlist place in, or were invited to.
pub(crate) fn visible_to(table: &str, user: &str) -> String {
    format!(
        "({table}.visibility = 'public' OR {table}.creator_id = {user} \
         OR EXISTS (SELECT 1 FROM member_view m WHERE m.event_id = {table}.id AND m.user_id = {user}) \
         OR EXISTS (SELECT 1 FROM invitation_view i WHERE i.event_id = {table}.id AND i.invitee_id = {user}))"
    )
}

/// Appends `AND` the event in `table` is one `viewer` may see. In the same statement as the
/// rest of the read, so that a private event's absence costs what an unknown id's does.
pub(crate) fn seen_by(sql: &mut Sql, table: &str, viewer: Viewer) {
    let condition = match viewer {
        None => format!("{table}.visibility = 'public'"),
        Some(user) => visible_to(table, &sql.placeholder(user)),
    };
    sql.push(" AND ").push(&condition);
}

/// An event that exists, is not deleted, and `viewer` may see.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn get(pool: &AnyPool, id: Uuid, viewer: Viewer) -> Result<Option<EventRow>, sqlx::Error> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM event_view WHERE deleted_at IS NULL AND id = "
    ));
    sql.bind(id);
    seen_by(&mut sql, "event_view", viewer);
    sql.row(pool).await
}

/// The live occurrences of a series that `viewer` may see, by start (at most 200).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_series(pool: &AnyPool, series_id: Uuid, viewer: Viewer) -> Result<Vec<EventRow>, sqlx::Error> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM event_view WHERE deleted_at IS NULL AND series_id = "
    ));
    sql.bind(series_id);
    seen_by(&mut sql, "event_view", viewer);
    sql.push(" ORDER BY start_time, id");
    sql.rows(pool).await
}

/// Live events that ended before `cutoff` (one without an end ends at its start), oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ended_before(pool: &AnyPool, cutoff: DateTime<Utc>) -> Result<Vec<EventRow>, sqlx::Error> {
    let mut sql = Sql::new(&format!(
        "SELECT {COLUMNS} FROM event_view WHERE deleted_at IS NULL AND COALESCE(end_time, start_time) < "
    ));
    sql.bind(crate::to_micros(cutoff)).push(" ORDER BY start_time, id");
    sql.rows(pool).await
}

/// Who created an event, deleted or not; `None` if it never existed or `viewer` may not
/// see it.
#[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
pub async fn creator_of(pool: &AnyPool, id: Uuid, viewer: Viewer) -> Result<Option<Uuid>, sqlx::Error> {
    let mut sql = Sql::new("SELECT creator_id FROM event_view WHERE id = ");
    sql.bind(id);
    seen_by(&mut sql, "event_view", viewer);
    let creator = sql.row::<(UuidText,)>(pool).await?;
    Ok(creator.map(|(id,)| id.into()))
}

/// The events `viewer` may see that match `filter`, one page of them, with their count.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    pool: &AnyPool,
    filter: &EventFilter,
    viewer: Viewer,
    ordering: EventOrdering,
    page: PageRequest,
) -> Result<Page<EventRow>, sqlx::Error> {
    let substrings = Substrings::of(pool).chosen(pool, filter).await?;
    let mut count = Sql::new("SELECT COUNT(*) FROM event_view");
    where_clause(&mut count, filter, substrings);
    seen_by(&mut count, "event_view", viewer);
    let mut select = Sql::new(&format!("SELECT {COLUMNS} FROM event_view"));
    where_clause(&mut select, filter, substrings);
    seen_by(&mut select, "event_view", viewer);
    select.push(ordering.sql());
    select.page(&count, page, pool).await
}

/// How a substring of a title or location is found (migration 0013).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Substrings {
    /// By `LIKE` alone: PostgreSQL's trigram index serves it itself (its planner knows how
    /// many rows a needle matches); on SQLite, it reads every live event.
    Like,
    /// SQLite's trigram index is a table of its own (`event_search`), asked first.
    Fts,
}

impl Substrings {
    /// A trigram index knows nothing of shorter needles: those are found by reading.
    const SHORTEST_INDEXED: usize = 3;

    fn of(pool: &AnyPool) -> Self {
        match pool.connect_options().database_url.scheme() {
            "sqlite" => Self::Fts,
            _ => Self::Like,
        }
    }

    /// On SQLite, the index only where it is cheaper: asking it costs more per match than
    /// reading a live event does, so a needle that most events hold (the listing bench's
    /// `title=bench`: 588 → 277 requests/s) is found by reading. It asks the index for a
    /// quarter as many matches as there are events, and reads if it gets them all.
    async fn chosen(self, pool: &AnyPool, filter: &EventFilter) -> Result<Self, sqlx::Error> {
        let searched = [("title_key", &filter.title), ("location_key", &filter.location)];
        for (column, needle) in searched {
            let Some(needle) = needle else { continue };
            if self == Self::Fts && needle.chars().count() >= Self::SHORTEST_INDEXED {
                let mut probe = Sql::new(
                    "WITH k(n) AS (SELECT MAX(64, COALESCE(MAX(rowid), 0) / 4) FROM event_view) \
                     SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM event_search WHERE event_search MATCH ",
                );
                probe
                    .bind(phrase(column, needle))
                    .push(" LIMIT (SELECT n FROM k))) < (SELECT n FROM k) AS rare");
                if probe.row::<(i64,)>(pool).await? == Some((1,)) {
                    return Ok(Self::Fts);
                }
            }
        }
        Ok(Self::Like)
    }

    /// `AND column` holds `needle`, ignoring case.
    fn contain(self, sql: &mut Sql, column: &str, needle: &str) {
        if self == Self::Fts && needle.chars().count() >= Self::SHORTEST_INDEXED {
            sql.push(" AND rowid IN (SELECT rowid FROM event_search WHERE event_search MATCH ")
                .bind(phrase(column, needle))
                .push(")");
        }
        sql.push(" AND ")
            .push(column)
            .push(" LIKE ")
            .bind(contains_pattern(needle))
            .push(" ESCAPE '\\'");
    }
}

/// An FTS5 query for `needle` in `column`: a phrase of its trigrams (the exact `LIKE` then
/// decides).
fn phrase(column: &str, needle: &str) -> String {
    format!("{column} : \"{}\"", needle.to_lowercase().replace('"', "\"\""))
}

fn where_clause(sql: &mut Sql, filter: &EventFilter, substrings: Substrings) {
    sql.push(" WHERE deleted_at IS NULL");
    if let Some(title) = &filter.title {
        substrings.contain(sql, "title_key", title);
    }
    if let Some(location) = &filter.location {
        substrings.contain(sql, "location_key", location);
    }
    match &filter.creator {
        Some(CreatorFilter::Id(id)) => {
            sql.push(" AND creator_id = ").bind(*id);
        }
        // By the accounts' own key, computed here: SQLite's LOWER folds ASCII only, so
        // `creator=Ärger` found nothing. (An account from before NFKC keys has the plain one.)
        Some(CreatorFilter::Username(name)) => {
            sql.push(" AND creator_id IN (SELECT id FROM users WHERE username_key IN (")
                .bind(aggregates::values::Username::key_of(name))
                .push(", ")
                .bind(name.to_lowercase())
                .push("))");
        }
        None => {}
    }
    if let Some(status) = &filter.status {
        sql.push(" AND status = ").bind(status.as_str());
    }
    if let Some(time) = filter.start_at_or_after {
        sql.push(" AND start_time >= ").bind(to_micros(time));
    }
    if let Some(time) = filter.start_at_or_before {
        sql.push(" AND start_time <= ").bind(to_micros(time));
    }
    if let Some(time) = filter.start_after {
        sql.push(" AND start_time > ").bind(to_micros(time));
    }
    if let Some(category) = &filter.category {
        sql.push(" AND category_id IN (SELECT id FROM categories WHERE slug = ")
            .bind(category.as_str())
            .push(" OR id = ")
            .bind(category.as_str())
            .push(")");
    }
}

impl EventRow {
    /// The row an event's creating fact makes, as `get` reads it once the projector has
    /// folded that fact: so an answer can be built before the fact commits.
    pub fn created(id: Uuid, fact: &EventFact) -> Option<Self> {
        let EventFact::EventCreated { details, actor, at } = fact else {
            return None;
        };
        let micros = |time| from_micros(to_micros(time));
        Some(Self {
            id,
            title: details.title.as_str().to_owned(),
            description: details.description.as_str().to_owned(),
            location: details.location.as_ref().map(|l| l.as_str().to_owned()),
            start_time: micros(details.start_time),
            end_time: details.end_time.map(micros),
            capacity: details.capacity.get() as i64,
            status: details.status.as_str().to_owned(),
            waitlist_enabled: details.waitlist_enabled,
            creator_id: actor.id,
            creator_username: actor.username.clone(),
            members_count: 0,
            waitlist_count: 0,
            created_at: micros(*at),
            updated_at: micros(*at),
            version: 1,
            category_id: details.category,
            ticket_types: details.ticket_types.len() as i64,
            series_id: details.series_id,
            visibility: details.visibility.as_str().to_owned(),
            guest_registration: details.guest_registration,
        })
    }
}
