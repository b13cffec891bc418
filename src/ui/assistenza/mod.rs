//! Assistenza (helpdesk): the session recordings and crash reports of the helpdesk's enti, the
//! recordings requested for an operator's next login. Enter on a recording opens it in the replay
//! viewer ([`crate::record::viewer`], drawn inside the app's frame); Enter on a crash report shows
//! its sanitised text. Every opening goes through the service, which audits it.

mod view;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState};
use super::keymap::Layer;
use super::popup::{Answer, Popup};
use super::widgets::table::Table;
use super::widgets::text_input::TextInput;
use crate::crash::Summary;
use crate::domain::Actor;
use crate::record::viewer::Viewer;
use crate::record::{Entry, Header};
use crate::sanitize::sanitize;
use crate::service::Service;
use crate::service::helpdesk::RichiestaRegistrazione;
use crate::service::helpdesk::{DEFAULT_REQUEST_DAYS, RecordingInfo};

/// The lists of the module, in menu order.
pub const LISTS: [&str; 3] = [
    "Registrazioni delle sessioni",
    "Segnalazioni di errore",
    "Richieste di registrazione",
];

/// One list of the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// Index into [`LISTS`].
    pub kind: usize,
    pub table: Table,
    pub loaded: bool,
    pub error: Option<String>,
    pub stale: bool,
}

/// A crash report on show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: String,
    pub lines: Vec<String>,
    pub top: usize,
}

#[derive(Debug, Clone)]
pub enum State {
    Menu(usize),
    List(List),
    Report(Report),
    Viewer(Box<Viewer>),
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        match self {
            State::Menu(_) => "assistenza",
            State::List(_) => "assistenza_elenco",
            State::Report(_) => "segnalazione_errore",
            State::Viewer(_) => "replica",
        }
    }
    fn title(&self) -> &'static str {
        match self {
            State::Menu(_) => "Assistenza",
            State::List(l) => LISTS[l.kind],
            State::Report(_) => "Segnalazione di errore",
            State::Viewer(_) => "Replica della sessione",
        }
    }
    fn layer(&self) -> Layer {
        match self {
            State::Menu(_) => Layer::Home,
            State::List(_) | State::Report(_) => Layer::List,
            State::Viewer(_) => Layer::Replay,
        }
    }
    fn offers(&self, a: Action) -> bool {
        match self {
            State::Menu(_) => matches!(a, Action::Open | Action::FieldUp | Action::FieldDown),
            State::List(l) => {
                Table::moves(a, true)
                    || matches!(
                        (l.kind, a),
                        (0 | 1, Action::Open) | (0 | 2, Action::NewRecord)
                    )
                    || (l.kind == 2 && a == Action::Delete)
            }
            State::Report(_) => matches!(
                a,
                Action::FieldUp | Action::FieldDown | Action::NextPage | Action::PrevPage
            ),
            State::Viewer(_) => a != Action::Confirm,
        }
    }
    fn text_mut(&mut self) -> Option<&mut TextInput> {
        match self {
            State::Viewer(v) => v.goto.as_mut(),
            _ => None,
        }
    }
    fn text_focus(&self) -> bool {
        matches!(self, State::Viewer(v) if v.goto.is_some())
    }
    fn stale(&mut self) {
        if let State::List(l) = self {
            l.stale = true;
        }
    }
    fn on_return(&mut self) {
        self.stale();
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        match self {
            State::Menu(selected) => view::draw_menu(app, *selected, f, area),
            State::List(l) => {
                return crate::ui::view::draw_table(
                    app,
                    LISTS[l.kind],
                    l.loaded,
                    &l.error,
                    &l.table,
                    f,
                    area,
                );
            }
            State::Report(r) => view::draw_report(app, r, f, area),
            State::Viewer(v) => v.draw(f, area, &app.config.theme),
        }
        None
    }
}

/// A log read for the viewer.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Loaded {
    pub name: String,
    pub header: Header,
    pub entries: Vec<Entry>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Recordings {
        actor: Actor,
        dir: std::path::PathBuf,
    },
    Crashes {
        actor: Actor,
        dir: std::path::PathBuf,
    },
    Requests {
        actor: Actor,
    },
    Open {
        actor: Actor,
        dir: std::path::PathBuf,
        name: String,
    },
    Report {
        actor: Actor,
        dir: std::path::PathBuf,
        id: String,
    },
    Request {
        actor: Actor,
        operatore: String,
        segnalazione: String,
        oscurata: bool,
    },
    Cancel {
        actor: Actor,
        id: i64,
    },
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    Recordings(Result<Vec<RecordingInfo>, String>),
    Crashes(Result<Vec<Summary>, String>),
    Requests(Result<Vec<RichiestaRegistrazione>, String>),
    Opened(Result<Loaded, String>),
    Report(Result<(String, String), String>),
    Requested(Result<(i64, String), String>),
    Cancelled(Result<i64, String>),
}

