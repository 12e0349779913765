//! The stored forms of the read models' columns, for the row types' `#[derive(sqlx::FromRow)]`
//! to name in `#[sqlx(try_from = …)]`: `sqlx::Any` decodes only what both stores share
//! (integers, floats, text), so ids, times and flags are kept in those (see the crate docs).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Type};
use uuid::Uuid;

use crate::time::from_micros;

/// A column type decoded as `$stored`, then converted by `$convert` into the field's `$rust`.
macro_rules! stored {
    ($(#[$doc:meta])* $name:ident($rust:ty) as $stored:ty, $convert:expr) => {
        $(#[$doc])*
        pub(crate) struct $name($rust);

        impl Type<Any> for $name {
            fn type_info() -> AnyTypeInfo {
                <$stored as Type<Any>>::type_info()
            }

            fn compatible(ty: &AnyTypeInfo) -> bool {
                <$stored as Type<Any>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, Any> for $name {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                let convert: fn($stored) -> Result<$rust, BoxDynError> = $convert;
                convert(<$stored as Decode<'r, Any>>::decode(value)?).map(Self)
            }
        }

        impl From<$name> for $rust {
            fn from(column: $name) -> Self {
                column.0
            }
        }
    };
}

stored!(
    /// Microseconds since the epoch.
    Micros(DateTime<Utc>) as i64,
    |micros| Ok(from_micros(micros))
);
stored!(
    /// Microseconds since the epoch, or `NULL`.
    OptMicros(Option<DateTime<Utc>>) as Option<i64>,
    |micros| Ok(micros.map(from_micros))
);
stored!(
    /// A UUID as text.
    UuidText(Uuid) as String,
    |text| Ok(Uuid::parse_str(&text)?)
);
stored!(
    /// A UUID as text, or `NULL`.
    OptUuidText(Option<Uuid>) as Option<String>,
    |text| Ok(text.as_deref().map(Uuid::parse_str).transpose()?)
);
stored!(
    /// A flag as an integer, 0 for false.
    Flag(bool) as i64,
    |flag| Ok(flag != 0)
);
stored!(
    /// Whether a nullable column (such as a time something ended) is set.
    IsSet(bool) as Option<i64>,
    |value| Ok(value.is_some())
);
stored!(
    /// A JSON document as text.
    JsonText(Value) as String,
    |text| Ok(serde_json::from_str(&text)?)
);

#[cfg(test)]
mod tests {
    use sqlx::any::AnyPoolOptions;
    use sqlx::AnyPool;

    use super::*;

    /// One row of every stored form, as SQLite keeps them (PostgreSQL's are checked by the
    /// service's HTTP tests, which read every read model on both stores).
    #[derive(sqlx::FromRow)]
    struct Stored {
        #[sqlx(try_from = "Micros")]
        at: DateTime<Utc>,
        #[sqlx(try_from = "OptMicros")]
        ended: Option<DateTime<Utc>>,
        #[sqlx(try_from = "UuidText")]
        id: Uuid,
        #[sqlx(try_from = "OptUuidText")]
        other: Option<Uuid>,
        #[sqlx(try_from = "Flag")]
        open: bool,
        #[sqlx(try_from = "IsSet")]
        deleted: bool,
        #[sqlx(try_from = "JsonText")]
        metadata: Value,
    }

    async fn memory() -> AnyPool {
        sqlx::any::install_default_drivers();
        AnyPoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn every_stored_form_decodes_to_its_value() {
        let pool = memory().await;
        let id = Uuid::new_v4();
        let row: Stored = sqlx::query_as(
            "SELECT 1700000000000000 AS at, NULL AS ended, $1 AS id, NULL AS other,
                    1 AS open, 5 AS deleted, '{\"via\": \"api\"}' AS metadata",
        )
        .bind(id.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(row.at, from_micros(1_700_000_000_000_000));
        assert_eq!((row.ended, row.id, row.other), (None, id, None));
        assert!(row.open && row.deleted);
        assert_eq!(row.metadata, serde_json::json!({"via": "api"}));
    }

    #[tokio::test]
    async fn a_damaged_value_is_an_error_not_a_default() {
        let pool = memory().await;
        for (id, metadata) in [
            ("'not a uuid'", "'{}'"),
            ("'00000000-0000-0000-0000-000000000000'", "'{'"),
        ] {
            let query = format!(
                "SELECT 0 AS at, NULL AS ended, {id} AS id, NULL AS other, 0 AS open, NULL AS deleted, \
                 {metadata} AS metadata"
            );
            let decoded = sqlx::query_as::<_, Stored>(&query).fetch_one(&pool).await;
            assert!(decoded.is_err(), "{query} decoded");
        }
    }
}
