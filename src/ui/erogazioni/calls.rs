//! What the erogazioni screens ask of the service, the answers, and how a request runs on the
//! store thread.

use std::path::PathBuf;

use crate::domain::Actor;
use crate::domain::erogazioni::{
    Erogazione, ErogazioneElenco, FiltroErogazioni, Foglio, Intervento,
};
use crate::domain::siuss::FlussoSiuss;
use crate::export::Format;
use crate::print::office::{Delivered, Outputs};
use crate::progress::Progress;
use crate::service::Service;
use crate::service::codes::Lists;
use crate::service::erogazioni::Nomenclatore;
use crate::service::siuss::{EsitoSiuss, RichiestaSiuss};

/// Requests move at human pace: boxing the large variants buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    List {
        actor: Actor,
        filtro: FiltroErogazioni,
    },
    Flussi {
        actor: Actor,
    },
    /// The SIUSS flow of a period (`check`: only the problems, no file, nothing marked).
    Export {
        actor: Actor,
        dal: String,
        al: String,
        check: bool,
        giorno: time::Date,
        outputs: Outputs,
        archivio: Option<PathBuf>,
        progress: Progress,
    },
    /// What a form needs before it opens: the nomenclatore (the tipi most used for `categoria`
    /// first), the database code lists, the erogazione to edit.
    Apri {
        actor: Actor,
        apertura: Apertura,
        categoria: Option<String>,
        lists: Vec<String>,
    },
    /// The nomenclatore again: the categoria of the form on screen changed.
    Nomenclatore {
        actor: Actor,
        categoria: Option<String>,
    },
    /// An intervento for the person with codice fiscale `cf` (its tipo a SIUSS prestazione when
    /// `tipo_siuss`: the ente's node for it is found or made first).
    Intervento {
        actor: Actor,
        cf: String,
        intervento: Intervento,
        tipo_siuss: Option<String>,
    },
    /// An erogazione for the person with codice fiscale `cf` (`tipo_siuss` as for interventi).
    Erogazione {
        actor: Actor,
        cf: String,
        erogazione: Erogazione,
        tipo_siuss: Option<String>,
    },
    /// A foglio amministrativo of an intervento read at `version`.
    Foglio {
        actor: Actor,
        foglio: Foglio,
        version: i64,
    },
    /// The interventi of a person (to add a foglio to one, or to edit one).
    Interventi {
        actor: Actor,
        soggetto_id: i64,
        modifica: bool,
    },
    /// The interventi of the person with codice fiscale `cf`, for the erogazione form's link.
    InterventiDi {
        actor: Actor,
        cf: String,
    },
    /// The filtered list as a file in the ufficio's output folder.
    Esporta {
        actor: Actor,
        filtro: FiltroErogazioni,
        format: Format,
        outputs: Outputs,
    },
}

/// The form to open once what it needs arrives.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Apertura {
    /// A new intervento (`id: None`; the beneficiary's codice fiscale and categoria when known)
    /// or one to edit.
    Intervento {
        cf: Option<String>,
        categoria: Option<String>,
        #[serde(default)]
        id: Option<i64>,
    },
    /// A new erogazione (`id: None`) or one to edit.
    Erogazione {
        cf: Option<String>,
        categoria: Option<String>,
        id: Option<i64>,
    },
    /// A foglio amministrativo of intervento `id` read at `version`.
    Foglio { id: i64, version: i64 },
    /// The filters of the list.
    Filtro,
}

/// What a form opens with.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Dati {
    pub nomenclatore: Nomenclatore,
    pub lists: Lists,
    /// The erogazione to edit.
    pub erogazione: Option<Erogazione>,
    /// The intervento to edit.
    #[serde(default)]
    pub intervento: Option<Intervento>,
    /// The interventi of the erogazione's person, (id, description), for its link.
    #[serde(default)]
    pub interventi: Vec<(String, String)>,
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    List(Result<Vec<ErogazioneElenco>, String>),
    Flussi(Result<Vec<FlussoSiuss>, String>),
    /// What the export did, and the file it wrote (none when nothing was sent or only checked);
    /// whether it only checked.
    Export(Result<(EsitoSiuss, Option<PathBuf>), String>, bool),
    Aperto(Result<Dati, String>, Apertura),
    /// The nomenclatore for a categoria.
    Nomenclatore(Option<String>, Result<Nomenclatore, String>),
    /// A save: done (the message) or refused (the message; a field when it names one).
    Saved(Result<String, (Option<String>, String)>),
    /// The interventi of a person: (id, version, description); whether to edit one.
    Interventi(
        Result<Vec<(i64, i64, String)>, String>,
        #[serde(default)] bool,
    ),
    /// The interventi of the person with a codice fiscale, for the erogazione form: (id,
    /// description); empty when no such person.
    InterventiDi(String, Vec<(String, String)>),
    Document(Result<Delivered, String>),
}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(
            self,
            Req::List { .. }
                | Req::Flussi { .. }
                | Req::Apri { .. }
                | Req::Nomenclatore { .. }
                | Req::Interventi { .. }
                | Req::InterventiDi { .. }
        )
    }
}

