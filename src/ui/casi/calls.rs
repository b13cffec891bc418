//! What the cases screens ask of the service, the answers, and how a request runs on the store
//! thread.

use super::FormKind;
use crate::domain::Actor;
use crate::domain::caso::{
    CambioStato, Caso, Diario, Familiare, FiltroCasi, Isee, Pai, Proposta, Sezione, Unita,
    Valutazione,
};
use crate::service::Service;
use crate::service::casi::{Cartella, PropostaView};
use crate::service::casi_documenti::{Archivio, NuovoDocumento};
use crate::service::codes::Lists;

/// Requests move at human pace: boxing the large variants buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Proposte {
        actor: Actor,
        audited: bool,
    },
    ReadProposta {
        actor: Actor,
        id: i64,
    },
    Prendi {
        actor: Actor,
        id: i64,
    },
    Vista {
        actor: Actor,
        id: i64,
    },
    Respingi {
        actor: Actor,
        id: i64,
        nota: String,
    },
    Casi {
        actor: Actor,
        filtro: FiltroCasi,
        audited: bool,
    },
    Cartella {
        actor: Actor,
        caso_id: i64,
        sezione: Sezione,
        audited: bool,
        /// The code lists the section's records are shown with (their labels).
        liste: Vec<String>,
    },
    Cambia {
        actor: Actor,
        cambio: CambioStato,
    },
    Diario {
        actor: Actor,
        diario: Diario,
    },
    Pai {
        actor: Actor,
        pai: Pai,
    },
    Isee {
        actor: Actor,
        isee: Isee,
    },
    /// The database code lists a form uses, before it opens.
    Liste {
        actor: Actor,
        lists: Vec<String>,
        apertura: Apertura,
    },
    /// A validity-dated row of a generic cartella section.
    SalvaSezione {
        actor: Actor,
        caso_id: i64,
        sezione: Sezione,
        dati: serde_json::Map<String, serde_json::Value>,
        dal: String,
    },
    Valutazione {
        actor: Actor,
        valutazione: Valutazione,
    },
    /// A member of the person's network.
    Familiare {
        actor: Actor,
        caso_id: i64,
        familiare: Familiare,
    },
    /// Imports the file at `file` (a server path) as a document of the case.
    Documento {
        actor: Actor,
        archivio: Archivio,
        nuovo: NuovoDocumento,
        file: std::path::PathBuf,
    },
    /// Whether another session changed data (see [`crate::ui::refresh`]): `versione` is the
    /// commit signal last seen.
    Modifiche {
        actor: Actor,
        versione: Option<i64>,
    },
    /// The list of cases with its filters, as a file in the ufficio's output folder.
    Esporta {
        actor: Actor,
        filtro: FiltroCasi,
        format: crate::export::Format,
        outputs: crate::print::office::Outputs,
    },
    /// A categoria sociale of the case: added, made prevalent or ended.
    Categoria {
        actor: Actor,
        caso_id: i64,
        categoria: crate::domain::caso::CategoriaCaso,
    },
    /// Opens the case of the person with codice fiscale `cf`.
    ApriCaso {
        actor: Actor,
        cf: String,
        categoria: String,
    },
    /// Assigns an operator to the case (with or without gestione fascicolo) or ends it (`None`).
    Operatore {
        actor: Actor,
        caso_id: i64,
        operatore: String,
        gestione: Option<bool>,
    },
    /// Shares the case with a unit, or changes its «nascondi informazioni».
    Condividi {
        actor: Actor,
        caso_id: i64,
        unita: Unita,
        nascondi: bool,
    },
    /// Ends a sharing of the case.
    Revoca {
        actor: Actor,
        caso_id: i64,
        id: i64,
    },
    /// A copy of document `id` in the ufficio's output folder (`ext`: its file's extension).
    CopiaDocumento {
        actor: Actor,
        archivio: Archivio,
        id: i64,
        ext: String,
        outputs: crate::print::office::Outputs,
    },
    /// The cartella summary, or a PAI, as PDF delivered to the ufficio's folder or printer.
    Print {
        actor: Actor,
        caso_id: i64,
        pai: Option<i64>,
        outputs: crate::print::office::Outputs,
    },
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    Proposte(Result<Vec<Proposta>, String>),
    Proposta(Result<PropostaView, String>),
    /// Taken in charge (or marked seen): the case to open.
    Gestita(Result<i64, String>, String),
    Respinta(Result<(), String>),
    Casi(Result<Vec<Caso>, String>),
    Cartella(i64, Result<Cartella, String>),
    Cambiato(Result<i64, String>),
    /// A case opened directly: its id.
    Aperto(Result<i64, String>),
    /// Who follows the case changed (operators, sharing): the message to show.
    Seguito(Result<(), String>, String),
    Saved(Result<(), String>, String),
    /// The business-change counter alone (what sessions recorded before [`Rep::Cambi`] got).
    Modifiche(Result<i64, String>),
    Cambi(Result<crate::service::cambi::Cambi, String>),
    Document(Result<crate::print::office::Delivered, String>),
    Liste(Result<Lists, String>, Apertura),
}

