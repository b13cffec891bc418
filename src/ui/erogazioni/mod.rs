//! Interventi ed erogazioni at the desk: the list of the ente's erogazioni with its filters (Ctrl+K,
//! [`filter`]), the totals of what it shows and its export (Ctrl+X); the forms of [`forms`] —
//! a new intervento (its tipo from the nomenclatore picker), an erogazione with its operation rows
//! (Enter on a row edits it; Ctrl+N), a foglio amministrativo of an intervento — opened from the
//! list or from the cartella of a case; and the SIUSS export screen: the period and «solo
//! verifica» chosen, the last flows sent, the export run as long work with a gauge (Esc cancels:
//! no file, nothing marked), then what was sent and the records left out, per beneficiary.

mod calls;
mod filter;
mod forms;
mod state;
mod view;

use std::path::PathBuf;

use super::action::Action;
use super::app::{App, Effect, Request, Screen, Then as AppThen};
use super::popup::{Answer, Popup};
use super::widgets::form::{FieldSpec, Form};
use super::widgets::form_screen::{FormScreen, MSG_FIX};
use crate::domain::date::{gg_mm_aaaa, iso, parse_typed};
use crate::domain::erogazioni::{Erogazione, Intervento};
use crate::progress::Progress;
use crate::service::siuss::EsitoSiuss;

pub use calls::{Apertura, Dati, Rep, Req, execute};
pub use state::{Lista, Modulo, Scheda, SiussScreen, State};

/// What the popups of this module continue with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    /// What to add: intervento, erogazione or foglio (the beneficiary's codice fiscale when known,
    /// the person of the row under the cursor).
    Nuovo(Option<String>, Option<i64>),
    /// Which intervento the foglio goes to (`modifica`: which one to edit): (id, version) of the
    /// options.
    Interventi {
        modifica: bool,
        options: Vec<(i64, i64)>,
    },
    /// The format of the export of the list.
    Esporta,
}

/// The formats the list exports to.
const FORMATI: [crate::export::Format; 2] =
    [crate::export::Format::Csv, crate::export::Format::Xlsx];

/// Opens the list of erogazioni from the menu.
pub fn open(app: &mut App) -> Vec<Effect> {
    let mut l = Lista::default();
    l.table.page = app.page_len();
    app.push(Screen::Erogazioni(State::List(l)));
    Vec::new()
}

/// Opens the SIUSS export screen from the menu: the period runs from the start of last year to
/// today (a flow never sends a record twice, so a wide period is safe); the operator may change it
/// and ask only for the check.
pub fn open_siuss(app: &mut App) -> Vec<Effect> {
    let today = app.today();
    let (title, specs) = app.config.form_def("siuss");
    let mut form = Form::new("siuss", &title, specs);
    let start =
        time::Date::from_calendar_date(today.year() - 1, time::Month::January, 1).unwrap_or(today);
    form.set("dal", &gg_mm_aaaa(start));
    form.set("al", &gg_mm_aaaa(today));
    form.set("solo_verifica", "false");
    app.push(Screen::Erogazioni(State::Siuss(SiussScreen {
        form: FormScreen::new(form, ""),
        flussi: None,
        error: None,
        esito: None,
        stale: true,
    })));
    Vec::new()
}

/// Opens a new intervento (`intervento`) or erogazione form for the person with codice fiscale
/// `cf` in categoria `categoria` (the cartella of a case knows both; the list may know the
/// person).
pub fn nuovo(
    app: &mut App,
    intervento: bool,
    cf: Option<String>,
    categoria: Option<String>,
) -> Vec<Effect> {
    let apertura = if intervento {
        Apertura::Intervento {
            cf,
            categoria: categoria.clone(),
            id: None,
        }
    } else {
        Apertura::Erogazione {
            cf,
            categoria: categoria.clone(),
            id: None,
        }
    };
    apri(app, apertura, categoria)
}

fn modulo_id(apertura: &Apertura) -> &'static str {
    match apertura {
        Apertura::Intervento { .. } => "intervento",
        Apertura::Erogazione { .. } => "erogazione",
        Apertura::Foglio { .. } => "foglio",
        Apertura::Filtro => filter::FILTER_FORM_ID,
    }
}

