//! What the UI asks of the store, and the answers: plain data, so that `update` stays pure and the
//! message stream can be recorded. [`execute`] runs a request on the store thread.

use crate::auth::{self, Origin};
use crate::domain::codici::Codice;
use crate::domain::persona::{PersonaEdit, Privacy, Soggetto};
use crate::domain::scheda::{Filtro, SchedaEdit, SchedaRiga};
use crate::domain::search::SearchHit;
use crate::domain::search_query::SearchQuery;
use crate::export::Format;
use crate::forms::FormDef;
use crate::service::documenti::{self, Lists};
use crate::service::scheda::{self as schede, SchedaOutcome};
use crate::service::{PersonaCard, PersonaSaved};
use crate::store::SchedaSaved;
use crate::ui::schede::SchedaFormData;

/// Results shown by the search screen.
pub const SEARCH_LIMIT: usize = 50;
use crate::domain::{Actor, NewOperatore, Operatore, Permission, RoleSet};
use crate::service;
use crate::store::{Draft, Store};

/// The logged-in operator's context, sent back by a successful login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub actor: Actor,
    pub nome: String,
    pub cognome: String,
    pub ente: String,
    /// Belfiore code of the operator's ente (its residents come first in searches).
    pub ente_belfiore: Option<String>,
    pub ufficio: String,
}

/// What the home screen shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HomeData {
    /// Drafts of this operator: (form, record, saved at).
    pub drafts: Vec<(String, String, String)>,
    pub soggetti: i64,
    /// The office counters (for the responsabile).
    pub contatori: Option<crate::store::Contatori>,
}

/// A request to the store thread. Requests made by a logged-in operator carry their actor.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Login {
        username: String,
        password: String,
        origin: Origin,
    },
    LoginSystem {
        origin: Origin,
    },
    /// Re-authentication after the idle lock.
    Unlock {
        actor: Actor,
        password: String,
        origin: Origin,
    },
    Home {
        actor: Actor,
    },
    SaveDraft {
        actor: Actor,
        form: String,
        record: String,
        content: String,
    },
    LoadDraft {
        actor: Actor,
        form: String,
        record: String,
    },
    DeleteDraft {
        actor: Actor,
        form: String,
        record: String,
    },
    ListOperatori {
        actor: Actor,
    },
    SaveOperatore {
        actor: Actor,
        op: OperatoreEdit,
    },
    CodeLists {
        actor: Actor,
    },
    /// The anagrafe search box: parsed on the store thread (it knows today's date).
    Search {
        actor: Actor,
        text: String,
        ente_belfiore: Option<String>,
    },
    /// The person card (an audited read).
    ReadSoggetto {
        actor: Actor,
        id: i64,
    },
    /// What the person form needs: code lists and, to edit, the person as stored now.
    PersonaForm {
        actor: Actor,
        id: Option<i64>,
        /// The code lists the form uses.
        lists: Vec<String>,
    },
    SavePersona {
        actor: Actor,
        edit: PersonaEdit,
    },
    RegisterAnonymous {
        actor: Actor,
    },
    SavePrivacy {
        actor: Actor,
        soggetto_id: i64,
        stato: Privacy,
        data_firma: Option<String>,
        /// The version read; `None` when the person had no consent for the ente.
        version: Option<i64>,
    },
    Codes {
        actor: Actor,
        lista: String,
    },
    SaveCode {
        actor: Actor,
        code: Codice,
        etichetta: String,
        attivo: bool,
    },
    Logout {
        actor: Actor,
    },
    /// The list of schede: `text` searches persons as in the anagrafe.
    ListSchede {
        actor: Actor,
        text: String,
        filtro: Filtro,
    },
    /// What the scheda form needs: the stored scheda (an audited read) or, for a new one, the person.
    SchedaForm {
        actor: Actor,
        id: Option<i64>,
        soggetto_id: i64,
        lists: Vec<String>,
    },
    SaveScheda {
        actor: Actor,
        edit: SchedaEdit,
        form_incompleta: bool,
    },
    DeleteScheda {
        actor: Actor,
        id: i64,
        version: i64,
        reason: String,
    },
    RestoreScheda {
        actor: Actor,
        id: i64,
        version: i64,
    },
    DuplicateScheda {
        actor: Actor,
        id: i64,
    },
    /// Code lists for the filter form.
    FilterLists {
        actor: Actor,
        lists: Vec<String>,
    },
    /// A PDF or export written into `dir`.
    Document {
        actor: Actor,
        doc: DocumentRequest,
        dir: std::path::PathBuf,
    },
}

