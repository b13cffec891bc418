//! The store: the only module that speaks SQL.
//!
//! [`Store`] is the interface every caller uses: one trait per concern (schema, maintenance,
//! organisation, logins, audit, persons, search, registry loads, drafts, schede, code lists,
//! settings), gathered by `Store` so that callers hold one `&mut dyn Store`. Code holding a
//! concrete store imports the traits with `use crate::store::prelude::*`.
//!
//! One implementation serves both engines: [`sqlite::SqliteStore`] holds either an SQLite
//! connection or a PostgreSQL session, and its modules write their SQL once through [`sql`]
//! (translated for PostgreSQL, where `migrations/postgres/0000_compat.sql` provides the SQLite
//! functions it uses). [`location`] tells a file from a `postgres://` URL. What only one engine
//! has (pragmas, the backup API, `pg_dump`, amcheck) is the few branches on [`sql::Engine`].
//! Writes are short `BEGIN IMMEDIATE` transactions; records carry a `version` for optimistic locking
//! and an UPDATE that finds the version moved returns [`StoreError::Conflict`].
//! [`worker`] runs a store on its own thread so that the UI never waits on the database while drawing.

pub mod location;
pub mod migrations;
pub mod sql;
pub mod sqlite;
pub mod worker;

pub use sqlite::persona_write::{CASE_REFERENCES, REFERENCES as PERSON_REFERENCES, Saved};
pub use sqlite::scheda::{Contatori, SchedaSave, SchedaSaved};

mod casi;
mod changes;
mod erogazioni;
mod organizzazioni;
mod richieste;
pub use crate::domain::siuss::{FlussoScritto, FlussoSiuss};
pub use casi::{CasiStore, FascicoloStore, OperatoriCasoStore, ProposteStore};
pub use changes::ChangesStore;
pub use erogazioni::{ErogazioniStore, SiussLavoro, SiussSelezione, SiussStore};
pub use organizzazioni::{ESITO_ERRORE, InviiStore, OrganizzazioniStore};
pub use richieste::{ImpostazioniStore, RichiesteStore, SchedaDocumentiStore};

use std::path::Path;

use crate::domain::codici::{Codice, CodiceEnte, ImportCounts, NewCodice};
use crate::domain::persona::{Consenso, Marcatori, Modifica, PersonaEdit, Privacy, Soggetto};
use crate::domain::scheda::{Filtro, Scheda, SchedaEdit, SchedaRiga, SchedaStorica};
use crate::domain::search::SearchHit;
use crate::domain::search_query::SearchQuery;
use crate::domain::sessione::{Avviso, NuovaSessione, Segnale, SessioneAttiva};
use crate::domain::soggetto::{ImportRow, NewSoggetto, UpsertCounts};
use crate::domain::{
    Actor, AuditEvent, AuditRow, Ente, NewEnte, NewOperatore, Operatore, RoleSet, Ufficio,
};

/// Errors of the store, with the Italian text shown to operators.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "conflitto: il record {entity} {id} è stato modificato da un altro operatore; ricaricare e riprovare"
    )]
    Conflict { entity: &'static str, id: i64 },
    #[error("operazione non consentita: {0}")]
    Denied(String),
    #[error("dati non validi: {0}")]
    Invalid(String),
    #[error("non trovato: {0}")]
    NotFound(String),
    #[error("esiste già: {0}")]
    Duplicate(String),
    #[error(
        "il database usa lo schema {db} ma questo programma conosce solo fino al {binary}: aggiornare sportello prima di scrivere"
    )]
    SchemaTooNew { db: u32, binary: u32 },
    #[error(
        "il database ha {0} aggiornamenti di schema da applicare: eseguire «sportello migrate»"
    )]
    MigrationsPending(usize),
    #[error("database non utilizzabile: {0}")]
    Unavailable(String),
    #[error("errore del database: {0}")]
    Db(String),
    /// Long work stopped at the operator's request (see [`crate::progress::Progress`]).
    #[error("operazione annullata")]
    Cancelled,
    /// A file the operator asked for (print, export, backup) could not be written: names the file.
    #[error("{0}")]
    Output(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Schema state of a database compared with this binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaStatus {
    /// Highest version applied in the database.
    pub db_version: u32,
    /// Highest version this binary knows.
    pub binary_version: u32,
    /// Migrations known to the binary and not yet applied: (version, name).
    pub pending: Vec<(u32, String)>,
}

/// One login attempt, per username typed (known or not, so the lockout reveals nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    /// Unix seconds.
    pub at: i64,
    pub username: String,
    pub result: LoginResult,
    pub os_user: Option<String>,
    pub ssh_client: Option<String>,
}

