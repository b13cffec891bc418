//! The audit log: a hash chain, one row per action, appended inside the writer's transaction;
//! verification of the chain and the tail shown to administrators.
//!
//! The head of the chain (last id and hash) is also written outside the database, where operators
//! cannot rewrite it: to the anchor file beside the database (`<db>.audit-head`, in the data
//! directory, 0600 or 0660) and to syslog (append-only for non-root). Every session writes it after
//! a commit at least once a minute, and every `check` compares the chain with it: newest rows
//! deleted, or rows rewritten with the chain recomputed, no longer match the anchor.

use sha2::{Digest, Sha256};

use super::{SqliteStore, now_text};
use crate::domain::{Actor, AuditEvent, AuditRow, Outcome};
use crate::store::sql::{OptionalExtension, Row, Sql, params};
use crate::store::{AuditStore, Letture, StoreResult};

const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
pub(crate) fn append_audit(tx: &Sql<'_>, actor: &Actor, event: &AuditEvent) -> StoreResult<()> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
            (),
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

fn audit_from_row(r: &Row) -> StoreResult<AuditRow> {
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

/// How often a session writes the head of the chain after its commits.
pub(super) const ANCHOR_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// The anchor file of the database at `db`.
pub fn anchor_path(db: &std::path::Path) -> std::path::PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".audit-head");
    std::path::PathBuf::from(p)
}

/// The anchor read back: (last id, its hash); `None` when missing or unreadable.
fn read_anchor(path: &std::path::Path) -> Option<(i64, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut parts = text.split_whitespace();
    let id = parts.next()?.parse().ok()?;
    let hash = parts.next()?.to_string();
    Some((id, hash))
}

/// Sends the head to syslog (authpriv): a copy operators cannot rewrite.
fn syslog_head(db: &std::path::Path, id: i64, hash: &str) {
    let text = format!(
        "audit {} riga={id} hash={hash}",
        crate::sanitize::sanitize(&db.display().to_string())
    );
    let Ok(msg) = std::ffi::CString::new(text) else {
        return;
    };
    let ident = c"sportello";
    // SAFETY: valid NUL-terminated strings; "%s" keeps the message from being a format.
    unsafe {
        libc::openlog(ident.as_ptr(), libc::LOG_PID, libc::LOG_AUTHPRIV);
        libc::syslog(libc::LOG_INFO, c"%s".as_ptr(), msg.as_ptr());
    }
}

