//! The registry of the organisations of the territory (administration): the table of
//! organisations, the settori of one of them, their forms (`screens/organizzazione.toml`,
//! `screens/settore.toml`); and the punti di contatto of an ufficio (opened from the uffici of
//! [`crate::ui::admin`]) with their form (`screens/punto_contatto.toml`). A settore is saved with
//! its organisation and the whole list of its settori.

mod forms;
mod tables;

pub use tables::Registro;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::admin::Lista;
use super::app::{App, Effect, Request, Screen, ScreenState};
use super::keymap::Layer;
use super::popup::Answer;
use super::widgets::form_screen::{FormScreen, MSG_FIX};
use super::widgets::table::Table;
use crate::domain::organizzazione::{Organizzazione, PuntoContatto, etichetta};
use crate::domain::{Actor, Ufficio};
use crate::service::Service;

#[derive(Debug, Clone)]
pub enum State {
    Registro(Lista<Registro>),
    /// The settori of organisation `id` (the registry they come with).
    Settori(i64, Lista<Registro>),
    /// The form of an organisation (`None`: a new one).
    Organizzazione(Box<FormScreen>, Option<Box<Organizzazione>>),
    /// The form of a settore (`None`: a new one) of the organisation as read.
    Settore(Box<FormScreen>, Box<Organizzazione>, Option<i64>),
    /// The punti di contatto of an ufficio.
    Punti(Box<Ufficio>, Lista<Vec<PuntoContatto>>),
    /// The form of a punto di contatto (`None`: a new one) of ufficio `id`.
    Punto(Box<FormScreen>, i64, Option<PuntoContatto>),
}

impl Default for State {
    fn default() -> Self {
        State::Registro(tables::registro())
    }
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::Registro(_) => "organizzazioni",
            State::Settori(..) => "settori",
            State::Organizzazione(..) => "organizzazione",
            State::Settore(..) => "settore",
            State::Punti(..) => "punti_contatto",
            State::Punto(..) => "punto_contatto",
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::Registro(_) => "Organizzazioni del territorio",
            State::Settori(..) => "Settori",
            State::Organizzazione(..) => "Organizzazione",
            State::Settore(..) => "Settore",
            State::Punti(..) => "Punti di contatto",
            State::Punto(..) => "Punto di contatto",
        }
    }
    fn layer(&self) -> Layer {
        if self.form().is_some() {
            Layer::Form
        } else {
            Layer::List
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::Registro(_) | State::Settori(..) | State::Punti(..) => {
                Table::moves(a, true)
                    || matches!(
                        a,
                        Action::Open | Action::Edit | Action::Confirm | Action::NewRecord
                    )
            }
            _ => a != Action::Print,
        }
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::Organizzazione(f, _) | State::Settore(f, ..) | State::Punto(f, ..) => Some(f),
            _ => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::Organizzazione(f, _) | State::Settore(f, ..) | State::Punto(f, ..) => Some(f),
            _ => None,
        }
    }
    fn stale(&mut self) {
        match self {
            State::Registro(l) | State::Settori(_, l) => l.stale = true,
            State::Punti(_, l) => l.stale = true,
            _ => {}
        }
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        let view = crate::ui::view::draw_table;
        match self {
            State::Registro(l) => view(
                app,
                "Organizzazioni",
                l.data.is_some(),
                &l.error,
                &l.table,
                f,
                area,
            ),
            State::Settori(id, l) => {
                let nome = l
                    .data
                    .as_ref()
                    .and_then(|r| r.organizzazione(*id))
                    .map(|o| o.nome.as_str())
                    .unwrap_or_default();
                let title = format!("Settori · {nome}");
                view(app, &title, l.data.is_some(), &l.error, &l.table, f, area)
            }
            State::Punti(u, l) => view(
                app,
                &format!("Punti di contatto · {}", u.nome),
                l.data.is_some(),
                &l.error,
                &l.table,
                f,
                area,
            ),
            State::Organizzazione(s, _) | State::Settore(s, ..) | State::Punto(s, ..) => {
                crate::ui::view::draw_form(app, &s.form, f, area)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Registro {
        actor: Actor,
    },
    /// An organisation with all its settori.
    Save {
        actor: Actor,
        org: Box<Organizzazione>,
    },
    Punti {
        actor: Actor,
        ufficio: i64,
    },
    SavePunto {
        actor: Actor,
        punto: PuntoContatto,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    Registro(Result<Registro, String>),
    Punti(i64, Result<Vec<PuntoContatto>, String>),
    Saved(Result<i64, String>),
    /// A save refused by the registry's rules: their message, to put on its field.
    Refused(String),
}

/// The screens ask nothing back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::Registro { .. } | Req::Punti { .. })
    }
}

/// A save's answer: the refusals of the registry's rules apart.
fn saved_rep(result: crate::service::Result<i64>) -> Rep {
    match result {
        Err(crate::service::Error::Invalid(msg)) => Rep::Refused(msg),
        r => Rep::Saved(r.map_err(|e| e.to_string())),
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, _now_ms: i64) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::Registro { actor } => Rep::Registro(
            svc.organizzazioni(&actor)
                .and_then(|organizzazioni| {
                    let mut lists = svc.form_lists(&actor, [forms::TIPI], false)?;
                    let tipi = lists.remove(forms::TIPI).unwrap_or_default();
                    Ok(Registro {
                        organizzazioni,
                        tipi,
                    })
                })
                .map_err(err),
        ),
        Req::Save { actor, org } => saved_rep(svc.save_organizzazione(&actor, &org)),
        Req::Punti { actor, ufficio } => {
            Rep::Punti(ufficio, svc.punti_contatto(&actor, ufficio).map_err(err))
        }
        Req::SavePunto { actor, punto } => saved_rep(svc.save_punto_contatto(&actor, &punto)),
    }
}

