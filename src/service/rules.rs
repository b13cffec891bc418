//! The permission table: every operation of the service door, the permission it needs and how its
//! target is scoped. [`super::Service::guard`] reads it before each operation, and the RBAC matrix
//! test (`tests/rbac.rs`) walks it: every operation × every role × own ente / other ente.
//!
//! Scope rules ("own ente" = the ente of the session, chosen at login: an operator's other enti are
//! out of reach until they switch):
//! - [`Scope::Installation`]: data shared by the enti of an installation — the anagrafe (one person,
//!   one record; reads are audited, not scoped), code lists, the list of enti.
//! - [`Scope::Ente`]: a record that belongs to an ente (scheda, consent, office, operator account):
//!   the actor must work for that ente. A refusal reads like "not found", so it leaks nothing.
//! - [`Scope::Administered`]: the organisation (offices, accounts, roles) of an ente: the actor must
//!   hold the operation's permission there too, not only in the session's ente — an administrator
//!   of several enti administers each of them without switching.
//! - [`Scope::Own`]: the actor's own records (drafts, their own session).

use crate::domain::{Actor, Permission, RoleSet};

/// What an operation needs of the actor's roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any active operator (their own session, drafts, home screen).
    Operator,
    Permission(Permission),
    /// One of these permissions.
    AnyOf(&'static [Permission]),
}

impl Need {
    /// Whether the actor's roles in the session's ente allow it.
    pub fn allows(self, actor: &Actor) -> bool {
        self.allows_roles(actor.roles)
    }

    pub fn allows_roles(self, roles: RoleSet) -> bool {
        match self {
            Need::Operator => true,
            Need::Permission(p) => roles.allows(p),
            Need::AnyOf(ps) => ps.iter().any(|p| roles.allows(*p)),
        }
    }
}

/// How an operation's target record is scoped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Installation,
    Ente,
    Administered,
    Own,
}

/// Whether reads through this operation are written to the audit log when they succeed (denials
/// always are; writes are audited by the store in their own transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audit {
    /// A read of personal data, or a write: one audit row per call.
    Always,
    /// No personal data (code lists, counters) or the operator's own typing (drafts): only denials.
    Denials,
}

/// Every operation of the service door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    // Session
    Home,
    Logout,
    SessionHeartbeat,
    ListSessions,
    EndSession,
    Broadcast,
    CambiaEnte,
    // Drafts
    SaveDraft,
    LoadDraft,
    DeleteDraft,
    // Organisation
    CreateEnte,
    CreateUfficio,
    EditEnte,
    EditUfficio,
    ListOperatori,
    AddOperatore,
    EditOperatore,
    SetPassword,
    DisableOperatore,
    SetRuoli,
    ConfigurePor,
    ConfigureUfficio,
    UfficioUscita,
    ListEnti,
    // Maintenance
    Migrate,
    Check,
    Backup,
    Restore,
    Purge,
    ScanAnomalies,
    LegalHold,
    // Code lists
    ListCodes,
    ImportCodes,
    EditCode,
    EditCodeEnte,
    FormLists,
    // Anagrafe
    Search,
    ReadPersona,
    PersonaForm,
    SavePersona,
    RegisterAnonymous,
    SetPrivacy,
    ImportAnagrafe,
    // Schede di accesso
    ListSchede,
    ReadScheda,
    NewScheda,
    SaveScheda,
    DeleteScheda,
    RestoreScheda,
    DuplicateScheda,
    Contatori,
    // Documents
    PrintScheda,
    PrintPrivacy,
    PrintBlank,
    ExportSchede,
    // Presa in carico and cartella sociale
    ListProposte,
    ReadProposta,
    AcceptProposta,
    SeenProposta,
    RefuseProposta,
    ListCasi,
    ReadCaso,
    ChangeStato,
    SaveDiario,
    SavePai,
    SaveIsee,
    SaveCartella,
    SaveValutazione,
    AddDocumento,
    ExportDocumento,
    AssignOperatore,
    ShareCaso,
    OpenCaso,
    ConfigureCategorie,
    GrantRiservati,
    Changes,
    AuditAccessi,
    ExportCasi,
    PrintCartella,
    PrintPai,
    // Helpdesk
    ListRecordings,
    OpenRecording,
    ListCrashReports,
    ReadCrashReport,
    RequestRecording,
    ListRecordingRequests,
    CancelRecordingRequest,
    StartRequestedRecording,
    Anonymize,
    // Interventi and erogazioni
    ListNomenclatore,
    ImportPrestazioniSiuss,
    AddTipoIntervento,
    AddProgetto,
    SaveIntervento,
    ReadIntervento,
    ListInterventi,
    AddFoglio,
    SaveErogazione,
    ReadErogazione,
    SearchErogazioni,
    ExportErogazioni,
    ExportSiuss,
    ListSiuss,
    PrintPor,
    PrintPorScheda,
    // Richieste of a scheda, office settings, the desk's monthly report
    ListRichieste,
    SaveRichiesta,
    DeleteRichiesta,
    SaveConsuntivo,
    DeleteConsuntivo,
    InterventiScheda,
    // Documents attached to a scheda
    AddDocumentoScheda,
    ListDocumentiScheda,
    ExportDocumentoScheda,
    ImpostazioniUfficio,
    ConfigureSportello,
    RapportoSportello,
    // Organisations of the territory, punti di contatto, sending schede to another office
    ListOrganizzazioni,
    SaveOrganizzazione,
    SavePuntoContatto,
    AnnullaInvio,
    ConsegnaAvvisi,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub op: Op,
    /// The action name written in the audit log.
    pub action: &'static str,
    /// What the refusal message calls it (Italian).
    pub label: &'static str,
    pub need: Need,
    pub scope: Scope,
    pub audit: Audit,
}

