//! The schede di accesso: the list (search box, filters, table; delete, restore, duplicate, print,
//! export), the scheda form (saved as it goes: in sospeso until complete; read-only for others;
//! merged after a conflict), a familiare of its list (see [`familiari`]) and the filter form.

mod calls;
mod editing;
mod familiari;
mod filter;
mod form;
mod invio;
mod list;

pub use calls::{CONFLICT, Rep, Req, execute};
use editing::{annullato, moved, open_form, save, saved};
pub use filter::FILTER_FORM_ID;
pub use form::{FORM_ID, conflict_report, new_form, to_edit};
pub use list::SchedeState;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState, Then as AppThen};
use super::keymap::Layer;
use super::popup::{Answer, Popup};
use super::theme::Area;
use super::widgets::form_screen::FormScreen;
use super::widgets::table::Table;
use super::widgets::text_input::TextInput;
use crate::domain::Actor;
use crate::domain::scheda::{Scheda, SchedaEdit, Stato};
use crate::export::Format;
use crate::forms::FormDef;
use crate::print::office::Outputs;
use crate::service::SchedaSaved;
use crate::service::scheda::{SchedaFormData, SchedaOutcome};

#[derive(Debug, Clone)]
pub enum State {
    List(Box<SchedeState>),
    /// The scheda form and what it was built from.
    Form(Box<FormScreen>, Box<SchedaFormData>),
    /// The filters of the list below.
    Filter(Box<FormScreen>),
    /// A member of the scheda's familiari e conviventi: its row in the list (`None`: a new one).
    Membro(Box<FormScreen>, Option<usize>),
    /// The scheda as it was sent to another office (read-only; see [`invio`]).
    Originale(Box<FormScreen>),
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::List(_) => "schede",
            State::Form(..) => "scheda",
            State::Filter(_) => "filtro_schede",
            State::Membro(..) => "familiare",
            State::Originale(_) => "scheda_originale",
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::List(_) => "Schede di accesso",
            State::Form(..) => "Scheda di accesso",
            State::Filter(_) => "Filtri delle schede",
            State::Membro(..) => "Familiare",
            State::Originale(_) => "Scheda originale",
        }
    }
    fn area(&self) -> Area {
        match self {
            State::List(_) => Area::Accoglienza,
            _ => Area::Sistema,
        }
    }
    fn layer(&self) -> Layer {
        match self {
            State::List(_) => Layer::List,
            _ => Layer::Form,
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            // The sending's key only where there is a sending.
            State::Form(_, d) => a != Action::Invio || !d.invii.is_empty(),
            // Only the scheda form prints.
            State::Filter(_) | State::Membro(..) => a != Action::Print,
            State::Originale(_) => !matches!(a, Action::Print | Action::Save),
            // The list layer is shared with the person card: not its consent key.
            State::List(_) => {
                Table::moves(a, true)
                    || matches!(
                        a,
                        Action::Open
                            | Action::Confirm
                            | Action::Edit
                            | Action::NewRecord
                            | Action::Delete
                            | Action::Restore
                            | Action::Duplicate
                            | Action::Print
                            | Action::Export
                            | Action::Filter
                    )
            }
        }
    }
    fn claims(&self, a: Action) -> bool {
        matches!(self, State::Form(..))
            && matches!(
                a,
                Action::Richieste | Action::Invio | Action::DocumentiScheda
            )
    }
    fn text_mut(&mut self) -> Option<&mut TextInput> {
        match self {
            State::List(l) => Some(&mut l.input),
            _ => None,
        }
    }
    fn text_focus(&self) -> bool {
        match self {
            State::List(_) => true,
            _ => self.form().is_some_and(|f| f.form.text_focus()),
        }
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::Form(f, _) | State::Filter(f) | State::Membro(f, _) | State::Originale(f) => {
                Some(f)
            }
            State::List(_) => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::Form(f, _) | State::Filter(f) | State::Membro(f, _) | State::Originale(f) => {
                Some(f)
            }
            State::List(_) => None,
        }
    }
    fn to_fill(&self, today: time::Date) -> Vec<String> {
        match self {
            State::Form(f, data) => form::still_missing(&f.form, data, today),
            _ => Vec::new(),
        }
    }
    fn stale(&mut self) {
        if let State::List(l) = self {
            l.sent = None;
        }
    }
    fn changed_elsewhere(&mut self) {
        match self {
            State::List(l) => l.quiet = true,
            // A stored scheda: is it still the version on show? (see `refresh`)
            State::Form(f, d) if d.scheda.is_some() => f.check = true,
            _ => {}
        }
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        match self {
            State::List(l) => {
                let theme = app.config.theme;
                let sanitize = crate::sanitize::sanitize;
                let hint = match &l.error {
                    Some(e) => (sanitize(e), theme.error()),
                    None if !l.loaded => ("Caricamento…".to_string(), theme.dim()),
                    None => {
                        let da_leggere =
                            l.rows.iter().filter(|r| r.ricevuta == Some(false)).count();
                        let ricevute = match da_leggere {
                            0 => String::new(),
                            1 => " · 1 ricevuta da leggere".into(),
                            n => format!(" · {n} ricevute da leggere"),
                        };
                        (
                            sanitize(&format!(
                                "{} schede{ricevute} · {}",
                                l.rows.len(),
                                l.filter_summary()
                            )),
                            theme.dim(),
                        )
                    }
                };
                crate::ui::view::draw_search_list(
                    app,
                    ("Schede di accesso", "Persona: "),
                    &l.input,
                    hint,
                    &l.table,
                    f,
                    area,
                )
            }
            State::Form(s, _) | State::Filter(s) | State::Membro(s, _) | State::Originale(s) => {
                crate::ui::view::draw_form(app, &s.form, f, area)
            }
        }
    }
}

