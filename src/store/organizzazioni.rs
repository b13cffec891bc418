//! The store's traits of the organisations of the territory (with their settori), the punti di
//! contatto of the uffici, and the schede sent to another office.

use super::StoreResult;
use crate::domain::Actor;
use crate::domain::invio::Invio;
use crate::domain::organizzazione::{Organizzazione, PuntoContatto};

/// The registry of organisations and the punti di contatto. Writes are audited.
pub trait OrganizzazioniStore {
    /// Every organisation with its settori, by name (the disabled ones too).
    fn organizzazioni(&self) -> StoreResult<Vec<Organizzazione>>;
    fn organizzazione(&self, id: i64) -> StoreResult<Option<Organizzazione>>;
    /// Saves an organisation and its settori (new when `id` is 0; a settore with id 0 is added, one
    /// missing from `o.settori` is disabled, never deleted: schede name it). Conflict if a version
    /// moved; Invalid for a name or a settore code already taken. Returns the organisation's id.
    fn save_organizzazione(&mut self, actor: &Actor, o: &Organizzazione) -> StoreResult<i64>;
    /// The punti di contatto of an ufficio (disabled ones too), by name.
    fn punti_contatto(&self, ufficio_id: i64) -> StoreResult<Vec<PuntoContatto>>;
    /// Saves a punto di contatto (new when `id` is 0). Returns its id.
    fn save_punto_contatto(&mut self, actor: &Actor, p: &PuntoContatto) -> StoreResult<i64>;
}

/// How the record of a failed notice starts.
pub const ESITO_ERRORE: &str = "errore: ";

/// The sendings of schede to another office.
pub trait InviiStore {
    /// The sendings of a scheda, newest first.
    fn invii(&self, scheda_id: i64) -> StoreResult<Vec<Invio>>;
    /// Standing sendings whose e-mail notice was not tried yet (and, with `riprova`, those whose
    /// notice failed: [`ESITO_ERRORE`]), of the schede of `enti` (all when `None`).
    fn avvisi_da_inviare(&self, enti: Option<&[i64]>, riprova: bool) -> StoreResult<Vec<Invio>>;
    /// Records what became of a sending's notice.
    fn esito_avviso(&mut self, id: i64, esito: &str) -> StoreResult<()>;
    /// Cancels the standing sending of scheda `scheda_id` (version `version` as read) while the
    /// receiving office has not opened it: the scheda no longer names the office nor the servizio
    /// "invio ad altro ufficio". Conflict if the version moved; Invalid once opened.
    fn annulla_invio(&mut self, actor: &Actor, scheda_id: i64, version: i64) -> StoreResult<()>;
}