/// What the popups of the request continue with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    Operatore,
    Segnalazione {
        operatore: String,
    },
    Oscurata {
        operatore: String,
        segnalazione: String,
    },
    Cancel {
        id: i64,
    },
}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(
            self,
            Req::Recordings { .. } | Req::Crashes { .. } | Req::Requests { .. }
        )
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::Recordings { actor, dir } => {
            Rep::Recordings(svc.recordings(&actor, &dir).map_err(err))
        }
        Req::Crashes { actor, dir } => Rep::Crashes(svc.crash_reports(&actor, &dir).map_err(err)),
        Req::Requests { actor } => Rep::Requests(svc.recording_requests(&actor).map_err(err)),
        Req::Open { actor, dir, name } => Rep::Opened(
            svc.open_recording(&actor, &dir, &name)
                .map_err(err)
                .and_then(|path| {
                    let file = std::fs::File::open(&path)
                        .map_err(|e| format!("impossibile aprire la registrazione: {e}"))?;
                    let (header, entries, note) =
                        crate::record::replay::read_all(std::io::BufReader::new(file))?;
                    Ok(Loaded {
                        name,
                        header,
                        entries,
                        note,
                    })
                }),
        ),
        Req::Report { actor, dir, id } => Rep::Report(
            svc.read_crash_report(&actor, &dir, &id)
                .map(|t| (id, t))
                .map_err(err),
        ),
        Req::Request {
            actor,
            operatore,
            segnalazione,
            oscurata,
        } => Rep::Requested(
            svc.request_recording(
                &actor,
                &operatore,
                &segnalazione,
                oscurata,
                DEFAULT_REQUEST_DAYS,
                now_ms,
            )
            .map(|id| (id, operatore))
            .map_err(err),
        ),
        Req::Cancel { actor, id } => Rep::Cancelled(
            svc.cancel_recording_request(&actor, id)
                .map(|_| id)
                .map_err(err),
        ),
    }
}

/// Opens the module from the home menu.
pub fn open(app: &mut App) -> Vec<Effect> {
    app.push(Screen::Assistenza(State::Menu(0)));
    Vec::new()
}

fn open_list(app: &mut App, kind: usize) -> Vec<Effect> {
    let mut table = Table::new(match kind {
        0 => vec![
            ("Avvio", 17),
            ("Segnalazione", 13),
            ("Operatore", 11),
            ("Dim.", 7),
            ("Oscurata", 9),
            ("File", 20),
        ],
        1 => vec![("Data", 17), ("Versione", 9), ("Errore", 30)],
        _ => vec![
            ("Richiesta", 17),
            ("Operatore", 11),
            ("Segnalazione", 13),
            ("Stato", 10),
            ("Oscurata", 9),
            ("Scade", 10),
        ],
    });
    table.page = app.page_len().saturating_sub(3).max(1);
    app.push(Screen::Assistenza(State::List(List {
        kind,
        table,
        loaded: false,
        error: None,
        stale: true,
    })));
    Vec::new()
}

fn ask_request() -> Popup {
    Popup::Prompt {
        text: "Richiedi registrazione: nome utente dell'operatore".into(),
        input: TextInput::new(64),
        then: super::app::Then::Assistenza(Then::Operatore),
    }
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let now = app.now_ms;
    let page = app.page_len();
    let actor = app.actor();
    let Screen::Assistenza(state) = &mut app.screen else {
        return Vec::new();
    };
    match state {
        State::Menu(selected) => {
            let n = match a {
                Action::FieldDown => {
                    *selected = (*selected + 1) % LISTS.len();
                    return Vec::new();
                }
                Action::FieldUp => {
                    *selected = (*selected + LISTS.len() - 1) % LISTS.len();
                    return Vec::new();
                }
                Action::Open | Action::Confirm => *selected + 1,
                a => match a.menu_number() {
                    Some(n) if usize::from(n) <= LISTS.len() => usize::from(n),
                    _ => return Vec::new(),
                },
            };
            *selected = n - 1;
            open_list(app, n - 1)
        }
        State::Report(r) => {
            let last = r.lines.len().saturating_sub(1);
            r.top = match a {
                Action::FieldDown => r.top + 1,
                Action::FieldUp => r.top.saturating_sub(1),
                Action::NextPage => r.top + page,
                Action::PrevPage => r.top.saturating_sub(page),
                _ => r.top,
            }
            .min(last);
            Vec::new()
        }
        State::Viewer(v) => {
            v.action(a, now);
            Vec::new()
        }
        State::List(l) => {
            if l.table.navigate(a, true) {
                return Vec::new();
            }
            let (Some(actor), Some(key)) = (actor, l.table.selected_key().map(String::from)) else {
                if a == Action::NewRecord && l.kind != 1 {
                    app.popup = Some(ask_request());
                }
                return Vec::new();
            };
            let config = &app.config;
            let req = match (l.kind, a) {
                (0, Action::Open | Action::Confirm) => Req::Open {
                    actor,
                    dir: config.recording_dir.clone(),
                    name: key,
                },
                (1, Action::Open | Action::Confirm) => Req::Report {
                    actor,
                    dir: config.crash_dir.clone(),
                    id: key,
                },
                (0 | 2, Action::NewRecord) => {
                    app.popup = Some(ask_request());
                    return Vec::new();
                }
                (2, Action::Delete) => {
                    let id = key.parse().unwrap_or_default();
                    app.popup = Some(Popup::confirm(
                        format!("Annullare la richiesta di registrazione {id}?"),
                        super::app::Then::Assistenza(Then::Cancel { id }),
                    ));
                    return Vec::new();
                }
                _ => return Vec::new(),
            };
            vec![app.io.query(Request::Assistenza(req))]
        }
    }
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::Recordings(r) => set_rows(
            app,
            0,
            r.map(|l| l.iter().map(view::recording_row).collect()),
        ),
        Rep::Crashes(r) => set_rows(app, 1, r.map(|l| l.iter().map(view::crash_row).collect())),
        Rep::Requests(r) => set_rows(app, 2, r.map(|l| l.iter().map(view::request_row).collect())),
        Rep::Opened(Ok(l)) if current => {
            let viewer = Viewer::new(&l.name, l.header, l.entries, l.note);
            app.push(Screen::Assistenza(State::Viewer(Box::new(viewer))));
        }
        Rep::Report(Ok((id, text))) if current => {
            let lines = text.lines().map(sanitize).collect();
            app.push(Screen::Assistenza(State::Report(Report {
                id,
                lines,
                top: 0,
            })));
        }
        Rep::Requested(Ok((id, operatore))) => {
            app.status = Some(format!(
                "Richiesta {id} registrata: la prossima sessione di {} sarà registrata",
                sanitize(&operatore)
            ));
            app.mark_lists_stale();
        }
        Rep::Cancelled(Ok(id)) => {
            app.status = Some(format!("Richiesta {id} annullata"));
            app.mark_lists_stale();
        }
        Rep::Opened(Err(e))
        | Rep::Report(Err(e))
        | Rep::Requested(Err(e))
        | Rep::Cancelled(Err(e)) => app.error_popup(e),
        Rep::Opened(_) | Rep::Report(_) => {}
    }
    Vec::new()
}

