//! The database as a whole: integrity and foreign-key checks (with the schema version and the
//! audit chain), the verified online backup, WAL checkpoints.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::SqliteStore;
use crate::store::{MaintenanceStore, SchemaStore, StoreError, StoreResult};

impl MaintenanceStore for SqliteStore {
    fn unclassified_columns(&self) -> StoreResult<Vec<String>> {
        super::anonymize::unclassified(&self.conn)
    }

    fn anonymize_to(&self, dest: &Path, key: &[u8; 32]) -> StoreResult<Vec<(String, i64)>> {
        super::anonymize::anonymize_to(self, dest, key)
    }

    fn check(&self) -> StoreResult<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for line in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let line = line?;
            if line != "ok" {
                problems.push(format!("integrità: {line}"));
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let fk: Vec<String> = stmt
            .query_map([], |r| {
                Ok(format!(
                    "chiave esterna: tabella {} riga {} → {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                    r.get::<_, String>(2)?
                ))
            })?
            .collect::<Result<_, _>>()?;
        problems.extend(fk);
        let status = self.schema_status()?;
        if status.db_version > status.binary_version {
            problems.push(
                StoreError::SchemaTooNew {
                    db: status.db_version,
                    binary: status.binary_version,
                }
                .to_string(),
            );
        } else if !status.pending.is_empty() {
            problems.push(StoreError::MigrationsPending(status.pending.len()).to_string());
        }
        if status.db_version > 0 {
            problems.extend(self.verify_audit_chain(20)?);
        }
        Ok(problems)
    }

    fn backup_to(&self, dest: &Path) -> StoreResult<()> {
        if dest.exists() {
            return Err(StoreError::Unavailable(format!(
                "{} esiste già: non viene sovrascritto",
                dest.display()
            )));
        }
        let partial = dest.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        {
            let mut dst = Connection::open(&partial).map_err(|e| {
                StoreError::Unavailable(format!("impossibile scrivere {}: {e}", partial.display()))
            })?;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
            // One step copies every page inside one read transaction: a consistent snapshot even while
            // other sessions write (WAL readers never block writers).
            loop {
                match backup.step(-1)? {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => continue,
                    rusqlite::backup::StepResult::Busy | rusqlite::backup::StepResult::Locked => {
                        std::thread::sleep(Duration::from_millis(50))
                    }
                    _ => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        }
        let copy = SqliteStore::open(&partial)?;
        let problems = copy.check()?;
        drop(copy);
        if !problems.is_empty() {
            let _ = std::fs::remove_file(&partial);
            return Err(StoreError::Unavailable(format!(
                "copia non valida: {}",
                problems.join("; ")
            )));
        }
        std::fs::rename(&partial, dest).map_err(|e| {
            StoreError::Unavailable(format!("impossibile completare la copia: {e}"))
        })?;
        for ext in ["partial-wal", "partial-shm"] {
            let _ = std::fs::remove_file(dest.with_extension(ext));
        }
        Ok(())
    }

    fn checkpoint(&self) -> StoreResult<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
