//! What the anagrafe screens ask of the service, the answers, and how a request runs on the store
//! thread.

use crate::domain::Actor;
use crate::domain::persona::{PersonaEdit, Privacy};
use crate::domain::search::SearchHit;
use crate::print::office::{Delivered, Outputs};
use crate::service::{PersonaCard, PersonaFormData, PersonaSaved, SEARCH_LIMIT, Service};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    /// The search box (parsed on the store thread, which knows today's date).
    Search {
        actor: Actor,
        text: String,
        ente_belfiore: Option<String>,
    },
    /// The person card (an audited read).
    Read {
        actor: Actor,
        id: i64,
    },
    /// What the person form needs: code lists and, to edit, the person as stored now.
    Form {
        actor: Actor,
        id: Option<i64>,
        lists: Vec<String>,
    },
    Save {
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
        version: Option<i64>,
    },
    /// The privacy form of a person, as a PDF to the ufficio's folder and printer.
    PrintPrivacy {
        actor: Actor,
        soggetto_id: i64,
        outputs: Outputs,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    Search(Result<Vec<SearchHit>, String>),
    Card(Result<PersonaCard, String>),
    Form(Result<PersonaFormData, String>),
    Saved(Result<PersonaSaved, String>),
    Anonymous(Result<i64, String>),
    PrivacySaved(Result<(), String>),
    /// The file written and a note.
    Document(Result<Delivered, String>),
}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::Search { .. })
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    let today = crate::domain::date::today_at_ms(now_ms);
    match req {
        Req::Search {
            actor,
            text,
            ente_belfiore,
        } => Rep::Search(
            svc.search(&actor, &text, ente_belfiore.as_deref(), SEARCH_LIMIT, today)
                .map_err(err),
        ),
        Req::Read { actor, id } => Rep::Card(svc.read_soggetto(&actor, id).map_err(err)),
        Req::Form { actor, id, lists } => {
            Rep::Form(svc.persona_form(&actor, id, &lists).map_err(err))
        }
        Req::Save { actor, edit } => {
            Rep::Saved(svc.save_persona(&actor, &edit, today).map_err(err))
        }
        Req::RegisterAnonymous { actor } => {
            Rep::Anonymous(svc.register_anonymous(&actor, None).map_err(err))
        }
        Req::SavePrivacy {
            actor,
            soggetto_id,
            stato,
            data_firma,
            version,
        } => Rep::PrivacySaved(
            svc.set_privacy(
                &actor,
                soggetto_id,
                stato,
                data_firma.as_deref(),
                version,
                today,
            )
            .map_err(err),
        ),
        Req::PrintPrivacy {
            actor,
            soggetto_id,
            outputs,
        } => Rep::Document(svc.deliver(
            &actor,
            &outputs,
            ("modulo-privacy", "pdf"),
            now_ms,
            |svc, out, at| {
                svc.print_privacy(&actor, soggetto_id, out, at)
                    .map(|()| String::new())
            },
        )),
    }
}
