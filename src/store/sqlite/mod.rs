//! The store traits on SQLite (one shared file in WAL mode, many processes) or PostgreSQL (a
//! server, several terminal servers): the same modules, their SQL written once (see
//! [`crate::store::sql`]). On PostgreSQL, writes are SERIALIZABLE transactions retried on a
//! serialization failure ([`SqliteStore::write_sql`]).
//!
//! Connection setup follows RELIABILITY §1: WAL, `synchronous=FULL`, `foreign_keys=ON`, `busy_timeout`
//! 10 s, every write a short `BEGIN IMMEDIATE` transaction, periodic passive checkpoints and a
//! `journal_size_limit` so the `-wal` file stays bounded.
//!
//! This module owns [`SqliteStore`]: opening and creating the file, pragmas, the write helpers and
//! the small helpers shared by its children. Each child holds one concern and the impl of its trait:
//! `schema` (migrations), `maintenance` (check, backup, checkpoint), `audit` (the hash chain),
//! `organisation` (enti, uffici, operatori), `login` (login attempts), `settings`, `drafts`,
//! `persona` and `persona_write` (reading and writing persons), `search` (the person search),
//! `anagrafe` (bulk loads of persons), `scheda` (the schede), `codici` (the code lists), `casi`
//! (presa in carico, cases, cartella and fascicolo).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

use crate::domain::Actor;
use crate::store::sql::pg::PgSession;
use crate::store::sql::{Engine, Sql};
use crate::store::{SchemaStore, StoreError, StoreResult};

mod anagrafe;
pub mod anonymize;
mod audit;
mod casi;
mod casi_operatori;
mod changes;
mod codici;
mod copy;
mod drafts;
mod erogazioni;
mod fascicolo;
mod login;
mod maintenance;
mod organisation;
mod organizzazioni;
mod persona;
pub(super) mod persona_write;
mod proposte;
mod recordings;
mod retention;
mod richieste;
pub(super) mod scheda;
mod scheda_documenti;
mod schema;
mod search;
mod sessioni;
mod settings;
mod siuss;

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Times a PostgreSQL write is run again after a serialization failure.
const MAX_RETRIES: u32 = 30;
/// Run a passive checkpoint every this many commits of one connection.
const CHECKPOINT_EVERY: u32 = 500;

/// The engine behind a store.
enum Backend {
    Sqlite(Connection),
    Postgres(Box<PgSession>),
}

/// A store on one SQLite file or on a PostgreSQL database.
pub struct SqliteStore {
    db: Backend,
    path: PathBuf,
    /// Set when the database schema is newer than this binary: reads only.
    read_only_reason: Option<StoreError>,
    commits: u32,
    /// Where drafts wait while the PostgreSQL server is out of reach (see `drafts`); none on SQLite.
    spool_dir: Option<PathBuf>,
    /// When this session last wrote the audit anchor (see `audit`).
    anchored_at: std::cell::Cell<Option<std::time::Instant>>,
    /// A test database of [`SqliteStore::in_memory`] on PostgreSQL, dropped with the store (after
    /// its connection, declared before).
    scratch: Option<ScratchDb>,
}

/// A PostgreSQL database that lives as long as its store (the `in_memory` of the tests).
struct ScratchDb {
    admin: String,
    name: String,
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        if let Ok(server) = crate::store::sql::connect::connect(&self.admin) {
            let _ = server.batch(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                StoreError::Db("database occupato da troppo tempo, riprovare".into())
            }
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
                StoreError::Unavailable(
                    "il file non è un database valido oppure è danneggiato".into(),
                )
            }
            Some(ErrorCode::ReadOnly)
            | Some(ErrorCode::CannotOpen)
            | Some(ErrorCode::PermissionDenied) => {
                StoreError::Unavailable(format!("impossibile scrivere il database ({e})"))
            }
            Some(ErrorCode::DiskFull) => StoreError::Unavailable("disco pieno".into()),
            Some(ErrorCode::ConstraintViolation) => {
                let msg = e.to_string();
                if msg.contains("UNIQUE") {
                    StoreError::Duplicate(msg)
                } else {
                    StoreError::Invalid(msg)
                }
            }
            _ => StoreError::Db(e.to_string()),
        }
    }
}

