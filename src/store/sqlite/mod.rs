//! SQLite implementation of [`Store`]: one shared file in WAL mode, many processes.
//!
//! Connection setup follows RELIABILITY §1: WAL, `synchronous=FULL`, `foreign_keys=ON`, `busy_timeout`
//! 10 s, every write a short `BEGIN IMMEDIATE` transaction, periodic passive checkpoints and a
//! `journal_size_limit` so the `-wal` file stays bounded.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{
    Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};
use sha2::{Digest, Sha256};

use crate::store::migrations::{self, MIGRATIONS};
use crate::store::{
    Contatori, Counts, Draft, LoginAttempt, LoginResult, Saved, SchedaSave, SchedaSaved,
    SchemaStatus, Store, StoreError, StoreResult,
};
use crate::domain::codici::{Codice, ImportCounts, NewCodice};
use crate::domain::fold::fold;
use crate::domain::persona::{Consenso, Marcatori, Modifica, PersonaEdit, Privacy, Soggetto};
use crate::domain::scheda::{Filtro, Scheda, SchedaEdit, SchedaRiga};
use crate::domain::search::SearchHit;
use crate::domain::search_query::SearchQuery;
use crate::domain::soggetto::{ImportRow, NewSoggetto, UpsertCounts};
use crate::domain::{
    Actor, AuditEvent, AuditRow, Ente, NewEnte, NewOperatore, Operatore, Outcome, RoleSet, Ufficio,
};

mod anagrafe;
mod codici;
mod persona;
pub(super) mod persona_write;
pub(super) mod scheda;
mod search;

const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Run a passive checkpoint every this many commits of one connection.
const CHECKPOINT_EVERY: u32 = 500;
const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A store on one SQLite file.
pub struct SqliteStore {
    pub(super) conn: Connection,
    path: PathBuf,
    /// Set when the database schema is newer than this binary: reads only.
    read_only_reason: Option<StoreError>,
    commits: u32,
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
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    now.format(&fmt).unwrap_or_default()
}

/// One row of a person's history of changes (inside the caller's transaction).
pub(crate) fn insert_history(
    tx: &Transaction<'_>,
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
    .execute(params![soggetto_id, now, by, campo, prima, dopo])?;
    Ok(())
}

