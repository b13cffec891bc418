//! The code-list screens (admin): the lists, the codes of one list, and the code form
//! (`screens/codice.toml`): relabel, disable or enable a code (codes are never deleted).

mod tables;

pub use tables::{CodiciState, ListeState};

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState};
use super::keymap::Layer;
use super::popup::Answer;
use super::widgets::form::{FieldSpec, Form};
use super::widgets::form_screen::{FormScreen, MSG_FIX};
use super::widgets::table::Table;
use crate::domain::Actor;
use crate::domain::codici::Codice;
use crate::service::Service;

pub const FORM_ID: &str = "codice";

#[derive(Debug, Clone)]
pub enum State {
    Liste(ListeState),
    Codici(CodiciState),
    Form(Box<FormScreen>, Codice),
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::Liste(_) => "liste",
            State::Codici(_) => "codici",
            State::Form(..) => "codice",
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::Liste(_) | State::Codici(_) => "Liste di codici",
            State::Form(..) => "Voce di una lista di codici",
        }
    }
    fn layer(&self) -> Layer {
        match self {
            State::Form(..) => Layer::Form,
            _ => Layer::List,
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::Liste(_) => {
                Table::moves(a, false) || matches!(a, Action::Open | Action::Confirm)
            }
            State::Codici(_) => {
                Table::moves(a, true) || matches!(a, Action::Open | Action::Edit | Action::Confirm)
            }
            State::Form(..) => a != Action::Print,
        }
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::Form(f, _) => Some(f),
            _ => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::Form(f, _) => Some(f),
            _ => None,
        }
    }
    fn stale(&mut self) {
        match self {
            State::Liste(l) => l.stale = true,
            State::Codici(c) => c.stale = true,
            State::Form(..) => {}
        }
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        use crate::ui::view::{draw_form, draw_table};
        match self {
            State::Liste(l) => draw_table(
                app,
                "Liste di codici",
                l.loaded,
                &l.error,
                &l.table,
                f,
                area,
            ),
            State::Codici(c) => draw_table(
                app,
                &format!("Lista «{}»", c.lista),
                c.codes.is_some(),
                &c.error,
                &c.table,
                f,
                area,
            ),
            State::Form(s, _) => draw_form(app, &s.form, f, area),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Lists {
        actor: Actor,
    },
    Codes {
        actor: Actor,
        lista: String,
    },
    Save {
        actor: Actor,
        code: Codice,
        etichetta: String,
        attivo: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    Lists(Result<Vec<(String, i64)>, String>),
    Codes(Result<Vec<Codice>, String>),
    Saved(Result<i64, String>),
}

/// The code-list screens ask nothing back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {}

impl Req {
    pub fn replaceable(&self) -> bool {
        !matches!(self, Req::Save { .. })
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, _now_ms: i64) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::Lists { actor } => Rep::Lists(svc.code_lists(&actor).map_err(err)),
        Req::Codes { actor, lista } => Rep::Codes(svc.codes(&actor, &lista).map_err(err)),
        Req::Save {
            actor,
            code,
            etichetta,
            attivo,
        } => Rep::Saved(
            svc.update_code(&actor, &code, &etichetta, attivo)
                .map_err(err),
        ),
    }
}

/// Opens the lists from the menu.
pub fn open(app: &mut App) -> Vec<Effect> {
    let mut l = ListeState::default();
    l.table.page = app.page_len();
    app.push(Screen::Codici(State::Liste(l)));
    Vec::new()
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let page = app.page_len();
    match &mut app.screen {
        Screen::Codici(State::Liste(l)) => {
            if l.table.navigate(a, false) {
                return Vec::new();
            }
            if let (Action::Open | Action::Confirm, Some(lista)) = (a, l.table.selected_key()) {
                let mut state = CodiciState::new(lista);
                state.table.page = page;
                app.push(Screen::Codici(State::Codici(state)));
            }
            Vec::new()
        }
        Screen::Codici(State::Codici(c)) => {
            if c.table.navigate(a, true) {
                return Vec::new();
            }
            if !matches!(a, Action::Open | Action::Edit | Action::Confirm) {
                return Vec::new();
            }
            let Some(code) = c.selected().cloned() else {
                return Vec::new();
            };
            let (title, specs) = app.config.form_def(FORM_ID);
            let form = new_form(&title, specs, &code);
            let screen = FormScreen::new(form, code.id.to_string());
            app.push_form(Screen::Codici(State::Form(Box::new(screen), code)))
        }
        Screen::Codici(State::Form(f, code)) => {
            if !matches!(a, Action::Save | Action::Confirm) || f.saving {
                return Vec::new();
            }
            let Some(actor) = app.session.as_ref().map(|s| s.actor.clone()) else {
                return Vec::new();
            };
            if f.form
                .validate(crate::domain::date::today_at_ms(app.now_ms))
                .is_some()
            {
                app.status = Some(MSG_FIX.into());
                return Vec::new();
            }
            f.saving = true;
            let req = Req::Save {
                actor,
                code: code.clone(),
                etichetta: f.form.value("etichetta").trim().to_string(),
                attivo: f.form.value("attivo") == "true",
            };
            vec![app.io.query(Request::Codici(req))]
        }
        _ => Vec::new(),
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    if !current {
        return Vec::new();
    }
    match rep {
        Rep::Lists(result) => {
            if let Screen::Codici(State::Liste(l)) = &mut app.screen {
                match result {
                    Ok(d) => l.set_data(d),
                    Err(e) => l.error = Some(e),
                }
            }
        }
        Rep::Codes(result) => {
            if let Screen::Codici(State::Codici(c)) = &mut app.screen {
                match result {
                    Ok(d) => c.set_data(d),
                    Err(e) => c.error = Some(e),
                }
            }
        }
        Rep::Saved(result) => return app.form_saved(result.map(|_| ()), "Voce salvata"),
    }
    Vec::new()
}

pub fn then(_app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    match then {}
}

/// Asks for the lists or the codes when they are stale (opened, or a code was saved).
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let req = match &mut app.screen {
        Screen::Codici(State::Liste(l)) if l.stale => {
            l.stale = false;
            Req::Lists { actor }
        }
        Screen::Codici(State::Codici(c)) if c.stale => {
            c.stale = false;
            Req::Codes {
                actor,
                lista: c.lista.clone(),
            }
        }
        _ => return Vec::new(),
    };
    vec![app.io.query(Request::Codici(req))]
}

/// The form for one code.
pub fn new_form(title: &str, specs: Vec<FieldSpec>, code: &Codice) -> Form {
    let mut form = Form::new(
        FORM_ID,
        &format!("{title}: {} · {}", code.lista, code.codice),
        specs,
    );
    form.set("etichetta", &code.etichetta);
    form.set("attivo", if code.attivo { "true" } else { "false" });
    form.changed_at = None;
    form
}
