//! The monthly report "attività dello sportello" from the menu (responsabile, amministrativo): a
//! form with the month (last month proposed), an office of the session's ente (the operator's
//! proposed) and the format; Ctrl+S writes the file to the office's folder like the other exports
//! and says where it is. The form stays for another month or office.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState};
use super::keymap::Layer;
use super::popup::Answer;
use super::theme::Area;
use super::widgets::form::Form;
use super::widgets::form_screen::{FormScreen, MSG_FIX};
use crate::domain::Actor;
use crate::domain::rapporto::Mese;
use crate::export::Format;
use crate::print::office::{Delivered, Outputs};
use crate::service::Service;

const FORM_ID: &str = "rapporto_sportello";
const FORMATI: [Format; 2] = [Format::Xlsx, Format::Pdf];

#[derive(Debug, Clone)]
pub enum State {
    Form(Box<FormScreen>),
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        FORM_ID
    }
    fn title(&self) -> &'static str {
        "Rapporto attività dello sportello"
    }
    fn area(&self) -> Area {
        Area::Accoglienza
    }
    fn layer(&self) -> Layer {
        Layer::Form
    }
    fn offers(&self, a: Action) -> bool {
        a != Action::Print
    }
    fn form(&self) -> Option<&FormScreen> {
        let State::Form(f) = self;
        Some(f)
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        let State::Form(f) = self;
        Some(f)
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        let State::Form(s) = self;
        crate::ui::view::draw_form(app, &s.form, f, area)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    /// The offices of the session's ente.
    Uffici { actor: Actor },
    Esporta {
        actor: Actor,
        ufficio: i64,
        mese: Mese,
        format: Format,
        outputs: Outputs,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    /// (id, name) of the offices.
    Uffici(Result<Vec<(String, String)>, String>),
    Document(Result<Delivered, String>),
}

/// The form asks nothing back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::Uffici { .. })
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    match req {
        Req::Uffici { actor } => Rep::Uffici(
            crate::service::ente_of(&actor)
                .and_then(|ente| svc.uffici_di(&actor, ente))
                .map(|u| {
                    u.into_iter()
                        .map(|(u, _)| (u.id.to_string(), u.nome))
                        .collect()
                })
                .map_err(|e| e.to_string()),
        ),
        Req::Esporta {
            actor,
            ufficio,
            mese,
            format,
            outputs,
        } => {
            let stem = format!("attivita-sportello-{}", mese.codice());
            Rep::Document(svc.deliver(
                &actor,
                &outputs,
                (&stem, format.extension()),
                now_ms,
                |svc, out, at| {
                    svc.export_rapporto_sportello(&actor, (ufficio, mese), format, out, at)
                },
            ))
        }
    }
}

/// Opens the form from the menu (it shows once the offices arrive).
pub fn open(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    vec![app.io.query(Request::Rapporti(Req::Uffici { actor }))]
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    let outputs = app.config.outputs();
    let Screen::Rapporti(State::Form(f)) = &mut app.screen else {
        return Vec::new();
    };
    if !matches!(a, Action::Save | Action::Confirm) {
        return Vec::new();
    }
    if f.form.validate(today).is_some() {
        app.status = Some(MSG_FIX.into());
        return Vec::new();
    }
    let mese = match Mese::parse(&f.form.value("mese")) {
        Ok(m) => m,
        Err(e) => {
            let mut msg = e;
            if let Some(c) = msg.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            f.refuse(&[("mese".into(), msg)], &mut app.status);
            return Vec::new();
        }
    };
    let (Ok(ufficio), Some(format)) = (
        f.form.value("ufficio").parse::<i64>(),
        FORMATI
            .iter()
            .copied()
            .find(|x| x.extension() == f.form.value("formato")),
    ) else {
        return Vec::new();
    };
    f.form.changed_at = None;
    app.status = Some("Preparazione del rapporto…".into());
    vec![app.io.request(Request::Rapporti(Req::Esporta {
        actor,
        ufficio,
        mese,
        format,
        outputs,
    }))]
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::Uffici(Ok(uffici)) if current => {
            let (title, specs) = app.config.form_def(FORM_ID);
            let mut form = Form::new(FORM_ID, &title, specs);
            let ufficio = app
                .actor()
                .and_then(|a| a.ufficio_id)
                .map(|u| u.to_string())
                .filter(|u| uffici.iter().any(|(id, _)| id == u))
                .or_else(|| uffici.first().map(|(id, _)| id.clone()))
                .unwrap_or_default();
            form.code_lists.insert("uffici".into(), uffici);
            form.code_lists.insert(
                "formato_rapporto".into(),
                FORMATI
                    .iter()
                    .map(|f| (f.extension().to_string(), f.extension().to_uppercase()))
                    .collect(),
            );
            let mese = Mese::of(app.today()).precedente();
            form.set("mese", &format!("{:02}/{}", mese.mese, mese.anno));
            form.set("ufficio", &ufficio);
            form.set("formato", "xlsx");
            form.changed_at = None;
            let screen = FormScreen::new(form, "");
            app.push_form(Screen::Rapporti(State::Form(Box::new(screen))))
        }
        Rep::Uffici(Err(e)) if current => {
            app.error_popup(e);
            Vec::new()
        }
        Rep::Document(result) => super::popup::document_done(app, result),
        Rep::Uffici(_) => Vec::new(),
    }
}

pub fn then(_app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    match then {}
}

pub fn refresh(_app: &mut App) -> Vec<Effect> {
    Vec::new()
}