fn set_rows(app: &mut App, kind: usize, rows: Result<Vec<(String, Vec<String>)>, String>) {
    for s in app.screens_mut() {
        if let Screen::Assistenza(State::List(l)) = s
            && l.kind == kind
        {
            l.loaded = true;
            match &rows {
                Ok(r) => {
                    l.error = None;
                    l.table.set_rows(r.clone());
                }
                Err(e) => l.error = Some(e.clone()),
            }
        }
    }
}

pub fn then(app: &mut App, then: Then, answer: Answer) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let app_then = super::app::Then::Assistenza;
    match (then, answer) {
        (Then::Operatore, Answer::Text(operatore)) => {
            app.popup = Some(Popup::Prompt {
                text: format!(
                    "Numero della segnalazione per cui registrare {}",
                    sanitize(&operatore)
                ),
                input: TextInput::new(40),
                then: app_then(Then::Segnalazione { operatore }),
            });
        }
        (Then::Segnalazione { operatore }, Answer::Text(segnalazione)) => {
            app.popup = Some(Popup::Choice {
                title: format!(
                    "Registrazione della prossima sessione di {} (valida {DEFAULT_REQUEST_DAYS} giorni)",
                    sanitize(&operatore)
                ),
                options: vec![
                    "In chiaro (testi e dati visibili nella replica)".into(),
                    "Oscurata (testi e dati mascherati)".into(),
                ],
                selected: 0,
                then: app_then(Then::Oscurata {
                    operatore,
                    segnalazione,
                }),
            });
        }
        (
            Then::Oscurata {
                operatore,
                segnalazione,
            },
            Answer::Choice(i),
        ) => {
            let req = Req::Request {
                actor,
                operatore,
                segnalazione,
                oscurata: i == 1,
            };
            return vec![app.io.request(Request::Assistenza(req))];
        }
        (Then::Cancel { id }, Answer::Yes) => {
            return vec![
                app.io
                    .request(Request::Assistenza(Req::Cancel { actor, id })),
            ];
        }
        _ => {}
    }
    Vec::new()
}

/// Asks for a list when it is stale (opened, or a request changed).
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let (recordings, crashes) = (
        app.config.recording_dir.clone(),
        app.config.crash_dir.clone(),
    );
    let Screen::Assistenza(State::List(l)) = &mut app.screen else {
        return Vec::new();
    };
    if !l.stale {
        return Vec::new();
    }
    l.stale = false;
    let req = match l.kind {
        0 => Req::Recordings {
            actor,
            dir: recordings,
        },
        1 => Req::Crashes {
            actor,
            dir: crashes,
        },
        _ => Req::Requests { actor },
    };
    vec![app.io.query(Request::Assistenza(req))]
}

/// The clock, for a replay playing on screen; true when the frame changed.
pub fn tick(app: &mut App) -> bool {
    let now = app.now_ms;
    match &mut app.screen {
        Screen::Assistenza(State::Viewer(v)) if v.playing => {
            v.tick(now);
            true
        }
        _ => false,
    }
}