/// Opens the registry from the menu.
pub fn open(app: &mut App) -> Vec<Effect> {
    let mut l = tables::registro();
    l.table.page = app.page_len();
    app.push(Screen::Organizzazioni(State::Registro(l)));
    Vec::new()
}

/// Opens the punti di contatto of ufficio `u` (from the uffici of an ente).
pub fn open_punti(app: &mut App, u: Ufficio) -> Vec<Effect> {
    let mut l = tables::punti();
    l.table.page = app.page_len();
    app.push(Screen::Organizzazioni(State::Punti(Box::new(u), l)));
    Vec::new()
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let page = app.page_len();
    match &mut app.screen {
        Screen::Organizzazioni(State::Registro(l)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let Some(r) = l.data.clone() else {
                return Vec::new();
            };
            let chosen = l
                .table
                .selected_key()
                .and_then(|k| k.parse().ok())
                .and_then(|id| r.organizzazione(id))
                .cloned();
            match (a, chosen) {
                (Action::Open | Action::Confirm, Some(o)) => {
                    let mut s = tables::settori();
                    s.table.page = page;
                    tables::fill_settori(&mut s, o.id, r);
                    app.push(Screen::Organizzazioni(State::Settori(o.id, s)));
                    Vec::new()
                }
                (Action::Edit, Some(o)) => organizzazione_form(app, &r, Some(o)),
                (Action::NewRecord, _) => organizzazione_form(app, &r, None),
                _ => Vec::new(),
            }
        }
        Screen::Organizzazioni(State::Settori(id, l)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let Some(o) = l.data.as_ref().and_then(|r| r.organizzazione(*id)).cloned() else {
                return Vec::new();
            };
            let chosen = l.table.selected_key().and_then(|k| k.parse().ok());
            match (a, chosen) {
                (Action::Open | Action::Confirm | Action::Edit, Some(s)) => {
                    settore_form(app, o, Some(s))
                }
                (Action::NewRecord, _) => settore_form(app, o, None),
                _ => Vec::new(),
            }
        }
        Screen::Organizzazioni(State::Punti(u, l)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let Some(punti) = &l.data else {
                return Vec::new();
            };
            let chosen = l
                .table
                .selected_key()
                .and_then(|k| punti.iter().find(|p| p.id.to_string() == k))
                .cloned();
            let ufficio = u.id;
            match (a, chosen) {
                (Action::Open | Action::Confirm | Action::Edit, Some(p)) => {
                    punto_form(app, ufficio, Some(p))
                }
                (Action::NewRecord, _) => punto_form(app, ufficio, None),
                _ => Vec::new(),
            }
        }
        _ if matches!(a, Action::Save | Action::Confirm) => save(app),
        _ => Vec::new(),
    }
}

/// Reads the form on screen and sends it to be saved; a problem the checks find is marked on its
/// field.
fn save(app: &mut App) -> Vec<Effect> {
    let today = app.today();
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let Screen::Organizzazioni(state) = &mut app.screen else {
        return Vec::new();
    };
    let Some(f) = state.form_mut() else {
        return Vec::new();
    };
    if f.saving {
        return Vec::new();
    }
    if f.form.validate(today).is_some() {
        app.status = Some(MSG_FIX.into());
        return Vec::new();
    }
    let org = |o| Req::Save {
        actor: actor.clone(),
        org: Box::new(o),
    };
    let req = match &*state {
        State::Organizzazione(f, existing) => {
            forms::organizzazione(&f.form, existing.as_deref()).map(org)
        }
        State::Settore(f, o, id) => forms::con_settore(&f.form, o, *id).map(org),
        State::Punto(f, ufficio, existing) => Ok(Req::SavePunto {
            actor: actor.clone(),
            punto: forms::punto(&f.form, *ufficio, existing.as_ref()),
        }),
        _ => return Vec::new(),
    };
    match req {
        Err((field, msg)) => refused(app, &field, msg),
        Ok(req) => {
            if let Some(f) = app.screen.state_mut().form_mut() {
                f.saving = true;
            }
            vec![app.io.query(Request::Organizzazioni(req))]
        }
    }
}

