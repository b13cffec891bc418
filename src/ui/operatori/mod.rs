//! Operators and roles (admin): the table of accounts and the operator form
//! (`screens/operatore.toml`).

mod form;
mod list;

pub use form::FORM_ID;
pub use list::OperatoriState;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState};
use super::keymap::Layer;
use super::popup::Answer;
use super::widgets::form_screen::{FormScreen, MSG_FIX};
use super::widgets::table::Table;
use crate::domain::{Actor, Operatore};
use crate::service::Service;
use crate::service::organisation::{OperatoreEdit, OperatoriData};

#[derive(Debug, Clone)]
pub enum State {
    List(OperatoriState),
    /// The form of an account (`None`: a new one).
    Form(Box<FormScreen>, Option<Operatore>),
}

impl Default for State {
    fn default() -> Self {
        State::List(OperatoriState::default())
    }
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::List(_) => "operatori",
            State::Form(..) => "operatore",
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::List(_) => "Operatori e ruoli",
            State::Form(..) => "Operatore",
        }
    }
    fn layer(&self) -> Layer {
        match self {
            State::List(_) => Layer::List,
            State::Form(..) => Layer::Form,
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::List(_) => {
                Table::moves(a, true)
                    || matches!(
                        a,
                        Action::Open | Action::Edit | Action::Confirm | Action::NewRecord
                    )
            }
            State::Form(..) => a != Action::Print,
        }
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::Form(f, _) => Some(f),
            State::List(_) => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::Form(f, _) => Some(f),
            State::List(_) => None,
        }
    }
    fn stale(&mut self) {
        if let State::List(o) = self {
            o.stale = true;
        }
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        match self {
            State::List(o) => crate::ui::view::draw_table(
                app,
                "Operatori",
                o.data.is_some(),
                &o.error,
                &o.table,
                f,
                area,
            ),
            State::Form(s, _) => crate::ui::view::draw_form(app, &s.form, f, area),
        }
    }
}

/// Requests move at human pace: boxing the large variant buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    List { actor: Actor },
    Save { actor: Actor, op: OperatoreEdit },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    List(Result<OperatoriData, String>),
    Saved(Result<i64, String>),
}

/// The accounts screen asks nothing back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::List { .. })
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, _now_ms: i64) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::List { actor } => Rep::List(svc.operatori_data(&actor).map_err(err)),
        Req::Save { actor, op } => Rep::Saved(svc.save_operatore(&actor, op).map_err(err)),
    }
}

/// Opens the accounts table from the menu.
pub fn open(app: &mut App) -> Vec<Effect> {
    let mut o = OperatoriState::default();
    o.table.page = app.page_len();
    app.push(Screen::Operatori(State::List(o)));
    Vec::new()
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let today = app.today();
    match &mut app.screen {
        Screen::Operatori(State::List(o)) => {
            if o.table.navigate(a, true) {
                return Vec::new();
            }
            let existing = match a {
                Action::Open | Action::Edit | Action::Confirm => match o.selected() {
                    Some(op) => Some(op.clone()),
                    None => return Vec::new(),
                },
                Action::NewRecord => None,
                _ => return Vec::new(),
            };
            let Some(data) = o.data.clone() else {
                return Vec::new();
            };
            let (title, specs) = app.config.form_def(FORM_ID);
            let title = match &existing {
                Some(op) => format!("{title}: {}", op.username),
                None => format!("{title}: nuovo"),
            };
            let form = form::new_form(&title, specs, &data, existing.as_ref(), today);
            let key = existing
                .as_ref()
                .map(|o| o.id.to_string())
                .unwrap_or_default();
            let screen = FormScreen::new(form, key);
            app.push_form(Screen::Operatori(State::Form(Box::new(screen), existing)))
        }
        Screen::Operatori(State::Form(f, existing)) => {
            if !matches!(a, Action::Save | Action::Confirm) || f.saving {
                return Vec::new();
            }
            let Some(actor) = app.session.as_ref().map(|s| s.actor.clone()) else {
                return Vec::new();
            };
            if f.form.validate(today).is_some() {
                app.status = Some(MSG_FIX.into());
                return Vec::new();
            }
            match form::to_edit(&f.form, existing, today) {
                Err(e) => {
                    f.refuse(&[e], &mut app.status);
                    Vec::new()
                }
                Ok(op) => {
                    f.saving = true;
                    vec![app.io.query(Request::Operatori(Req::Save { actor, op }))]
                }
            }
        }
        _ => Vec::new(),
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    if !current {
        return Vec::new();
    }
    match rep {
        Rep::List(result) => {
            if let Screen::Operatori(State::List(o)) = &mut app.screen {
                match result {
                    Ok(d) => o.set_data(d),
                    Err(e) => o.error = Some(e),
                }
            }
            Vec::new()
        }
        Rep::Saved(result) => app.form_saved(result.map(|_| ()), "Operatore salvato"),
    }
}

pub fn then(_app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    match then {}
}

/// Asks for the accounts when the table is stale (opened, or an account was saved).
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    match &mut app.screen {
        Screen::Operatori(State::List(o)) if o.stale => {
            o.stale = false;
            vec![app.io.query(Request::Operatori(Req::List { actor }))]
        }
        _ => Vec::new(),
    }
}
