//! The audit log: a hash chain, one row per action, appended inside the writer's transaction;
//! verification of the chain and the tail shown to administrators.

use rusqlite::{OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};

use super::{SqliteStore, now_text};
use crate::domain::{Actor, AuditEvent, AuditRow, Outcome};
use crate::store::{AuditStore, StoreResult};

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
    pub(super) fn verify_audit_chain(&self, max: usize) -> StoreResult<Vec<String>> {
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

impl AuditStore for SqliteStore {
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
}
