//! Live sessions in the desk: this session's heartbeat ([`Presenza`]: registered at the first
//! one, it brings the notice shown in the status bar and the end asked by an administrator — the
//! drafts are saved, then the session goes back to the login screen) and the administrator's
//! screen "Sessioni attive" (who is logged in; Canc ends a session, Ctrl+N sends a notice to every
//! session, Ctrl+B withdraws it).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState, Then as AppThen};
use super::keymap::Layer;
use super::popup::{Answer, Popup};
use super::widgets::table::Table;
use super::widgets::text_input::TextInput;
use crate::domain::Actor;
use crate::domain::date::{gg_mm_aaaa_hh_mm, local_ms};
use crate::domain::sessione::{
    AVVISO_MAX, Avviso, NuovaSessione, SEGNALE_MS, Segnale, SessioneAttiva,
};
use crate::service::Service;

/// How long a notice sent from the screen stays (minutes).
const AVVISO_MINUTI: i64 = 60;

/// This session as the database knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presenza {
    /// Assigned by the first heartbeat.
    pub id: Option<i64>,
    /// When the last heartbeat was sent.
    pub asked_ms: i64,
    /// The notice in force, shown in the status bar.
    pub avviso: Option<String>,
}

#[derive(Debug, Clone)]
pub enum State {
    List(SessioniState),
}

