//! The store's traits of presa in carico: the proposals inbox, the cases and their iter, the
//! fascicolo (cartella sections, diario, PAI, valutazioni, documenti).

use super::StoreResult;
use crate::domain::caso::{
    AccessoCaso, CambioStato, CartellaDato, Caso, CategoriaCaso, Condivisione, ContatoriCasi,
    Diario, Documento, Familiare, FiltroCasi, Gestione, Isee, OperatoreCaso, Pai, Proposta,
    SchedaPersona, Step, Transizione, Unita, Valutazione, Visibilita,
};
use crate::domain::scheda::Sensibili;
use crate::domain::{Actor, AuditRow};

/// The proposals inbox of presa in carico: pending proposals and their handling.
pub trait ProposteStore {
    /// Proposals addressed to `enti`; only the pending ones when `pending`. Oldest first.
    fn proposte(&self, enti: &[i64], pending: bool) -> StoreResult<Vec<Proposta>>;
    fn proposta(&self, id: i64) -> StoreResult<Option<Proposta>>;
    /// Handles a pending proposal in one transaction: creates the case of the person in the
    /// proposal's ente (first step Aperto) or links the existing one; with
    /// [`Gestione::PresaInCarico`] the case moves to Preso in carico with the actor as responsabile
    /// and the scheda's familiari e conviventi are added to the cartella's (those not already
    /// there, see [`crate::domain::scheda_sezioni::familiari_da_copiare`]). Denied, naming who did it, when the proposal was handled meanwhile. Returns the case id.
    fn gestisci_proposta(
        &mut self,
        actor: &Actor,
        id: i64,
        gestione: Gestione,
        oggi: &str,
    ) -> StoreResult<i64>;
    /// Refuses a pending proposal with a note (Denied when handled meanwhile).
    fn respingi_proposta(&mut self, actor: &Actor, id: i64, nota: &str) -> StoreResult<()>;
}

/// Cases and their iter: the list under §4.2 visibility, changes of state, the operators of a
/// case, the categorie each ufficio manages, the "dati riservati" grants, the home counters, the
/// business-change counter and the read-access log.
pub trait CasiStore {
    /// The cases `vis` may see (SISO-DOMAIN §4.2) matching `filtro`, newest first.
    fn casi(&self, vis: &Visibilita, filtro: &FiltroCasi, limit: usize) -> StoreResult<Vec<Caso>>;
    /// One case, whoever may see it.
    fn caso(&self, id: i64) -> StoreResult<Option<Caso>>;
    /// Whether `vis` may see case `id`.
    fn caso_visibile(&self, id: i64, vis: &Visibilita) -> StoreResult<bool>;
    /// The case of a person in an ente.
    fn caso_di(&self, soggetto_id: i64, ente_id: i64) -> StoreResult<Option<i64>>;
    /// The iter of a case, oldest first.
    fn steps(&self, caso_id: i64) -> StoreResult<Vec<Step>>;
    /// The configured transitions out of state `da`.
    fn transizioni(&self, da: &str) -> StoreResult<Vec<Transizione>>;
    /// The iter states, in order: (codice, etichetta).
    fn stati_caso(&self) -> StoreResult<Vec<(String, String)>>;
    /// Records a change of state (Conflict if the case's version moved); moving to Preso in carico
    /// makes the actor the responsabile. Returns the new version.
    fn cambia_stato(&mut self, actor: &Actor, c: &CambioStato) -> StoreResult<i64>;
    /// Opens the case of the person with `codice_fiscale` in `ente` (state Aperto, `categoria` its
    /// prevalent categoria sociale); Duplicate if the person has one there already.
    fn apri_caso(
        &mut self,
        actor: &Actor,
        codice_fiscale: &str,
        ente: i64,
        categoria: &str,
        oggi: &str,
    ) -> StoreResult<i64>;
    /// The categorie sociali of a case, active first, newest first.
    fn categorie_caso(&self, caso_id: i64) -> StoreResult<Vec<CategoriaCaso>>;
    /// Adds categoria `c.codice` from `c.dal` (an active one only changes its prevalence), or ends
    /// it on `c.al`; the prevalent one is always one of the active ones.
    fn set_categoria_caso(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        c: &CategoriaCaso,
    ) -> StoreResult<()>;
    /// What an operator who sees the case (`caso_visibile`) may do with it.
    fn accesso_caso(&self, id: i64, vis: &Visibilita) -> StoreResult<AccessoCaso>;
    /// The categorie sociali an ufficio manages.
    fn categorie_ufficio(&self, ufficio_id: i64) -> StoreResult<Vec<String>>;
    fn set_categorie_ufficio(
        &mut self,
        actor: &Actor,
        ufficio_id: i64,
        codici: &[String],
    ) -> StoreResult<()>;
    /// Whether the operator holds "dati riservati" in the ente.
    fn riservati(&self, operatore_id: i64, ente_id: i64) -> StoreResult<bool>;
    fn set_riservati(
        &mut self,
        actor: &Actor,
        operatore_id: i64,
        ente_id: i64,
        concesso: bool,
    ) -> StoreResult<()>;