impl SqliteStore {
    /// The last row of the chain: (id, hash).
    fn audit_head(&self) -> StoreResult<Option<(i64, String)>> {
        self.sql()
            .query_row(
                "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
                (),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    /// Writes the head of the chain to the anchor file and syslog. An anchor ahead of the chain is
    /// left alone (it is the evidence `check` reports). Failures are logged, never fatal: the
    /// desk goes on.
    pub(super) fn write_anchor(&self) {
        if !self.is_file() {
            return;
        }
        let Ok(Some((id, hash))) = self.audit_head() else {
            return;
        };
        self.anchored_at.set(Some(std::time::Instant::now()));
        let path = anchor_path(&self.path);
        if let Some((old, old_hash)) = read_anchor(&path) {
            // An anchor ahead of the chain, or one its row no longer matches, is the evidence of a
            // truncation or a rewrite: kept for `check`, never overwritten.
            let stored: Option<String> = self
                .sql()
                .query_row("SELECT hash FROM audit_log WHERE id = ?1", [old], |r| {
                    r.get(0)
                })
                .optional()
                .unwrap_or(None);
            if old > id || stored.as_deref() != Some(old_hash.as_str()) {
                tracing::error!(
                    anchor = old,
                    head = id,
                    "registro di audit diverso dall'ancora"
                );
                return;
            }
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let mode = crate::setgid::private_mode(dir);
        if let Err(e) =
            crate::files::write_atomically_mode(&path, format!("{id} {hash}\n").as_bytes(), mode)
        {
            tracing::warn!(error = %e, "ancora del registro di audit non scritta");
        }
        syslog_head(&self.path, id, &hash);
    }

    /// The id of the row the anchor file records (`None` in memory or without an anchor).
    pub(super) fn anchored_id(&self) -> Option<i64> {
        read_anchor(&anchor_path(&self.path)).map(|(id, _)| id)
    }

    /// Writes the anchor when this session has not written it for [`ANCHOR_EVERY`].
    pub(super) fn anchor_if_due(&self) {
        if self
            .anchored_at
            .get()
            .is_none_or(|t| t.elapsed() >= ANCHOR_EVERY)
        {
            self.write_anchor();
        }
    }

    /// The chain against the anchor file: newest rows missing or rows rewritten.
    pub(super) fn verify_anchor(&self) -> StoreResult<Vec<String>> {
        if !self.is_file() {
            return Ok(Vec::new());
        }
        let Some((id, hash)) = read_anchor(&anchor_path(&self.path)) else {
            return Ok(Vec::new());
        };
        let last = self.audit_head()?.map(|(i, _)| i).unwrap_or(0);
        let stored: Option<String> = self
            .sql()
            .query_row("SELECT hash FROM audit_log WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(match stored {
            None => vec![format!(
                "registro di audit troncato: l'ancora esterna registra {id} righe, il database ne ha {last} (mancano le righe {} – {id})",
                last + 1
            )],
            Some(h) if h != hash => vec![format!(
                "registro di audit riscritto: la riga {id} non corrisponde all'ancora esterna"
            )],
            Some(_) => Vec::new(),
        })
    }

    /// The runs of audit rows removed by purges: first id → (last id, hash of the last row).
    fn purged_runs(&self) -> StoreResult<std::collections::HashMap<i64, (i64, String)>> {
        let migrated = self.sql().has_table("audit_purga")?;
        if !migrated {
            return Ok(Default::default());
        }
        let mut stmt = self
            .sql()
            .prepare("SELECT dal, al, ultimo_hash FROM audit_purga")?;
        let runs = stmt
            .query_map((), |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<Result<_, _>>()?;
        Ok(runs)
    }

    /// Problems in the audit hash chain, at most `max` of them.
    pub(super) fn verify_audit_chain(&self, max: usize) -> StoreResult<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.sql().prepare(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id"
        ))?;
        let mut rows = stmt.query(())?;
        let purged = self.purged_runs()?;
        let mut prev = GENESIS_HASH.to_string();
        let mut expected_id = 1;
        while let Some(r) = rows.next()? {
            let row = audit_from_row(r)?;
            let outcome_text: String = r.get("outcome")?;
            // Runs removed by purges, back to back, bridge the gap with the hash of their last row.
            while let Some((al, hash)) = purged.get(&expected_id).filter(|_| row.id > expected_id) {
                prev = hash.clone();
                expected_id = al + 1;
            }
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

impl AuditStore for SqliteStore {
    fn audit(&mut self, actor: &Actor, event: &AuditEvent) -> StoreResult<()> {
        self.write_sql(|tx| append_audit(tx, actor, event))
    }

    fn reads_over(
        &self,
        since: &str,
        actions: &[&str],
        threshold: i64,
        anomaly: &str,
    ) -> StoreResult<Vec<Letture>> {
        let mut stmt = self.sql().prepare(
            "SELECT a.operatore_id, max(a.username), substr(a.at, 1, 13) AS ora,
                    count(DISTINCT a.entity || ':' || a.entity_id) AS n
             FROM audit_log a
             WHERE a.at >= ?1 AND a.operatore_id IS NOT NULL AND a.outcome = 'ok'
               AND a.entity_id IS NOT NULL AND a.action IN (SELECT value FROM json_each(?2))
             GROUP BY a.operatore_id, substr(a.at, 1, 13)
             HAVING count(DISTINCT a.entity || ':' || a.entity_id) > ?3 AND NOT EXISTS (
                 SELECT 1 FROM audit_log x
                 WHERE x.action = ?4 AND x.entity = 'operatore' AND x.entity_id = a.operatore_id
                   AND x.section = substr(a.at, 1, 13))
             ORDER BY ora, a.operatore_id",
        )?;
        stmt.query_map(
            params![since, super::json_array(actions), threshold, anomaly],
            |r| {
                Ok(Letture {
                    operatore_id: r.get(0)?,
                    username: r.get(1)?,
                    ora: r.get(2)?,
                    n: r.get(3)?,
                })
            },
        )?
        .collect::<Result<_, _>>()
    }

    fn audit_since(&self, action: &str, since: &str) -> StoreResult<Vec<AuditRow>> {
        let mut stmt = self.sql().prepare(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE action = ?1 AND at >= ?2 ORDER BY id DESC"
        ))?;
        stmt.query_map(params![action, since], audit_from_row)?
            .collect::<Result<_, _>>()
    }

    fn audit_tail(&self, limit: i64) -> StoreResult<Vec<AuditRow>> {
        let mut stmt = self.sql().prepare(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?1"
        ))?;
        stmt.query_map([limit], audit_from_row)?
            .collect::<Result<_, _>>()
    }
}
