//! SQLite side of the documents attached to a scheda (`scheda_documento`, migration 0032): their
//! metadata, each addition audited on the scheda in the same transaction.

use super::audit::append_audit;
use super::{SqliteStore, now_text, who};
use crate::domain::caso::{Documento, DocumentoScheda};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{Row, params};
use crate::store::{SchedaDocumentiStore, StoreResult};

const DOCUMENTO: &str = "SELECT id, scheda_id, titolo, tipo, data, privato, nome_file, file, size,
    sha256, created_by, created_at FROM scheda_documento";

fn documento_from(r: &Row) -> StoreResult<DocumentoScheda> {
    Ok(DocumentoScheda {
        scheda_id: r.get(1)?,
        documento: Documento {
            id: Some(r.get(0)?),
            caso_id: 0,
            titolo: r.get(2)?,
            tipo: r.get(3)?,
            data: r.get(4)?,
            privato: r.get(5)?,
            nome_file: r.get(6)?,
            file: r.get(7)?,
            size: r.get(8)?,
            sha256: r.get(9)?,
        },
        created_by: r.get(10)?,
        created_at: r.get(11)?,
    })
}

impl SchedaDocumentiStore for SqliteStore {
    fn documenti_scheda(&self, scheda_id: i64) -> StoreResult<Vec<DocumentoScheda>> {
        let mut stmt = self.sql().prepare_cached(&format!(
            "{DOCUMENTO} WHERE scheda_id = ?1 ORDER BY data DESC, id DESC"
        ))?;
        let rows = stmt
            .query_map([scheda_id], documento_from)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn documento_scheda(&self, id: i64) -> StoreResult<Option<DocumentoScheda>> {
        let mut stmt = self
            .sql()
            .prepare_cached(&format!("{DOCUMENTO} WHERE id = ?1"))?;
        let mut rows = stmt.query_map([id], documento_from)?;
        rows.next().transpose()
    }

    fn add_documento_scheda(&mut self, actor: &Actor, d: &DocumentoScheda) -> StoreResult<i64> {
        let x = &d.documento;
        self.write_sql(|tx| {
            tx.execute(
                "INSERT INTO scheda_documento (scheda_id, titolo, tipo, data, privato, nome_file, file, size,
                     sha256, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    d.scheda_id, x.titolo, x.tipo, x.data, x.privato, x.nome_file, x.file, x.size,
                    x.sha256, now_text(), who(actor)
                ],
            )?;
            let id = tx.last_insert_rowid()?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("aggiungi_documento_scheda", Outcome::Ok)
                    .on("scheda", Some(d.scheda_id))
                    .section("documenti")
                    .detail(format!("documento {id}")),
            )?;
            Ok(id)
        })
    }
}