/// Which document to write. Requests move at human pace: boxing the large variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentRequest {
    Scheda {
        id: i64,
        def: Box<FormDef>,
    },
    Privacy {
        soggetto_id: i64,
    },
    SchedaVuota {
        def: Box<FormDef>,
    },
    Export {
        text: String,
        filtro: Filtro,
        def: Box<FormDef>,
        format: Format,
    },
}

/// The accounts screen's data: operators and the enti/uffici they can be assigned to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperatoriData {
    pub operatori: Vec<Operatore>,
    /// (id, name)
    pub enti: Vec<(i64, String)>,
    /// (id, "ente · ufficio")
    pub uffici: Vec<(i64, String)>,
}

/// A new or edited operator as typed in the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatoreEdit {
    /// `None` for a new account.
    pub existing: Option<Operatore>,
    pub new: NewOperatore,
    pub attivo: bool,
    pub password: Option<String>,
    /// The ente's extra fields as JSON.
    pub extra: String,
}

/// What the person form needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonaFormData {
    pub lists: crate::ui::persona_form::Lists,
    /// The person to edit, as stored now (its version is the one the save checks).
    pub soggetto: Option<Soggetto>,
}

/// The answer to a [`Request`]; errors are the Italian message to show.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Login(Result<SessionInfo, String>),
    Unlock(Result<(), String>),
    Home(Result<HomeData, String>),
    DraftSaved(Result<(), String>),
    Draft(Result<Option<Draft>, String>),
    DraftDeleted(Result<(), String>),
    Operatori(Result<OperatoriData, String>),
    OperatoreSaved(Result<i64, String>),
    CodeLists(Result<Vec<(String, i64)>, String>),
    Search(Result<Vec<SearchHit>, String>),
    Soggetto(Result<PersonaCard, String>),
    PersonaForm(Result<PersonaFormData, String>),
    PersonaSaved(Result<PersonaSaved, String>),
    AnonymousRegistered(Result<i64, String>),
    PrivacySaved(Result<(), String>),
    Codes(Result<Vec<Codice>, String>),
    CodeSaved(Result<i64, String>),
    LoggedOut,
    /// The rows and the labels of the esiti.
    Schede(Result<SchedeList, String>),
    SchedaForm(Result<SchedaFormData, String>),
    /// On a conflict the error is [`CONFLICT`]-tagged so that the form can reload.
    SchedaSaved(Result<SchedaOutcome, String>),
    SchedaDeleted(Result<(), String>),
    SchedaDuplicated(Result<SchedaSaved, String>),
    FilterLists(Result<Lists, String>),
    /// The file written and a note (how many rows).
    Document(Result<(std::path::PathBuf, String), String>),
}

/// The rows of the list of schede and the labels of the esiti (code, label).
pub type SchedeList = (Vec<SchedaRiga>, Vec<(String, String)>);

/// Prefix of the error of a save refused because someone else saved first.
pub const CONFLICT: &str = "conflitto:";