/// Current UTC time as stored in `*_at` columns (RFC 3339, milliseconds).
pub fn now_text() -> String {
    crate::domain::date::now_timestamp()
}

/// One row of a person's history of changes (inside the caller's transaction).
pub(crate) fn insert_history(
    tx: &Sql<'_>,
    soggetto_id: i64,
    now: &str,
    by: &str,
    campo: &str,
    prima: Option<&str>,
    dopo: Option<&str>,
) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO soggetto_storia (soggetto_id, at, by, campo, prima, dopo) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(crate::store::sql::params![soggetto_id, now, by, campo, prima, dopo])?;
    Ok(())
}

/// A list of values as the JSON array `json_each(?)` reads (`[]` for none).
pub(crate) fn json_array<T: serde::Serialize>(v: &[T]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// What a feature not yet written for PostgreSQL answers there.
fn not_on_postgres(at: &std::panic::Location<'_>) -> StoreError {
    tracing::warn!(at = %at, "funzione solo SQLite chiamata su PostgreSQL");
    StoreError::Unavailable("funzione non ancora disponibile con il database PostgreSQL".into())
}

pub(crate) fn who(actor: &Actor) -> String {
    match &actor.os_user {
        Some(os) if actor.operatore_id.is_none() => format!("{}({})", actor.username, os),
        _ => actor.username.clone(),
    }
}

impl SqliteStore {
    /// Opens an existing database. Refuses a missing file, a directory, a non-database or a corrupt file.
    /// Nothing is written to the file until the schema has been recognised.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        if path.is_dir() {
            return Err(StoreError::Unavailable(format!(
                "{} è una cartella, non un file di database",
                path.display()
            )));
        }
        if !path.exists() {
            return Err(StoreError::Unavailable(format!(
                "database {} non trovato (crearlo con «sportello init» o «sportello demo»)",
                path.display()
            )));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        let mut store = SqliteStore::setup(conn, path)?;
        store.recognise()?;
        Ok(store)
    }

    /// Creates a new database file with the full schema. Refuses to touch an existing file.
    pub fn create(path: &Path) -> StoreResult<SqliteStore> {
        if path.exists() {
            return Err(StoreError::Unavailable(format!(
                "{} esiste già: non viene sovrascritto",
                path.display()
            )));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Unavailable(format!(
                    "impossibile creare la cartella {}: {e}",
                    parent.display()
                ))
            })?;
        }
        // The file is made here, exclusively and with its final mode (0600, or 0660 in the setgid
        // data directory), so that neither the umask nor SQLite's 0644 default widen it; SQLite
        // gives the `-wal` and `-shm` files the mode of the database.
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        drop(
            crate::files::create_with_mode(path, crate::setgid::private_mode(dir)).map_err(
                |e| StoreError::Unavailable(format!("impossibile creare {}: {e}", path.display())),
            )?,
        );
        // A new database starts a new audit chain: an anchor left by a removed one is stale.
        let _ = std::fs::remove_file(audit::anchor_path(path));
        let made = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Unavailable(format!("impossibile creare {}: {e}", path.display())))
        .and_then(|conn| {
            let mut store = SqliteStore::setup(conn, path)?;
            store.enable_wal()?;
            store.migrate()?;
            Ok(store)
        });
        if made.is_err() {
            // A full disk or a failed migration leaves nothing behind.
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
        }
        made
    }

    /// Opens the PostgreSQL database at `url` (see [`crate::store::sql::connect`]). Nothing is
    /// written until the schema has been recognised.
    pub fn open_postgres(url: &str) -> StoreResult<SqliteStore> {
        let mut store = SqliteStore::on_postgres(url)?;
        store.recognise()?;
        Ok(store)
    }

    /// Creates the schema in the empty PostgreSQL database at `url`. Refuses a database that
    /// already holds tables.
    pub fn create_postgres(url: &str) -> StoreResult<SqliteStore> {
        let mut store = SqliteStore::on_postgres(url)?;
        let tables: i64 = store.sql().one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
            (),
        )?;
        if tables > 0 {
            return Err(StoreError::Unavailable(
                "il database PostgreSQL non è vuoto: non viene sovrascritto".into(),
            ));
        }
        store.migrate()?;
        Ok(store)
    }

    /// A new database with the full schema on the server of `admin` (tests): copied from a
    /// template migrated once per process.
    fn fresh_postgres(admin: &str) -> StoreResult<SqliteStore> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static TEMPLATE: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b).to_string();
        let server = crate::store::sql::connect::connect(admin)?;
        let pid = std::process::id();
        let template = TEMPLATE
            .get_or_init(|| {
                let name = format!("sportello_tmpl_{pid}");
                server
                    .batch(&format!("DROP DATABASE IF EXISTS {name}"))
                    .and_then(|()| server.batch(&format!("CREATE DATABASE {name}")))
                    .and_then(|()| SqliteStore::create_postgres(&format!("{base}/{name}")))
                    .map(|_| name)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(StoreError::Db)?;
        let name = format!("sportello_t_{pid}_{}", NEXT.fetch_add(1, Ordering::Relaxed));
        server.batch(&format!("CREATE DATABASE {name} TEMPLATE {template}"))?;
        let mut store = SqliteStore::open_postgres(&format!("{base}/{name}"))?;
        store.scratch = Some(ScratchDb {
            admin: admin.to_string(),
            name,
        });
        Ok(store)
    }

    fn on_postgres(url: &str) -> StoreResult<SqliteStore> {
        let session = crate::store::sql::connect::connect(url)?;
        Ok(SqliteStore {
            db: Backend::Postgres(Box::new(session)),
            path: PathBuf::from(url),
            read_only_reason: None,
            commits: 0,
            spool_dir: Some(crate::config::data_dir().join("bozze-in-attesa")),
            anchored_at: std::cell::Cell::new(None),
            scratch: None,
        })
    }

    /// Sets where drafts wait while the PostgreSQL server is out of reach (tests; the default is
    /// `bozze-in-attesa` in the data directory).
    pub fn set_spool_dir(&mut self, dir: &Path) {
        if self.is_postgres() {
            self.spool_dir = Some(dir.to_path_buf());
        }
    }

    /// Whether the store is on a PostgreSQL server (for what only one engine has).
    pub(super) fn is_postgres(&self) -> bool {
        matches!(self.db, Backend::Postgres(_))
    }

    /// Whether the store is an SQLite file (not memory, not PostgreSQL): what has files beside it
    /// (the audit anchor).
    pub(super) fn is_file(&self) -> bool {
        matches!(self.db, Backend::Sqlite(_)) && self.path != Path::new(":memory:")
    }

    /// An in-memory database with the full schema (tests). With `SPORTELLO_TEST_PG` set to the
    /// URL of a PostgreSQL server's maintenance database (a throwaway cluster's `postgres`), a new
    /// database on that server instead: the store tests then run on PostgreSQL.
    pub fn in_memory() -> StoreResult<SqliteStore> {
        if let Ok(admin) = std::env::var("SPORTELLO_TEST_PG") {
            return SqliteStore::fresh_postgres(&admin);
        }
        SqliteStore::in_memory_sqlite()
    }

    /// An in-memory SQLite database with the full schema, whatever `SPORTELLO_TEST_PG` says (the
    /// tests of what only SQLite has).
    pub fn in_memory_sqlite() -> StoreResult<SqliteStore> {
        let conn = Connection::open_in_memory()?;
        let mut store = SqliteStore::setup(conn, Path::new(":memory:"))?;
        store.migrate()?;
        Ok(store)
    }

    /// An in-memory copy of the database file at `path` (tests: a fixture built once, copied for
    /// each test).
    pub fn in_memory_copy(path: &Path) -> StoreResult<SqliteStore> {
        let mut conn = Connection::open_in_memory()?;
        conn.restore(
            rusqlite::MAIN_DB,
            path,
            None::<fn(rusqlite::backup::Progress)>,
        )?;
        SqliteStore::setup(conn, Path::new(":memory:"))
    }

    fn setup(conn: Connection, path: &Path) -> StoreResult<SqliteStore> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // The person search prepares a few dozen distinct statements (search::scan).
        conn.set_prepared_statement_cache_capacity(64);
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(SqliteStore {
            db: Backend::Sqlite(conn),
            path: path.to_path_buf(),
            read_only_reason: None,
            commits: 0,
            spool_dir: None,
            anchored_at: std::cell::Cell::new(None),
            scratch: None,
        })
    }

    fn enable_wal(&self) -> StoreResult<()> {
        let mode: String =
            self.lite()?
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && self.path != Path::new(":memory:") {
            return Err(StoreError::Unavailable(format!(
                "modalità WAL non disponibile (journal_mode={mode})"
            )));
        }
        self.lite()?
            .pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
        Ok(())
    }

    /// Checks that the file is a sportello database (or an empty one) before writing anything.
    fn recognise(&mut self) -> StoreResult<()> {
        let count_tables = match self.sql().engine() {
            Engine::Sqlite => "SELECT count(*) FROM sqlite_master",
            Engine::Postgres => {
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
            }
        };
        let tables: i64 = self.sql().one(count_tables, ())?;
        let ours = self.sql().has_table("schema_migrations")?;
        if tables > 0 && !ours {
            return Err(StoreError::Unavailable(format!(
                "{} non è un database di sportello",
                self.location()
            )));
        }
        let status = self.schema_status()?;
        if status.db_version > status.binary_version {
            self.read_only_reason = Some(StoreError::SchemaTooNew {
                db: status.db_version,
                binary: status.binary_version,
            });
            return Ok(());
        }
        match self.db {
            Backend::Sqlite(_) => self.enable_wal(),
            Backend::Postgres(_) => Ok(()),
        }
    }

    /// The database for messages: the file, or the server's URL (which holds no password).
    pub fn location(&self) -> String {
        crate::sanitize::sanitize(&self.path.display().to_string())
    }

    /// Fails when the schema is newer than the binary (writing would be unsafe).
    pub fn ensure_writable(&self) -> StoreResult<()> {
        match &self.read_only_reason {
            Some(StoreError::SchemaTooNew { db, binary }) => Err(StoreError::SchemaTooNew {
                db: *db,
                binary: *binary,
            }),
            Some(other) => Err(StoreError::Unavailable(other.to_string())),
            None => Ok(()),
        }
    }

    /// Fails when the schema is newer or older than the binary: normal sessions need the exact schema.
    pub fn ensure_current(&self) -> StoreResult<()> {
        self.ensure_writable()?;
        let status = self.schema_status()?;
        if !status.pending.is_empty() {
            return Err(StoreError::MigrationsPending(status.pending.len()));
        }
        Ok(())
    }

    /// The SQLite connection, for what is written for SQLite only; on PostgreSQL an error.
    #[track_caller]
    pub(super) fn lite(&self) -> StoreResult<&Connection> {
        match &self.db {
            Backend::Sqlite(c) => Ok(c),
            Backend::Postgres(_) => Err(not_on_postgres(std::panic::Location::caller())),
        }
    }

    #[track_caller]
    pub(super) fn lite_mut(&mut self) -> StoreResult<&mut Connection> {
        match &mut self.db {
            Backend::Sqlite(c) => Ok(c),
            Backend::Postgres(_) => Err(not_on_postgres(std::panic::Location::caller())),
        }
    }

    /// The connection, for statements written once for both engines.
    pub(super) fn sql(&self) -> Sql<'_> {
        match &self.db {
            Backend::Sqlite(c) => Sql::Sqlite(c),
            Backend::Postgres(p) => Sql::Postgres(p),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sets SQLite's own checkpoint of this connection, after `pages` pages of WAL (0 turns it off,
    /// leaving only the store's periodic passive checkpoints, as the WAL test needs).
    pub fn set_wal_autocheckpoint(&self, pages: u32) -> StoreResult<()> {
        self.lite()?
            .pragma_update(None, "wal_autocheckpoint", pages)?;
        Ok(())
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction.
    pub(super) fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.write_with(true, f)
    }

    /// As [`Self::write`]; with `commit` false the transaction is rolled back (dry runs).
    pub(super) fn write_with<T>(
        &mut self,
        commit: bool,
        f: impl FnOnce(&Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.ensure_writable()?;
        let tx = self
            .lite_mut()?
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        if !commit {
            tx.rollback()?;
            return Ok(out);
        }
        tx.commit()?;
        self.commits += 1;
        self.anchor_if_due();
        if self.commits.is_multiple_of(CHECKPOINT_EVERY) {
            // Passive: never waits for readers; failures are harmless (the next one retries).
            let _ = self
                .lite()?
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
        Ok(out)
    }

    /// Runs `f` in one write transaction of either engine: `BEGIN IMMEDIATE` on SQLite;
    /// SERIALIZABLE on PostgreSQL, run again from the start when the server reports a
    /// serialization failure or a deadlock (the operator never sees those).
    pub(super) fn write_sql<T>(
        &mut self,
        f: impl FnMut(&Sql<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.write_sql_with(true, f)
    }

    /// As [`Self::write_sql`]; with `commit` false the transaction is rolled back (dry runs).
    pub(super) fn write_sql_with<T>(
        &mut self,
        commit: bool,
        mut f: impl FnMut(&Sql<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let Backend::Postgres(p) = &self.db else {
            return self.write_with(commit, |tx| f(&Sql::Sqlite(tx)));
        };
        self.ensure_writable()?;
        let mut attempt = 0u32;
        loop {
            p.take_retry();
            p.begin()?;
            match f(&Sql::Postgres(p)).and_then(|v| p.end(commit).map(|()| v)) {
                Ok(v) => {
                    self.commits += 1;
                    return Ok(v);
                }
                Err(e) => {
                    let _ = p.end(false);
                    if !p.take_retry() || attempt >= MAX_RETRIES {
                        return Err(e);
                    }
                    attempt += 1;
                    crate::store::sql::pg::count_retry();
                    // Spread the contenders: 1–2 ms, doubling, at most ~130 ms.
                    let base = 1u64 << attempt.min(7);
                    let jitter = u64::from(std::process::id() ^ attempt) % base;
                    std::thread::sleep(Duration::from_millis(base + jitter));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Durability across a power loss: every connection syncs the WAL on each commit
    /// (`synchronous=FULL`, RELIABILITY §1) and writes through the WAL.
    #[test]
    fn connections_sync_every_commit_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(SqliteStore::create(&path).unwrap());
        for store in [
            SqliteStore::open(&path).unwrap(),
            SqliteStore::in_memory_sqlite().unwrap(),
        ] {
            let sync: i64 = store
                .lite()
                .unwrap()
                .query_row("PRAGMA synchronous", [], |r| r.get(0))
                .unwrap();
            assert_eq!(sync, 2, "synchronous=FULL");
        }
        let store = SqliteStore::open(&path).unwrap();
        let mode: String = store
            .lite()
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
}
