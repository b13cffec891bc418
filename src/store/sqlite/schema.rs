//! Schema version and migrations: the embedded migrations applied in order, each in its own
//! write transaction (`BEGIN IMMEDIATE` on SQLite, SERIALIZABLE on PostgreSQL).

use super::{SqliteStore, now_text, search};
use crate::store::migrations::{self, MIGRATIONS};
use crate::store::sql::{Engine, params};
use crate::store::{SchemaStatus, SchemaStore, StoreError, StoreResult};

impl SchemaStore for SqliteStore {
    fn schema_status(&self) -> StoreResult<SchemaStatus> {
        let sql = self.sql();
        let applied: Vec<u32> = if sql.has_table("schema_migrations")? {
            sql.prepare("SELECT version FROM schema_migrations ORDER BY version")?
                .query_map((), |r| r.get(0))?
                .collect::<StoreResult<_>>()?
        } else {
            Vec::new()
        };
        let db_version = applied.last().copied().unwrap_or(0);
        let pending = MIGRATIONS
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .map(|m| (m.version, m.name.to_string()))
            .collect();
        Ok(SchemaStatus {
            db_version,
            binary_version: migrations::latest(),
            pending,
        })
    }

    fn migrate(&mut self) -> StoreResult<Vec<u32>> {
        self.ensure_writable()?;
        match self.sql().engine() {
            Engine::Sqlite => self.sql().execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                     version    INTEGER PRIMARY KEY,
                     name       TEXT NOT NULL,
                     applied_at TEXT NOT NULL
                 )",
            )?,
            Engine::Postgres => self.write_sql(|tx| tx.execute_batch(migrations::PG_COMPAT))?,
        }
        let mut applied = Vec::new();
        for m in MIGRATIONS {
            let done = self.write_sql(|tx| {
                // Re-checked inside the write lock: two processes migrating at once apply each step once.
                let exists: i64 = tx.one(
                    "SELECT count(*) FROM schema_migrations WHERE version = ?1",
                    [m.version],
                )?;
                if exists > 0 {
                    return Ok(false);
                }
                let text = match tx.engine() {
                    Engine::Sqlite => m.sql,
                    Engine::Postgres => m.pg,
                };
                tx.execute_batch(text)
                    .map_err(|e| StoreError::Db(format!("migrazione {}: {e}", m.name)))?;
                if m.name == migrations::SEARCH_INDEX {
                    // The search dictionary (and keys missing from old rows) need Rust code.
                    search::backfill(tx)?;
                }
                tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                    params![m.version, m.name, now_text()],
                )?;
                if let Some(conn) = tx.lite() {
                    conn.pragma_update(None, "user_version", m.version)?;
                }
                Ok(true)
            })?;
            if done {
                applied.push(m.version);
            }
        }
        Ok(applied)
    }
}