/// What the list's popups continue with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// The reason typed: delete.
    Delete {
        id: i64,
        version: i64,
    },
    Restore {
        id: i64,
        version: i64,
    },
    Duplicate(i64),
    /// 1 = the selected scheda (when there is one), 2 = the blank scheda.
    Print {
        id: Option<i64>,
    },
    /// On the form of scheda `id` of a POR ente: 0 = the scheda, 1 = its POR / FSE form.
    PrintForm {
        id: i64,
    },
    /// csv, xlsx, pdf.
    ExportFormat,
    /// Remove this member from the familiari of the scheda form.
    RemoveFamiliare(usize),
    /// The choices about the scheda's sending (see [`invio`]).
    Invio,
    /// Confirmed: cancel the sending of this scheda.
    AnnullaInvio {
        id: i64,
        version: i64,
    },
}

/// Opens the list from the menu (the admin's list holds the deleted schede, to restore them).
pub fn open(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let mut l = SchedeState::default();
    if !actor.can(crate::domain::Permission::ReadSchede) {
        l.filtro.stato = Some(Stato::Eliminata);
    }
    l.table.page = app.page_len().saturating_sub(2).max(1);
    app.push(Screen::Schede(State::List(Box::new(l))));
    Vec::new()
}

/// Asks for the scheda form: a stored scheda (`id`) or a new one for person `soggetto_id`.
pub fn ask_form(app: &mut App, id: Option<i64>, soggetto_id: i64) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let lists = app.config.list_ids(FORM_ID);
    vec![app.io.query(Request::Schede(Req::Form {
        actor,
        id,
        soggetto_id,
        lists,
    }))]
}

/// Asks for a document to the ufficio's folder and printer.
fn document(app: &mut App, req: impl FnOnce(Actor, Outputs) -> Req) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let outputs = app.config.outputs();
    app.status = Some("Preparazione del documento…".into());
    vec![app.io.request(Request::Schede(req(actor, outputs)))]
}

