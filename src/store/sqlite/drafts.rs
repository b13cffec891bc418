//! Drafts of forms, one per operator, form and record.

use super::{SqliteStore, now_text};
use crate::store::sql::{OptionalExtension, Row, params};
use crate::store::{Draft, DraftStore, StoreResult};

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
        self.write_sql(|tx| {
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
