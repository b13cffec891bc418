//! The store's traits of the richieste of a scheda (with their consuntivo and the counts of the
//! monthly report), of the documents attached to a scheda and of the settings of each office.

use super::StoreResult;
use crate::domain::Actor;
use crate::domain::caso::DocumentoScheda;
use crate::domain::impostazioni::ImpostazioniUfficio;
use crate::domain::rapporto::DatiAttivita;
use crate::domain::richieste::{Consuntivo, Richiesta};

/// The richieste of the schede di accesso and their consuntivo rows. Writes are audited on the
/// scheda they belong to.
pub trait RichiesteStore {
    /// The richieste of a scheda with their consuntivo rows, oldest first.
    fn richieste(&self, scheda_id: i64) -> StoreResult<Vec<Richiesta>>;
    /// One richiesta with its consuntivo rows.
    fn richiesta(&self, id: i64) -> StoreResult<Option<Richiesta>>;
    /// Saves a richiesta (new when `r.id` is `None`; Conflict if the version moved) and adds its
    /// servizio to the scheda's `servizi` codes. Returns (id, version).
    fn save_richiesta(&mut self, actor: &Actor, r: &Richiesta) -> StoreResult<(i64, i64)>;
    /// Deletes a richiesta and its consuntivo rows (Conflict if the version moved).
    fn delete_richiesta(&mut self, actor: &Actor, id: i64, version: i64) -> StoreResult<()>;
    /// Saves a consuntivo row (new when `c.id` is `None`; Conflict if the version moved).
    /// Returns (id, version).
    fn save_consuntivo(&mut self, actor: &Actor, c: &Consuntivo) -> StoreResult<(i64, i64)>;
    /// Deletes a consuntivo row (Conflict if the version moved).
    fn delete_consuntivo(&mut self, actor: &Actor, id: i64, version: i64) -> StoreResult<()>;
    /// Loads past richieste with their consuntivo rows in one transaction (the demo's; later, those
    /// brought over from SISO), each row written as made by its `created_by`, and adds their servizi
    /// to their schede. One audit row. Returns how many richieste.
    fn insert_richieste_storiche(
        &mut self,
        actor: &Actor,
        rows: &[Richiesta],
    ) -> StoreResult<usize>;
    /// What the monthly report counts for office `ufficio_id` between `dal` and `al` (ISO, both
    /// included); see [`crate::domain::rapporto`].
    fn attivita_sportello(&self, ufficio_id: i64, dal: &str, al: &str)
    -> StoreResult<DatiAttivita>;
}

/// The settings of the offices (SISO SS_UFFICIO switches and message template).
pub trait ImpostazioniStore {
    /// The settings of an office (all off, version 0, when never saved).
    fn impostazioni_ufficio(&self, ufficio_id: i64) -> StoreResult<ImpostazioniUfficio>;
    /// Saves them (Conflict if `s.version` moved; version 0 = first save). Audited. Returns the
    /// new version.
    fn save_impostazioni_ufficio(
        &mut self,
        actor: &Actor,
        s: &ImpostazioniUfficio,
    ) -> StoreResult<i64>;
}

/// The documents attached to the schede (the files are the service's, as a case's documents).
pub trait SchedaDocumentiStore {
    /// The documents of a scheda, newest first.
    fn documenti_scheda(&self, scheda_id: i64) -> StoreResult<Vec<DocumentoScheda>>;
    fn documento_scheda(&self, id: i64) -> StoreResult<Option<DocumentoScheda>>;
    /// Records an imported document, audited on its scheda. Returns its id.
    fn add_documento_scheda(&mut self, actor: &Actor, d: &DocumentoScheda) -> StoreResult<i64>;
}