/// What happened to a login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginResult {
    Ok,
    /// Wrong password, unknown user, empty or oversized password, disabled account.
    Failed,
    /// Refused because the username was locked; does not extend the count.
    Locked,
}

impl LoginResult {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginResult::Ok => "ok",
            LoginResult::Failed => "fallito",
            LoginResult::Locked => "bloccato",
        }
    }
}

/// A saved draft of a form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    pub form: String,
    pub record_key: String,
    pub content: String,
    pub saved_at: String,
}

/// A session recording requested by the helpdesk for an operator's next login.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RichiestaRegistrazione {
    pub id: i64,
    pub version: i64,
    pub operatore_id: i64,
    pub operatore: String,
    pub ente_id: i64,
    pub segnalazione: String,
    pub oscurata: bool,
    pub scade_at: String,
    /// `attesa`, `avviata` or `annullata`.
    pub stato: String,
    pub chiusa_at: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

/// A new request (the expiry already computed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NuovaRichiesta {
    pub operatore_id: i64,
    pub ente_id: i64,
    pub segnalazione: String,
    pub oscurata: bool,
    pub scade_at: String,
}

/// Counts shown by `sportello demo` and on the home screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub enti: i64,
    pub uffici: i64,
    pub operatori: i64,
    pub soggetti: i64,
}

/// Declares [`Store`] as every concern trait listed (plus `Send`), implemented by any type that
/// implements them all, and the [`prelude`] that imports them in one line.
macro_rules! store_of {
    ($($concern:ident),+ $(,)?) => {
        /// The storage interface: every concern below. Implementation: [`sqlite::SqliteStore`]
        /// (on SQLite or PostgreSQL).
        ///
        /// Every write takes the [`Actor`] and records an audit row in the same transaction.
        pub trait Store: $($concern +)+ Send {}

        impl<T> Store for T where T: $($concern +)+ Send {}

        /// The store traits in one import, for code holding a concrete store rather than a
        /// `dyn Store`.
        pub mod prelude {
            pub use super::{Store, $($concern),+};
        }
    };
}

store_of!(
    SchemaStore,
    MaintenanceStore,
    OrgStore,
    LoginStore,
    AuditStore,
    PersonStore,
    PersonEditStore,
    SearchStore,
    AnagrafeStore,
    DraftStore,
    SchedaStore,
    CodeListStore,
    SettingsStore,
    ProposteStore,
    CasiStore,
    OperatoriCasoStore,
    FascicoloStore,
    RecordingStore,
    ErogazioniStore,
    SiussStore,
    RetentionStore,
    SessioniStore,
    RichiesteStore,
    ImpostazioniStore,
    OrganizzazioniStore,
    InviiStore,
    SchedaDocumentiStore,
    ChangesStore,
);

/// The schema version and its migrations.
pub trait SchemaStore {
    /// Schema version of the database against the binary.
    fn schema_status(&self) -> StoreResult<SchemaStatus>;
    /// Applies pending migrations, each in its own transaction; returns the versions applied.
    fn migrate(&mut self) -> StoreResult<Vec<u32>>;
}