    /// The home counters of a social worker; `oggi` ISO.
    fn contatori_casi(&self, vis: &Visibilita, oggi: &str) -> StoreResult<ContatoriCasi>;
    /// The business-change counter (bumped by business writes, never by audit rows).
    fn modifiche(&self) -> StoreResult<i64>;
    /// Audit rows about the person with this codice fiscale (reads and writes of their anagrafe
    /// record, schede, proposals and case), oldest first; dates ISO, both ends included.
    fn accessi(
        &self,
        codice_fiscale: &str,
        dal: Option<&str>,
        al: Option<&str>,
    ) -> StoreResult<Vec<AuditRow>>;
}

/// Who follows a case: the operators assigned (with or without *gestione fascicolo*) and the units
/// it is shared with.
pub trait OperatoriCasoStore {
    fn operatori_caso(&self, caso_id: i64) -> StoreResult<Vec<OperatoreCaso>>;
    /// Assigns `operatore` to the case from `oggi` (`Some(gestione fascicolo)`; an active
    /// assignment just changes its flag) or ends their assignment (`None`; not the responsabile's).
    fn set_operatore_caso(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        operatore: &str,
        gestione: Option<bool>,
        oggi: &str,
    ) -> StoreResult<()>;
    /// The units a case is (or was) shared with, newest first, with their names.
    fn condivisioni(&self, caso_id: i64) -> StoreResult<Vec<Condivisione>>;
    /// Shares the case with a unit from `oggi` (an active sharing with it just changes its flag).
    fn condividi_caso(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        unita: Unita,
        nascondi_informazioni: bool,
        oggi: &str,
    ) -> StoreResult<()>;
    /// Ends sharing `id` of the case on `oggi`.
    fn revoca_condivisione(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        id: i64,
        oggi: &str,
    ) -> StoreResult<()>;
}

/// The cartella and the fascicolo of a case: familiari, generic validity-dated sections, the
/// person's schede, diario, PAI and ISEE.
pub trait FascicoloStore {
    fn familiari(&self, caso_id: i64) -> StoreResult<Vec<Familiare>>;
    fn add_familiare(&mut self, actor: &Actor, caso_id: i64, f: &Familiare) -> StoreResult<i64>;
    /// The rows of a generic cartella section, newest first.
    fn cartella_dati(&self, caso_id: i64, sezione: &str) -> StoreResult<Vec<CartellaDato>>;
    /// Adds a validity-dated row to a generic section; the previous open row ends the day before.
    fn add_cartella_dato(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        sezione: &str,
        dati: &str,
        dal: &str,
    ) -> StoreResult<i64>;
    /// The schede di accesso of a person in `enti`: (id, numero, data, esito).
    fn schede_persona(&self, soggetto_id: i64, enti: &[i64]) -> StoreResult<Vec<SchedaPersona>>;

    /// The diary of a case, newest first.
    fn diario(&self, caso_id: i64) -> StoreResult<Vec<Diario>>;
    /// Saves a diary entry (new when `id` is `None`; Conflict if the version moved).
    fn save_diario(&mut self, actor: &Actor, d: &Diario) -> StoreResult<(i64, i64)>;
    fn pai(&self, caso_id: i64) -> StoreResult<Vec<Pai>>;
    /// Saves a PAI (new when `id` is `None`; Conflict if the version moved).
    fn save_pai(&mut self, actor: &Actor, p: &Pai) -> StoreResult<(i64, i64)>;
    fn isee(&self, caso_id: i64) -> StoreResult<Vec<Isee>>;
    fn save_isee(&mut self, actor: &Actor, i: &Isee) -> StoreResult<i64>;
    /// The sensitive fields of the schede of a person in `enti` that hold any: (numero, data di
    /// accesso, fields), newest first.
    fn sensibili_persona(
        &self,
        soggetto_id: i64,
        enti: &[i64],
    ) -> StoreResult<Vec<(i64, String, Sensibili)>>;
    /// The valutazioni of a case, newest first.
    fn valutazioni(&self, caso_id: i64) -> StoreResult<Vec<Valutazione>>;
    fn add_valutazione(&mut self, actor: &Actor, v: &Valutazione) -> StoreResult<i64>;
    /// The documenti individuali of a case, newest first.
    fn documenti(&self, caso_id: i64) -> StoreResult<Vec<Documento>>;
    fn documento(&self, id: i64) -> StoreResult<Option<Documento>>;
    /// Records a document whose file is already in the documents folder.
    fn add_documento(&mut self, actor: &Actor, d: &Documento) -> StoreResult<i64>;
}
