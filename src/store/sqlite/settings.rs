//! Installation settings: a key → value table (the demo flag lives here).

use super::SqliteStore;
use crate::store::sql::{OptionalExtension, params};
use crate::store::{SettingsStore, StoreResult};

impl SettingsStore for SqliteStore {
    fn is_demo(&self) -> StoreResult<bool> {
        Ok(self.setting("demo")?.as_deref() == Some("1"))
    }

    fn set_setting(&mut self, key: &str, value: &str) -> StoreResult<()> {
        self.write_sql(|tx| {
            tx.execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        self.sql()
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
    }
}