const fn rule(
    op: Op,
    action: &'static str,
    label: &'static str,
    need: Need,
    scope: Scope,
    audit: Audit,
) -> Rule {
    Rule {
        op,
        action,
        label,
        need,
        scope,
        audit,
    }
}

use Audit::{Always, Denials};
use Need::{AnyOf, Operator, Permission as P};
use Permission as Pm;
use Scope::{Administered, Ente, Installation, Own};

/// The table. Keep one row per [`Op`] (a unit test checks it).
#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    rule(Op::Home, "pagina_iniziale", "pagina iniziale", Operator, Own, Denials),
    rule(Op::Logout, "logout", "uscita", Operator, Own, Always),
    rule(Op::SessionHeartbeat, "segnale_sessione", "sessione", Operator, Own, Denials),
    rule(Op::ListSessions, "elenco_sessioni", "sessioni attive", P(Pm::ManageAccounts), Installation, Denials),
    rule(Op::EndSession, "termina_sessione", "chiusura di una sessione", P(Pm::ManageAccounts), Installation, Always),
    rule(Op::Broadcast, "invia_avviso", "avviso agli operatori", P(Pm::ManageConfig), Installation, Always),
    rule(Op::CambiaEnte, "cambia_ente", "cambio di ente", Operator, Own, Always),
    rule(Op::SaveDraft, "salva_bozza", "salvataggio bozza", Operator, Own, Denials),
    rule(Op::LoadDraft, "leggi_bozza", "lettura bozza", Operator, Own, Denials),
    rule(Op::DeleteDraft, "elimina_bozza", "eliminazione bozza", Operator, Own, Denials),
    rule(Op::CreateEnte, "crea_ente", "creazione di un ente", P(Pm::ManageConfig), Installation, Always),
    rule(Op::CreateUfficio, "crea_ufficio", "creazione di un ufficio", P(Pm::ManageConfig), Administered, Always),
    rule(Op::EditEnte, "modifica_ente", "modifica di un ente", P(Pm::ManageConfig), Administered, Always),
    rule(Op::EditUfficio, "modifica_ufficio", "modifica di un ufficio", P(Pm::ManageConfig), Administered, Always),
    rule(Op::ListOperatori, "elenca_operatori", "elenco operatori", P(Pm::ManageAccounts), Administered, Denials),
    rule(Op::AddOperatore, "crea_operatore", "creazione di un operatore", P(Pm::ManageAccounts), Administered, Always),
    rule(Op::EditOperatore, "modifica_operatore", "modifica di un operatore", P(Pm::ManageAccounts), Administered, Always),
    rule(Op::SetPassword, "cambia_password", "cambio password", P(Pm::ManageAccounts), Administered, Always),
    rule(Op::DisableOperatore, "disabilita_operatore", "disabilitazione di un operatore", P(Pm::ManageAccounts), Administered, Always),
    rule(Op::SetRuoli, "ruoli_operatore", "ruoli di un operatore in un ente", P(Pm::ManageAccounts), Administered, Always),
    rule(Op::ConfigurePor, "configura_por", "configurazione POR", P(Pm::ManageConfig), Administered, Always),
    rule(Op::ConfigureUfficio, "configura_ufficio", "configurazione di stampante e cartella dell'ufficio", P(Pm::ManageConfig), Administered, Always),
    rule(Op::UfficioUscita, "uscita_ufficio", "stampante e cartella dell'ufficio", Operator, Own, Denials),
    rule(Op::ListEnti, "elenca_enti", "elenco degli enti", Operator, Installation, Denials),
    rule(Op::Migrate, "migra_schema", "aggiornamento dello schema", P(Pm::ManageConfig), Installation, Always),
    rule(Op::Check, "verifica_database", "verifica del database", AnyOf(&[Pm::ManageConfig, Pm::ReadAudit]), Installation, Denials),
    rule(Op::Backup, "copia_database", "copia del database", P(Pm::ManageConfig), Installation, Always),
    rule(Op::Purge, "purga_dati", "eliminazione dei dati scaduti", P(Pm::ManageConfig), Installation, Always),
    rule(Op::ScanAnomalies, "anomalia_letture", "rilevazione delle anomalie di accesso", AnyOf(&[Pm::ManageConfig, Pm::ReadAudit]), Installation, Denials),
    rule(Op::LegalHold, "blocco_legale", "blocco legale", P(Pm::ManageConfig), Installation, Always),
    rule(Op::Restore, "ripristina_database", "ripristino del database da una copia", P(Pm::ManageConfig), Installation, Always),
    rule(Op::ListCodes, "elenca_codici", "liste di codici", P(Pm::ManageCodes), Installation, Denials),
    rule(Op::ImportCodes, "importa_codici", "importazione di codici", P(Pm::ManageCodes), Installation, Always),
    rule(Op::EditCode, "modifica_codice", "modifica di un codice", P(Pm::ManageCodes), Installation, Always),
    rule(Op::EditCodeEnte, "modifica_codice_ente", "etichette e codici nascosti dell'ente", P(Pm::ManageCodes), Administered, Always),
    rule(
        Op::FormLists,
        "liste_modulo",
        "liste di un modulo",
        AnyOf(&[Pm::ReadAnagrafe, Pm::ReadSchede, Pm::RestoreDeleted, Pm::ManageAccounts]),
        Installation,
        Denials,
    ),
    rule(Op::Search, "cerca_soggetti", "ricerca anagrafe", P(Pm::ReadAnagrafe), Installation, Always),
    rule(Op::ReadPersona, "leggi_soggetto", "lettura della scheda persona", P(Pm::ReadAnagrafe), Installation, Always),
    rule(Op::PersonaForm, "modifica_soggetto", "modifica di una persona", P(Pm::WriteAnagrafe), Installation, Always),
    rule(Op::SavePersona, "salva_soggetto", "salvataggio di una persona", P(Pm::WriteAnagrafe), Installation, Always),
    rule(Op::RegisterAnonymous, "crea_soggetto_anonimo", "registrazione anonima", P(Pm::WriteAnagrafe), Ente, Always),
    rule(Op::SetPrivacy, "consenso_privacy", "consenso privacy", P(Pm::WriteAnagrafe), Ente, Always),
    rule(Op::ImportAnagrafe, "importa_anagrafe", "importazione anagrafe", AnyOf(&[Pm::ManageConfig, Pm::WriteAnagrafe]), Installation, Always),
    rule(Op::ListSchede, "elenca_schede", "elenco schede", AnyOf(&[Pm::ReadSchede, Pm::RestoreDeleted]), Ente, Always),
    rule(Op::ReadScheda, "leggi_scheda", "lettura di una scheda", P(Pm::ReadSchede), Ente, Always),
    rule(Op::NewScheda, "nuova_scheda", "nuova scheda", P(Pm::WriteSchede), Ente, Denials),
    rule(Op::SaveScheda, "salva_scheda", "salvataggio di una scheda", P(Pm::WriteSchede), Ente, Always),
    rule(Op::DeleteScheda, "elimina_scheda", "eliminazione di una scheda", P(Pm::DeleteSchede), Ente, Always),
    rule(Op::RestoreScheda, "ripristina_scheda", "ripristino di una scheda", P(Pm::RestoreDeleted), Ente, Always),
    rule(Op::DuplicateScheda, "duplica_scheda", "duplicazione di una scheda", P(Pm::WriteSchede), Ente, Always),
    rule(Op::Contatori, "contatori", "contatori dell'ufficio", P(Pm::Reports), Ente, Denials),
    rule(Op::PrintScheda, "stampa_scheda", "stampa di una scheda", P(Pm::PrintSchede), Ente, Always),
    rule(Op::PrintPrivacy, "stampa_privacy", "stampa del modulo privacy", P(Pm::PrintSchede), Ente, Always),
    rule(Op::PrintBlank, "stampa_scheda_vuota", "stampa della scheda vuota", P(Pm::PrintSchede), Installation, Denials),
    rule(Op::ExportSchede, "esporta_schede", "esportazione delle schede", P(Pm::Export), Ente, Always),
    rule(Op::ListProposte, "elenca_proposte", "schede da prendere in carico", P(Pm::ReadCartella), Ente, Always),
    rule(Op::ReadProposta, "leggi_proposta", "lettura di una proposta", P(Pm::ReadCartella), Ente, Always),
    rule(Op::AcceptProposta, "prendi_in_carico", "presa in carico", P(Pm::WriteCartella), Ente, Always),
    rule(Op::SeenProposta, "proposta_vista", "proposta vista", P(Pm::WriteCartella), Ente, Always),
    rule(Op::RefuseProposta, "respingi_proposta", "respingimento di una proposta", P(Pm::WriteCartella), Ente, Always),
    rule(Op::ListCasi, "elenca_casi", "lista casi", P(Pm::ReadCartella), Ente, Always),
    rule(Op::ReadCaso, "leggi_cartella", "lettura della cartella sociale", P(Pm::ReadCartella), Ente, Always),
    rule(Op::ChangeStato, "cambia_stato_caso", "cambio di stato del caso", P(Pm::WriteCartella), Ente, Always),
    rule(Op::SaveDiario, "salva_diario", "diario del fascicolo", P(Pm::WriteCartella), Ente, Always),
    rule(Op::SavePai, "salva_pai", "PAI", P(Pm::WriteCartella), Ente, Always),
    rule(Op::SaveIsee, "salva_isee", "ISEE", P(Pm::WriteCartella), Ente, Always),
    rule(Op::SaveCartella, "salva_cartella", "modifica della cartella sociale", P(Pm::WriteCartella), Ente, Always),
    rule(Op::SaveValutazione, "salva_valutazione", "valutazione multidimensionale o SINBA", P(Pm::WriteCartella), Ente, Always),
    rule(Op::AddDocumento, "aggiungi_documento", "documenti individuali", P(Pm::WriteCartella), Ente, Always),
    rule(Op::ExportDocumento, "esporta_documento", "lettura di un documento individuale", P(Pm::ReadCartella), Ente, Always),
    rule(Op::AssignOperatore, "operatori_caso", "operatori del caso e gestione del fascicolo", P(Pm::WriteCartella), Ente, Always),
    rule(Op::ShareCaso, "condividi_caso", "condivisione del caso con altre unità", P(Pm::WriteCartella), Ente, Always),
    rule(Op::OpenCaso, "apri_caso", "apertura di un caso", P(Pm::WriteCartella), Ente, Always),
    rule(Op::ConfigureCategorie, "configura_categorie_ufficio", "categorie sociali di un ufficio", P(Pm::ManageConfig), Administered, Always),
    rule(Op::GrantRiservati, "concedi_dati_riservati", "permesso dati riservati", P(Pm::ManageAccounts), Ente, Always),
    rule(Op::Changes, "contatore_modifiche", "aggiornamento automatico", Operator, Own, Denials),
    rule(Op::AuditAccessi, "registro_accessi", "registro degli accessi", P(Pm::ReadAudit), Installation, Always),
    rule(Op::ExportCasi, "esporta_casi", "esportazione dei casi", P(Pm::Export), Ente, Always),
    rule(Op::PrintCartella, "stampa_cartella", "stampa della cartella sociale", P(Pm::ReadCartella), Ente, Always),
    rule(Op::PrintPai, "stampa_pai", "stampa del PAI", P(Pm::ReadCartella), Ente, Always),
    rule(Op::ListRecordings, "elenca_registrazioni", "elenco delle registrazioni", AnyOf(&[Pm::ReadReplays, Pm::ManageConfig]), Ente, Denials),
    rule(Op::OpenRecording, "apri_registrazione", "apertura di una registrazione", AnyOf(&[Pm::ReadReplays, Pm::ManageConfig]), Ente, Always),
    rule(Op::ListCrashReports, "elenca_segnalazioni_errore", "elenco delle segnalazioni di errore", AnyOf(&[Pm::ReadCrashReports, Pm::ManageConfig]), Ente, Denials),
    rule(Op::ReadCrashReport, "leggi_segnalazione_errore", "lettura di una segnalazione di errore", AnyOf(&[Pm::ReadCrashReports, Pm::ManageConfig]), Ente, Always),
    rule(Op::RequestRecording, "richiedi_registrazione", "richiesta di registrazione di una sessione", AnyOf(&[Pm::ReadReplays, Pm::ManageConfig]), Ente, Always),
    rule(Op::ListRecordingRequests, "elenca_richieste_registrazione", "elenco delle richieste di registrazione", AnyOf(&[Pm::ReadReplays, Pm::ManageConfig]), Ente, Denials),
    rule(Op::CancelRecordingRequest, "annulla_richiesta_registrazione", "annullamento di una richiesta di registrazione", AnyOf(&[Pm::ReadReplays, Pm::ManageConfig]), Ente, Always),
    rule(Op::StartRequestedRecording, "avvia_registrazione_richiesta", "avvio della registrazione richiesta", Operator, Own, Always),
    rule(Op::Anonymize, "copia_pseudonimizzata", "copia pseudonimizzata del database", P(Pm::ManageConfig), Installation, Always),
    rule(Op::ListNomenclatore, "elenca_nomenclatore", "nomenclatore degli interventi", AnyOf(&[Pm::ReadErogazioni, Pm::ManageCodes]), Installation, Denials),
    rule(Op::ImportPrestazioniSiuss, "importa_tabella_siuss", "importazione della tabella delle prestazioni SIUSS", P(Pm::ManageCodes), Installation, Always),
    rule(Op::AddTipoIntervento, "aggiungi_tipo_intervento", "nomenclatore dell'ente", AnyOf(&[Pm::ManageCodes, Pm::WriteErogazioni]), Ente, Always),
    rule(Op::AddProgetto, "aggiungi_progetto", "progetti e finanziamenti", P(Pm::WriteErogazioni), Ente, Always),
    rule(Op::SaveIntervento, "salva_intervento_richiesta", "salvataggio di un intervento", P(Pm::WriteErogazioni), Ente, Always),
    rule(Op::ReadIntervento, "leggi_intervento", "lettura di un intervento", P(Pm::ReadErogazioni), Ente, Always),
    rule(Op::ListInterventi, "elenca_interventi", "interventi di una persona", P(Pm::ReadErogazioni), Ente, Always),
    rule(Op::AddFoglio, "aggiungi_foglio_amministrativo", "foglio amministrativo", P(Pm::WriteErogazioni), Ente, Always),
    rule(Op::SaveErogazione, "salva_erogazione_richiesta", "salvataggio di un'erogazione", P(Pm::WriteErogazioni), Ente, Always),
    rule(Op::ReadErogazione, "leggi_erogazione", "lettura di un'erogazione", P(Pm::ReadErogazioni), Ente, Always),
    rule(Op::SearchErogazioni, "cerca_erogazioni", "ricerca delle erogazioni", P(Pm::ReadErogazioni), Ente, Always),
    rule(Op::ExportErogazioni, "esporta_erogazioni", "esportazione delle erogazioni", P(Pm::Export), Ente, Always),
    rule(Op::ExportSiuss, "flusso_siuss", "flusso SIUSS", P(Pm::WriteErogazioni), Ente, Always),
    rule(Op::ListSiuss, "elenca_flussi_siuss", "flussi SIUSS inviati", P(Pm::ReadErogazioni), Ente, Denials),
    rule(Op::PrintPor, "stampa_por", "stampa del modulo POR", P(Pm::ReadErogazioni), Ente, Always),
    rule(Op::PrintPorScheda, "stampa_por_scheda", "stampa della domanda POR di una scheda", P(Pm::PrintSchede), Ente, Always),
    rule(Op::ListRichieste, "leggi_richieste", "richieste e consuntivo di una scheda", P(Pm::ReadSchede), Ente, Always),
    rule(Op::SaveRichiesta, "salva_richiesta", "salvataggio di una richiesta", P(Pm::WriteSchede), Ente, Always),
    rule(Op::DeleteRichiesta, "elimina_richiesta", "eliminazione di una richiesta", P(Pm::WriteSchede), Ente, Always),
    rule(Op::SaveConsuntivo, "salva_consuntivo", "consuntivo di una richiesta", P(Pm::WriteSchede), Ente, Always),
    rule(Op::DeleteConsuntivo, "elimina_consuntivo", "eliminazione di una riga di consuntivo", P(Pm::WriteSchede), Ente, Always),
    rule(Op::InterventiScheda, "interventi_scheda", "interventi e cartella della persona della scheda", P(Pm::ReadSchede), Ente, Always),
    rule(Op::AddDocumentoScheda, "aggiungi_documento_scheda", "documenti di una scheda", P(Pm::WriteSchede), Ente, Always),
    rule(Op::ListDocumentiScheda, "leggi_documenti_scheda", "elenco dei documenti di una scheda", P(Pm::ReadSchede), Ente, Always),
    rule(Op::ExportDocumentoScheda, "esporta_documento_scheda", "lettura di un documento di una scheda", P(Pm::ReadSchede), Ente, Always),
    rule(Op::ImpostazioniUfficio, "leggi_impostazioni_ufficio", "impostazioni dell'ufficio", P(Pm::ManageConfig), Administered, Denials),
    rule(Op::ConfigureSportello, "configura_impostazioni_ufficio", "impostazioni dell'ufficio", P(Pm::ManageConfig), Administered, Always),
    rule(Op::RapportoSportello, "rapporto_sportello", "rapporto attività dello sportello", P(Pm::Export), Ente, Always),
    rule(Op::ListOrganizzazioni, "elenca_organizzazioni", "elenco delle organizzazioni", Operator, Installation, Denials),
    rule(Op::SaveOrganizzazione, "salva_organizzazione", "registro delle organizzazioni", P(Pm::ManageConfig), Installation, Always),
    rule(Op::SavePuntoContatto, "salva_punto_contatto", "punti di contatto dell'ufficio", P(Pm::ManageConfig), Administered, Always),
    rule(Op::AnnullaInvio, "annulla_invio_scheda", "annullamento dell'invio di una scheda", P(Pm::WriteSchede), Ente, Always),
    rule(Op::ConsegnaAvvisi, "consegna_avvisi_invio", "avvisi e-mail degli invii", AnyOf(&[Pm::WriteSchede, Pm::ManageConfig]), Installation, Always),
];

