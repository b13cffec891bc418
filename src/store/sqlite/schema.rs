//! Schema version and migrations: the embedded migrations applied in order, each in its own
//! `BEGIN IMMEDIATE` transaction.

use rusqlite::params;

use super::{SqliteStore, now_text, search};
use crate::store::migrations::{self, MIGRATIONS};
use crate::store::{SchemaStatus, SchemaStore, StoreError, StoreResult};

impl SchemaStore for SqliteStore {
    fn schema_status(&self) -> StoreResult<SchemaStatus> {
        let has_table: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |r| r.get(0),
        )?;
        let applied: Vec<u32> = if has_table == 1 {
            let mut stmt = self
                .conn
                .prepare("SELECT version FROM schema_migrations ORDER BY version")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?
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
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TEXT NOT NULL
             )",
        )?;
        let mut applied = Vec::new();
        for m in MIGRATIONS {
            let done = self.write(|tx| {
                // Re-checked inside the write lock: two processes migrating at once apply each step once.
                let exists: i64 = tx.query_row(
                    "SELECT count(*) FROM schema_migrations WHERE version = ?1",
                    [m.version],
                    |r| r.get(0),
                )?;
                if exists > 0 {
                    return Ok(false);
                }
                tx.execute_batch(m.sql)
                    .map_err(|e| StoreError::Db(format!("migrazione {}: {e}", m.name)))?;
                if m.name == migrations::SEARCH_INDEX {
                    // The search dictionary (and keys missing from old rows) need Rust code.
                    search::backfill(tx)?;
                }
                tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                    params![m.version, m.name, now_text()],
                )?;
                tx.pragma_update(None, "user_version", m.version)?;
                Ok(true)
            })?;
            if done {
                applied.push(m.version);
            }
        }
        Ok(applied)
    }
}