/// The person with codice fiscale `cf`, as the anagrafe search finds it (an audited read).
fn persona(
    svc: &mut Service<'_>,
    actor: &Actor,
    cf: &str,
    today: time::Date,
) -> Result<i64, (Option<String>, String)> {
    let cf = crate::domain::cf::normalize(cf);
    let hits = svc
        .search(actor, &cf, None, 5, today)
        .map_err(|e| (None, e.to_string()))?;
    hits.iter()
        .find(|h| h.codice_fiscale.as_deref() == Some(cf.as_str()))
        .map(|h| h.id)
        .ok_or_else(|| {
            (
                Some("beneficiario".into()),
                "Nessuna persona in anagrafe con questo codice fiscale".into(),
            )
        })
}

/// One line describing intervento `i` with its tipo's label.
fn descrizione(i: &Intervento, n: &Nomenclatore) -> String {
    let tipo = n
        .tipi
        .iter()
        .find(|t| t.id == i.tipo_id)
        .map_or_else(|| i.tipo_id.to_string(), |t| t.etichetta.clone());
    super::forms::intervento_line(i, &tipo)
}

/// The interventi of person `soggetto` as a code list: (id, description).
fn interventi_di(
    svc: &mut Service<'_>,
    actor: &Actor,
    soggetto: i64,
    n: &Nomenclatore,
) -> Result<Vec<(String, String)>, crate::service::Error> {
    Ok(svc
        .interventi(actor, soggetto)?
        .iter()
        .map(|i| (i.id.unwrap_or(0).to_string(), descrizione(i, n)))
        .collect())
}

/// The ente's tipo di intervento for SIUSS prestazione `code` (made when missing).
fn tipo_da_siuss(
    svc: &mut Service<'_>,
    actor: &Actor,
    code: &str,
) -> Result<i64, (Option<String>, String)> {
    svc.tipo_da_siuss(actor, code)
        .map_err(|e| (Some("tipo".into()), e.to_string()))
}