impl Op {
    /// The row of this operation.
    pub fn rule(self) -> &'static Rule {
        RULES
            .iter()
            .find(|r| r.op == self)
            .expect("every operation has a row in RULES (unit-tested)")
    }
}

/// Whether `ente` is the actor's ("own ente": the ente of the session). The system account of the
/// CLI (no operator) acts for the whole installation.
pub fn in_ente(actor: &Actor, ente: i64) -> bool {
    actor.operatore_id.is_none() || actor.enti.contains(&ente)
}

/// Whether the actor holds what `op` needs in `ente` ([`Scope::Administered`]): the system account
/// everywhere, an operator in the enti where their roles there allow it.
pub fn holds(actor: &Actor, op: Op, ente: i64) -> bool {
    actor.operatore_id.is_none() || op.rule().need.allows_roles(actor.roles_in(ente))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_operation_with_a_distinct_action() {
        let mut ops: Vec<Op> = RULES.iter().map(|r| r.op).collect();
        ops.sort();
        let n = ops.len();
        ops.dedup();
        assert_eq!(ops.len(), n, "an operation has two rows");
        let mut actions: Vec<&str> = RULES.iter().map(|r| r.action).collect();
        actions.sort();
        actions.dedup();
        assert_eq!(actions.len(), n, "two operations share an audit action");
        for r in RULES {
            assert!(std::ptr::eq(r.op.rule(), r));
        }
    }
}