fn session_info(store: &dyn Store, op: &Operatore, origin: &Origin) -> Result<SessionInfo, String> {
    let e = |e: crate::store::StoreError| e.to_string();
    let ente = match op.enti.first() {
        Some(id) => store.ente(*id).map_err(e)?,
        None => None,
    };
    let ufficio = match op.ufficio_id {
        Some(id) => store
            .ufficio(id)
            .map_err(e)?
            .map(|u| u.nome)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(SessionInfo {
        actor: Actor::operatore(op, origin.os_user.clone(), origin.ssh_client.clone()),
        nome: op.nome.clone(),
        cognome: op.cognome.clone(),
        ente_belfiore: ente.as_ref().and_then(|e| e.belfiore.clone()),
        ente: ente.map(|e| e.nome).unwrap_or_default(),
        ufficio,
    })
}

/// The civil date (UTC) of unix seconds `now`.
fn civil_date(now: i64) -> time::Date {
    crate::ui::app::civil_date(now * 1000)
}

/// Runs `req` against the store. `now` is unix seconds (the store thread reads the clock, not `update`).
pub fn execute(store: &mut dyn Store, req: Request, now: i64) -> Reply {
    let err = |e: crate::store::StoreError| e.to_string();
    match req {
        Request::Login {
            username,
            password,
            origin,
        } => Reply::Login(
            auth::login(store, &username, &password, &origin, now)
                .map_err(|e| e.to_string())
                .and_then(|op| session_info(store, &op, &origin)),
        ),
        Request::LoginSystem { origin } => Reply::Login(
            auth::login_system(store, &origin, now)
                .map_err(|e| e.to_string())
                .and_then(|op| session_info(store, &op, &origin)),
        ),
        Request::Unlock {
            actor,
            password,
            origin,
        } => Reply::Unlock(
            auth::login(store, &actor.username, &password, &origin, now)
                .map(|_| ())
                .map_err(|e| e.to_string()),
        ),
        Request::Home { actor } => Reply::Home((|| {
            let op = actor.operatore_id.unwrap_or_default();
            let drafts = store
                .list_drafts(op)
                .map_err(err)?
                .into_iter()
                .map(|d| (d.form, d.record_key, d.saved_at))
                .collect();
            let soggetti = if actor.can(Permission::ReadAnagrafe) {
                store.counts().map_err(err)?.soggetti
            } else {
                0
            };
            let contatori = schede::contatori(store, &actor, civil_date(now)).map_err(err)?;
            Ok(HomeData {
                drafts,
                soggetti,
                contatori,
            })
        })()),
        Request::SaveDraft {
            actor,
            form,
            record,
            content,
        } => Reply::DraftSaved(
            store
                .save_draft(
                    actor.operatore_id.unwrap_or_default(),
                    &form,
                    &record,
                    &content,
                )
                .map_err(err),
        ),
        Request::LoadDraft {
            actor,
            form,
            record,
        } => Reply::Draft(
            store
                .load_draft(actor.operatore_id.unwrap_or_default(), &form, &record)
                .map_err(err),
        ),
        Request::DeleteDraft {
            actor,
            form,
            record,
        } => Reply::DraftDeleted(
            store
                .delete_draft(actor.operatore_id.unwrap_or_default(), &form, &record)
                .map_err(err),
        ),
        Request::ListOperatori { actor } => Reply::Operatori((|| {
            let operatori = service::list_users(store, &actor).map_err(err)?;
            let enti_list = store.list_enti().map_err(err)?;
            let uffici = documenti::uffici(store).map_err(err)?;
            let enti = enti_list.into_iter().map(|e| (e.id, e.nome)).collect();
            Ok(OperatoriData {
                operatori,
                enti,
                uffici,
            })
        })()),
        Request::SaveOperatore { actor, op } => {
            Reply::OperatoreSaved(save_operatore(store, &actor, op))
        }
        Request::Search {
            actor,
            text,
            ente_belfiore,
        } => Reply::Search((|| {
            service::require(store, &actor, Permission::ReadAnagrafe, "cerca_soggetti")
                .map_err(err)?;
            let d = time::OffsetDateTime::from_unix_timestamp(now)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            let q = SearchQuery::parse(&text, (d.year(), d.month() as u8, d.day()));
            if q.is_empty() {
                return Ok(Vec::new());
            }
            let mut hits = store
                .search_soggetti(&q, ente_belfiore.as_deref(), SEARCH_LIMIT)
                .map_err(err)?;
            let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
            let marks = store.marcatori(&ids, actor.ente()).map_err(err)?;
            for h in &mut hits {
                h.marcatori = marks.get(&h.id).copied().unwrap_or_default();
            }
            Ok(hits)
        })()),
        Request::ReadSoggetto { actor, id } => {
            Reply::Soggetto(service::read_soggetto(store, &actor, id).map_err(err))
        }
        Request::PersonaForm { actor, id, lists } => Reply::PersonaForm((|| {
            service::require(
                store,
                &actor,
                Permission::WriteAnagrafe,
                "modifica_soggetto",
            )
            .map_err(err)?;
            let soggetto = match id {
                Some(id) => Some(
                    store
                        .soggetto(id)
                        .map_err(err)?
                        .ok_or_else(|| format!("persona {id} non trovata"))?,
                ),
                None => None,
            };
            let lists =
                documenti::code_lists(store, &actor, lists.iter().map(String::as_str), false)
                    .map_err(err)?;
            Ok(PersonaFormData { lists, soggetto })
        })()),
        Request::SavePersona { actor, edit } => Reply::PersonaSaved(
            service::save_persona(store, &actor, &edit, civil_date(now)).map_err(err),
        ),
        Request::RegisterAnonymous { actor } => Reply::AnonymousRegistered(
            service::register_anonymous(store, &actor, None).map_err(err),
        ),
        Request::SavePrivacy {
            actor,
            soggetto_id,
            stato,
            data_firma,
            version,
        } => Reply::PrivacySaved(
            service::set_privacy(
                store,
                &actor,
                soggetto_id,
                stato,
                data_firma.as_deref(),
                version,
                civil_date(now),
            )
            .map_err(err),
        ),
        Request::CodeLists { actor } => Reply::CodeLists(
            service::require(store, &actor, Permission::ManageCodes, "elenca_codici")
                .and_then(|_| store.code_lists())
                .map_err(err),
        ),
        Request::Codes { actor, lista } => Reply::Codes(
            service::require(store, &actor, Permission::ManageCodes, "elenca_codici")
                .and_then(|_| store.codes(&lista))
                .map_err(err),
        ),
        Request::SaveCode {
            actor,
            code,
            etichetta,
            attivo,
        } => Reply::CodeSaved(
            service::update_code(store, &actor, &code, &etichetta, attivo).map_err(err),
        ),
        Request::ListSchede {
            actor,
            text,
            filtro,
        } => Reply::Schede(list_schede(store, &actor, &text, filtro, now).map_err(err)),
        Request::SchedaForm {
            actor,
            id,
            soggetto_id,
            lists,
        } => Reply::SchedaForm(scheda_form(store, &actor, id, soggetto_id, &lists).map_err(err)),
        Request::SaveScheda {
            actor,
            edit,
            form_incompleta,
        } => Reply::SchedaSaved(
            schede::save_scheda(store, &actor, &edit, form_incompleta, civil_date(now))
                .map_err(err),
        ),
        Request::DeleteScheda {
            actor,
            id,
            version,
            reason,
        } => Reply::SchedaDeleted(
            schede::delete_scheda(store, &actor, id, version, &reason).map_err(err),
        ),
        Request::RestoreScheda { actor, id, version } => {
            Reply::SchedaDeleted(schede::restore_scheda(store, &actor, id, version).map_err(err))
        }
        Request::DuplicateScheda { actor, id } => Reply::SchedaDuplicated(
            schede::duplicate_scheda(store, &actor, id, civil_date(now)).map_err(err),
        ),
        Request::FilterLists { actor, lists } => Reply::FilterLists(
            documenti::code_lists(store, &actor, lists.iter().map(String::as_str), true)
                .map_err(err),
        ),
        Request::Document { actor, doc, dir } => {
            Reply::Document(document(store, &actor, doc, &dir, now).map_err(err))
        }
        Request::Logout { actor } => {
            let _ = store.audit(
                &actor,
                &crate::domain::AuditEvent::new("logout", crate::domain::Outcome::Ok),
            );
            Reply::LoggedOut
        }
    }
}

/// Persons matching the search text (as in the anagrafe), at most this many, filter the list.
const LIST_PERSONS: usize = 500;

fn list_schede(
    store: &mut dyn Store,
    actor: &Actor,
    text: &str,
    mut filtro: Filtro,
    now: i64,
) -> crate::store::StoreResult<SchedeList> {
    if !text.trim().is_empty() {
        let d = civil_date(now);
        let q = SearchQuery::parse(text, (d.year(), d.month() as u8, d.day()));
        let hits = store.search_soggetti(&q, None, LIST_PERSONS)?;
        filtro.soggetti = Some(hits.into_iter().map(|h| h.id).collect());
    }
    let rows = schede::list_schede(store, actor, &filtro, 1000)?;
    let esiti = store
        .codes("esito_scheda")?
        .into_iter()
        .map(|c| (c.codice, c.etichetta))
        .collect();
    Ok((rows, esiti))
}

fn scheda_form(
    store: &mut dyn Store,
    actor: &Actor,
    id: Option<i64>,
    soggetto_id: i64,
    lists: &[String],
) -> crate::store::StoreResult<SchedaFormData> {
    let (scheda, can_edit) = match id {
        Some(id) => {
            let s = schede::read_scheda(store, actor, id, "scheda")?;
            let can = schede::can_edit(actor, &s);
            (Some(s), can)
        }
        None => {
            service::require(store, actor, Permission::WriteSchede, "nuova_scheda")?;
            (None, true)
        }
    };
    let soggetto_id = scheda.as_ref().map_or(soggetto_id, |s| s.edit.soggetto_id);
    let soggetto = store
        .soggetto(soggetto_id)?
        .ok_or_else(|| crate::store::StoreError::NotFound(format!("persona {soggetto_id}")))?;
    let lists = documenti::code_lists(
        store,
        actor,
        lists.iter().map(String::as_str),
        scheda.is_some(),
    )?;
    let por = match actor.ente() {
        Some(e) => store.setting(&format!("por_abilitato:{e}"))?.as_deref() == Some("1"),
        None => false,
    };
    Ok(SchedaFormData {
        lists,
        scheda,
        soggetto,
        can_edit,
        por,
    })
}

fn document(
    store: &mut dyn Store,
    actor: &Actor,
    doc: DocumentRequest,
    dir: &std::path::Path,
    now: i64,
) -> crate::store::StoreResult<(std::path::PathBuf, String)> {
    let at =
        time::OffsetDateTime::from_unix_timestamp(now).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    match doc {
        DocumentRequest::Scheda { id, def } => {
            let out = documenti::output_path(dir, &format!("scheda-{id}"), "pdf", at);
            documenti::print_scheda(store, actor, id, &def, &out, at)?;
            Ok((out, String::new()))
        }
        DocumentRequest::Privacy { soggetto_id } => {
            let out = documenti::output_path(dir, "modulo-privacy", "pdf", at);
            documenti::print_privacy(store, actor, soggetto_id, &out, at)?;
            Ok((out, String::new()))
        }
        DocumentRequest::SchedaVuota { def } => {
            let out = documenti::output_path(dir, "scheda-vuota", "pdf", at);
            documenti::print_blank(store, actor, &def, &out)?;
            Ok((out, String::new()))
        }
        DocumentRequest::Export {
            text,
            mut filtro,
            def,
            format,
        } => {
            if !text.trim().is_empty() {
                let d = civil_date(now);
                let q = SearchQuery::parse(&text, (d.year(), d.month() as u8, d.day()));
                let hits = store.search_soggetti(&q, None, LIST_PERSONS)?;
                filtro.soggetti = Some(hits.into_iter().map(|h| h.id).collect());
            }
            let out = documenti::output_path(dir, "schede", format.extension(), at);
            let n = documenti::export_schede(store, actor, &filtro, &def, format, &out)?;
            Ok((out, format!("{n} schede")))
        }
    }
}

fn save_operatore(
    store: &mut dyn Store,
    actor: &Actor,
    edit: OperatoreEdit,
) -> Result<i64, String> {
    let err = |e: crate::store::StoreError| e.to_string();
    match edit.existing {
        None => {
            let mut new = edit.new;
            new.extra = edit.extra;
            let id =
                service::add_user(store, actor, &new, edit.password.as_deref()).map_err(err)?;
            Ok(id)
        }
        Some(mut op) => {
            service::require(
                store,
                actor,
                Permission::ManageAccounts,
                "modifica_operatore",
            )
            .map_err(err)?;
            if edit.new.roles == RoleSet::default() {
                return Err("indicare almeno un ruolo".into());
            }
            op.nome = edit.new.nome;
            op.cognome = edit.new.cognome;
            op.roles = edit.new.roles;
            op.enti = edit.new.enti;
            op.ufficio_id = edit.new.ufficio_id;
            op.os_user = edit.new.os_user;
            op.attivo = edit.attivo;
            op.extra = edit.extra;
            store.update_operatore(actor, &op).map_err(err)?;
            if let Some(p) = edit.password {
                service::set_password(store, actor, &op.username, &p).map_err(err)?;
            }
            Ok(op.id)
        }
    }
}

impl Request {
    /// A request that a newer one of the same kind makes useless (queries, draft saves).
    pub fn replaceable(&self) -> bool {
        matches!(
            self,
            Request::Home { .. }
                | Request::ListOperatori { .. }
                | Request::CodeLists { .. }
                | Request::Codes { .. }
                | Request::Search { .. }
                | Request::ListSchede { .. }
                | Request::SaveDraft { .. }
        )
    }

    /// Same kind and, for drafts, the same form and record.
    pub fn same_kind(&self, other: &Request) -> bool {
        match (self, other) {
            (
                Request::SaveDraft {
                    form: f1,
                    record: r1,
                    ..
                },
                Request::SaveDraft {
                    form: f2,
                    record: r2,
                    ..
                },
            ) => f1 == f2 && r1 == r2,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}
