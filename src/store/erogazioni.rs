//! The store's traits of interventi and erogazioni: the nomenclatore, progetti, interventi,
//! erogazioni and their search, and the SIUSS flows.

use super::StoreResult;
use crate::domain::Actor;
use crate::domain::codici::ImportCounts;
use crate::domain::erogazioni::{
    Erogazione, ErogazioneElenco, FiltroErogazioni, Foglio, Intervento, NuovoTipo,
    PrestazioneSiuss, Progetto, TipoIntervento,
};
use crate::domain::siuss::{Candidato, Esito, FlussoSiuss};

/// Which erogazioni a SIUSS flow considers: those of `ente_id` with rows delivered in `dal`..=`al`
/// (or delivered earlier and never sent, or changed since they were sent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiussSelezione {
    pub ente_id: i64,
    pub dal: String,
    pub al: String,
    /// `AAAAMMGG` of the flow's name.
    pub giorno: String,
    /// Record the flow (false: `--check`, everything is rolled back).
    pub registra: bool,
}

use crate::domain::siuss::FlussoScritto;

/// The work of a SIUSS export, driven by [`SiussStore::siuss_export`] inside its transaction.
pub trait SiussLavoro {
    /// The flow's name and how many erogazioni will be handed over, before the first one.
    fn inizio(&mut self, nome: &str, candidati: usize) -> StoreResult<()>;
    /// One erogazione, in codice fiscale order: what goes out for it.
    fn candidato(&mut self, c: Candidato) -> StoreResult<Esito>;
    /// After the last one: the file is written completely (an error rolls everything back).
    /// `registrazione` is the time the store spent recording what is sent, for the report.
    fn fine(&mut self, registrazione: std::time::Duration) -> StoreResult<FlussoScritto>;
    /// The bookkeeping committed, in `commit` (part of the time spent recording what is sent).
    fn registrato(&mut self, commit: std::time::Duration);
}

/// Interventi and erogazioni: the nomenclatore, progetti, interventi with fogli amministrativi,
/// erogazioni with their rows, the search, the SIUSS flows.
pub trait ErogazioniStore {
    /// The INPS table of SIUSS prestazioni, by code.
    fn prestazioni_siuss(&self) -> StoreResult<Vec<PrestazioneSiuss>>;
    /// Adds or updates codes (denominazione, flags); codes missing from `rows` are left alone.
    fn import_prestazioni_siuss(
        &mut self,
        actor: &Actor,
        rows: &[PrestazioneSiuss],
    ) -> StoreResult<ImportCounts>;
    /// The ISTAT classes and the custom tree of `ente_id`, by family and code.
    fn tipi_intervento(&self, ente_id: Option<i64>) -> StoreResult<Vec<TipoIntervento>>;
    fn tipo_intervento(&self, id: i64) -> StoreResult<Option<TipoIntervento>>;
    /// Adds a custom tipo (its level is its parent's + 1, at most 5).
    fn add_tipo_intervento(&mut self, actor: &Actor, t: &NuovoTipo) -> StoreResult<i64>;
    /// The tipi most used in the ente's erogazioni for a categoria sociale, most used first.
    fn tipi_frequenti(&self, ente_id: i64, categoria: &str, limit: usize) -> StoreResult<Vec<i64>>;
    fn progetti(&self, ente_id: i64) -> StoreResult<Vec<Progetto>>;
    fn add_progetto(&mut self, actor: &Actor, p: &Progetto) -> StoreResult<i64>;

    /// Saves an intervento (new when `id` is `None`; Conflict if the version moved): (id, version).
    fn save_intervento(&mut self, actor: &Actor, i: &Intervento) -> StoreResult<(i64, i64)>;
    fn intervento(&self, id: i64) -> StoreResult<Option<Intervento>>;
    /// The interventi of a person in `enti`, newest first.
    fn interventi_di(&self, soggetto_id: i64, enti: &[i64]) -> StoreResult<Vec<Intervento>>;
    /// Adds a foglio amministrativo; the intervento takes its state (Conflict if `version` moved).
    fn add_foglio(&mut self, actor: &Actor, f: &Foglio, version: i64) -> StoreResult<i64>;
    fn fogli(&self, intervento_id: i64) -> StoreResult<Vec<Foglio>>;

    /// Saves an erogazione with its rows (new when `id` is `None`; Conflict if the version moved):
    /// rows without id are added, rows missing are removed, changed rows lose their SIUSS mark.
    fn save_erogazione(&mut self, actor: &Actor, e: &Erogazione) -> StoreResult<(i64, i64)>;
    fn erogazione(&self, id: i64) -> StoreResult<Option<Erogazione>>;
    /// The erogazioni of `enti` matching the filter, with the totals of their rows in the period.
    fn cerca_erogazioni(
        &self,
        enti: &[i64],
        filtro: &FiltroErogazioni,
        limit: usize,
    ) -> StoreResult<Vec<ErogazioneElenco>>;
    /// Rows still to confirm (`prevista`) dated `dal`..=`al` in `enti`.
    fn da_confermare(&self, enti: &[i64], dal: &str, al: &str) -> StoreResult<i64>;
}

/// The SIUSS flows: the export with the bookkeeping of what was sent, and the flows sent.
pub trait SiussStore {
    /// Runs a SIUSS export in one `BEGIN IMMEDIATE` transaction: names the flow
    /// (`<belfiore>.PSA.<giorno>.<progressive>`), hands every candidate to `lavoro` in codice fiscale
    /// order, records what it sends and cancels, asks it to finish the file and then marks the rows
    /// sent. Any error (or `sel.registra == false`) rolls back. Returns the flow's name and id.
    fn siuss_export(
        &mut self,
        actor: &Actor,
        sel: &SiussSelezione,
        lavoro: &mut dyn SiussLavoro,
    ) -> StoreResult<(String, i64)>;
    /// The flows of `enti`, newest first.
    fn siuss_flussi(&self, enti: &[i64], limit: usize) -> StoreResult<Vec<FlussoSiuss>>;
}