impl Default for State {
    fn default() -> Self {
        State::List(SessioniState::default())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessioniState {
    pub table: Table,
    pub data: Option<Vec<SessioneAttiva>>,
    pub error: Option<String>,
    pub stale: bool,
    /// When the list was asked last (it follows the heartbeats).
    pub asked_ms: i64,
}

impl Default for SessioniState {
    fn default() -> Self {
        SessioniState {
            table: Table::new(vec![
                ("Operatore", 14),
                ("Ente", 16),
                ("Dal", 16),
                ("Client SSH", 15),
                ("Schermata", 12),
            ]),
            data: None,
            error: None,
            stale: true,
            asked_ms: 0,
        }
    }
}

impl SessioniState {
    fn set_data(&mut self, rows: Vec<SessioneAttiva>) {
        let table = rows
            .iter()
            .map(|s| {
                (
                    s.id.to_string(),
                    vec![
                        s.username.clone(),
                        s.ente.clone(),
                        gg_mm_aaaa_hh_mm(local_ms(s.inizio_ms)),
                        s.ssh_client.clone().unwrap_or_else(|| "locale".into()),
                        if s.in_chiusura {
                            "in chiusura".into()
                        } else {
                            s.schermata.clone()
                        },
                    ],
                )
            })
            .collect();
        self.table.set_rows(table);
        self.data = Some(rows);
    }

    fn selected(&self) -> Option<&SessioneAttiva> {
        let key = self.table.selected_key()?;
        self.data.as_ref()?.iter().find(|s| s.id.to_string() == key)
    }
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        "sessioni"
    }
    fn title(&self) -> &'static str {
        "Sessioni attive"
    }
    fn layer(&self) -> Layer {
        Layer::List
    }
    fn offers(&self, a: Action) -> bool {
        Table::moves(a, true) || matches!(a, Action::Delete | Action::NewRecord | Action::Restore)
    }
    fn stale(&mut self) {
        let State::List(s) = self;
        s.stale = true;
    }
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position> {
        let State::List(s) = self;
        let title = match &app.presenza.avviso {
            Some(_) => "Sessioni attive · avviso in corso: Ctrl+B lo ritira",
            None => "Sessioni attive · Canc chiude · Ctrl+N avviso a tutti",
        };
        crate::ui::view::draw_table(app, title, s.data.is_some(), &s.error, &s.table, f, area)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    Segnale {
        actor: Actor,
        id: Option<i64>,
        nuova: NuovaSessione,
    },
    Chiudi {
        actor: Actor,
        id: i64,
    },
    List {
        actor: Actor,
    },
    Termina {
        actor: Actor,
        id: i64,
    },
    Avviso {
        actor: Actor,
        testo: String,
    },
    Revoca {
        actor: Actor,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    Segnale(Result<Segnale, String>),
    Chiusa,
    List(Result<Vec<SessioneAttiva>, String>),
    Termina(Result<(), String>),
    Avviso(Result<Avviso, String>),
    Revoca(Result<bool, String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    Termina(i64),
    Avviso,
}

impl Req {
    pub fn replaceable(&self) -> bool {
        matches!(self, Req::List { .. } | Req::Segnale { .. })
    }
}

/// The machine the session runs on (read where the service runs, never in `update`).
fn host() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    let err = |e: crate::service::Error| e.to_string();
    match req {
        Req::Segnale {
            actor,
            id,
            mut nuova,
        } => {
            nuova.host = host();
            nuova.pid = Some(i64::from(std::process::id()));
            Rep::Segnale(
                svc.segnale_sessione(&actor, id, &nuova, now_ms)
                    .map_err(err),
            )
        }
        Req::Chiudi { actor, id } => {
            let _ = svc.chiudi_sessione(&actor, id, now_ms);
            Rep::Chiusa
        }
        Req::List { actor } => Rep::List(svc.sessioni_attive(&actor, now_ms).map_err(err)),
        Req::Termina { actor, id } => {
            Rep::Termina(svc.termina_sessione(&actor, id, now_ms).map_err(err))
        }
        Req::Avviso { actor, testo } => Rep::Avviso(
            svc.invia_avviso(&actor, &testo, AVVISO_MINUTI, now_ms)
                .map_err(err),
        ),
        Req::Revoca { actor } => Rep::Revoca(svc.revoca_avviso(&actor, now_ms).map_err(err)),
    }
}

/// Every [`SEGNALE_MS`] while logged in (locked too): the heartbeat; the sessions screen follows.
pub fn tick(app: &mut App) -> Vec<Effect> {
    let now = app.now_ms;
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    if now - app.presenza.asked_ms >= SEGNALE_MS {
        app.presenza.asked_ms = now;
        let nuova = NuovaSessione {
            ente_id: actor.ente(),
            schermata: app.screen_name().to_string(),
            ..Default::default()
        };
        let id = app.presenza.id;
        effects.push(
            app.io
                .request(Request::Sessioni(Req::Segnale { actor, id, nuova })),
        );
    }
    if let Screen::Sessioni(State::List(s)) = &mut app.screen
        && now - s.asked_ms >= SEGNALE_MS
    {
        s.stale = true;
    }
    effects
}

/// The session ends (logout, quit): it is closed in the database at once.
pub fn chiudi(app: &mut App) -> Vec<Effect> {
    let presenza = std::mem::take(&mut app.presenza);
    match (app.actor(), presenza.id) {
        (Some(actor), Some(id)) => {
            vec![app.io.request(Request::Sessioni(Req::Chiudi { actor, id }))]
        }
        _ => Vec::new(),
    }
}

/// Opens the sessions screen from the menu.
pub fn open(app: &mut App) -> Vec<Effect> {
    let mut s = SessioniState::default();
    s.table.page = app.page_len();
    app.push(Screen::Sessioni(State::List(s)));
    Vec::new()
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let Screen::Sessioni(State::List(s)) = &mut app.screen else {
        return Vec::new();
    };
    if s.table.navigate(a, true) {
        return Vec::new();
    }
    match a {
        Action::Delete => {
            let Some(sel) = s.selected() else {
                return Vec::new();
            };
            let text = format!(
                "Chiudere la sessione di {} ({} {})? Le sue bozze vengono salvate prima.",
                sel.username, sel.cognome, sel.nome
            );
            app.popup = Some(Popup::confirm(
                text,
                AppThen::Sessioni(Then::Termina(sel.id)),
            ));
        }
        Action::NewRecord => {
            app.popup = Some(Popup::Prompt {
                text: format!(
                    "Avviso a tutte le sessioni per {AVVISO_MINUTI} minuti (es. «aggiornamento alle 13:00»)"
                ),
                input: TextInput::new(AVVISO_MAX),
                then: AppThen::Sessioni(Then::Avviso),
            });
        }
        Action::Restore => {
            if let Some(actor) = app.actor() {
                return vec![app.io.request(Request::Sessioni(Req::Revoca { actor }))];
            }
        }
        _ => {}
    }
    Vec::new()
}

pub fn then(app: &mut App, then: Then, answer: Answer) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let req = match (then, answer) {
        (Then::Termina(id), Answer::Yes) => Req::Termina { actor, id },
        (Then::Avviso, Answer::Text(testo)) => Req::Avviso { actor, testo },
        _ => return Vec::new(),
    };
    vec![app.io.request(Request::Sessioni(req))]
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::Segnale(Ok(s)) => {
            if app.session.is_none() {
                return Vec::new();
            }
            app.presenza.id = Some(s.id);
            app.presenza.avviso = s.avviso;
            if let Some(by) = s.termina_da {
                // One line of the login box (54 columns).
                let message = format!("Sessione chiusa da {by} (bozze salvate)");
                let mut effects = chiudi(app);
                effects.extend(super::login::end_session(app, message));
                return effects;
            }
        }
        // Unknown or closed (e.g. a database restored meanwhile): registered again next time.
        Rep::Segnale(Err(_)) => app.presenza.id = None,
        Rep::Chiusa => {}
        Rep::List(result) if current => {
            if let Screen::Sessioni(State::List(s)) = &mut app.screen {
                match result {
                    Ok(rows) => s.set_data(rows),
                    Err(e) => s.error = Some(e),
                }
            }
        }
        Rep::List(_) => {}
        Rep::Termina(result) => {
            app.status = Some(match result {
                Ok(()) => "Chiusura richiesta: la sessione salva le bozze e termina".into(),
                Err(e) => e,
            });
            app.mark_lists_stale();
        }
        Rep::Avviso(result) => {
            app.status = Some(match result {
                Ok(a) => {
                    app.presenza.avviso = Some(a.testo);
                    "Avviso inviato a tutte le sessioni".into()
                }
                Err(e) => e,
            });
        }
        Rep::Revoca(result) => {
            app.status = Some(match result {
                Ok(true) => {
                    app.presenza.avviso = None;
                    "Avviso ritirato".into()
                }
                Ok(false) => "Nessun avviso in corso".into(),
                Err(e) => e,
            });
        }
    }
    Vec::new()
}

/// Asks for the sessions when the list is stale (opened, every heartbeat, after a change).
pub fn refresh(app: &mut App) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let now = app.now_ms;
    match &mut app.screen {
        Screen::Sessioni(State::List(s)) if s.stale => {
            s.stale = false;
            s.asked_ms = now;
            vec![app.io.query(Request::Sessioni(Req::List { actor }))]
        }
        _ => Vec::new(),
    }
}