/// A list of values as the JSON array `json_each(?)` reads (`[]` for none).
pub(crate) fn json_array<T: serde::Serialize>(v: &[T]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
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
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| {
            StoreError::Unavailable(format!("impossibile creare {}: {e}", path.display()))
        })?;
        let mut store = SqliteStore::setup(conn, path)?;
        store.enable_wal()?;
        store.migrate()?;
        Ok(store)
    }

    /// An in-memory database with the full schema (tests).
    pub fn in_memory() -> StoreResult<SqliteStore> {
        let conn = Connection::open_in_memory()?;
        let mut store = SqliteStore::setup(conn, Path::new(":memory:"))?;
        store.migrate()?;
        Ok(store)
    }

    fn setup(conn: Connection, path: &Path) -> StoreResult<SqliteStore> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // The person search prepares a few dozen distinct statements (search::scan).
        conn.set_prepared_statement_cache_capacity(64);
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(SqliteStore {
            conn,
            path: path.to_path_buf(),
            read_only_reason: None,
            commits: 0,
        })
    }

    fn enable_wal(&self) -> StoreResult<()> {
        let mode: String = self
            .conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && self.path != Path::new(":memory:") {
            return Err(StoreError::Unavailable(format!(
                "modalità WAL non disponibile (journal_mode={mode})"
            )));
        }
        self.conn
            .pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
        Ok(())
    }

    /// Checks that the file is a sportello database (or an empty one) before writing anything.
    fn recognise(&mut self) -> StoreResult<()> {
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(StoreError::from)?;
        let ours: bool = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |r| r.get::<_, i64>(0),
        )? == 1;
        if tables > 0 && !ours {
            return Err(StoreError::Unavailable(format!(
                "{} non è un database di sportello",
                self.path.display()
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
        self.enable_wal()
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

    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
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
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        if !commit {
            tx.rollback()?;
            return Ok(out);
        }
        tx.commit()?;
        self.commits += 1;
        if self.commits.is_multiple_of(CHECKPOINT_EVERY) {
            // Passive: never waits for readers; failures are harmless (the next one retries).
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
        Ok(out)
    }

    fn operatore_from_row(&self, row: &rusqlite::Row<'_>) -> rusqlite::Result<Operatore> {
        Ok(Operatore {
            id: row.get("id")?,
            version: row.get("version")?,
            username: row.get("username")?,
            nome: row.get("nome")?,
            cognome: row.get("cognome")?,
            roles: RoleSet::from_bits(row.get::<_, i64>("roles")? as u8),
            enti: Vec::new(),
            ufficio_id: row.get("ufficio_id")?,
            attivo: row.get("attivo")?,
            os_user: row.get("os_user")?,
            extra: row.get("extra")?,
        })
    }

    fn load_enti(&self, mut op: Operatore) -> StoreResult<Operatore> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT ente_id FROM operatore_ente WHERE operatore_id = ?1 ORDER BY ordine",
        )?;
        op.enti = stmt
            .query_map([op.id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(op)
    }

    fn operatore_where(
        &self,
        clause: &str,
        arg: &dyn rusqlite::ToSql,
    ) -> StoreResult<Option<Operatore>> {
        let sql = format!(
            "SELECT id, version, username, nome, cognome, roles, ufficio_id, attivo, os_user, extra FROM operatore WHERE {clause}"
        );
        let op = self
            .conn
            .query_row(&sql, [arg], |r| self.operatore_from_row(r))
            .optional()?;
        op.map(|o| self.load_enti(o)).transpose()
    }
}

fn ente_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Ente> {
    Ok(Ente {
        id: r.get("id")?,
        version: r.get("version")?,
        nome: r.get("nome")?,
        belfiore: r.get("belfiore")?,
        istat: r.get("istat")?,
        tipo: r.get("tipo")?,
        capofila: r.get("capofila")?,
        ambito_id: r.get("ambito_id")?,
        attivo: r.get("attivo")?,
    })
}

fn draft_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Draft> {
    Ok(Draft {
        form: r.get(0)?,
        record_key: r.get(1)?,
        content: r.get(2)?,
        saved_at: r.get(3)?,
    })
}

const ENTE_COLUMNS: &str = "id, version, nome, belfiore, istat, tipo, capofila, ambito_id, attivo";

/// The text hashed for one audit row: every column but the hash, separated by U+001F.
fn audit_hash(prev_hash: &str, row: &AuditRow) -> String {
    let e = &row.event;
    let fields = [
        row.id.to_string(),
        row.at.clone(),
        row.operatore_id.map(|v| v.to_string()).unwrap_or_default(),
        row.username.clone(),
        row.os_user.clone().unwrap_or_default(),
        row.ssh_client.clone().unwrap_or_default(),
        e.action.clone(),
        e.entity.clone().unwrap_or_default(),
        e.entity_id.map(|v| v.to_string()).unwrap_or_default(),
        e.section.clone().unwrap_or_default(),
        e.outcome.as_str().to_string(),
        e.detail.clone().unwrap_or_default(),
    ];
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    for f in fields {
        h.update([0x1f]);
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one audit row inside the caller's IMMEDIATE transaction (which serialises the chain).
pub(crate) fn append_audit(
    tx: &Transaction<'_>,
    actor: &Actor,
    event: &AuditEvent,
) -> StoreResult<()> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (last_id, prev_hash) = last.unwrap_or((0, GENESIS_HASH.to_string()));
    let mut row = AuditRow {
        id: last_id + 1,
        at: now_text(),
        operatore_id: actor.operatore_id,
        username: actor.username.clone(),
        os_user: actor.os_user.clone(),
        ssh_client: actor.ssh_client.clone(),
        event: event.clone(),
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    row.hash = audit_hash(&prev_hash, &row);
    tx.prepare_cached(
        "INSERT INTO audit_log (id, at, operatore_id, username, os_user, ssh_client, action, entity, entity_id,
                                section, outcome, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        row.id,
        row.at,
        row.operatore_id,
        row.username,
        row.os_user,
        row.ssh_client,
        event.action,
        event.entity,
        event.entity_id,
        event.section,
        event.outcome.as_str(),
        event.detail,
        row.prev_hash,
        row.hash
    ])?;
    Ok(())
}

fn audit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    let outcome: String = r.get("outcome")?;
    Ok(AuditRow {
        id: r.get("id")?,
        at: r.get("at")?,
        operatore_id: r.get("operatore_id")?,
        username: r.get("username")?,
        os_user: r.get("os_user")?,
        ssh_client: r.get("ssh_client")?,
        event: AuditEvent {
            action: r.get("action")?,
            entity: r.get("entity")?,
            entity_id: r.get("entity_id")?,
            section: r.get("section")?,
            // An unknown outcome text cannot come from us: keep it visible to the chain check.
            outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Failed),
            detail: r.get("detail")?,
        },
        prev_hash: r.get("prev_hash")?,
        hash: r.get("hash")?,
    })
}

const AUDIT_COLUMNS: &str = "id, at, operatore_id, username, os_user, ssh_client, action, entity, entity_id, section, outcome, detail, prev_hash, hash";

impl SqliteStore {
    /// Problems in the audit hash chain, at most `max` of them.
    fn verify_audit_chain(&self, max: usize) -> StoreResult<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id"
        ))?;
        let mut rows = stmt.query([])?;
        let mut prev = GENESIS_HASH.to_string();
        let mut expected_id = 1;
        while let Some(r) = rows.next()? {
            let row = audit_from_row(r)?;
            let outcome_text: String = r.get("outcome")?;
            if row.id != expected_id {
                problems.push(format!(
                    "registro di audit: manca la riga {expected_id} (trovata {})",
                    row.id
                ));
            }
            if row.prev_hash != prev
                || audit_hash(&prev, &row) != row.hash
                || Outcome::parse(&outcome_text).is_none()
            {
                problems.push(format!(
                    "registro di audit: la riga {} è stata alterata",
                    row.id
                ));
            }
            if problems.len() >= max {
                break;
            }
            prev = row.hash;
            expected_id = row.id + 1;
        }
        Ok(problems)
    }
}