/// The database as a whole: checks, online backup, checkpoints.
pub trait MaintenanceStore {
    /// `integrity_check`, `foreign_key_check`, schema version and audit hash chain: empty when all is well.
    fn check(&self) -> StoreResult<Vec<String>>;
    /// Online copy to `dest`, safe while other sessions write; the copy is verified.
    fn backup_to(&self, dest: &Path) -> StoreResult<()>;
    /// Replaces the whole database with the copy `src` once it passes the checks of
    /// [`MaintenanceStore::check`] (the anchor aside); the database as it was is kept in the new
    /// file `aside`. `src` is only read.
    fn restore_from(&mut self, src: &Path, aside: &Path) -> StoreResult<()>;
    /// Copies the whole database into the empty PostgreSQL database at `url` (all tables, the
    /// audit chain still verifying there); the rows copied per table.
    fn copy_to_postgres(&self, url: &str) -> StoreResult<Vec<(String, i64)>>;
    /// Moves the WAL content into the database so the `-wal` file stays bounded.
    fn checkpoint(&self) -> StoreResult<()>;
    /// Columns (`table.column`) that no pseudonymisation rule classifies.
    fn unclassified_columns(&self) -> StoreResult<Vec<String>>;
    /// A pseudonymised, verified copy to `dest` keyed with `key`; row counts by table.
    fn anonymize_to(&self, dest: &Path, key: &[u8; 32]) -> StoreResult<Vec<(String, i64)>>;
}

/// The organisation: enti, uffici, operatori (accounts, roles, passwords) and their counts.
pub trait OrgStore {
    /// Creates an ente; an operator creating it (not the CLI's system account) works for it from
    /// then on. Audited.
    fn create_ente(&mut self, actor: &Actor, new: &NewEnte) -> StoreResult<i64>;
    fn ente_by_code(&self, belfiore: &str) -> StoreResult<Option<Ente>>;
    fn ente(&self, id: i64) -> StoreResult<Option<Ente>>;
    fn list_enti(&self) -> StoreResult<Vec<Ente>>;
    fn create_ufficio(&mut self, actor: &Actor, ente_id: i64, nome: &str) -> StoreResult<i64>;
    fn list_uffici(&self, ente_id: i64) -> StoreResult<Vec<Ufficio>>;
    fn ufficio(&self, id: i64) -> StoreResult<Option<Ufficio>>;
    /// Updates name, ISTAT code, ambito, capofila (the ambito's previous capofila loses it) and
    /// active flag; Conflict if `e.version` moved. Returns the new version. Audited.
    fn update_ente(&mut self, actor: &Actor, e: &Ente) -> StoreResult<i64>;
    /// Updates name, active flag and punto di contatto; Conflict if `u.version` moved. Audited.
    fn update_ufficio(&mut self, actor: &Actor, u: &Ufficio) -> StoreResult<i64>;

    fn create_operatore(
        &mut self,
        actor: &Actor,
        new: &NewOperatore,
        password_hash: Option<&str>,
    ) -> StoreResult<i64>;
    fn operatore_by_username(&self, username: &str) -> StoreResult<Option<Operatore>>;
    fn operatore_by_os_user(&self, os_user: &str) -> StoreResult<Option<Operatore>>;
    fn password_hash(&self, operatore_id: i64) -> StoreResult<Option<String>>;
    fn list_operatori(&self) -> StoreResult<Vec<Operatore>>;
    /// Updates names, roles, enti, ufficio, active flag and OS account; Conflict if `op.version` moved.
    fn update_operatore(&mut self, actor: &Actor, op: &Operatore) -> StoreResult<i64>;
    /// Sets the roles `operatore_id` holds in `ente_id`, adding the ente to the operator when new
    /// (after their other enti); `operatore.roles` becomes the union. Audited `ruoli_operatore`.
    /// Returns the operator's new version.
    fn set_roles_in_ente(
        &mut self,
        actor: &Actor,
        operatore_id: i64,
        ente_id: i64,
        roles: RoleSet,
    ) -> StoreResult<i64>;
    /// Sets the password hash; Conflict if `version` moved. Returns the new version.
    fn set_password(
        &mut self,
        actor: &Actor,
        operatore_id: i64,
        version: i64,
        hash: &str,
    ) -> StoreResult<i64>;

