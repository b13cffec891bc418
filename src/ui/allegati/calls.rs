//! What the documents screen of a scheda asks of the service, the answers, and how a request runs
//! on the store thread.

use std::path::PathBuf;

use crate::domain::Actor;
use crate::domain::caso::DocumentoScheda;
use crate::print::office::{Delivered, Outputs};
use crate::service::Service;
use crate::service::casi_documenti::{Archivio, NuovoDocumento};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    /// The documents of a scheda.
    Lista { actor: Actor, scheda_id: i64 },
    /// Imports the server file `file` as a document of the scheda.
    Aggiungi {
        actor: Actor,
        archivio: Archivio,
        scheda_id: i64,
        nuovo: NuovoDocumento,
        file: PathBuf,
    },
    /// A copy of document `id` in the ufficio's output folder (`ext`: the imported file's).
    Copia {
        actor: Actor,
        archivio: Archivio,
        id: i64,
        ext: String,
        outputs: Outputs,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    /// The scheda asked for, and its documents.
    Lista(i64, Result<Vec<DocumentoScheda>, String>),
    Aggiunto(Result<(), String>),
    Copia(Result<Delivered, String>),
}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::Lista { .. })
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::Lista { actor, scheda_id } => Rep::Lista(
            scheda_id,
            svc.documenti_scheda(&actor, scheda_id).map_err(err),
        ),
        Req::Aggiungi {
            actor,
            archivio,
            scheda_id,
            nuovo,
            file,
        } => Rep::Aggiunto(
            svc.add_documento_scheda(&actor, &archivio, scheda_id, &nuovo, &file)
                .map(|_| ())
                .map_err(err),
        ),
        Req::Copia {
            actor,
            archivio,
            id,
            ext,
            outputs,
        } => Rep::Copia(svc.save_copy(
            &actor,
            &outputs,
            (&format!("documento-scheda-{id}"), &ext),
            now_ms,
            |svc, out, _| {
                svc.export_documento_scheda(&actor, &archivio, id, out)
                    .map(|_| String::new())
            },
        )),
    }
}
