//! What the schede screens ask of the service, the answers, and how a request runs on the store
//! thread.

use crate::domain::Actor;
use crate::domain::scheda::{Filtro, SchedaEdit};
use crate::export::Format;
use crate::forms::FormDef;
use crate::print::office::{Delivered, Outputs};
use crate::progress::Progress;
use crate::service::codes::Lists;
use crate::service::scheda::{SchedaFormData, SchedaOutcome, SchedeList};
use crate::service::{SchedaSaved, Service};

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Req {
    List {
        actor: Actor,
        text: String,
        filtro: Filtro,
        /// False when the list on show is asked again after another session's change.
        audited: bool,
    },
    /// The version of scheda `id` as stored now (live refresh of the form on show).
    Versione {
        actor: Actor,
        id: i64,
    },
    /// The scheda form: a stored scheda (`id`) or a new one for person `soggetto_id`.
    Form {
        actor: Actor,
        id: Option<i64>,
        soggetto_id: i64,
        lists: Vec<String>,
    },
    Save {
        actor: Actor,
        edit: SchedaEdit,
        /// A required field of the form was empty (the scheda stays in sospeso).
        form_incompleta: bool,
        /// The form's draft key, to drop its draft once saved (the operator may have left it).
        draft: String,
    },
    Delete {
        actor: Actor,
        id: i64,
        version: i64,
        reason: String,
    },
    Restore {
        actor: Actor,
        id: i64,
        version: i64,
    },
    Duplicate {
        actor: Actor,
        id: i64,
    },
    /// The code lists of the filter form.
    FilterLists {
        actor: Actor,
        lists: Vec<String>,
    },
    /// A document to the ufficio's folder and printer: the scheda `id` printed, or the blank
    /// scheda (`id` `None`).
    Print {
        actor: Actor,
        id: Option<i64>,
        def: Box<FormDef>,
        outputs: Outputs,
    },
    /// Cancel the sending of a scheda to another office.
    AnnullaInvio {
        actor: Actor,
        id: i64,
        version: i64,
    },
    /// Send the e-mail notices of the sendings just made.
    Avvisi {
        actor: Actor,
        mailer: crate::mail::Mailer,
    },
    /// The POR / FSE form of scheda `id` to the ufficio's folder and printer.
    PrintPor {
        actor: Actor,
        id: i64,
        def: Box<FormDef>,
        outputs: Outputs,
    },
    /// The list exported to the ufficio's folder.
    Export {
        actor: Actor,
        text: String,
        filtro: Filtro,
        def: Box<FormDef>,
        format: Format,
        outputs: Outputs,
        /// The export runs as long work: its rows and its cancellation.
        progress: Progress,
    },
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    List(Result<SchedeList, String>),
    Form(Result<SchedaFormData, String>),
    /// The draft key of the form, and the outcome; on a conflict the error starts with
    /// [`CONFLICT`] so that the form can reload.
    Saved(String, Result<SchedaOutcome, String>),
    /// Deleted or restored.
    Deleted(Result<(), String>),
    Duplicated(Result<SchedaSaved, String>),
    FilterLists(Result<Lists, String>),
    /// The file written, a note (how many rows), the print job.
    Document(Result<Delivered, String>),
    /// The sending of scheda (id) cancelled.
    InvioAnnullato(i64, Result<(), String>),
    /// The e-mail notices sent: (sending, outcome).
    Avvisi(Result<Vec<(i64, String)>, String>),
    /// The version of scheda (id) as stored now; `None` once deleted.
    Versione(i64, Result<Option<i64>, String>),
}

/// Prefix of the error of a save refused because someone else saved first.
pub const CONFLICT: &str = "conflitto:";

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::List { .. })
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    let today = crate::domain::date::today_at_ms(now_ms);
    match req {
        Req::List {
            actor,
            text,
            filtro,
            audited,
        } => Rep::List(
            svc.list_schede_desk(&actor, &text, filtro, today, audited)
                .map_err(err),
        ),
        Req::Versione { actor, id } => {
            Rep::Versione(id, svc.versione_scheda(&actor, id).map_err(err))
        }
        Req::Form {
            actor,
            id,
            soggetto_id,
            lists,
        } => Rep::Form(
            svc.scheda_form(&actor, id, soggetto_id, &lists)
                .map_err(err),
        ),
        Req::Save {
            actor,
            edit,
            form_incompleta,
            draft,
        } => Rep::Saved(
            draft,
            svc.save_scheda(&actor, &edit, form_incompleta, today)
                .map_err(err),
        ),
        Req::Delete {
            actor,
            id,
            version,
            reason,
        } => Rep::Deleted(svc.delete_scheda(&actor, id, version, &reason).map_err(err)),
        Req::Restore { actor, id, version } => {
            Rep::Deleted(svc.restore_scheda(&actor, id, version).map_err(err))
        }
        Req::Duplicate { actor, id } => {
            Rep::Duplicated(svc.duplicate_scheda(&actor, id, today).map_err(err))
        }
        Req::AnnullaInvio { actor, id, version } => {
            Rep::InvioAnnullato(id, svc.annulla_invio(&actor, id, version).map_err(err))
        }
        Req::Avvisi { actor, mailer } => {
            Rep::Avvisi(svc.consegna_avvisi(&actor, &mailer, false).map_err(err))
        }
        Req::FilterLists { actor, lists } => Rep::FilterLists(
            svc.form_lists(&actor, lists.iter().map(String::as_str), true)
                .map_err(err),
        ),
        Req::Print {
            actor,
            id,
            def,
            outputs,
        } => Rep::Document(match id {
            Some(id) => svc.deliver(
                &actor,
                &outputs,
                (&format!("scheda-{id}"), "pdf"),
                now_ms,
                |svc, out, at| {
                    svc.print_scheda(&actor, id, &def, out, at)
                        .map(|()| String::new())
                },
            ),
            None => svc.deliver(
                &actor,
                &outputs,
                ("scheda-vuota", "pdf"),
                now_ms,
                |svc, out, _| svc.print_blank(&actor, &def, out).map(|()| String::new()),
            ),
        }),
        Req::PrintPor {
            actor,
            id,
            def,
            outputs,
        } => Rep::Document(svc.deliver(
            &actor,
            &outputs,
            (&format!("por-scheda-{id}"), "pdf"),
            now_ms,
            |svc, out, at| {
                svc.print_por_scheda(&actor, id, &def, out, at)
                    .map(|()| String::new())
            },
        )),
        Req::Export {
            actor,
            text,
            mut filtro,
            def,
            format,
            outputs,
            progress,
        } => Rep::Document(svc.deliver(
            &actor,
            &outputs,
            ("schede", format.extension()),
            now_ms,
            |svc, out, _| {
                if !text.trim().is_empty() {
                    filtro.soggetti = Some(svc.persons_matching(&text, 500, today)?);
                }
                let n = svc.export_schede_with(&actor, &filtro, &def, format, out, &progress)?;
                Ok(format!("{n} schede"))
            },
        )),
    }
}