    fn counts(&self) -> StoreResult<Counts>;
}

/// Login attempts, for the audit and the lockout.
pub trait LoginStore {
    /// Records a login attempt and its audit row.
    fn record_login(
        &mut self,
        attempt: &LoginAttempt,
        operatore_id: Option<i64>,
    ) -> StoreResult<()>;
    /// Reserves a password attempt for `attempt.username` before the password is verified: in one
    /// `BEGIN IMMEDIATE` transaction it reads the failures at or after `since` (and after the last
    /// successful login) and, when `locked` says they lock the username, records a refused attempt
    /// with its audit row and returns `None`; otherwise it records the attempt as failed and returns
    /// its id, so that parallel sessions count it at once. [`LoginStore::finish_login`] records how
    /// it ended.
    fn reserve_login(
        &mut self,
        attempt: &LoginAttempt,
        since: i64,
        locked: &dyn Fn(&[i64]) -> bool,
    ) -> StoreResult<Option<i64>>;
    /// The result of the reserved attempt `id` (`attempt.result`) with its audit row; `detail`
    /// says why it failed (unknown user, wrong password, disabled account).
    fn finish_login(
        &mut self,
        id: i64,
        attempt: &LoginAttempt,
        operatore_id: Option<i64>,
        detail: &str,
    ) -> StoreResult<()>;
}

/// The audit log (a hash chain).
pub trait AuditStore {
    /// Appends to the audit log (its own short transaction).
    fn audit(&mut self, actor: &Actor, event: &AuditEvent) -> StoreResult<()>;
    /// The last `limit` audit rows, newest first.
    fn audit_tail(&self, limit: i64) -> StoreResult<Vec<AuditRow>>;
    /// The operators who, in an hour since `since` (a stored timestamp), read more than
    /// `threshold` distinct records through `actions` (successful reads), and whose hour has no
    /// `anomaly` row yet.
    fn reads_over(
        &self,
        since: &str,
        actions: &[&str],
        threshold: i64,
        anomaly: &str,
    ) -> StoreResult<Vec<Letture>>;
    /// The rows of `action` written since `since`, newest first.
    fn audit_since(&self, action: &str, since: &str) -> StoreResult<Vec<AuditRow>>;
}

/// An operator's reads in one hour (an anomaly when over the threshold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letture {
    pub operatore_id: i64,
    pub username: String,
    /// The hour, `aaaa-mm-ggThh` (UTC, as stored).
    pub ora: String,
    /// Distinct records read.
    pub n: i64,
}

/// Reading persons: the person card, its history, homonyms, consents and search markers.
pub trait PersonStore {
    /// One person with every field (soft-deleted persons are not found).
    fn soggetto(&self, id: i64) -> StoreResult<Option<Soggetto>>;
    /// The last changes of a person, newest first.
    fn soggetto_storia(&self, id: i64) -> StoreResult<Vec<Modifica>>;
    /// Persons with the same name (folded) and birth date, `exclude` left out.
    fn homonyms(
        &self,
        cognome: &str,
        nome: &str,
        data_nascita: &str,
        exclude: Option<i64>,
    ) -> StoreResult<Vec<SearchHit>>;
    /// The privacy consents of a person, by ente.
    fn privacy(&self, soggetto_id: i64) -> StoreResult<Vec<Consenso>>;
    /// Search-result markers of the given persons for the operator's ente.
    fn marcatori(
        &self,
        ids: &[i64],
        ente_id: Option<i64>,
    ) -> StoreResult<std::collections::HashMap<i64, Marcatori>>;
}