impl Store for SqliteStore {
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

    fn create_ente(&mut self, actor: &Actor, new: &NewEnte) -> StoreResult<i64> {
        if new.nome.trim().is_empty() {
            return Err(StoreError::Invalid(
                "il nome dell'ente è obbligatorio".into(),
            ));
        }
        self.write(|tx| {
            let now = now_text();
            let by = who(actor);
            tx.execute(
                "INSERT INTO ente (nome, belfiore, istat, tipo, capofila, ambito_id, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                params![new.nome.trim(), new.belfiore, new.istat, new.tipo, new.capofila, new.ambito_id, now, by],
            )
            .map_err(|e| match StoreError::from(e) {
                StoreError::Duplicate(_) => StoreError::Duplicate(format!(
                    "un ente con codice {} esiste già",
                    new.belfiore.as_deref().unwrap_or("")
                )),
                other => other,
            })?;
            let id = tx.last_insert_rowid();
            append_audit(tx, actor, &AuditEvent::new("crea_ente", Outcome::Ok).on("ente", Some(id)))?;
            Ok(id)
        })
    }

    fn ente_by_code(&self, belfiore: &str) -> StoreResult<Option<Ente>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ENTE_COLUMNS} FROM ente WHERE belfiore = ?1"),
                [belfiore.trim().to_uppercase()],
                ente_from_row,
            )
            .optional()?)
    }

    fn ente(&self, id: i64) -> StoreResult<Option<Ente>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ENTE_COLUMNS} FROM ente WHERE id = ?1"),
                [id],
                ente_from_row,
            )
            .optional()?)
    }

    fn list_enti(&self) -> StoreResult<Vec<Ente>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {ENTE_COLUMNS} FROM ente ORDER BY nome"))?;
        Ok(stmt
            .query_map([], ente_from_row)?
            .collect::<Result<_, _>>()?)
    }

    fn create_ufficio(&mut self, actor: &Actor, ente_id: i64, nome: &str) -> StoreResult<i64> {
        if nome.trim().is_empty() {
            return Err(StoreError::Invalid(
                "il nome dell'ufficio è obbligatorio".into(),
            ));
        }
        self.write(|tx| {
            let now = now_text();
            let by = who(actor);
            tx.execute(
                "INSERT INTO ufficio (ente_id, nome, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?3, ?4)",
                params![ente_id, nome.trim(), now, by],
            )?;
            let id = tx.last_insert_rowid();
            append_audit(
                tx,
                actor,
                &AuditEvent::new("crea_ufficio", Outcome::Ok).on("ufficio", Some(id)),
            )?;
            Ok(id)
        })
    }

    fn list_uffici(&self, ente_id: i64) -> StoreResult<Vec<Ufficio>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, version, ente_id, nome, attivo FROM ufficio WHERE ente_id = ?1 ORDER BY nome, id",
        )?;
        Ok(stmt
            .query_map([ente_id], |r| {
                Ok(Ufficio {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    ente_id: r.get(2)?,
                    nome: r.get(3)?,
                    attivo: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?)
    }

    fn ufficio(&self, id: i64) -> StoreResult<Option<Ufficio>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, version, ente_id, nome, attivo FROM ufficio WHERE id = ?1",
                [id],
                |r| {
                    Ok(Ufficio {
                        id: r.get(0)?,
                        version: r.get(1)?,
                        ente_id: r.get(2)?,
                        nome: r.get(3)?,
                        attivo: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    fn create_operatore(
        &mut self,
        actor: &Actor,
        new: &NewOperatore,
        password_hash: Option<&str>,
    ) -> StoreResult<i64> {
        if new.roles.is_empty() {
            return Err(StoreError::Invalid("indicare almeno un ruolo".into()));
        }
        self.write(|tx| {
            let now = now_text();
            let by = who(actor);
            tx.execute(
                "INSERT INTO operatore (username, nome, cognome, roles, ufficio_id, os_user, password_hash,
                                        created_at, created_by, updated_at, updated_by, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9, ?10)",
                params![
                    new.username,
                    new.nome,
                    new.cognome,
                    new.roles.bits(),
                    new.ufficio_id,
                    new.os_user,
                    password_hash,
                    now,
                    by,
                    if new.extra.is_empty() { "{}" } else { new.extra.as_str() }
                ],
            )
            .map_err(|e| match StoreError::from(e) {
                StoreError::Duplicate(_) => {
                    StoreError::Duplicate(format!("l'operatore «{}» esiste già", new.username))
                }
                other => other,
            })?;
            let id = tx.last_insert_rowid();
            for (i, ente) in new.enti.iter().enumerate() {
                tx.execute(
                    "INSERT INTO operatore_ente (operatore_id, ente_id, ordine) VALUES (?1, ?2, ?3)",
                    params![id, ente, i as i64],
                )?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("crea_operatore", Outcome::Ok)
                    .on("operatore", Some(id))
                    .detail(format!("ruoli={}", new.roles.codes())),
            )?;
            Ok(id)
        })
    }

    fn operatore_by_username(&self, username: &str) -> StoreResult<Option<Operatore>> {
        self.operatore_where("username = ?1", &username)
    }

    fn operatore_by_os_user(&self, os_user: &str) -> StoreResult<Option<Operatore>> {
        self.operatore_where("os_user = ?1", &os_user)
    }

    fn password_hash(&self, operatore_id: i64) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT password_hash FROM operatore WHERE id = ?1",
                [operatore_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    fn list_operatori(&self) -> StoreResult<Vec<Operatore>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, version, username, nome, cognome, roles, ufficio_id, attivo, os_user, extra FROM operatore ORDER BY username",
        )?;
        let ops: Vec<Operatore> = stmt
            .query_map([], |r| self.operatore_from_row(r))?
            .collect::<Result<_, _>>()?;
        ops.into_iter().map(|o| self.load_enti(o)).collect()
    }

    fn update_operatore(&mut self, actor: &Actor, op: &Operatore) -> StoreResult<i64> {
        if op.roles.is_empty() {
            return Err(StoreError::Invalid("indicare almeno un ruolo".into()));
        }
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE operatore SET nome = ?1, cognome = ?2, roles = ?3, ufficio_id = ?4, attivo = ?5, os_user = ?6,
                        version = version + 1, updated_at = ?7, updated_by = ?8, extra = ?11
                 WHERE id = ?9 AND version = ?10",
                params![
                    op.nome,
                    op.cognome,
                    op.roles.bits(),
                    op.ufficio_id,
                    op.attivo,
                    op.os_user,
                    now_text(),
                    who(actor),
                    op.id,
                    op.version,
                    if op.extra.is_empty() { "{}" } else { op.extra.as_str() }
                ],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict { entity: "operatore", id: op.id });
            }
            tx.execute("DELETE FROM operatore_ente WHERE operatore_id = ?1", [op.id])?;
            for (i, ente) in op.enti.iter().enumerate() {
                tx.execute(
                    "INSERT INTO operatore_ente (operatore_id, ente_id, ordine) VALUES (?1, ?2, ?3)",
                    params![op.id, ente, i as i64],
                )?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("modifica_operatore", Outcome::Ok)
                    .on("operatore", Some(op.id))
                    .detail(format!("ruoli={} attivo={}", op.roles.codes(), op.attivo)),
            )?;
            Ok(op.version + 1)
        })
    }

    fn set_password(
        &mut self,
        actor: &Actor,
        operatore_id: i64,
        version: i64,
        hash: &str,
    ) -> StoreResult<i64> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE operatore SET password_hash = ?1, version = version + 1, updated_at = ?2, updated_by = ?3
                 WHERE id = ?4 AND version = ?5",
                params![hash, now_text(), who(actor), operatore_id, version],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict { entity: "operatore", id: operatore_id });
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("cambia_password", Outcome::Ok).on("operatore", Some(operatore_id)),
            )?;
            Ok(version + 1)
        })
    }

    fn record_login(
        &mut self,
        attempt: &LoginAttempt,
        operatore_id: Option<i64>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO login_attempt (at, username, result, os_user, ssh_client) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    attempt.at,
                    attempt.username,
                    attempt.result.as_str(),
                    attempt.os_user,
                    attempt.ssh_client
                ],
            )?;
            let actor = Actor {
                operatore_id,
                // Bounded: an attacker's 10,000-character username does not bloat the log.
                username: attempt.username.chars().take(64).collect(),
                roles: RoleSet::default(),
                enti: Vec::new(),
                ufficio_id: None,
                os_user: attempt.os_user.clone(),
                ssh_client: attempt.ssh_client.clone(),
            };
            let outcome = match attempt.result {
                LoginResult::Ok => Outcome::Ok,
                LoginResult::Failed => Outcome::Failed,
                LoginResult::Locked => Outcome::Denied,
            };
            append_audit(tx, &actor, &AuditEvent::new("login", outcome).on("operatore", operatore_id))
        })
    }

    fn login_failures_since(&self, username: &str, since: i64) -> StoreResult<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at FROM login_attempt
             WHERE username = ?1 AND at >= ?2 AND result = 'fallito'
               AND at > coalesce((SELECT max(at) FROM login_attempt WHERE username = ?1 AND result = 'ok'), -1)
             ORDER BY at, id",
        )?;
        Ok(stmt
            .query_map(params![username, since], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }

    fn audit(&mut self, actor: &Actor, event: &AuditEvent) -> StoreResult<()> {
        self.write(|tx| append_audit(tx, actor, event))
    }

    fn audit_tail(&self, limit: i64) -> StoreResult<Vec<AuditRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?1"
        ))?;
        Ok(stmt
            .query_map([limit], audit_from_row)?
            .collect::<Result<_, _>>()?)
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

    fn insert_soggetti(&mut self, actor: &Actor, rows: &[NewSoggetto]) -> StoreResult<usize> {
        self.write(|tx| {
            let now = now_text();
            let by = who(actor);
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO soggetto (codice_fiscale, cognome, nome, sesso, data_nascita, luogo_nascita,
                     cittadinanza, res_indirizzo, res_civico, res_cap, res_comune, telefono, data_decesso, fonte,
                     ente_id, created_at, created_by, updated_at, updated_by, cognome_key, nome_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?16, ?17, ?18, ?19)",
            )?;
            let mut inserted = 0;
            // Keys already put in the search dictionary by this batch.
            let mut seen_cognomi = std::collections::HashSet::new();
            let mut seen_nomi = std::collections::HashSet::new();
            for s in rows {
                let (cognome_key, nome_key) = (fold(&s.cognome), fold(&s.nome));
                let n = stmt.execute(params![
                    s.codice_fiscale,
                    s.cognome,
                    s.nome,
                    s.sesso.map(|c| c.to_string()),
                    s.data_nascita,
                    s.luogo_nascita,
                    s.cittadinanza,
                    s.res_indirizzo,
                    s.res_civico,
                    s.res_cap,
                    s.res_comune,
                    s.telefono,
                    s.data_decesso,
                    s.fonte,
                    s.ente_id,
                    now,
                    by,
                    cognome_key,
                    nome_key
                ])?;
                if n > 0 {
                    let new_c = if seen_cognomi.contains(&cognome_key) { "" } else { &cognome_key };
                    let new_n = if seen_nomi.contains(&nome_key) { "" } else { &nome_key };
                    search::index_soggetto(tx, new_c, new_n)?;
                    seen_cognomi.insert(cognome_key);
                    seen_nomi.insert(nome_key);
                }
                inserted += n;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("inserisci_soggetti", Outcome::Ok)
                    .on("soggetto", None)
                    .detail(format!("inseriti={inserited}", inserited = inserted)),
            )?;
            Ok(inserted)
        })
    }

    fn search_soggetti(
        &self,
        query: &SearchQuery,
        ente_belfiore: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<SearchHit>> {
        self.search_soggetti_sqlite(query, ente_belfiore, limit)
    }

    fn upsert_soggetti(
        &mut self,
        actor: &Actor,
        rows: &[ImportRow],
        dry_run: bool,
    ) -> StoreResult<UpsertCounts> {
        self.upsert_soggetti_tx(actor, rows, dry_run)
    }

    fn save_draft(
        &mut self,
        operatore_id: i64,
        form: &str,
        record_key: &str,
        content: &str,
    ) -> StoreResult<()> {
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO bozza (operatore_id, form, record_key, content, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (operatore_id, form, record_key)
                 DO UPDATE SET content = excluded.content, saved_at = excluded.saved_at",
            )?
            .execute(params![operatore_id, form, record_key, content, now_text()])?;
            Ok(())
        })
    }

    fn load_draft(
        &self,
        operatore_id: i64,
        form: &str,
        record_key: &str,
    ) -> StoreResult<Option<Draft>> {
        Ok(self
            .conn
            .query_row(
                "SELECT form, record_key, content, saved_at FROM bozza
                 WHERE operatore_id = ?1 AND form = ?2 AND record_key = ?3",
                params![operatore_id, form, record_key],
                draft_from_row,
            )
            .optional()?)
    }

    fn delete_draft(&mut self, operatore_id: i64, form: &str, record_key: &str) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM bozza WHERE operatore_id = ?1 AND form = ?2 AND record_key = ?3",
                params![operatore_id, form, record_key],
            )?;
            Ok(())
        })
    }

    fn list_drafts(&self, operatore_id: i64) -> StoreResult<Vec<Draft>> {
        let mut stmt = self.conn.prepare(
            "SELECT form, record_key, content, saved_at FROM bozza WHERE operatore_id = ?1 ORDER BY saved_at DESC",
        )?;
        Ok(stmt
            .query_map([operatore_id], draft_from_row)?
            .collect::<Result<_, _>>()?)
    }

    fn soggetto(&self, id: i64) -> StoreResult<Option<Soggetto>> {
        self.sql_soggetto(id)
    }

    fn save_persona(
        &mut self,
        actor: &Actor,
        edit: &PersonaEdit,
        ente_id: Option<i64>,
    ) -> StoreResult<Saved> {
        match edit.id {
            None => self.sql_insert_persona(actor, edit, ente_id),
            Some(_) => self.sql_update_persona(actor, edit),
        }
    }

    fn register_anonymous(
        &mut self,
        actor: &Actor,
        ente_id: i64,
        sesso: Option<&str>,
    ) -> StoreResult<i64> {
        self.sql_register_anonymous(actor, ente_id, sesso)
    }

    fn homonyms(
        &self,
        cognome: &str,
        nome: &str,
        data_nascita: &str,
        exclude: Option<i64>,
    ) -> StoreResult<Vec<SearchHit>> {
        self.sql_homonyms(cognome, nome, data_nascita, exclude)
    }

    fn privacy(&self, soggetto_id: i64) -> StoreResult<Vec<Consenso>> {
        self.sql_privacy(soggetto_id)
    }

    fn set_privacy(
        &mut self,
        actor: &Actor,
        soggetto_id: i64,
        ente_id: i64,
        stato: Privacy,
        data_firma: Option<&str>,
        version: Option<i64>,
    ) -> StoreResult<()> {
        self.sql_set_privacy(actor, soggetto_id, ente_id, stato, data_firma, version)
    }

    fn marcatori(
        &self,
        ids: &[i64],
        ente_id: Option<i64>,
    ) -> StoreResult<std::collections::HashMap<i64, Marcatori>> {
        self.sql_marcatori(ids, ente_id)
    }

    fn save_scheda(
        &mut self,
        actor: &Actor,
        edit: &SchedaEdit,
        save: SchedaSave,
    ) -> StoreResult<SchedaSaved> {
        self.sql_save_scheda(actor, edit, save)
    }

    fn scheda(&self, id: i64) -> StoreResult<Option<Scheda>> {
        self.sql_scheda(id)
    }

    fn list_schede(
        &self,
        enti: &[i64],
        filtro: &Filtro,
        limit: usize,
    ) -> StoreResult<Vec<SchedaRiga>> {
        self.sql_list_schede(enti, filtro, limit)
    }

    fn delete_scheda(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
        reason: Option<&str>,
    ) -> StoreResult<()> {
        self.sql_delete_scheda(actor, id, version, reason)
    }

    fn mark_ricevuta(&mut self, actor: &Actor, id: i64) -> StoreResult<()> {
        self.sql_mark_ricevuta(actor, id)
    }

    fn contatori(
        &self,
        ente_id: i64,
        ufficio_id: Option<i64>,
        oggi: &str,
    ) -> StoreResult<Contatori> {
        self.sql_contatori(ente_id, ufficio_id, oggi)
    }

    fn capofila(&self, ente_id: i64) -> StoreResult<Option<i64>> {
        self.sql_capofila(ente_id)
    }

    fn soggetto_storia(&self, id: i64) -> StoreResult<Vec<Modifica>> {
        self.sql_soggetto_storia(id)
    }

    fn code_lists(&self) -> StoreResult<Vec<(String, i64)>> {
        self.sql_code_lists()
    }

    fn codes(&self, lista: &str) -> StoreResult<Vec<Codice>> {
        self.sql_codes(lista)
    }

    fn import_codes(
        &mut self,
        actor: &Actor,
        lista: &str,
        rows: &[NewCodice],
    ) -> StoreResult<ImportCounts> {
        self.sql_import_codes(actor, lista, rows)
    }

    fn update_code(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
        etichetta: &str,
        attivo: bool,
    ) -> StoreResult<i64> {
        self.sql_update_code(actor, id, version, etichetta, attivo)
    }

    fn counts(&self) -> StoreResult<Counts> {
        let c = |t: &str| -> StoreResult<i64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?)
        };
        Ok(Counts {
            enti: c("ente")?,
            uffici: c("ufficio")?,
            operatori: c("operatore")?,
            soggetti: c("soggetto")?,
        })
    }

    fn is_demo(&self) -> StoreResult<bool> {
        Ok(self.setting("demo")?.as_deref() == Some("1"))
    }

    fn set_setting(&mut self, key: &str, value: &str) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }
}
