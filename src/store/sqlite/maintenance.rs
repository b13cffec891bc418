//! The database as a whole: integrity and foreign-key checks (with the schema version and the
//! audit chain), the verified online backup, WAL checkpoints.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::SqliteStore;
use crate::store::sql::Sql;
use crate::store::{MaintenanceStore, SchemaStore, StoreError, StoreResult};

impl SqliteStore {
    /// `integrity_check`, foreign keys, schema version and the audit chain (not its anchor).
    fn check_contents(&self) -> StoreResult<Vec<String>> {
        let mut problems = match self.sql() {
            Sql::Sqlite(_) => self.check_sqlite_file()?,
            Sql::Postgres(_) => self.check_postgres()?,
        };
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

    /// PostgreSQL: every B-tree index of the schema through `amcheck` (when the extension is
    /// installed: `CREATE EXTENSION amcheck`, by the cluster's administrator), and no constraint
    /// left unvalidated.
    fn check_postgres(&self) -> StoreResult<Vec<String>> {
        let sql = self.sql();
        let mut problems: Vec<String> = sql
            .prepare(
                "SELECT conrelid::regclass::text || ': ' || conname FROM pg_constraint
                 WHERE NOT convalidated AND connamespace = current_schema()::regnamespace",
            )?
            .query_map((), |r| {
                Ok(format!(
                    "vincolo non verificato: {}",
                    r.get::<_, String>(0)?
                ))
            })?
            .collect::<StoreResult<_>>()?;
        let amcheck: i64 = sql.one(
            "SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'",
            (),
        )?;
        if amcheck == 0 {
            tracing::info!("amcheck non installato: indici PostgreSQL non verificati");
            return Ok(problems);
        }
        let indexes: Vec<String> = sql
            .prepare(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 JOIN pg_am a ON a.oid = c.relam
                 WHERE a.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace
                 ORDER BY c.relname",
            )?
            .query_map((), |r| r.get(0))?
            .collect::<StoreResult<_>>()?;
        for index in indexes {
            if let Err(e) = sql.execute(
                "SELECT bt_index_check(CAST(CAST(?1 AS TEXT) AS regclass))",
                [&index],
            ) {
                problems.push(format!("indice {index}: {e}"));
            }
        }
        Ok(problems)
    }

    /// SQLite: `integrity_check` and `foreign_key_check`.
    fn check_sqlite_file(&self) -> StoreResult<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.lite()?.prepare("PRAGMA integrity_check")?;
        for line in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let line = line?;
            if line != "ok" {
                problems.push(format!("integrità: {line}"));
            }
        }
        let mut stmt = self.lite()?.prepare("PRAGMA foreign_key_check")?;
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
        Ok(problems)
    }

    /// Copies the database into the new file `partial` (created with the source's mode, never
    /// wider than 0660, whatever the umask) and checks the copy.
    fn backup_into(&self, partial: &Path) -> StoreResult<()> {
        if self.is_postgres() {
            return crate::store::sql::connect::pg_dump(&self.path().to_string_lossy(), partial);
        }
        self.copy_into(partial)?;
        let copy = SqliteStore::open(partial)?;
        let problems = copy.check_contents()?;
        drop(copy);
        if !problems.is_empty() {
            return Err(StoreError::Unavailable(format!(
                "copia non valida: {}",
                problems.join("; ")
            )));
        }
        Ok(())
    }

    /// Copies the database page by page into the new file `partial`, unverified.
    fn copy_into(&self, partial: &Path) -> StoreResult<()> {
        let mode = std::fs::metadata(&self.path)
            .map(|m| m.permissions().mode() & 0o660)
            .unwrap_or(crate::files::PRIVATE);
        drop(crate::files::create_with_mode(partial, mode).map_err(|e| {
            StoreError::Output(format!("impossibile scrivere {}: {e}", partial.display()))
        })?);
        let mut dst = Connection::open(partial).map_err(|e| {
            StoreError::Output(format!("impossibile scrivere {}: {e}", partial.display()))
        })?;
        copy_pages(self.lite()?, &mut dst)
    }

    /// Verifies the copy `src` (integrity, foreign keys, schema version, audit chain) on a staging
    /// file beside `aside`, keeps the database as it is now in `aside` with its audit anchor, then
    /// replaces the whole content with the copy in one write transaction (other sessions see the
    /// restored data at their next read) and anchors the restored audit chain. The copy itself is
    /// only read.
    fn restore_verified(&mut self, src: &Path, aside: &Path) -> StoreResult<()> {
        self.ensure_writable()?;
        if self.is_postgres() {
            return Err(StoreError::Unavailable(
                "con PostgreSQL il ripristino si fa con gli strumenti del cluster \
                 (pg_restore su un database nuovo, vedere il README)"
                    .into(),
            ));
        }
        let bad = |m: String| StoreError::Invalid(format!("copia non utilizzabile: {m}"));
        if !src.is_file() {
            return Err(bad(format!("{} non è un file", src.display())));
        }
        if aside.symlink_metadata().is_ok() {
            return Err(StoreError::Output(format!(
                "{} esiste già: non viene sovrascritto",
                aside.display()
            )));
        }
        let staging = aside.with_extension("verifica");
        let leftovers = |p: &Path| {
            for ext in [
                "verifica",
                "verifica-wal",
                "verifica-shm",
                "verifica-journal",
            ] {
                let _ = std::fs::remove_file(p.with_extension(ext));
            }
        };
        leftovers(aside);
        let result = (|| {
            {
                // Immutable: no lock, no `-wal` or `-shm` made beside the copy.
                let source = Connection::open_with_flags(
                    immutable_uri(src),
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
                        | rusqlite::OpenFlags::SQLITE_OPEN_URI,
                )
                .map_err(|e| bad(e.to_string()))?;
                drop(crate::files::create_private(&staging).map_err(|e| {
                    StoreError::Output(format!("impossibile scrivere {}: {e}", staging.display()))
                })?);
                let mut dst = Connection::open(&staging)?;
                copy_pages(&source, &mut dst).map_err(|e| bad(e.to_string()))?;
            }
            let copy = SqliteStore::open(&staging).map_err(|e| bad(e.to_string()))?;
            let problems = copy.check_contents()?;
            if !problems.is_empty() {
                return Err(bad(problems.join("; ")));
            }
            self.copy_into(aside)?;
            copy_pages(copy.lite()?, self.lite_mut()?)
        })();
        leftovers(aside);
        result?;
        if self.path != Path::new(":memory:") {
            let anchor = super::audit::anchor_path(&self.path);
            if anchor.exists() {
                std::fs::rename(&anchor, super::audit::anchor_path(aside)).map_err(|e| {
                    StoreError::Output(format!("impossibile spostare {}: {e}", anchor.display()))
                })?;
            }
            self.write_anchor();
        }
        Ok(())
    }
}

