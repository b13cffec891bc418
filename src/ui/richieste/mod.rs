//! The richieste of a scheda (Ctrl+O from the scheda form): the list of its richieste under the
//! panel of what the person already receives (when the office shows it), the richiesta form, the
//! consuntivo rows of a richiesta (Enter on a richiesta) and their form. Ctrl+N adds, Ctrl+E
//! edits, Del deletes (after a confirmation); a new richiesta opens its consuntivo rows. A save
//! refused because someone else saved first keeps the form and says so; another operator's scheda
//! is read only.

mod calls;
mod forms;
mod view;

pub use calls::{Dati, Rep, Req, execute};

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState, Then as AppThen};
use super::keymap::Layer;
use super::popup::{Answer, Popup};
use super::theme::Area;
use super::widgets::form::Form;
use super::widgets::form_screen::{FormScreen, MSG_FIX};
use super::widgets::table::Table;
use crate::domain::richieste::{Consuntivo, Richiesta};

#[derive(Debug, Clone)]
pub enum State {
    /// The richieste of a scheda.
    Lista(Box<Lista>),
    /// The consuntivo rows of richiesta `richiesta_id` (its data come with the scheda's).
    Righe(Box<Lista>, i64),
    /// The richiesta form and the richiesta it edits (a new one: without id).
    Richiesta(Box<FormScreen>, Box<Richiesta>),
    /// A consuntivo row's form and the row it edits.
    Riga(Box<FormScreen>, Box<Consuntivo>),
}

/// A list of this module: the scheda's data as the service sent them, shown as a table.
#[derive(Debug, Clone)]
pub struct Lista {
    pub scheda_id: i64,
    pub table: Table,
    pub data: Option<Dati>,
    pub error: Option<String>,
    pub stale: bool,
}

impl Lista {
    fn new(scheda_id: i64, columns: Vec<(&'static str, u16)>, page: usize) -> Lista {
        let mut table = Table::new(columns);
        table.page = page;
        Lista {
            scheda_id,
            table,
            data: None,
            error: None,
            stale: true,
        }
    }

    fn richiesta(&self, id: i64) -> Option<&Richiesta> {
        self.data
            .as_ref()?
            .0
            .richieste
            .iter()
            .find(|r| r.id == Some(id))
    }

    fn can_edit(&self) -> bool {
        self.data.as_ref().is_some_and(|d| d.0.can_edit)
    }
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::Lista(_) => "richieste",
            State::Righe(..) => "consuntivi",
            State::Richiesta(..) => forms::RICHIESTA,
            State::Riga(..) => forms::CONSUNTIVO,
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::Lista(_) => "Richieste della scheda",
            State::Righe(..) => "Consuntivo della richiesta",
            State::Richiesta(..) => "Richiesta",
            State::Riga(..) => "Consuntivo",
        }
    }
    fn area(&self) -> Area {
        Area::Accoglienza
    }
    fn layer(&self) -> Layer {
        match self {
            State::Lista(_) | State::Righe(..) => Layer::List,
            _ => Layer::Form,
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::Lista(_) | State::Righe(..) => {
                Table::moves(a, true)
                    || matches!(
                        a,
                        Action::Open
                            | Action::Confirm
                            | Action::Edit
                            | Action::NewRecord
                            | Action::Delete
                    )
            }
            _ => a != Action::Print,
        }
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::Richiesta(f, _) | State::Riga(f, _) => Some(f),
            _ => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::Richiesta(f, _) | State::Riga(f, _) => Some(f),
            _ => None,
        }
    }
    fn stale(&mut self) {
        if let State::Lista(l) | State::Righe(l, _) = self {
            l.stale = true;
        }
    }
    fn on_return(&mut self) {
        self.stale();
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        match self {
            State::Lista(l) => view::lista(app, l, f, area),
            State::Righe(l, id) => view::righe(app, l, *id, f, area),
            State::Richiesta(s, _) | State::Riga(s, _) => {
                crate::ui::view::draw_form(app, &s.form, f, area)
            }
        }
    }
}

/// What the deletions' confirmations continue with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    DeleteRichiesta {
        id: i64,
        version: i64,
    },
    DeleteRiga {
        richiesta_id: i64,
        id: i64,
        version: i64,
    },
}

/// Opens the richieste of scheda `scheda_id` (from the scheda form).
pub fn open(app: &mut App, scheda_id: i64) -> Vec<Effect> {
    let page = app.page_len().saturating_sub(6).max(1);
    let l = Lista::new(scheda_id, view::RICHIESTE.to_vec(), page);
    app.push(Screen::Richieste(State::Lista(Box::new(l))));
    Vec::new()
}