/// The scheda form's definition (prints and exports lay it out).
fn def(app: &App) -> Option<Box<FormDef>> {
    app.config.defs.get(FORM_ID).cloned().map(Box::new)
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let page = app.page_len();
    if let Some(effects) = familiari::action(app, a) {
        return effects;
    }
    match &mut app.screen {
        Screen::Schede(State::List(l)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let selected = l.selected().cloned();
            match (a, selected) {
                (Action::Open | Action::Confirm | Action::Edit, Some(r)) => {
                    return ask_form(app, Some(r.id), r.soggetto_id);
                }
                (Action::NewRecord, _) => {
                    let mut s = super::anagrafe::search_screen(app);
                    if let Screen::Anagrafe(super::anagrafe::State::Ricerca(r)) = &mut s {
                        r.table.page = page.saturating_sub(2).max(1);
                    }
                    app.push(s);
                    app.status = Some(
                        "Nuova scheda: cercare la persona, aprirla con Invio, poi Ctrl+N".into(),
                    );
                }
                (Action::Delete, Some(r)) => {
                    app.popup = Some(Popup::Prompt {
                        text: format!(
                            "Eliminare la scheda n. {} di {} {}? Motivo:",
                            r.numero, r.cognome, r.nome
                        ),
                        input: TextInput::new(200),
                        then: AppThen::Schede(Then::Delete {
                            id: r.id,
                            version: r.version,
                        }),
                    });
                }
                (Action::Restore, Some(r)) => {
                    app.popup = Some(Popup::confirm(
                        format!("Ripristinare la scheda n. {}?", r.numero),
                        AppThen::Schede(Then::Restore {
                            id: r.id,
                            version: r.version,
                        }),
                    ));
                }
                (Action::Duplicate, Some(r)) => {
                    app.popup = Some(Popup::confirm(
                        format!(
                            "Duplicare la scheda n. {} in una nuova scheda con la data di oggi?",
                            r.numero
                        ),
                        AppThen::Schede(Then::Duplicate(r.id)),
                    ));
                }
                (Action::Print, r) => {
                    let id = r.map(|r| r.id);
                    app.popup = Some(Popup::Choice {
                        title: "Stampa".into(),
                        options: vec![
                            "Scheda selezionata".into(),
                            "Scheda vuota da compilare a mano".into(),
                        ],
                        selected: usize::from(id.is_none()),
                        then: AppThen::Schede(Then::Print { id }),
                    });
                }
                (Action::Export, _) => {
                    app.popup = Some(Popup::Choice {
                        title: "Esporta le schede dell'elenco".into(),
                        options: Format::ALL
                            .iter()
                            .map(|f| f.extension().to_uppercase())
                            .collect(),
                        selected: 1,
                        then: AppThen::Schede(Then::ExportFormat),
                    });
                }
                (Action::Filter, _) => {
                    let lists = app.config.list_ids(FILTER_FORM_ID);
                    let req = Req::FilterLists { actor, lists };
                    return vec![app.io.query(Request::Schede(req))];
                }
                _ => {}
            }
            Vec::new()
        }
        Screen::Schede(State::Membro(..)) => match a {
            Action::Save | Action::Confirm => familiari::save(app),
            _ => Vec::new(),
        },
        Screen::Schede(State::Form(_, d)) => match a {
            Action::Save | Action::Confirm => save(app),
            Action::Invio => invio::action(app),
            Action::Richieste => match d.scheda.as_ref().and_then(|s| s.edit.id) {
                Some(id) => super::richieste::open(app, id),
                None => {
                    app.status = Some("Salvare la scheda prima di aggiungere le richieste".into());
                    Vec::new()
                }
            },
            Action::DocumentiScheda => match d.scheda.as_ref().and_then(|s| s.edit.id) {
                Some(id) => super::allegati::open(app, id),
                None => {
                    app.status = Some("Salvare la scheda prima di allegare documenti".into());
                    Vec::new()
                }
            },
            Action::Print => match d.scheda.as_ref().and_then(|s| s.edit.id) {
                Some(id) if d.por => {
                    app.popup = Some(Popup::Choice {
                        title: "Stampa".into(),
                        options: vec![
                            "Scheda di accesso".into(),
                            "Domanda di iscrizione POR / FSE".into(),
                        ],
                        selected: 0,
                        then: AppThen::Schede(Then::PrintForm { id }),
                    });
                    Vec::new()
                }
                Some(id) => match def(app) {
                    Some(def) => document(app, |actor, outputs| Req::Print {
                        actor,
                        id: Some(id),
                        def,
                        outputs,
                    }),
                    None => Vec::new(),
                },
                None => {
                    app.status = Some("Salvare la scheda prima di stamparla".into());
                    Vec::new()
                }
            },
            _ => Vec::new(),
        },
        Screen::Schede(State::Filter(f)) if matches!(a, Action::Save | Action::Confirm) => {
            match filter::filter_from_form(&f.form, crate::domain::date::today_at_ms(app.now_ms)) {
                Err(e) => f.refuse(&[e], &mut app.status),
                Ok(filtro) => {
                    app.pop();
                    if let Screen::Schede(State::List(l)) = &mut app.screen {
                        l.filtro = filtro;
                        app.status = Some("Filtri applicati".into());
                    }
                }
            }
            Vec::new()
        }
        _ => Vec::new(),
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    let rep = match rep {
        Rep::Document(result) => return super::popup::document_done(app, result),
        Rep::Saved(draft, result) => return saved(app, &draft, result),
        Rep::Avvisi(result) => {
            invio::avvisi_done(app, result);
            return Vec::new();
        }
        Rep::InvioAnnullato(id, result) => return annullato(app, id, result),
        rep => rep,
    };
    if !current {
        return Vec::new();
    }
    match rep {
        Rep::List(result) => {
            let list = app.screens_mut().find_map(|s| match s {
                Screen::Schede(State::List(l)) => Some(l),
                _ => None,
            });
            if let Some(l) = list {
                match result {
                    Ok((rows, esiti)) => l.set_rows(rows, &esiti),
                    Err(e) => l.error = Some(e),
                }
            }
        }
        Rep::Versione(id, Ok(Some(version))) => return moved(app, id, version),
        Rep::Versione(..) => {}
        Rep::Form(Ok(data)) => return open_form(app, data),
        Rep::Form(Err(e)) => {
            if let Some(f) = app.screen.state_mut().form_mut() {
                f.reloading = false;
                f.refreshing = false;
            }
            app.error_popup(e);
        }
        Rep::Deleted(Ok(())) => {
            app.status = Some("Fatto".into());
            app.mark_lists_stale();
        }
        Rep::Duplicated(Ok(s)) => {
            app.mark_lists_stale();
            let soggetto = match &app.screen {
                Screen::Schede(State::List(l)) => l.selected().map(|r| r.soggetto_id),
                _ => None,
            };
            app.status = Some(format!("Scheda duplicata: n. {}", s.numero));
            return ask_form(app, Some(s.id), soggetto.unwrap_or_default());
        }
        Rep::FilterLists(Ok(lists)) => {
            let filtro = match &app.screen {
                Screen::Schede(State::List(l)) => l.filtro.clone(),
                _ => return Vec::new(),
            };
            let (title, specs) = app.config.form_def(FILTER_FORM_ID);
            let form = filter::filter_form(&title, specs, lists, &filtro);
            let screen = FormScreen::new(form, "");
            return app.push_form(Screen::Schede(State::Filter(Box::new(screen))));
        }
        Rep::Deleted(Err(e)) | Rep::Duplicated(Err(e)) | Rep::FilterLists(Err(e)) => {
            app.error_popup(e)
        }
        Rep::Document(_) | Rep::Saved(..) | Rep::Avvisi(_) | Rep::InvioAnnullato(..) => {}
    }
    Vec::new()
}

pub fn then(app: &mut App, then: Then, answer: Answer) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let req = match (then, answer) {
        (Then::Delete { id, version }, Answer::Text(reason)) => Req::Delete {
            actor,
            id,
            version,
            reason,
        },
        (Then::Restore { id, version }, _) => Req::Restore { actor, id, version },
        (Then::Duplicate(id), _) => Req::Duplicate { actor, id },
        (Then::RemoveFamiliare(i), _) => return familiari::remove(app, i),
        (t @ (Then::Invio | Then::AnnullaInvio { .. }), answer) => {
            return invio::then(app, t, answer);
        }
        (Then::Print { id: Some(id) }, Answer::Choice(0)) => {
            let Some(def) = def(app) else {
                return Vec::new();
            };
            return document(app, |actor, outputs| Req::Print {
                actor,
                id: Some(id),
                def,
                outputs,
            });
        }
        (Then::PrintForm { id }, Answer::Choice(n @ (0 | 1))) => {
            let Some(def) = def(app) else {
                return Vec::new();
            };
            return document(app, |actor, outputs| match n {
                0 => Req::Print {
                    actor,
                    id: Some(id),
                    def,
                    outputs,
                },
                _ => Req::PrintPor {
                    actor,
                    id,
                    def,
                    outputs,
                },
            });
        }
        (Then::Print { .. }, Answer::Choice(1)) => {
            let Some(def) = def(app) else {
                return Vec::new();
            };
            return document(app, |actor, outputs| Req::Print {
                actor,
                id: None,
                def,
                outputs,
            });
        }
        (Then::PrintForm { .. }, _) => return Vec::new(),
        (Then::Print { .. }, _) => {
            app.status = Some("Nessuna scheda selezionata".into());
            return Vec::new();
        }
        (Then::ExportFormat, Answer::Choice(n)) => {
            let (Some(format), Some(def)) = (Format::ALL.get(n).copied(), def(app)) else {
                return Vec::new();
            };
            let (text, filtro) = match &app.screen {
                Screen::Schede(State::List(l)) => (l.input.value().to_string(), l.filtro.clone()),
                _ => return Vec::new(),
            };
            let progress = crate::progress::Progress::default();
            let req = Req::Export {
                actor,
                text,
                filtro,
                def,
                format,
                outputs: app.config.outputs(),
                progress: progress.clone(),
            };
            return super::jobs::start(app, "Esportazione", progress, Request::Schede(req));
        }
        _ => return Vec::new(),
    };
    vec![app.io.query(Request::Schede(req))]
}

/// Sends the list again when its search text or filter changed (or it is stale).
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    if let Screen::Schede(State::Form(f, d)) = &mut app.screen
        && std::mem::replace(&mut f.check, false)
        && let Some(id) = d.scheda.as_ref().and_then(|s| s.edit.id)
    {
        return vec![app.io.query(Request::Schede(Req::Versione { actor, id }))];
    }
    let Screen::Schede(State::List(l)) = &mut app.screen else {
        return Vec::new();
    };
    let now = (l.input.value().to_string(), l.filtro.clone());
    // Another session changed data: the same list again, not a new read.
    let again = std::mem::replace(&mut l.quiet, false) && l.sent.as_ref() == Some(&now);
    if l.sent.as_ref() == Some(&now) && !again {
        return Vec::new();
    }
    l.sent = Some(now.clone());
    let audited = !again;
    vec![app.io.query(Request::Schede(Req::List {
        actor,
        text: now.0,
        filtro: now.1,
        audited,
    }))]
}