/// Asks what the form needs; it opens when the answer arrives.
fn apri(app: &mut App, apertura: Apertura, categoria: Option<String>) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let lists = app.config.list_ids(modulo_id(&apertura));
    vec![app.io.query(Request::Erogazioni(Req::Apri {
        actor,
        apertura,
        categoria,
        lists,
    }))]
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    match &mut app.screen {
        Screen::Erogazioni(State::List(l)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let row = l
                .selected()
                .map(|r| (r.id, r.soggetto_id, r.codice_fiscale.clone()));
            // With a beneficiary filter, the person of the row is the one the operator looked for.
            let cf = row
                .as_ref()
                .filter(|_| l.filtro.persona.is_some())
                .and_then(|r| r.2.clone());
            match a {
                Action::Open | Action::Confirm => match row {
                    Some((id, _, cf)) => apri(
                        app,
                        Apertura::Erogazione {
                            cf,
                            categoria: None,
                            id: Some(id),
                        },
                        None,
                    ),
                    None => Vec::new(),
                },
                Action::NewRecord => {
                    app.popup = Some(Popup::Choice {
                        title: "Nuovo".into(),
                        options: vec![
                            "Intervento".into(),
                            "Erogazione".into(),
                            "Foglio amministrativo (intervento della riga)".into(),
                            "Modifica di un intervento della riga".into(),
                        ],
                        selected: 0,
                        then: AppThen::Erogazioni(Then::Nuovo(cf, row.map(|r| r.1))),
                    });
                    Vec::new()
                }
                Action::Filter => apri(app, Apertura::Filtro, None),
                Action::Export => {
                    app.popup = Some(Popup::Choice {
                        title: "Esporta le erogazioni dell'elenco (con i filtri applicati)".into(),
                        options: FORMATI
                            .iter()
                            .map(|f| f.extension().to_uppercase())
                            .collect(),
                        selected: 1,
                        then: AppThen::Erogazioni(Then::Esporta),
                    });
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        Screen::Erogazioni(State::Siuss(s)) if matches!(a, Action::Save | Action::Confirm) => {
            let form = &mut s.form.form;
            if form.validate(today).is_some() {
                app.status = Some(MSG_FIX.into());
                return Vec::new();
            }
            let date = |id: &str| parse_typed(&form.value(id), today).map(iso);
            let (Ok(dal), Ok(al)) = (date("dal"), date("al")) else {
                return Vec::new();
            };
            if dal > al {
                s.form.refuse(
                    &[("al".into(), "La data finale precede quella iniziale".into())],
                    &mut app.status,
                );
                return Vec::new();
            }
            let check = form.value("solo_verifica") == "true";
            form.changed_at = None;
            s.esito = None;
            s.error = None;
            let progress = Progress::default();
            let req = Req::Export {
                actor,
                dal,
                al,
                check,
                giorno: today,
                outputs: app.config.outputs(),
                archivio: app.config.archivio.dir.parent().map(|p| p.join("siuss")),
                progress: progress.clone(),
            };
            let title = if check {
                "Verifica SIUSS"
            } else {
                "Flusso SIUSS"
            };
            super::jobs::start(app, title, progress, Request::Erogazioni(req))
        }
        Screen::Erogazioni(State::Form(m)) if matches!(a, Action::Save | Action::Confirm) => {
            if m.screen.saving {
                return Vec::new();
            }
            if m.screen.form.validate(today).is_some() {
                app.status = Some(MSG_FIX.into());
                return Vec::new();
            }
            let form = &m.screen.form;
            let req =
                match &m.scheda {
                    Scheda::Intervento(base) => forms::read_intervento(form, base, today).map(
                        |(cf, intervento, tipo_siuss)| Req::Intervento {
                            actor,
                            cf,
                            intervento,
                            tipo_siuss,
                        },
                    ),
                    Scheda::Erogazione(base) => forms::read_erogazione(form, base, today).map(
                        |(cf, erogazione, tipo_siuss)| Req::Erogazione {
                            actor,
                            cf,
                            erogazione,
                            tipo_siuss,
                        },
                    ),
                    Scheda::Foglio {
                        intervento_id,
                        version,
                    } => {
                        forms::read_foglio(form, *intervento_id, today).map(|foglio| Req::Foglio {
                            actor,
                            foglio,
                            version: *version,
                        })
                    }
                };
            match req {
                Err(e) => {
                    m.screen.refuse(&[e], &mut app.status);
                    Vec::new()
                }
                Ok(req) => {
                    m.screen.saving = true;
                    vec![app.io.query(Request::Erogazioni(req))]
                }
            }
        }
        Screen::Erogazioni(State::Filtro(fs)) if matches!(a, Action::Save | Action::Confirm) => {
            match filter::from_form(&fs.form, today) {
                Err(e) => fs.refuse(&[e], &mut app.status),
                Ok(filtro) => {
                    let label = |list: &str, code: Option<i64>| {
                        let code = code?.to_string();
                        fs.form
                            .code_lists
                            .get(list)?
                            .iter()
                            .find(|(c, _)| *c == code)
                            .map(|(_, l)| l.split(" · ").next().unwrap_or(l).to_string())
                    };
                    let sommario = filter::summary(
                        &filtro,
                        label("nomenclatore", filtro.tipo_id).as_deref(),
                        label("progetto", filtro.progetto_id).as_deref(),
                    );
                    app.pop();
                    if let Screen::Erogazioni(State::List(l)) = &mut app.screen {
                        l.filtro = filtro;
                        l.sommario = sommario;
                        l.stale = true;
                        app.status = Some("Filtri applicati".into());
                    }
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The form of `apertura`, with what it needs.
fn open_form(app: &mut App, dati: Dati, apertura: Apertura) -> Vec<Effect> {
    let today = app.today();
    let id_form = modulo_id(&apertura);
    let (title, specs) = app.config.form_def(id_form);
    let (key, scheda, categoria, riga, form) = match apertura {
        Apertura::Filtro => {
            let Screen::Erogazioni(State::List(l)) = &app.screen else {
                return Vec::new();
            };
            let mut form = Form::new(id_form, &title, specs);
            forms::code_lists(&mut form, &dati.nomenclatore, dati.lists);
            filter::fill(&mut form, &l.filtro);
            let screen = FormScreen::new(form, "");
            return app.push_form(Screen::Erogazioni(State::Filtro(Box::new(screen))));
        }
        Apertura::Intervento { cf, categoria, id } => {
            let mut form = Form::new(id_form, &title, specs);
            let base = match dati.intervento.clone() {
                Some(i) => {
                    forms::fill_intervento_da(&mut form, &i, cf.as_deref());
                    i
                }
                None => {
                    forms::fill_intervento(&mut form, cf.as_deref(), categoria.as_deref(), today);
                    Intervento::default()
                }
            };
            let key = match id {
                Some(id) => format!("intervento-{id}"),
                None => format!("nuovo-{}", cf.unwrap_or_default()),
            };
            // An edit's categoria is asked for on the first refresh: its frequent tipi first.
            (
                key,
                Scheda::Intervento(Box::new(base)),
                categoria,
                Vec::new(),
                form,
            )
        }
        Apertura::Erogazione { cf, categoria, id } => {
            let row: Vec<String> = app
                .config
                .defs
                .get("erogazione")
                .and_then(|d| d.sections.iter().find(|s| s.id == forms::RIGA))
                .map(|s| s.fields.iter().map(|f| f.id.clone()).collect())
                .unwrap_or_default();
            let (riga, header): (Vec<FieldSpec>, Vec<FieldSpec>) =
                specs.into_iter().partition(|s| row.contains(&s.id));
            let base = dati.erogazione.clone().unwrap_or_else(|| Erogazione {
                categoria_sociale: categoria.clone().unwrap_or_default(),
                // From a case: the person is in charge of the social service.
                in_carico: if categoria.is_some() { 1 } else { 0 },
                ..Default::default()
            });
            let mut form = Form::new("erogazione", &title, header);
            forms::fill_erogazione(&mut form, &base, cf.as_deref(), &riga, today);
            if base.id.is_none() {
                // Chosen by the operator, not guessed (only «in carico» is known from a case).
                for f in ["carattere", "prova_mezzi"] {
                    form.set(f, "");
                }
                if categoria.is_none() {
                    form.set("in_carico", "");
                }
            }
            let key = match id {
                Some(id) => format!("erogazione-{id}"),
                None => format!("nuova-{}", cf.unwrap_or_default()),
            };
            (
                key,
                Scheda::Erogazione(Box::new(base)),
                categoria,
                riga,
                form,
            )
        }
        Apertura::Foglio {
            id: intervento_id,
            version,
        } => {
            let mut form = Form::new(id_form, &title, specs);
            form.set("data", &gg_mm_aaaa(today));
            form.set("respinto", "false");
            let key = format!("intervento-{intervento_id}");
            let scheda = Scheda::Foglio {
                intervento_id,
                version,
            };
            (key, scheda, None, Vec::new(), form)
        }
    };
    let mut form = form;
    let beneficiario = Some(form.value("beneficiario")).filter(|c| !c.is_empty());
    forms::code_lists(&mut form, &dati.nomenclatore, dati.lists);
    form.code_lists
        .insert(forms::INTERVENTI.into(), dati.interventi);
    form.changed_at = None;
    let screen = FormScreen::new(form, key);
    app.push_form(Screen::Erogazioni(State::Form(Box::new(Modulo {
        screen,
        scheda,
        categoria,
        riga,
        beneficiario,
    }))))
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::List(result) if current => {
            if let Screen::Erogazioni(State::List(l)) = &mut app.screen {
                match result {
                    Ok(rows) => l.set_data(rows),
                    Err(e) => l.error = Some(e),
                }
            }
        }
        Rep::Flussi(result) if current => {
            if let Screen::Erogazioni(State::Siuss(s)) = &mut app.screen {
                match result {
                    Ok(f) => s.flussi = Some(f),
                    Err(e) => s.error = Some(e),
                }
            }
        }
        Rep::Export(result, check) => return export_done(app, result, check),
        Rep::Aperto(Ok(dati), apertura) if current => return open_form(app, dati, apertura),
        Rep::Aperto(Err(e), _) if current => app.error_popup(e),
        Rep::Nomenclatore(categoria, Ok(n)) => {
            for s in app.screens_mut() {
                if let Screen::Erogazioni(State::Form(m)) = s
                    && m.categoria == categoria
                {
                    forms::set_nomenclatore(&mut m.screen.form, &n);
                }
            }
        }
        Rep::Saved(Ok(done)) => {
            let effects = app.form_saved(Ok(()), &done);
            app.mark_lists_stale();
            return effects;
        }
        Rep::Saved(Err((Some(field), msg))) => {
            if let Screen::Erogazioni(State::Form(m)) = &mut app.screen {
                m.screen.saving = false;
                m.screen.refuse(&[(field, msg)], &mut app.status);
            }
        }
        Rep::Saved(Err((None, msg))) => return app.form_saved(Err(msg), ""),
        Rep::Interventi(Ok(list), modifica) if current => {
            if list.is_empty() {
                app.status = Some("La persona non ha interventi nell'ente".into());
            } else {
                app.popup = Some(Popup::Choice {
                    title: if modifica {
                        "Quale intervento modificare?"
                    } else {
                        "Foglio amministrativo: a quale intervento?"
                    }
                    .into(),
                    options: list.iter().map(|(_, _, l)| l.clone()).collect(),
                    selected: 0,
                    then: AppThen::Erogazioni(Then::Interventi {
                        modifica,
                        options: list.iter().map(|(i, v, _)| (*i, *v)).collect(),
                    }),
                });
            }
        }
        Rep::Interventi(Err(e), _) if current => app.error_popup(e),
        Rep::InterventiDi(cf, list) => {
            for s in app.screens_mut() {
                if let Screen::Erogazioni(State::Form(m)) = s
                    && m.beneficiario.as_deref() == Some(cf.as_str())
                {
                    m.screen
                        .form
                        .code_lists
                        .insert(forms::INTERVENTI.into(), list.clone());
                }
            }
        }
        Rep::Document(result) => return super::popup::document_done(app, result),
        _ => {}
    }
    Vec::new()
}

/// The SIUSS run finished: the status line, and the screen shows what it did.
fn export_done(
    app: &mut App,
    result: Result<(EsitoSiuss, Option<PathBuf>), String>,
    check: bool,
) -> Vec<Effect> {
    let message = match &result {
        Ok((e, _)) if check => format!(
            "Verifica SIUSS: {} beneficiari, {} record da inviare, {} esclusi",
            e.beneficiari,
            e.record,
            e.esclusi.len()
        ),
        Ok((e, Some(_))) => format!(
            "Flusso SIUSS scritto: {} beneficiari, {} record, {} esclusi",
            e.beneficiari,
            e.record,
            e.esclusi.len()
        ),
        Ok((e, None)) => format!(
            "Nessuna erogazione da inviare ({} escluse)",
            e.esclusi.len()
        ),
        Err(e) => e.clone(),
    };
    app.status = Some(message);
    for screen in app.screens_mut() {
        if let Screen::Erogazioni(State::Siuss(s)) = screen {
            match &result {
                Ok((e, p)) => s.esito = Some((e.clone(), p.clone(), check)),
                Err(e) => s.error = Some(e.clone()),
            }
            s.stale = true;
        }
    }
    app.mark_lists_stale();
    Vec::new()
}

pub fn then(app: &mut App, then: Then, answer: Answer) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let Answer::Choice(i) = answer else {
        return Vec::new();
    };
    match then {
        Then::Nuovo(cf, _) if i < 2 => nuovo(app, i == 0, cf, None),
        Then::Nuovo(_, Some(soggetto_id)) => {
            vec![app.io.query(Request::Erogazioni(Req::Interventi {
                actor,
                soggetto_id,
                modifica: i == 3,
            }))]
        }
        Then::Nuovo(_, None) => {
            app.status = Some(
                "Scegliere prima una riga: si sceglie tra gli interventi del suo beneficiario"
                    .into(),
            );
            Vec::new()
        }
        Then::Interventi { modifica, options } => match options.get(i) {
            Some((id, _)) if modifica => {
                let cf = match &app.screen {
                    Screen::Erogazioni(State::List(l)) => {
                        l.selected().and_then(|r| r.codice_fiscale.clone())
                    }
                    _ => None,
                };
                let apertura = Apertura::Intervento {
                    cf,
                    categoria: None,
                    id: Some(*id),
                };
                apri(app, apertura, None)
            }
            Some((id, version)) => apri(
                app,
                Apertura::Foglio {
                    id: *id,
                    version: *version,
                },
                None,
            ),
            None => Vec::new(),
        },
        Then::Esporta => {
            let Some(format) = FORMATI.get(i).copied() else {
                return Vec::new();
            };
            let Screen::Erogazioni(State::List(l)) = &app.screen else {
                return Vec::new();
            };
            let filtro = l.filtro.clone();
            let outputs = app.config.outputs();
            app.status = Some("Esportazione in corso…".into());
            vec![app.io.request(Request::Erogazioni(Req::Esporta {
                actor,
                filtro,
                format,
                outputs,
            }))]
        }
    }
}

/// Asks for the list or the last flows when stale, and for the nomenclatore again when the
/// categoria of the form on screen changed (its frequent tipi come first).
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    match &mut app.screen {
        Screen::Erogazioni(State::List(l)) if l.stale => {
            l.stale = false;
            let filtro = l.filtro.clone();
            vec![
                app.io
                    .query(Request::Erogazioni(Req::List { actor, filtro })),
            ]
        }
        Screen::Erogazioni(State::Siuss(s)) if s.stale => {
            s.stale = false;
            vec![app.io.query(Request::Erogazioni(Req::Flussi { actor }))]
        }
        Screen::Erogazioni(State::Form(m)) if !matches!(m.scheda, Scheda::Foglio { .. }) => {
            let mut effects = Vec::new();
            let categoria = Some(m.screen.form.value("categoria")).filter(|c| !c.is_empty());
            if categoria != m.categoria {
                m.categoria = categoria.clone();
                effects.push(app.io.query(Request::Erogazioni(Req::Nomenclatore {
                    actor: actor.clone(),
                    categoria,
                })));
            }
            // The erogazione's link offers the interventi of the beneficiary typed.
            let cf = crate::domain::cf::normalize(&m.screen.form.value("beneficiario"));
            if matches!(m.scheda, Scheda::Erogazione(_))
                && cf.len() == 16
                && m.beneficiario.as_deref() != Some(cf.as_str())
            {
                m.beneficiario = Some(cf.clone());
                effects.push(
                    app.io
                        .query(Request::Erogazioni(Req::InterventiDi { actor, cf })),
                );
            }
            effects
        }
        _ => Vec::new(),
    }
}