/// The desk's writes to persons: entry and edit, anonymous users, privacy consents.
pub trait PersonEditStore {
    /// Saves a person entered (`edit.id == None`, `fonte = 'sportello'`, a provisional code when none
    /// is given) or edited at the desk: optimistic locking, one history row per changed field, search
    /// keys refreshed, one audit row. Replacing a provisional code with the code of a person already
    /// registered merges the two (every reference moves; see `sqlite::persona_write`).
    fn save_persona(
        &mut self,
        actor: &Actor,
        edit: &PersonaEdit,
        ente_id: Option<i64>,
    ) -> StoreResult<Saved>;
    /// Registers an anonymous user under a unique alias; consent "anonimo" towards `ente_id`.
    fn register_anonymous(
        &mut self,
        actor: &Actor,
        ente_id: i64,
        sesso: Option<&str>,
    ) -> StoreResult<i64>;
    /// Records a consent; `version` is the one read (`None`: no consent yet). Conflict if it moved.
    fn set_privacy(
        &mut self,
        actor: &Actor,
        soggetto_id: i64,
        ente_id: i64,
        stato: Privacy,
        data_firma: Option<&str>,
        version: Option<i64>,
    ) -> StoreResult<()>;
}

/// The person search.
pub trait SearchStore {
    /// Person search: the best `limit` persons for `query`, best first (see [`crate::domain::search`]
    /// for the order). `ente_belfiore` is the operator's ente: its residents win ties. Soft-deleted
    /// persons never appear. Work is bounded by indexes, whatever the size of the registry.
    /// Code that writes `soggetto` keys other than through [`AnagrafeStore::insert_soggetti`] (the
    /// importer) must keep the search dictionary in step with `sqlite::search::index_soggetto`.
    fn search_soggetti(
        &self,
        query: &SearchQuery,
        ente_belfiore: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<SearchHit>>;
    /// The persons of the latest schede of ente `ente_id` received by `operatore` or by office
    /// `ufficio_id`, most recent first, each once: the desk's returning clients.
    fn recent_soggetti(
        &self,
        ente_id: i64,
        operatore: &str,
        ufficio_id: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<SearchHit>>;
}

/// Persons loaded in bulk: the municipal registry import and demo data.
pub trait AnagrafeStore {
    /// Inserts persons in one transaction (demo data, imports); one audit row for the batch.
    /// Rows whose codice fiscale already exists are skipped; returns how many were inserted.
    fn insert_soggetti(&mut self, actor: &Actor, rows: &[NewSoggetto]) -> StoreResult<usize>;
    /// Adds past changes to persons' history (`soggetto_storia`) as they are, in one transaction;
    /// the persons' current values are not touched. One audit row.
    fn insert_storia(&mut self, actor: &Actor, rows: &[(i64, Modifica)]) -> StoreResult<usize>;

    /// Inserts or updates persons from the municipal registry by codice fiscale (`fonte = 'anagrafe'`),
    /// in one `BEGIN IMMEDIATE` transaction. A new code is inserted; a known one whose fields differ
    /// is updated (version + 1, one `soggetto_storia` row per changed field); otherwise it is left
    /// alone. [`crate::domain::soggetto::Valore::Absent`] never clears a stored value. One audit row
    /// for the call when anything changed. `dry_run` computes the same counts and rolls back.
    fn upsert_soggetti(
        &mut self,
        actor: &Actor,
        rows: &[ImportRow],
        dry_run: bool,
    ) -> StoreResult<UpsertCounts>;
}

/// Session recordings requested by the helpdesk. Timestamps are the stored `*_at` text (UTC).
pub trait RecordingStore {
    /// Records a request (audited in the same transaction).
    fn add_recording_request(&mut self, actor: &Actor, new: &NuovaRichiesta) -> StoreResult<i64>;
    /// Every request, newest first.
    fn recording_requests(&self) -> StoreResult<Vec<RichiestaRegistrazione>>;
    fn recording_request(&self, id: i64) -> StoreResult<Option<RichiestaRegistrazione>>;
    /// Cancels a request still waiting (Conflict when it was started or cancelled meanwhile).
    fn cancel_recording_request(&mut self, actor: &Actor, id: i64, version: i64)
    -> StoreResult<()>;
    /// Takes the oldest waiting, unexpired request for the operator `actor` (marked started, the
    /// audit row naming who requested it, in one transaction); `None` when there is none.
    fn take_recording_request(
        &mut self,
        actor: &Actor,
        now: &str,
    ) -> StoreResult<Option<RichiestaRegistrazione>>;
}

/// A person or a case under legal hold (never purged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BloccoLegale {
    /// `soggetto` or `caso`.
    pub entity: String,
    pub entity_id: i64,
    pub motivo: String,
    pub created_at: String,
    pub created_by: String,
}

/// Live sessions and the notices to every session (see [`crate::domain::sessione`]). Heartbeats
/// are not audited (no personal data, one every few seconds); ending a session and notices are.
pub trait SessioniStore {
    /// Registers the actor's session: its id.
    fn apri_sessione(&mut self, actor: &Actor, s: &NuovaSessione, now_ms: i64) -> StoreResult<i64>;
    /// The session `id` of `operatore_id` is alive on `s.schermata` (in `s.ente_id`, which follows
    /// a change of ente): whether it must end and the notice in force. A session already closed or
    /// unknown reports `NotFound`.
    fn segnale_sessione(
        &mut self,
        id: i64,
        operatore_id: i64,
        s: &NuovaSessione,
        now_ms: i64,
    ) -> StoreResult<Segnale>;
    /// The session ends (logout, quit, or after an administrator asked it to).
    fn chiudi_sessione(&mut self, id: i64, operatore_id: i64, now_ms: i64) -> StoreResult<()>;
    /// Sessions open at `now_ms` (closed ones and those silent for
    /// [`crate::domain::sessione::SCADENZA_MS`] left out), oldest first.
    fn sessioni_attive(&self, now_ms: i64) -> StoreResult<Vec<SessioneAttiva>>;
    /// Asks a session to end (audited). `NotFound` when it is not open.
    fn termina_sessione(&mut self, actor: &Actor, id: i64, now_ms: i64) -> StoreResult<()>;
    /// A notice to every session for `minuti` minutes, replacing the one in force (audited).
    fn invia_avviso(
        &mut self,
        actor: &Actor,
        testo: &str,
        minuti: i64,
        now_ms: i64,
    ) -> StoreResult<Avviso>;
    /// Withdraws the notice in force (audited); whether there was one.
    fn revoca_avviso(&mut self, actor: &Actor, now_ms: i64) -> StoreResult<bool>;
    /// The notice in force at `now_ms`.
    fn avviso(&self, now_ms: i64) -> StoreResult<Option<Avviso>>;
}

/// Retention: legal holds and the purge of rows past their period.
pub trait RetentionStore {
    /// Removes, in one transaction, the login attempts, drafts and audit rows older than
    /// `cutoffs`, except audit rows about a person or case under legal hold (and its schede,
    /// proposals and case); each run of audit rows removed is recorded so the chain still verifies.
    /// `dry_run` counts the same and rolls back. Not audited here (the caller audits the run).
    fn purge(
        &mut self,
        cutoffs: &crate::domain::retention::Cutoffs,
        dry_run: bool,
    ) -> StoreResult<crate::domain::retention::Purged>;
    /// Puts (`Some(motivo)`) or lifts (`None`) a legal hold on a `soggetto` or `caso`; audited.
    /// NotFound when the record does not exist.
    fn set_legal_hold(
        &mut self,
        actor: &Actor,
        entity: &str,
        id: i64,
        motivo: Option<&str>,
    ) -> StoreResult<()>;
    /// Every legal hold, oldest first.
    fn legal_holds(&self) -> StoreResult<Vec<BloccoLegale>>;
}

/// Drafts of forms, per operator.
pub trait DraftStore {
    /// Saves (replaces) the draft of `form` for `record_key` ('' = new record).
    fn save_draft(
        &mut self,
        operatore_id: i64,
        form: &str,
        record_key: &str,
        content: &str,
    ) -> StoreResult<()>;
    /// The saved draft, with its save time.
    fn load_draft(
        &self,
        operatore_id: i64,
        form: &str,
        record_key: &str,
    ) -> StoreResult<Option<Draft>>;
    fn delete_draft(&mut self, operatore_id: i64, form: &str, record_key: &str) -> StoreResult<()>;
    /// Every draft of an operator (shown on the home screen).
    fn list_drafts(&self, operatore_id: i64) -> StoreResult<Vec<Draft>>;
}

/// The schede di accesso, their proposals of presa in carico and the office counters.
pub trait SchedaStore {
    /// Saves a scheda (new when `edit.id` is `None`: numbered per ente, in the actor's ente and
    /// ufficio); Conflict if the version moved. The proposal of presa in carico follows
    /// `save.proposta_ente` while nobody handled it. `edit.nota_privata == None` keeps the stored note.
    fn save_scheda(
        &mut self,
        actor: &Actor,
        edit: &SchedaEdit,
        save: SchedaSave,
    ) -> StoreResult<SchedaSaved>;
    /// One scheda, private note included (deleted ones too).
    fn scheda(&self, id: i64) -> StoreResult<Option<Scheda>>;
    /// The schede of `enti` matching the filter, newest first.
    fn list_schede(
        &self,
        enti: &[i64],
        filtro: &Filtro,
        limit: usize,
    ) -> StoreResult<Vec<SchedaRiga>>;
    /// Soft delete with the reason (`Some`), or restore (`None`); Conflict if the version moved.
    fn delete_scheda(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
        reason: Option<&str>,
    ) -> StoreResult<()>;
    /// Marks a scheda sent to another office as opened there.
    fn mark_ricevuta(&mut self, actor: &Actor, id: i64) -> StoreResult<()>;
    /// Counters of the home screen for an ente and office; `oggi` ISO.
    fn contatori(
        &self,
        ente_id: i64,
        ufficio_id: Option<i64>,
        oggi: &str,
    ) -> StoreResult<Contatori>;
    /// The capofila ente of the ambito of `ente_id`.
    fn capofila(&self, ente_id: i64) -> StoreResult<Option<i64>>;
    /// Loads past schede in one transaction, in the given order (numbered per ente after the
    /// existing ones), with their proposals, the cases accepted ones opened and the privacy
    /// consents signed (the first per person and ente counts); one audit row. Returns how many.
    fn insert_schede_storiche(
        &mut self,
        actor: &Actor,
        rows: &[SchedaStorica],
    ) -> StoreResult<usize>;
}

/// The code lists (bisogni, servizi, esiti, ...).
pub trait CodeListStore {
    /// The code lists with their number of codes, by list id.
    fn code_lists(&self) -> StoreResult<Vec<(String, i64)>>;
    /// The codes of a list (disabled ones too), in display order.
    fn codes(&self, lista: &str) -> StoreResult<Vec<Codice>>;
    /// Inserts new codes and updates label, group, order and active flag of existing ones; codes
    /// missing from `rows` are left alone (never deleted).
    fn import_codes(
        &mut self,
        actor: &Actor,
        lista: &str,
        rows: &[NewCodice],
    ) -> StoreResult<ImportCounts>;
    /// Changes label and active flag of one code; Conflict if `version` moved. Returns the new version.
    fn update_code(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
        etichetta: &str,
        attivo: bool,
    ) -> StoreResult<i64>;
    /// The labels and hidden codes of one ente.
    fn codes_ente(&self, ente_id: i64) -> StoreResult<Vec<CodiceEnte>>;
    /// Sets how an ente shows a code (the whole row); audited `modifica_codice_ente`.
    fn set_code_ente(&mut self, actor: &Actor, c: &CodiceEnte) -> StoreResult<()>;
}

/// Installation settings (key → value).
pub trait SettingsStore {
    /// Whether this database was created by `sportello demo`.
    fn is_demo(&self) -> StoreResult<bool>;
    fn set_setting(&mut self, key: &str, value: &str) -> StoreResult<()>;
    fn setting(&self, key: &str) -> StoreResult<Option<String>>;
}
