//! SQLite side of the code lists.

use super::audit::append_audit;
use super::{SqliteStore, now_text, who};
use crate::domain::codici::{Codice, CodiceEnte, ImportCounts, NewCodice};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, Row, params};
use crate::store::{CodeListStore, StoreError, StoreResult};

const COLUMNS: &str =
    "id, version, lista, codice, etichetta, gruppo, pic, richiede, ordine, attivo";

fn from_row(r: &Row) -> StoreResult<Codice> {
    Ok(Codice {
        id: r.get(0)?,
        version: r.get(1)?,
        lista: r.get(2)?,
        codice: r.get(3)?,
        etichetta: r.get(4)?,
        gruppo: r.get(5)?,
        pic: r.get(6)?,
        richiede: r.get(7)?,
        ordine: r.get(8)?,
        attivo: r.get(9)?,
    })
}

impl CodeListStore for SqliteStore {
    fn code_lists(&self) -> StoreResult<Vec<(String, i64)>> {
        let mut stmt = self
            .sql()
            .prepare("SELECT lista, count(*) FROM codice GROUP BY lista ORDER BY lista")?;
        stmt.query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()
    }

    fn codes(&self, lista: &str) -> StoreResult<Vec<Codice>> {
        let mut stmt = self.sql().prepare(&format!(
            "SELECT {COLUMNS} FROM codice WHERE lista = ?1 ORDER BY ordine, etichetta, id"
        ))?;
        stmt.query_map([lista], from_row)?.collect::<Result<_, _>>()
    }

    fn import_codes(
        &mut self,
        actor: &Actor,
        lista: &str,
        rows: &[NewCodice],
    ) -> StoreResult<ImportCounts> {
        self.write_sql(|tx| {
            let mut counts = ImportCounts::default();
            let now = now_text();
            let by = who(actor);
            for r in rows {
                let existing = tx
                    .query_row(
                        &format!("SELECT {COLUMNS} FROM codice WHERE lista = ?1 AND codice = ?2"),
                        params![lista, r.codice],
                        from_row,
                    )
                    .optional()?;
                match existing {
                    None => {
                        tx.execute(
                            "INSERT INTO codice (lista, codice, etichetta, gruppo, ordine, attivo, created_at, created_by, updated_at, updated_by)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                            params![lista, r.codice, r.etichetta, r.gruppo, r.ordine, r.attivo, now, by],
                        )?;
                        counts.inserted += 1;
                    }
                    Some(c)
                        if c.etichetta == r.etichetta
                            && c.gruppo == r.gruppo
                            && c.ordine == r.ordine
                            && c.attivo == r.attivo =>
                    {
                        counts.unchanged += 1
                    }
                    Some(c) => {
                        tx.execute(
                            "UPDATE codice SET etichetta = ?1, gruppo = ?2, ordine = ?3, attivo = ?4, version = version + 1,
                                    updated_at = ?5, updated_by = ?6 WHERE id = ?7",
                            params![r.etichetta, r.gruppo, r.ordine, r.attivo, now, by, c.id],
                        )?;
                        counts.updated += 1;
                    }
                }
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("importa_codici", Outcome::Ok).on("codice", None).section(lista).detail(format!(
                    "inseriti={} aggiornati={} invariati={}",
                    counts.inserted, counts.updated, counts.unchanged
                )),
            )?;
            Ok(counts)
        })
    }

    fn update_code(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
        etichetta: &str,
        attivo: bool,
    ) -> StoreResult<i64> {
        if etichetta.trim().is_empty() {
            return Err(StoreError::Invalid(
                "l'etichetta del codice è obbligatoria".into(),
            ));
        }
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE codice SET etichetta = ?1, attivo = ?2, version = version + 1, updated_at = ?3, updated_by = ?4
                 WHERE id = ?5 AND version = ?6",
                params![etichetta.trim(), attivo, now_text(), who(actor), id, version],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict { entity: "codice", id });
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("modifica_codice", Outcome::Ok).on("codice", Some(id)).detail(format!("attivo={attivo}")),
            )?;
            Ok(version + 1)
        })
    }

    fn codes_ente(&self, ente_id: i64) -> StoreResult<Vec<CodiceEnte>> {
        let mut stmt = self.sql().prepare(
            "SELECT lista, codice, ente_id, etichetta, nascosto FROM codice_ente WHERE ente_id = ?1
             ORDER BY lista, codice",
        )?;
        stmt.query_map([ente_id], |r| {
            Ok(CodiceEnte {
                lista: r.get(0)?,
                codice: r.get(1)?,
                ente_id: r.get(2)?,
                etichetta: r.get(3)?,
                nascosto: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()
    }

    fn set_code_ente(&mut self, actor: &Actor, c: &CodiceEnte) -> StoreResult<()> {
        self.write_sql(|tx| {
            tx.execute(
                "INSERT INTO codice_ente (lista, codice, ente_id, etichetta, nascosto, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (ente_id, lista, codice) DO UPDATE SET etichetta = excluded.etichetta,
                    nascosto = excluded.nascosto, version = codice_ente.version + 1,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![c.lista, c.codice, c.ente_id, c.etichetta, c.nascosto, now_text(), who(actor)],
            )?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("modifica_codice_ente", Outcome::Ok)
                    .on("ente", Some(c.ente_id))
                    .detail(format!(
                        "{}/{}: etichetta {}, {}",
                        c.lista,
                        c.codice,
                        c.etichetta.as_deref().map_or("comune".into(), |e| format!("«{e}»")),
                        if c.nascosto { "nascosto" } else { "visibile" }
                    )),
            )?;
            Ok(())
        })
    }
}