/// The URI that opens the file `path` read-only as immutable.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for b in path.as_os_str().as_encoded_bytes() {
        match b {
            b'%' | b'?' | b'#' => uri.push_str(&format!("%{b:02X}")),
            b if b.is_ascii_graphic() || *b == b' ' => uri.push(char::from(*b)),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri + "?immutable=1"
}

/// Copies every page of `src` into `dst` with SQLite's online backup: one step inside one read
/// transaction of `src` (a consistent snapshot even while other sessions write: WAL readers never
/// block writers) and one write transaction of `dst`.
fn copy_pages(src: &Connection, dst: &mut Connection) -> StoreResult<()> {
    let backup = rusqlite::backup::Backup::new(src, dst)?;
    loop {
        match backup.step(-1)? {
            rusqlite::backup::StepResult::Done => return Ok(()),
            rusqlite::backup::StepResult::More => continue,
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

impl MaintenanceStore for SqliteStore {
    fn unclassified_columns(&self) -> StoreResult<Vec<String>> {
        super::anonymize::unclassified(self.lite()?)
    }

    fn anonymize_to(&self, dest: &Path, key: &[u8; 32]) -> StoreResult<Vec<(String, i64)>> {
        if self.is_postgres() {
            return Err(StoreError::Unavailable(
                "la copia pseudonimizzata si fa da un file SQLite: copiare prima il database \
                 PostgreSQL in un file (non ancora disponibile)"
                    .into(),
            ));
        }
        super::anonymize::anonymize_to(self, dest, key)
    }

    fn check(&self) -> StoreResult<Vec<String>> {
        let mut problems = self.check_contents()?;
        let anchor = self.verify_anchor()?;
        if anchor.is_empty() {
            self.write_anchor();
        }
        problems.extend(anchor);
        Ok(problems)
    }

    fn backup_to(&self, dest: &Path) -> StoreResult<()> {
        if dest.symlink_metadata().is_ok() {
            return Err(StoreError::Output(format!(
                "{} esiste già: non viene sovrascritto",
                dest.display()
            )));
        }
        let partial = dest.with_extension("partial");
        let leftovers = |p: &Path| {
            for ext in ["partial", "partial-wal", "partial-shm", "partial-journal"] {
                let _ = std::fs::remove_file(p.with_extension(ext));
            }
        };
        leftovers(dest);
        let result = self.backup_into(&partial).and_then(|()| {
            std::fs::rename(&partial, dest)
                .map_err(|e| StoreError::Output(format!("impossibile completare la copia: {e}")))
        });
        // Whatever happened (a full disk, a failed check), nothing is left beside the destination.
        leftovers(dest);
        result
    }

    fn copy_to_postgres(&self, url: &str) -> StoreResult<Vec<(String, i64)>> {
        SqliteStore::copy_to_postgres(self, url)
    }

    fn restore_from(&mut self, src: &Path, aside: &Path) -> StoreResult<()> {
        self.restore_verified(src, aside)
    }

    fn checkpoint(&self) -> StoreResult<()> {
        // PostgreSQL manages its own write-ahead log.
        if let Some(conn) = self.sql().lite() {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(())
    }
}
