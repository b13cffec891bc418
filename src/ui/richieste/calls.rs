//! What the richieste screens ask of the service, the answers, and how a request runs on the store
//! thread.

use crate::domain::Actor;
use crate::domain::richieste::{Consuntivo, Richiesta};
use crate::service::Service;
use crate::service::richieste::{InterventiPersona, RichiesteScheda};

/// Requests move at human pace: boxing the large variants buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    /// The richieste of a scheda (with the code lists `lists`) and the interventi panel.
    Lista {
        actor: Actor,
        scheda_id: i64,
        lists: Vec<String>,
    },
    SaveRichiesta {
        actor: Actor,
        richiesta: Richiesta,
    },
    DeleteRichiesta {
        actor: Actor,
        id: i64,
        version: i64,
    },
    SaveRiga {
        actor: Actor,
        riga: Consuntivo,
    },
    DeleteRiga {
        actor: Actor,
        richiesta_id: i64,
        id: i64,
        version: i64,
    },
}

/// The richieste of a scheda and what the scheda shows of the person's interventi.
pub type Dati = (RichiesteScheda, InterventiPersona);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    /// The scheda asked for, and its data.
    Lista(i64, Result<Box<Dati>, String>),
    /// A richiesta saved: its id, whether it was new.
    SavedRichiesta(Result<(i64, bool), String>),
    SavedRiga(Result<(), String>),
    /// A deletion: done (the message) or refused.
    Deleted(Result<String, String>),
}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::Lista { .. })
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    let today = crate::domain::date::today_at_ms(now_ms);
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::Lista {
            actor,
            scheda_id,
            lists,
        } => Rep::Lista(
            scheda_id,
            svc.richieste_scheda(&actor, scheda_id, &lists)
                .and_then(|r| {
                    Ok(Box::new((
                        r,
                        svc.interventi_scheda(&actor, scheda_id, today)?,
                    )))
                })
                .map_err(err),
        ),
        Req::SaveRichiesta { actor, richiesta } => Rep::SavedRichiesta(
            svc.save_richiesta(&actor, &richiesta, today)
                .map(|(id, _)| (id, richiesta.id.is_none()))
                .map_err(err),
        ),
        Req::DeleteRichiesta { actor, id, version } => Rep::Deleted(
            svc.delete_richiesta(&actor, id, version)
                .map(|_| "Richiesta eliminata".to_string())
                .map_err(err),
        ),
        Req::SaveRiga { actor, riga } => Rep::SavedRiga(
            svc.save_consuntivo(&actor, &riga, today)
                .map(|_| ())
                .map_err(err),
        ),
        Req::DeleteRiga {
            actor,
            richiesta_id,
            id,
            version,
        } => Rep::Deleted(
            svc.delete_consuntivo(&actor, richiesta_id, id, version)
                .map(|_| "Riga di consuntivo eliminata".to_string())
                .map_err(err),
        ),
    }
}
