//! Drafts of forms, one per operator, form and record.
//!
//! On PostgreSQL a draft saved while the server is out of reach is not lost: it goes to a private
//! spool folder of this machine (one 0600 file per draft, [`SqliteStore::spool_dir`]) and is written
//! to the database, unless a newer one is there, by the first draft operation after the server
//! returns.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{SqliteStore, now_text};
use crate::store::sql::pg::CONNECTION_LOST;
use crate::store::sql::{OptionalExtension, Row, Sql, params};
use crate::store::{Draft, DraftStore, StoreError, StoreResult};

/// A draft kept in the spool while the server is away.
#[derive(serde::Serialize, serde::Deserialize)]
struct Spooled {
    operatore_id: i64,
    draft: Draft,
}

fn spool_file(dir: &Path, operatore_id: i64, form: &str, record_key: &str) -> PathBuf {
    let key = Sha256::digest(format!("{operatore_id}\u{0}{form}\u{0}{record_key}"));
    dir.join(format!("{}.json", hex::encode(&key[..16])))
}

/// Keeps `s` in the spool (replacing an older spooled version of the same draft).
fn spool(dir: &Path, s: &Spooled) -> StoreResult<()> {
    let io = |e: std::io::Error| StoreError::Unavailable(format!("{CONNECTION_LOST} ({e})"));
    std::fs::create_dir_all(dir).map_err(io)?;
    let file = spool_file(dir, s.operatore_id, &s.draft.form, &s.draft.record_key);
    crate::files::write_atomically(&file, &serde_json::to_vec(s).unwrap_or_default()).map_err(io)
}

fn upsert(tx: &Sql<'_>, operatore_id: i64, d: &Draft) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO bozza (operatore_id, form, record_key, content, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (operatore_id, form, record_key)
         DO UPDATE SET content = excluded.content, saved_at = excluded.saved_at
         WHERE bozza.saved_at <= excluded.saved_at",
        params![operatore_id, d.form, d.record_key, d.content, d.saved_at],
    )?;
    Ok(())
}

impl SqliteStore {
    /// Writes the spooled drafts to the database (PostgreSQL, once reachable again); each file
    /// goes once its draft is stored.
    fn flush_spool(&mut self) -> StoreResult<()> {
        let Some(dir) = self.spool_dir.clone() else {
            return Ok(());
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(());
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let Ok(s) = std::fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice::<Spooled>(&b).ok())
                .ok_or(())
            else {
                continue;
            };
            self.write_sql(|tx| upsert(tx, s.operatore_id, &s.draft))?;
            let _ = std::fs::remove_file(&path);
            tracing::info!("bozza in attesa scritta nel database");
        }
        Ok(())
    }
}

fn draft_from_row(r: &Row) -> StoreResult<Draft> {
    Ok(Draft {
        form: r.get(0)?,
        record_key: r.get(1)?,
        content: r.get(2)?,
        saved_at: r.get(3)?,
    })
}

impl DraftStore for SqliteStore {
    fn save_draft(
        &mut self,
        operatore_id: i64,
        form: &str,
        record_key: &str,
        content: &str,
    ) -> StoreResult<()> {
        let draft = Draft {
            form: form.to_string(),
            record_key: record_key.to_string(),
            content: content.to_string(),
            saved_at: now_text(),
        };
        let saved = self
            .flush_spool()
            .and_then(|()| self.write_sql(|tx| upsert(tx, operatore_id, &draft)));
        match (saved, &self.spool_dir) {
            (Err(StoreError::Unavailable(m)), Some(dir)) if m == CONNECTION_LOST => {
                let dir = dir.clone();
                spool(
                    &dir,
                    &Spooled {
                        operatore_id,
                        draft,
                    },
                )
            }
            (other, _) => other,
        }
    }

    fn load_draft(
        &self,
        operatore_id: i64,
        form: &str,
        record_key: &str,
    ) -> StoreResult<Option<Draft>> {
        // A draft still waiting in the spool is the newest one typed.
        if let Some(dir) = &self.spool_dir
            && let Some(s) = std::fs::read(spool_file(dir, operatore_id, form, record_key))
                .ok()
                .and_then(|b| serde_json::from_slice::<Spooled>(&b).ok())
        {
            return Ok(Some(s.draft));
        }
        self.sql()
            .query_row(
                "SELECT form, record_key, content, saved_at FROM bozza
                 WHERE operatore_id = ?1 AND form = ?2 AND record_key = ?3",
                params![operatore_id, form, record_key],
                draft_from_row,
            )
            .optional()
    }

    fn delete_draft(&mut self, operatore_id: i64, form: &str, record_key: &str) -> StoreResult<()> {
        self.flush_spool()?;
        self.write_sql(|tx| {
            tx.execute(
                "DELETE FROM bozza WHERE operatore_id = ?1 AND form = ?2 AND record_key = ?3",
                params![operatore_id, form, record_key],
            )?;
            Ok(())
        })
    }

    fn list_drafts(&self, operatore_id: i64) -> StoreResult<Vec<Draft>> {
        let mut stmt = self.sql().prepare(
            "SELECT form, record_key, content, saved_at FROM bozza WHERE operatore_id = ?1 ORDER BY saved_at DESC",
        )?;
        stmt.query_map([operatore_id], draft_from_row)?
            .collect::<Result<_, _>>()
    }
}