/// A save refused with `msg`: on field `field` of the form on screen when it has one, else in a
/// message; what was typed stays.
fn refused(app: &mut App, field: &str, msg: String) -> Vec<Effect> {
    let Some(f) = app.screen.state_mut().form_mut() else {
        return Vec::new();
    };
    f.saving = false;
    if f.form.field(field).is_some() {
        f.refuse(&[(field.to_string(), msg)], &mut app.status);
        Vec::new()
    } else {
        app.form_saved(Err(msg), "")
    }
}

fn organizzazione_form(app: &mut App, r: &Registro, o: Option<Organizzazione>) -> Vec<Effect> {
    let (title, specs) = app.config.form_def(forms::ORGANIZZAZIONE);
    let title = match &o {
        Some(o) => format!("{title}: {}", o.nome),
        None => format!("{title}: nuova"),
    };
    let form = forms::organizzazione_form(&title, specs, &r.tipi, o.as_ref());
    let key = o.as_ref().map(|o| o.id.to_string()).unwrap_or_default();
    let screen = FormScreen::new(form, key);
    app.push_form(Screen::Organizzazioni(State::Organizzazione(
        Box::new(screen),
        o.map(Box::new),
    )))
}

/// The form of settore `id` of `o` (`None`: a new one).
fn settore_form(app: &mut App, o: Organizzazione, id: Option<i64>) -> Vec<Effect> {
    let (title, specs) = app.config.form_def(forms::SETTORE);
    let s = id.and_then(|id| o.settori.iter().find(|s| s.id == id));
    let title = match s {
        Some(s) => format!("{title} {}: {}", s.codice, etichetta(&o, s)),
        None => format!("{title}: nuovo · {}", o.nome),
    };
    let form = forms::settore_form(&title, specs, s);
    let key = match id {
        Some(id) => id.to_string(),
        None => format!("nuovo-{}", o.id),
    };
    let screen = FormScreen::new(form, key);
    app.push_form(Screen::Organizzazioni(State::Settore(
        Box::new(screen),
        Box::new(o),
        id,
    )))
}

fn punto_form(app: &mut App, ufficio: i64, p: Option<PuntoContatto>) -> Vec<Effect> {
    let (title, specs) = app.config.form_def(forms::PUNTO);
    let title = match &p {
        Some(p) => format!("{title}: {}", p.nome),
        None => format!("{title}: nuovo"),
    };
    let form = forms::punto_form(&title, specs, p.as_ref());
    let key = match &p {
        Some(p) => p.id.to_string(),
        None => format!("nuovo-{ufficio}"),
    };
    let screen = FormScreen::new(form, key);
    app.push_form(Screen::Organizzazioni(State::Punto(
        Box::new(screen),
        ufficio,
        p,
    )))
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    if !current {
        return Vec::new();
    }
    match rep {
        Rep::Registro(result) => {
            match &mut app.screen {
                Screen::Organizzazioni(State::Registro(l)) => match result {
                    Ok(r) => tables::fill_registro(l, r),
                    Err(e) => l.error = Some(e),
                },
                Screen::Organizzazioni(State::Settori(id, l)) => match result {
                    Ok(r) => tables::fill_settori(l, *id, r),
                    Err(e) => l.error = Some(e),
                },
                _ => {}
            }
            Vec::new()
        }
        Rep::Punti(ufficio, result) => {
            if let Screen::Organizzazioni(State::Punti(u, l)) = &mut app.screen
                && u.id == ufficio
            {
                match result {
                    Ok(p) => tables::fill_punti(l, p),
                    Err(e) => l.error = Some(e),
                }
            }
            Vec::new()
        }
        Rep::Saved(result) => saved(app, result),
        Rep::Refused(msg) => {
            let settore = matches!(app.screen, Screen::Organizzazioni(State::Settore(..)));
            let field = forms::campo(&msg, settore).unwrap_or_default();
            refused(app, field, msg)
        }
    }
}

/// A save finished: the form closes and every list asks again. On an error (a conflict) what was
/// typed stays, in the draft too, and the lists below reload the stored records.
fn saved(app: &mut App, result: Result<i64, String>) -> Vec<Effect> {
    let done = match &app.screen {
        Screen::Organizzazioni(State::Organizzazione(..)) => "Organizzazione salvata",
        Screen::Organizzazioni(State::Settore(..)) => "Settore salvato",
        Screen::Organizzazioni(State::Punto(..)) => "Punto di contatto salvato",
        _ => return Vec::new(),
    };
    let effects = app.form_saved(result.map(|_| ()), done);
    app.mark_lists_stale();
    effects
}

pub fn then(_app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    match then {}
}

/// Asks for the registry or the punti di contatto when their table is stale (opened, or a record
/// was saved).
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let req = match &mut app.screen {
        Screen::Organizzazioni(State::Registro(l) | State::Settori(_, l)) if l.stale => {
            l.stale = false;
            Req::Registro { actor }
        }
        Screen::Organizzazioni(State::Punti(u, l)) if l.stale => {
            l.stale = false;
            Req::Punti {
                actor,
                ufficio: u.id,
            }
        }
        _ => return Vec::new(),
    };
    vec![app.io.query(Request::Organizzazioni(req))]
}
