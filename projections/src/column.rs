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