fn saved(
    r: Result<impl Sized, crate::service::Error>,
    done: &str,
) -> Result<String, (Option<String>, String)> {
    r.map(|_| done.to_string())
        .map_err(|e| (None, e.to_string()))
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    let today = crate::domain::date::today_at_ms(now_ms);
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::List { actor, filtro } => {
            Rep::List(svc.search_erogazioni(&actor, &filtro).map_err(err))
        }
        Req::Flussi { actor } => Rep::Flussi(svc.siuss_flussi(&actor, 5).map_err(err)),
        Req::Export {
            actor,
            dal,
            al,
            check,
            giorno,
            outputs,
            archivio,
            progress,
        } => {
            let r = RichiestaSiuss {
                ente_id: None,
                dal,
                al,
                cf_operatore: None,
                out: None,
                archivio,
                giorno,
            };
            if check {
                return Rep::Export(
                    svc.export_siuss(&actor, &r, &progress)
                        .map(|e| (e, None))
                        .map_err(err),
                    true,
                );
            }
            let mut esito = None;
            let delivered =
                svc.deliver(&actor, &outputs, ("siuss", "xml"), now_ms, |svc, out, _| {
                    let r = RichiestaSiuss {
                        out: Some(out.to_path_buf()),
                        ..r
                    };
                    let e = svc.export_siuss(&actor, &r, &progress)?;
                    let sent = e.nome.is_some();
                    esito = Some(e);
                    if sent {
                        Ok(String::new())
                    } else {
                        // Nothing sent: no file is kept (the exclusions are still shown).
                        Err(crate::service::Error::Invalid(
                            "nessuna erogazione da inviare nel periodo".into(),
                        ))
                    }
                });
            Rep::Export(
                match (delivered, esito) {
                    (Ok(d), Some(e)) => Ok((e, Some(d.path))),
                    (Err(_), Some(e)) if e.nome.is_none() => Ok((e, None)),
                    (Err(m), _) => Err(m),
                    (Ok(_), None) => Err("esportazione non eseguita".into()),
                },
                false,
            )
        }
        Req::Apri {
            actor,
            apertura,
            categoria,
            lists,
        } => {
            let dati = (|| {
                let mut d = Dati {
                    nomenclatore: svc.nomenclatore(&actor, categoria.as_deref())?,
                    lists: svc.form_lists(&actor, lists.iter().map(String::as_str), false)?,
                    ..Default::default()
                };
                match &apertura {
                    Apertura::Erogazione { id: Some(id), .. } => {
                        let e = svc.read_erogazione(&actor, *id)?;
                        d.interventi = interventi_di(svc, &actor, e.soggetto_id, &d.nomenclatore)?;
                        d.erogazione = Some(e);
                    }
                    Apertura::Erogazione { cf: Some(cf), .. } => {
                        if let Ok(soggetto) = persona(svc, &actor, cf, today) {
                            d.interventi = interventi_di(svc, &actor, soggetto, &d.nomenclatore)?;
                        }
                    }
                    Apertura::Intervento { id: Some(id), .. } => {
                        d.intervento = Some(svc.read_intervento(&actor, *id)?.0);
                    }
                    _ => {}
                }
                Ok::<_, crate::service::Error>(d)
            })();
            Rep::Aperto(dati.map_err(err), apertura)
        }
        Req::Nomenclatore { actor, categoria } => Rep::Nomenclatore(
            categoria.clone(),
            svc.nomenclatore(&actor, categoria.as_deref()).map_err(err),
        ),
        Req::Intervento {
            actor,
            cf,
            mut intervento,
            tipo_siuss,
        } => Rep::Saved(persona(svc, &actor, &cf, today).and_then(|id| {
            if let Some(code) = tipo_siuss {
                intervento.tipo_id = tipo_da_siuss(svc, &actor, &code)?;
            }
            if intervento.id.is_some() && intervento.soggetto_id != id {
                return Err((
                    Some("beneficiario".into()),
                    "Il beneficiario di un intervento registrato non si cambia".into(),
                ));
            }
            intervento.soggetto_id = id;
            saved(
                svc.save_intervento(&actor, &intervento),
                "Intervento salvato",
            )
        })),
        Req::Erogazione {
            actor,
            cf,
            mut erogazione,
            tipo_siuss,
        } => Rep::Saved(persona(svc, &actor, &cf, today).and_then(|id| {
            if let Some(code) = tipo_siuss {
                erogazione.tipo_id = tipo_da_siuss(svc, &actor, &code)?;
            }
            if erogazione.id.is_some() && erogazione.soggetto_id != id {
                return Err((
                    Some("beneficiario".into()),
                    "Il beneficiario di un'erogazione registrata non si cambia".into(),
                ));
            }
            erogazione.soggetto_id = id;
            saved(
                svc.save_erogazione(&actor, &erogazione),
                "Erogazione salvata",
            )
        })),
        Req::Foglio {
            actor,
            foglio,
            version,
        } => Rep::Saved(saved(
            svc.add_foglio(&actor, &foglio, version),
            "Foglio amministrativo registrato",
        )),
        Req::Interventi {
            actor,
            soggetto_id,
            modifica,
        } => Rep::Interventi(
            (|| {
                let n = svc.nomenclatore(&actor, None)?;
                let interventi = svc.interventi(&actor, soggetto_id)?;
                Ok::<_, crate::service::Error>(
                    interventi
                        .iter()
                        .map(|i| (i.id.unwrap_or(0), i.version, descrizione(i, &n)))
                        .collect(),
                )
            })()
            .map_err(err),
            modifica,
        ),
        Req::InterventiDi { actor, cf } => {
            let list = persona(svc, &actor, &cf, today)
                .ok()
                .and_then(|soggetto| {
                    let n = svc.nomenclatore(&actor, None).ok()?;
                    interventi_di(svc, &actor, soggetto, &n).ok()
                })
                .unwrap_or_default();
            Rep::InterventiDi(cf, list)
        }
        Req::Esporta {
            actor,
            filtro,
            format,
            outputs,
        } => Rep::Document(svc.deliver(
            &actor,
            &outputs,
            ("erogazioni", format.extension()),
            now_ms,
            |svc, out, _| {
                svc.export_erogazioni(&actor, &filtro, format, out)
                    .map(|n| format!("{n} erogazioni"))
            },
        )),
    }
}