/// Opens the consuntivo rows of richiesta `id` with the data already there (asking again when
/// `stale`: a richiesta just added is not among them).
fn open_righe(app: &mut App, from: &Lista, id: i64, stale: bool) {
    let mut l = Lista::new(from.scheda_id, view::RIGHE.to_vec(), app.page_len().max(1));
    l.data = from.data.clone();
    l.stale = stale;
    view::set_righe(&mut l, id);
    app.push(Screen::Richieste(State::Righe(Box::new(l), id)));
}

/// Opens the richiesta form (`r` with an id: an edit).
fn open_richiesta(app: &mut App, l: &Lista, r: Richiesta) -> Vec<Effect> {
    let Some((data, _)) = &l.data else {
        return Vec::new();
    };
    let today = app.today();
    let (title, specs) = app.config.form_def(forms::RICHIESTA);
    let title = format!("{title} · scheda n. {} · {}", data.numero, data.persona);
    let mut form = Form::new(forms::RICHIESTA, &title, specs);
    forms::fill_richiesta(&mut form, &r, &data.lists, today);
    let key = match r.id {
        Some(id) => format!("richiesta-{id}"),
        None => format!("nuova-{}", r.scheda_id),
    };
    let mut screen = FormScreen::new(form, key);
    screen.readonly = !data.can_edit;
    app.push_form(Screen::Richieste(State::Richiesta(
        Box::new(screen),
        Box::new(r),
    )))
}

/// Opens the consuntivo form of a row (`c` with an id: an edit).
fn open_riga(app: &mut App, l: &Lista, c: Consuntivo) -> Vec<Effect> {
    let Some((data, _)) = &l.data else {
        return Vec::new();
    };
    let today = app.today();
    let (title, specs) = app.config.form_def(forms::CONSUNTIVO);
    let title = format!("{title} · scheda n. {} · {}", data.numero, data.persona);
    let mut form = Form::new(forms::CONSUNTIVO, &title, specs);
    forms::fill_riga(&mut form, &c, &data.lists, today);
    let key = match c.id {
        Some(id) => format!("consuntivo-{id}"),
        None => format!("nuovo-{}", c.richiesta_id),
    };
    let mut screen = FormScreen::new(form, key);
    screen.readonly = !data.can_edit;
    app.push_form(Screen::Richieste(State::Riga(
        Box::new(screen),
        Box::new(c),
    )))
}