/// The form to open once its code lists arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Apertura {
    /// The filters of the list of cases.
    Filtro,
    /// A new record of a case.
    Form(FormKind, i64),
}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(
            self,
            Req::Proposte { .. }
                | Req::Casi { .. }
                | Req::Cartella { .. }
                | Req::ReadProposta { .. }
                | Req::Liste { .. }
        )
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    let today = crate::domain::date::today_at_ms(now_ms);
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::Proposte { actor, audited } => {
            Rep::Proposte(svc.proposte(&actor, audited).map_err(err))
        }
        Req::ReadProposta { actor, id } => {
            Rep::Proposta(svc.read_proposta(&actor, id).map_err(err))
        }
        Req::Prendi { actor, id } => Rep::Gestita(
            svc.prendi_in_carico(&actor, id, today).map_err(err),
            "Caso preso in carico".into(),
        ),
        Req::Vista { actor, id } => Rep::Gestita(
            svc.proposta_vista(&actor, id, today).map_err(err),
            "Proposta segnata come vista".into(),
        ),
        Req::Respingi { actor, id, nota } => {
            Rep::Respinta(svc.respingi_proposta(&actor, id, &nota).map_err(err))
        }
        Req::Casi {
            actor,
            filtro,
            audited,
        } => Rep::Casi(svc.list_casi(&actor, &filtro, audited).map_err(err)),
        Req::Cartella {
            actor,
            caso_id,
            sezione,
            audited,
            liste,
        } => Rep::Cartella(
            caso_id,
            svc.read_cartella(&actor, caso_id, sezione, audited)
                .and_then(|mut c| {
                    if !liste.is_empty() {
                        c.liste = svc.form_lists(&actor, liste.iter().map(String::as_str), true)?;
                    }
                    Ok(c)
                })
                .map_err(err),
        ),
        Req::Esporta {
            actor,
            filtro,
            format,
            outputs,
        } => Rep::Document(svc.deliver(
            &actor,
            &outputs,
            ("casi", format.extension()),
            now_ms,
            |svc, out, _| {
                svc.export_casi(&actor, &filtro, format, out)
                    .map(|n| format!("{n} {}", if n == 1 { "caso" } else { "casi" }))
            },
        )),
        Req::Categoria {
            actor,
            caso_id,
            categoria,
        } => Rep::Saved(
            svc.set_categoria_caso(&actor, caso_id, &categoria)
                .map_err(err),
            "Categoria sociale salvata".into(),
        ),
        Req::ApriCaso {
            actor,
            cf,
            categoria,
        } => Rep::Aperto(svc.apri_caso(&actor, &cf, &categoria, today).map_err(err)),
        Req::Operatore {
            actor,
            caso_id,
            operatore,
            gestione,
        } => Rep::Seguito(
            svc.set_operatore_caso(&actor, caso_id, &operatore, gestione, today)
                .map_err(err),
            match gestione {
                Some(true) => format!("{operatore}: assegnato con gestione del fascicolo"),
                Some(false) => format!("{operatore}: assegnato senza gestione del fascicolo"),
                None => format!("{operatore}: assegnazione terminata"),
            },
        ),
        Req::Condividi {
            actor,
            caso_id,
            unita,
            nascondi,
        } => Rep::Seguito(
            svc.condividi_caso(&actor, caso_id, unita, nascondi, today)
                .map_err(err),
            if nascondi {
                "Caso condiviso senza le informazioni del fascicolo".into()
            } else {
                "Caso condiviso con le informazioni del fascicolo".into()
            },
        ),
        Req::Revoca { actor, caso_id, id } => Rep::Seguito(
            svc.revoca_condivisione(&actor, caso_id, id, today)
                .map_err(err),
            "Condivisione revocata".into(),
        ),
        Req::Cambia { actor, cambio } => {
            Rep::Cambiato(svc.cambia_stato(&actor, &cambio).map_err(err))
        }
        Req::Diario { actor, diario } => Rep::Saved(
            svc.save_diario(&actor, &diario).map(|_| ()).map_err(err),
            "Diario salvato".into(),
        ),
        Req::Pai { actor, pai } => Rep::Saved(
            svc.save_pai(&actor, &pai).map(|_| ()).map_err(err),
            "PAI salvato".into(),
        ),
        Req::Isee { actor, isee } => Rep::Saved(
            svc.save_isee(&actor, &isee).map(|_| ()).map_err(err),
            "ISEE salvato".into(),
        ),
        Req::Liste {
            actor,
            lists,
            apertura,
        } => Rep::Liste(
            svc.form_lists(&actor, lists.iter().map(String::as_str), false)
                .map_err(err),
            apertura,
        ),
        Req::SalvaSezione {
            actor,
            caso_id,
            sezione,
            dati,
            dal,
        } => Rep::Saved(
            svc.save_cartella(&actor, caso_id, sezione, &dati, &dal)
                .map(|_| ())
                .map_err(err),
            format!("{} salvati", sezione.label()),
        ),
        Req::Valutazione { actor, valutazione } => Rep::Saved(
            svc.save_valutazione(&actor, &valutazione)
                .map(|_| ())
                .map_err(err),
            "Valutazione salvata".into(),
        ),
        Req::Familiare {
            actor,
            caso_id,
            familiare,
        } => Rep::Saved(
            svc.add_familiare(&actor, caso_id, &familiare)
                .map(|_| ())
                .map_err(err),
            "Persona aggiunta alla rete".into(),
        ),
        Req::Documento {
            actor,
            archivio,
            nuovo,
            file,
        } => Rep::Saved(
            svc.add_documento(&actor, &archivio, &nuovo, &file)
                .map(|_| ())
                .map_err(err),
            "Documento aggiunto al fascicolo".into(),
        ),
        Req::Modifiche { actor, versione } => Rep::Cambi(svc.cambi(&actor, versione).map_err(err)),
        Req::Print {
            actor,
            caso_id,
            pai,
            outputs,
        } => Rep::Document(match pai {
            Some(pai) => svc.deliver(
                &actor,
                &outputs,
                (&format!("pai-{pai}"), "pdf"),
                now_ms,
                |svc, out, at| {
                    svc.print_pai(&actor, caso_id, pai, out, at)
                        .map(|()| String::new())
                },
            ),
            None => svc.deliver(
                &actor,
                &outputs,
                (&format!("cartella-{caso_id}"), "pdf"),
                now_ms,
                |svc, out, at| {
                    svc.print_cartella(&actor, caso_id, out, at)
                        .map(|()| String::new())
                },
            ),
        }),
        Req::CopiaDocumento {
            actor,
            archivio,
            id,
            ext,
            outputs,
        } => Rep::Document(svc.save_copy(
            &actor,
            &outputs,
            (&format!("documento-{id}"), &ext),
            now_ms,
            |svc, out, _| {
                svc.export_documento(&actor, &archivio, id, out)
                    .map(|_| String::new())
            },
        )),
    }
}
