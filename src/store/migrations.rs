//! The migrations, embedded in the binary by `build.rs`, run by sqlx's migrator as it runs a
//! folder of them: the same versions, descriptions and checksums, so a database migrated by
//! either way is up to date for the other.

use std::borrow::Cow;

use futures_util::future::BoxFuture;
use sqlx::error::BoxDynError;
use sqlx::migrate::{MigrateError, Migration, MigrationSource, MigrationType, Migrator};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// One backend's migrations as `(file name without .sql, SQL)`, in version order.
#[derive(Debug, Clone, Copy)]
pub struct Embedded(&'static [(&'static str, &'static str)]);

pub const POSTGRES: Embedded = Embedded(embedded::POSTGRES);
pub const SQLITE: Embedded = Embedded(embedded::SQLITE);

impl Embedded {
    pub async fn migrator(self) -> Result<Migrator, MigrateError> {
        Migrator::new(self).await
    }
}

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> BoxFuture<'static, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async move { self.0.iter().map(|&(name, sql)| migration(name, sql)).collect() })
    }
}

/// As sqlx reads `<version>_<description>.sql`.
fn migration(name: &str, sql: &'static str) -> Result<Migration, BoxDynError> {
    let (version, description) = name
        .split_once('_')
        .ok_or_else(|| format!("migration {name}: no `_` after its version"))?;
    Ok(Migration::new(
        version.parse()?,
        Cow::Owned(description.replace('_', " ")),
        MigrationType::Simple,
        Cow::Borrowed(sql),
        sql.starts_with("-- no-transaction"),
    ))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// What sqlx finds reading the folder, as the `migrate!` macro embedded it before.
    async fn from_folder(folder: &str) -> Migrator {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        Migrator::new(dir).await.expect("the folder's migrations")
    }

    #[tokio::test]
    async fn the_embedded_migrations_are_the_folders_own() {
        for (embedded, folder) in [(POSTGRES, "migrations/postgres"), (SQLITE, "migrations/sqlite")] {
            let embedded = embedded.migrator().await.expect("the embedded migrations");
            let folder = from_folder(folder).await;
            let shown = |m: &Migrator| {
                m.iter()
                    .map(|m| (m.version, m.description.to_string(), m.checksum.to_vec(), m.no_tx))
                    .collect::<Vec<_>>()
            };
            assert_ne!(embedded.iter().count(), 0);
            assert_eq!(shown(&embedded), shown(&folder));
        }
    }
}