const READ_ONLY: &str = "Sola lettura: la scheda è di un altro operatore";

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    match &mut app.screen {
        Screen::Richieste(State::Lista(l)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let l = (**l).clone();
            let selected = l
                .table
                .selected_key()
                .and_then(|k| k.parse().ok())
                .and_then(|id| l.richiesta(id))
                .cloned();
            match (a, selected) {
                (Action::Open | Action::Confirm, Some(r)) => {
                    open_righe(app, &l, r.id.unwrap_or_default(), false);
                    Vec::new()
                }
                (Action::Edit, Some(r)) => open_richiesta(app, &l, r),
                (Action::NewRecord, _) if l.data.is_some() && !l.can_edit() => {
                    app.status = Some(READ_ONLY.into());
                    Vec::new()
                }
                (Action::NewRecord, _) => {
                    let r = Richiesta {
                        scheda_id: l.scheda_id,
                        ..Default::default()
                    };
                    open_richiesta(app, &l, r)
                }
                (Action::Delete, Some(r)) if l.can_edit() => {
                    let righe = r.consuntivo.len();
                    app.popup = Some(Popup::confirm(
                        format!("Eliminare la richiesta e le sue {righe} righe di consuntivo?"),
                        AppThen::Richieste(Then::DeleteRichiesta {
                            id: r.id.unwrap_or_default(),
                            version: r.version,
                        }),
                    ));
                    Vec::new()
                }
                (Action::Delete, Some(_)) => {
                    app.status = Some(READ_ONLY.into());
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        Screen::Richieste(State::Righe(l, richiesta_id)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let (l, richiesta_id) = ((**l).clone(), *richiesta_id);
            let Some(r) = l.richiesta(richiesta_id).cloned() else {
                return Vec::new();
            };
            let selected = l
                .table
                .selected_key()
                .and_then(|k| k.parse::<i64>().ok())
                .and_then(|id| r.consuntivo.iter().find(|c| c.id == Some(id)))
                .cloned();
            match (a, selected) {
                (Action::Open | Action::Confirm | Action::Edit, Some(c)) => open_riga(app, &l, c),
                (Action::NewRecord | Action::Delete, _) if !l.can_edit() => {
                    app.status = Some(READ_ONLY.into());
                    Vec::new()
                }
                (Action::NewRecord, _) => {
                    let c = Consuntivo {
                        richiesta_id,
                        operatori: 1,
                        ..Default::default()
                    };
                    open_riga(app, &l, c)
                }
                (Action::Delete, Some(c)) => {
                    app.popup = Some(Popup::confirm(
                        "Eliminare la riga di consuntivo?",
                        AppThen::Richieste(Then::DeleteRiga {
                            richiesta_id,
                            id: c.id.unwrap_or_default(),
                            version: c.version,
                        }),
                    ));
                    Vec::new()
                }
                _ => Vec::new(),
            }
        }
        Screen::Richieste(State::Richiesta(f, base))
            if matches!(a, Action::Save | Action::Confirm) =>
        {
            match save(f, &mut app.status, today, |form| {
                forms::read_richiesta(form, base, today)
            }) {
                Some(richiesta) => {
                    let req = Req::SaveRichiesta { actor, richiesta };
                    vec![app.io.request(Request::Richieste(req))]
                }
                None => Vec::new(),
            }
        }
        Screen::Richieste(State::Riga(f, base)) if matches!(a, Action::Save | Action::Confirm) => {
            match save(f, &mut app.status, today, |form| {
                forms::read_riga(form, base, today)
            }) {
                Some(riga) => {
                    let req = Req::SaveRiga { actor, riga };
                    vec![app.io.request(Request::Richieste(req))]
                }
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// The record typed in form `f`, to save (the form marked as saving), or why not: read-only, a
/// save in flight, a field to fix (the message in `status`).
fn save<T>(
    f: &mut FormScreen,
    status: &mut Option<String>,
    today: time::Date,
    read: impl FnOnce(&Form) -> Result<T, (String, String)>,
) -> Option<T> {
    if f.saving {
        return None;
    }
    if f.readonly {
        *status = Some(READ_ONLY.into());
        return None;
    }
    if f.form.validate(today).is_some() {
        *status = Some(MSG_FIX.into());
        return None;
    }
    match read(&f.form) {
        Err(e) => {
            f.refuse(&[e], status);
            None
        }
        Ok(record) => {
            f.saving = true;
            Some(record)
        }
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::Lista(scheda_id, result) => {
            if !current {
                return Vec::new();
            }
            for s in app.screens_mut() {
                match s {
                    Screen::Richieste(State::Lista(l)) if l.scheda_id == scheda_id => {
                        view::set_data(l, &result);
                        view::set_richieste(l);
                    }
                    Screen::Richieste(State::Righe(l, id)) if l.scheda_id == scheda_id => {
                        view::set_data(l, &result);
                        view::set_righe(l, *id);
                    }
                    _ => {}
                }
            }
            Vec::new()
        }
        Rep::SavedRichiesta(Ok((id, nuova))) => {
            let effects = app.form_saved(Ok(()), "Richiesta salvata");
            app.mark_lists_stale();
            if nuova && let Screen::Richieste(State::Lista(l)) = &app.screen {
                // A new richiesta: on to its consuntivo (the list asks again for both).
                let l = (**l).clone();
                open_righe(app, &l, id, true);
                app.status = Some("Richiesta salvata: Ctrl+N aggiunge il consuntivo".into());
            }
            effects
        }
        Rep::SavedRiga(Ok(())) => {
            let effects = app.form_saved(Ok(()), "Consuntivo salvato");
            app.mark_lists_stale();
            effects
        }
        Rep::SavedRichiesta(Err(e)) | Rep::SavedRiga(Err(e)) => app.form_saved(Err(e), ""),
        Rep::Deleted(Ok(done)) => {
            app.status = Some(done);
            app.mark_lists_stale();
            Vec::new()
        }
        Rep::Deleted(Err(e)) => {
            app.error_popup(e);
            app.mark_lists_stale();
            Vec::new()
        }
    }
}

pub fn then(app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let req = match then {
        Then::DeleteRichiesta { id, version } => Req::DeleteRichiesta { actor, id, version },
        Then::DeleteRiga {
            richiesta_id,
            id,
            version,
        } => Req::DeleteRiga {
            actor,
            richiesta_id,
            id,
            version,
        },
    };
    vec![app.io.request(Request::Richieste(req))]
}

/// Asks for the scheda's richieste when the list on screen is stale.
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let lists: Vec<String> = [forms::RICHIESTA, forms::CONSUNTIVO]
        .iter()
        .flat_map(|f| app.config.list_ids(f))
        .collect();
    match &mut app.screen {
        Screen::Richieste(State::Lista(l) | State::Righe(l, _)) if l.stale => {
            l.stale = false;
            let scheda_id = l.scheda_id;
            vec![app.io.query(Request::Richieste(Req::Lista {
                actor,
                scheda_id,
                lists,
            }))]
        }
        _ => Vec::new(),
    }
}
