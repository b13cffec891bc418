//! The documents attached to a scheda di accesso behind permissions, with the storage and rules of
//! a case's documenti ([`super::casi_documenti`]: a plain file within the size limit, kept under
//! `<documenti>/scheda-<id>/<sha256>` with private modes, exported with an atomic write): added by
//! whoever may change the scheda, listed and exported by whoever may read it, in the scheda's ente
//! (another ente's scheda is "not found"); a private document needs "dati riservati" of the
//! scheda's ente. Every read is audited.

use std::path::Path;

use super::Service;
use super::casi_documenti::{Archivio, NuovoDocumento, esporta, importa};
use super::rules::Op;
use crate::domain::caso::{self, Documento, DocumentoScheda};
use crate::domain::scheda::Scheda;
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::{StoreError, StoreResult};

impl Service<'_> {
    /// Refuses (and audits) a private document of scheda `s` without "dati riservati".
    fn riservati_scheda(&mut self, actor: &Actor, op: Op, id: i64, s: &Scheda) -> StoreResult<()> {
        if self.holds_riservati(actor, s.ente_id)? {
            return Ok(());
        }
        self.store.audit(
            actor,
            &AuditEvent::new(op.rule().action, Outcome::Denied)
                .on("scheda", Some(id))
                .section("documenti")
                .detail("dati riservati: permesso mancante"),
        )?;
        Err(StoreError::Denied(
            "il documento è privato: serve il permesso «dati riservati» dell'ente".into(),
        ))
    }

    /// Imports the file at `src` (a path on the server) as a document of scheda `scheda_id`
    /// (`nuovo.caso_id` is not used). Returns its id.
    pub fn add_documento_scheda(
        &mut self,
        actor: &Actor,
        archivio: &Archivio,
        scheda_id: i64,
        nuovo: &NuovoDocumento,
        src: &Path,
    ) -> StoreResult<i64> {
        let actor = self.guard(actor, Op::AddDocumentoScheda, None, "scheda")?;
        let s = self.scheda_da_modificare(&actor, scheda_id, Op::AddDocumentoScheda)?;
        if nuovo.privato {
            self.riservati_scheda(&actor, Op::AddDocumentoScheda, scheda_id, &s)?;
        }
        let mut d = Documento {
            titolo: nuovo.titolo.trim().to_string(),
            tipo: nuovo.tipo.trim().to_string(),
            data: nuovo.data.clone(),
            privato: nuovo.privato,
            ..Default::default()
        };
        if let Some(msg) = caso::documento_problem(&d) {
            return Err(StoreError::Invalid(msg));
        }
        let f = importa(archivio, &format!("scheda-{scheda_id}"), src)?;
        d.nome_file = f.nome_file;
        d.file = f.file;
        d.size = f.size;
        d.sha256 = f.sha256;
        let d = DocumentoScheda {
            scheda_id,
            documento: d,
            ..Default::default()
        };
        self.store.add_documento_scheda(&actor, &d)
    }

    /// The documents of scheda `scheda_id`, newest first (an audited read).
    pub fn documenti_scheda(
        &mut self,
        actor: &Actor,
        scheda_id: i64,
    ) -> StoreResult<Vec<DocumentoScheda>> {
        let actor = self.guard(actor, Op::ListDocumentiScheda, None, "scheda")?;
        self.scheda_in_scope(&actor, scheda_id, Op::ListDocumentiScheda)?;
        let rows = self.store.documenti_scheda(scheda_id)?;
        self.read_ok(
            &actor,
            Op::ListDocumentiScheda,
            "scheda",
            Some(scheda_id),
            "documenti",
        )?;
        Ok(rows)
    }

    /// Writes the file of document `id` of a scheda to `out`. Private documents need "dati
    /// riservati"; the read is audited. Returns the document's metadata.
    pub fn export_documento_scheda(
        &mut self,
        actor: &Actor,
        archivio: &Archivio,
        id: i64,
        out: &Path,
    ) -> StoreResult<DocumentoScheda> {
        let actor = self.guard(actor, Op::ExportDocumentoScheda, None, "documento")?;
        let what = format!("documento {id}");
        let d = self
            .store
            .documento_scheda(id)?
            .ok_or_else(|| StoreError::NotFound(what.clone()))?;
        let s = match self.scheda_in_scope(&actor, d.scheda_id, Op::ExportDocumentoScheda) {
            Ok(s) => s,
            Err(StoreError::NotFound(_)) => return Err(StoreError::NotFound(what)),
            Err(e) => return Err(e),
        };
        if d.documento.privato {
            self.riservati_scheda(&actor, Op::ExportDocumentoScheda, d.scheda_id, &s)?;
        }
        esporta(archivio, id, &d.documento.file, &d.documento.sha256, out)?;
        self.read_ok(
            &actor,
            Op::ExportDocumentoScheda,
            "scheda",
            Some(d.scheda_id),
            "documenti",
        )?;
        Ok(d)
    }
}
