//! The documents attached to a scheda (Ctrl+A / F7 from the scheda form): their list; Ctrl+N opens the
//! form of a new one (a file on the server imported with the rules of a case's documents,
//! `screens/documento.toml`); Enter copies the selected document's file into the ufficio's output
//! folder. Another ente's scheda never gets here (the service answers "not found").

mod calls;
mod view;

pub use calls::{Rep, Req, execute};

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState};
use super::keymap::Layer;
use super::popup::Answer;
use super::theme::Area;
use super::widgets::form::Form;
use super::widgets::form_screen::{FormScreen, MSG_FIX};
use super::widgets::table::Table;
use crate::domain::caso::DocumentoScheda;
use crate::service::casi_documenti::NuovoDocumento;

/// The form of a new document.
const FORM: &str = "documento";

#[derive(Debug, Clone)]
pub enum State {
    /// The documents of a scheda.
    Lista(Box<Lista>),
    /// The form of a new document of scheda `.1`.
    Nuovo(Box<FormScreen>, i64),
}

/// The documents of a scheda as the service sent them, shown as a table.
#[derive(Debug, Clone)]
pub struct Lista {
    pub scheda_id: i64,
    pub table: Table,
    pub rows: Option<Vec<DocumentoScheda>>,
    pub error: Option<String>,
    pub stale: bool,
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::Lista(_) => "documenti_scheda",
            State::Nuovo(..) => FORM,
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::Lista(_) => "Documenti della scheda",
            State::Nuovo(..) => "Nuovo documento della scheda",
        }
    }
    fn area(&self) -> Area {
        Area::Accoglienza
    }
    fn layer(&self) -> Layer {
        match self {
            State::Lista(_) => Layer::List,
            State::Nuovo(..) => Layer::Form,
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::Lista(_) => {
                Table::moves(a, true)
                    || matches!(a, Action::Open | Action::Confirm | Action::NewRecord)
            }
            State::Nuovo(..) => a != Action::Print,
        }
    }
    fn form(&self) -> Option<&FormScreen> {
        match self {
            State::Nuovo(f, _) => Some(f),
            State::Lista(_) => None,
        }
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        match self {
            State::Nuovo(f, _) => Some(f),
            State::Lista(_) => None,
        }
    }
    fn stale(&mut self) {
        if let State::Lista(l) = self {
            l.stale = true;
        }
    }
    fn on_return(&mut self) {
        self.stale();
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        match self {
            State::Lista(l) => view::lista(app, l, f, area),
            State::Nuovo(s, _) => crate::ui::view::draw_form(app, &s.form, f, area),
        }
    }
}

/// No popups continue here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {}

/// Opens the documents of scheda `scheda_id` (from the scheda form).
pub fn open(app: &mut App, scheda_id: i64) -> Vec<Effect> {
    let mut table = Table::new(view::COLUMNS.to_vec());
    table.page = app.page_len().saturating_sub(2).max(1);
    app.push(Screen::Allegati(State::Lista(Box::new(Lista {
        scheda_id,
        table,
        rows: None,
        error: None,
        stale: true,
    }))));
    Vec::new()
}

/// The form of a new document of scheda `scheda_id`: today, kind «altro», not private.
fn open_form(app: &mut App, scheda_id: i64) -> Vec<Effect> {
    let (title, specs) = app.config.form_def(FORM);
    let title = format!("{title} · scheda {scheda_id}");
    let mut form = Form::new(FORM, &title, specs);
    let tipi = super::casi::forms::TIPI_DOCUMENTO;
    form.code_lists.insert(
        "tipo_documento".into(),
        tipi.iter()
            .map(|(c, l)| (c.to_string(), l.to_string()))
            .collect(),
    );
    form.set("tipo", "altro");
    form.set("data", &crate::forms::fields::format_date(app.today()));
    form.set("privato", "false");
    form.changed_at = None;
    let screen = FormScreen::new(form, format!("documento-scheda-{scheda_id}"));
    app.push_form(Screen::Allegati(State::Nuovo(Box::new(screen), scheda_id)))
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let today = app.today();
    match &mut app.screen {
        Screen::Allegati(State::Lista(l)) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let scheda_id = l.scheda_id;
            let selected = l
                .table
                .selected_key()
                .and_then(|k| k.parse::<i64>().ok())
                .and_then(|id| l.rows.iter().flatten().find(|d| d.documento.id == Some(id)))
                .cloned();
            match (a, selected) {
                (Action::NewRecord, _) => open_form(app, scheda_id),
                (Action::Open | Action::Confirm, Some(d)) => {
                    // The extension of the imported file, if it is a plain one.
                    let ext = std::path::Path::new(&d.documento.nome_file)
                        .extension()
                        .and_then(|e| e.to_str())
                        .filter(|e| e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
                        .map_or_else(|| "bin".to_string(), str::to_ascii_lowercase);
                    app.status = Some("Copia del documento in corso…".into());
                    vec![app.io.request(Request::Allegati(Req::Copia {
                        actor,
                        archivio: app.config.archivio.clone(),
                        id: d.documento.id.unwrap_or_default(),
                        ext,
                        outputs: app.config.outputs(),
                    }))]
                }
                _ => Vec::new(),
            }
        }
        Screen::Allegati(State::Nuovo(f, scheda_id))
            if matches!(a, Action::Save | Action::Confirm) =>
        {
            if f.saving {
                return Vec::new();
            }
            if f.form.validate(today).is_some() {
                app.status = Some(MSG_FIX.into());
                return Vec::new();
            }
            let data = match f.form.date_iso("data", today) {
                Ok(d) => d.unwrap_or_default(),
                Err(e) => {
                    f.refuse(&[e], &mut app.status);
                    return Vec::new();
                }
            };
            let nuovo = NuovoDocumento {
                caso_id: 0,
                titolo: f.form.value("titolo"),
                tipo: f.form.value("tipo"),
                data,
                privato: f.form.value("privato") == "true",
            };
            f.saving = true;
            let req = Req::Aggiungi {
                actor,
                archivio: app.config.archivio.clone(),
                scheda_id: *scheda_id,
                nuovo,
                file: std::path::PathBuf::from(f.form.value("file").trim()),
            };
            vec![app.io.request(Request::Allegati(req))]
        }
        _ => Vec::new(),
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::Lista(scheda_id, result) => {
            if !current {
                return Vec::new();
            }
            for s in app.screens_mut() {
                if let Screen::Allegati(State::Lista(l)) = s
                    && l.scheda_id == scheda_id
                {
                    view::set_rows(l, &result);
                }
            }
            Vec::new()
        }
        Rep::Aggiunto(result) => {
            let effects = app.form_saved(result, "Documento aggiunto alla scheda");
            app.mark_lists_stale();
            effects
        }
        Rep::Copia(result) => super::popup::document_done(app, result),
    }
}

pub fn then(_app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    match then {}
}

/// Asks for the scheda's documents when the list on screen is stale.
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    match &mut app.screen {
        Screen::Allegati(State::Lista(l)) if l.stale => {
            l.stale = false;
            let scheda_id = l.scheda_id;
            vec![
                app.io
                    .query(Request::Allegati(Req::Lista { actor, scheda_id })),
            ]
        }
        _ => Vec::new(),
    }
}
