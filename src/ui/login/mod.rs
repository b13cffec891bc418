//! The login screen (username and password, or a system login when `auth = "system"`), and the
//! session around it: the choice of the ente (after the password for an operator of several enti,
//! and to switch during the session), unlocking after the idle lock, logging out, and the periodic
//! check that the account is still active with the roles it has now.

mod view;

pub use view::draw_lock;

use super::action::Action;
use super::app::{App, Effect, Request, Screen, ScreenState};
use super::keymap::Layer;
use super::popup::Answer;
use super::widgets::text_input::TextInput;
use crate::auth::Origin;
use crate::config::AuthMode;
use crate::domain::Actor;
use crate::service::helpdesk::RecordingStart;
use crate::service::session::SessionInfo;
use crate::service::{ACCOUNT_DISABLED, ENTE_REVOKED, Service};

/// The login screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub username: TextInput,
    pub password: TextInput,
    /// 0 = username, 1 = password.
    pub focus: usize,
    pub error: Option<String>,
    /// A login request is in flight.
    pub waiting: bool,
    /// Choosing the ente of the session instead of typing credentials.
    pub scelta: Option<Scelta>,
}

/// The choice of the ente: after the password when the operator works for several, or to switch
/// during the session (Ctrl+E on the home screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scelta {
    /// The session as it is (in the ente chosen before, or the default one at login).
    pub info: SessionInfo,
    /// Index into `info.enti`.
    pub selected: usize,
    /// A switch during the session (Esc goes back to it), not the login.
    pub cambio: bool,
}

impl Default for State {
    fn default() -> Self {
        State {
            username: TextInput::new(64),
            password: TextInput::masked(crate::auth::MAX_LEN),
            focus: 0,
            error: None,
            waiting: false,
            scelta: None,
        }
    }
}

impl State {
    /// The choice of the ente of `info`, its current ente selected.
    fn choosing(info: SessionInfo, cambio: bool) -> State {
        let current = info.actor.ente();
        let selected = info
            .enti
            .iter()
            .position(|(id, _)| Some(*id) == current)
            .unwrap_or(0);
        State {
            scelta: Some(Scelta {
                info,
                selected,
                cambio,
            }),
            ..State::default()
        }
    }
}

impl ScreenState for State {
    fn name(&self) -> &'static str {
        "login"
    }
    fn title(&self) -> &'static str {
        match self.scelta {
            Some(_) => "Scelta dell'ente",
            None => "Accesso",
        }
    }
    fn layer(&self) -> Layer {
        Layer::Login
    }
    fn text_mut(&mut self) -> Option<&mut TextInput> {
        if self.scelta.is_some() {
            return None;
        }
        Some(if self.focus == 0 {
            &mut self.username
        } else {
            &mut self.password
        })
    }
    fn secret_focus(&self) -> bool {
        self.focus == 1 && self.scelta.is_none()
    }
    fn text_focus(&self) -> bool {
        self.scelta.is_none()
    }
    fn draw(
        &self,
        app: &App,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
    ) -> Option<ratatui::layout::Position> {
        view::draw_login(app, self, f, area)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Req {
    /// `record`: a recording the helpdesk requested for this operator starts with this session
    /// (the first login of the process, not recorded otherwise).
    Login {
        username: String,
        password: String,
        origin: Origin,
        record: bool,
    },
    LoginSystem {
        origin: Origin,
        record: bool,
    },
    /// Re-authentication after the idle lock.
    Unlock {
        actor: Actor,
        password: String,
        origin: Origin,
    },
    /// Is the account still active, with which roles and enti?
    Check {
        actor: Actor,
    },
    /// The session as it is now, to choose another ente from (Ctrl+E).
    Choose {
        actor: Actor,
    },
    /// The session moves to `ente` (at login or during the session).
    Ente {
        actor: Actor,
        ente: i64,
    },
    Logout {
        actor: Actor,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Rep {
    Login(Result<SessionInfo, String>),
    /// Logged in, and the helpdesk asked to record this session: the notice, then the recording.
    LoginRecorded(SessionInfo, RecordingStart),
    Unlock(Result<(), String>),
    Check(Result<SessionInfo, String>),
    LoggedOut,
    Ente(Result<SessionInfo, String>),
    Choose(Result<SessionInfo, String>),
}

/// The login screen asks nothing back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {}

impl Req {
    pub fn replaceable(&self) -> bool {
        false
    }
}

pub fn execute(svc: &mut Service<'_>, req: Req, now_ms: i64) -> Rep {
    let now = now_ms / 1000;
    match req {
        Req::Login {
            username,
            password,
            origin,
            record,
        } => {
            let result = svc.login(&username, &password, &origin, now);
            logged_in(svc, result, record, now_ms)
        }
        Req::LoginSystem { origin, record } => {
            let result = svc.login_system(&origin, now);
            logged_in(svc, result, record, now_ms)
        }
        Req::Unlock {
            actor,
            password,
            origin,
        } => Rep::Unlock(svc.unlock(&actor, &password, &origin, now)),
        Req::Check { actor } => Rep::Check(svc.refresh_session(&actor).map_err(|e| e.to_string())),
        Req::Choose { actor } => {
            Rep::Choose(svc.refresh_session(&actor).map_err(|e| e.to_string()))
        }
        Req::Ente { actor, ente } => {
            Rep::Ente(svc.cambia_ente(&actor, ente).map_err(|e| e.to_string()))
        }
        Req::Logout { actor } => {
            let _ = svc.logout(&actor);
            Rep::LoggedOut
        }
    }
}

/// The answer to a login: with `record`, a recording requested for the operator is taken.
fn logged_in(
    svc: &mut Service<'_>,
    result: Result<SessionInfo, String>,
    record: bool,
    now_ms: i64,
) -> Rep {
    match result {
        Ok(info) if record => match svc.start_requested_recording(&info.actor, now_ms) {
            Ok(Some(start)) => Rep::LoginRecorded(info, start),
            _ => Rep::Login(Ok(info)),
        },
        other => Rep::Login(other),
    }
}

/// At start: with `auth = "system"` the OS account logs in at once.
pub fn start(app: &mut App) -> Vec<Effect> {
    if app.config.auth != AuthMode::System {
        return Vec::new();
    }
    let origin = app.config.origin.clone();
    if let Screen::Login(l) = &mut app.screen {
        l.waiting = true;
    }
    let record = app.config.record_on_login;
    vec![
        app.io
            .query(Request::Login(Req::LoginSystem { origin, record })),
    ]
}

pub fn action(app: &mut App, a: Action) -> Vec<Effect> {
    let origin = app.config.origin.clone();
    let record = app.config.record_on_login;
    let Screen::Login(l) = &mut app.screen else {
        return Vec::new();
    };
    if let Some(c) = &mut l.scelta {
        let n = c.info.enti.len().max(1);
        match a {
            Action::NextField | Action::FieldDown => c.selected = (c.selected + 1) % n,
            Action::PrevField | Action::FieldUp => c.selected = (c.selected + n - 1) % n,
            Action::Confirm | Action::Save if !l.waiting => {
                let Some(&(ente, _)) = c.info.enti.get(c.selected) else {
                    return Vec::new();
                };
                if Some(ente) == c.info.actor.ente() {
                    // The ente of the session: nothing to ask.
                    match c.cambio {
                        true => app.pop(),
                        false => {
                            let info = c.info.clone();
                            logged(app, info);
                        }
                    }
                    return Vec::new();
                }
                l.waiting = true;
                l.error = None;
                let actor = c.info.actor.clone();
                return vec![app.io.query(Request::Login(Req::Ente { actor, ente }))];
            }
            _ => {}
        }
        return Vec::new();
    }
    match a {
        Action::NextField | Action::FieldDown | Action::PrevField | Action::FieldUp => {
            l.focus = 1 - l.focus;
        }
        Action::Confirm | Action::Save if l.focus == 0 => l.focus = 1,
        Action::Confirm | Action::Save if !l.waiting => {
            l.waiting = true;
            l.error = None;
            let req = Req::Login {
                username: l.username.value().to_string(),
                password: l.password.value().to_string(),
                origin,
                record,
            };
            l.password.clear();
            return vec![app.io.query(Request::Login(req))];
        }
        _ => {}
    }
    Vec::new()
}

/// Keys while the idle lock is on: Enter sends the password.
pub fn lock_action(app: &mut App, a: Action) -> Vec<Effect> {
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    let origin = app.config.origin.clone();
    let Some(lock) = &mut app.lock else {
        return Vec::new();
    };
    match a {
        Action::Confirm | Action::Save if !lock.waiting => {
            lock.waiting = true;
            lock.error = None;
            let password = lock.password.value().to_string();
            lock.password.clear();
            vec![app.io.query(Request::Login(Req::Unlock {
                actor,
                password,
                origin,
            }))]
        }
        _ => Vec::new(),
    }
}

/// Ctrl+E on the home screen: the choice of another ente of the operator (their enti as they are
/// now are asked first). Only the home screen offers it: every form on the way back there was
/// closed with Esc, which keeps what was typed as a draft first.
pub fn cambia_ente(app: &mut App) -> Vec<Effect> {
    match app.actor() {
        Some(actor) => vec![app.io.query(Request::Login(Req::Choose { actor }))],
        None => Vec::new(),
    }
}

/// Every minute: is the account still active, with which roles?
pub fn check_session(app: &mut App) -> Vec<Effect> {
    match app.actor() {
        Some(actor) => vec![app.io.request(Request::Login(Req::Check { actor }))],
        None => Vec::new(),
    }
}

/// The audit row of the end of a session; the live session is closed.
pub fn logout(app: &mut App) -> Vec<Effect> {
    let mut effects = super::sessioni::chiudi(app);
    if let Some(actor) = app.actor() {
        effects.push(app.io.request(Request::Login(Req::Logout { actor })));
    }
    effects
}

/// The session ends without the operator asking (account disabled, an administrator closed it):
/// what is typed is kept as a draft, then the login screen says why.
pub fn end_session(app: &mut App, message: String) -> Vec<Effect> {
    let effects = app.save_draft_now();
    app.session = None;
    app.lock = None;
    app.popup = None;
    app.back.clear();
    app.screen = Screen::Login(State {
        error: Some(message),
        ..State::default()
    });
    effects
}

pub fn reply(app: &mut App, current: bool, rep: Rep) -> Vec<Effect> {
    match rep {
        Rep::LoginRecorded(info, start) if current => {
            start_session(app, info);
            app.config.recording = Some(start.segnalazione);
            app.popup = super::popup::recording_notice(app.config.recording.as_deref());
        }
        Rep::Choose(result) if current => match result {
            Ok(info) if info.enti.len() < 2 => {
                app.status = Some("L'operatore lavora per un solo ente".into());
            }
            Ok(info) => app.push(Screen::Login(State::choosing(info, true))),
            Err(e) => app.error_popup(e),
        },
        Rep::Ente(result) if current => match result {
            Ok(info) => {
                let status = format!("Ente della sessione: {}", info.ente);
                logged(app, info);
                app.mark_lists_stale();
                app.status = Some(crate::sanitize::sanitize(&status));
            }
            Err(e) => {
                if let Screen::Login(l) = &mut app.screen {
                    l.waiting = false;
                    l.error = Some(e);
                }
            }
        },
        Rep::Login(result) if current => {
            match result {
                Ok(info) => start_session(app, info),
                Err(e) => {
                    let system = app.config.auth == AuthMode::System;
                    if let Screen::Login(l) = &mut app.screen {
                        // With system login the OS account is the credential: no password fallback.
                        l.waiting = system;
                        l.error = Some(if system {
                            "Accesso negato: l'account di sistema non è associato a un operatore attivo".into()
                        } else {
                            e
                        });
                    }
                }
            }
        }
        Rep::Unlock(result) if current => match result {
            Ok(()) => {
                app.lock = None;
                app.last_input_ms = app.now_ms;
            }
            Err(e) => {
                if let Some(l) = &mut app.lock {
                    l.waiting = false;
                    l.error = Some(e);
                }
            }
        },
        Rep::Check(Ok(info)) => {
            // A check sent before a switch of ente answers for the ente left: ignored.
            if let Some(s) = &mut app.session
                && *s != info
                && s.actor.ente() == info.actor.ente()
            {
                let roles_changed = s.actor.roles != info.actor.roles;
                *s = info;
                if roles_changed {
                    app.status = Some("I ruoli di questo operatore sono cambiati".into());
                    app.mark_lists_stale();
                }
            }
        }
        Rep::Check(Err(e))
            if app.session.is_some()
                && (e.contains(ACCOUNT_DISABLED) || e.contains(ENTE_REVOKED)) =>
        {
            // The account was disabled or removed, or the session's ente taken from it.
            let mut effects = super::sessioni::chiudi(app);
            effects.extend(end_session(app, e));
            return effects;
        }
        _ => {}
    }
    Vec::new()
}

/// Logged in: an operator of several enti chooses one first.
fn start_session(app: &mut App, info: SessionInfo) {
    if info.enti.len() > 1 {
        app.screen = Screen::Login(State::choosing(info, false));
    } else {
        logged(app, info);
    }
}

/// The session starts (or moves to another ente): the home screen. Only the first login of a
/// process may be recorded.
fn logged(app: &mut App, info: SessionInfo) {
    app.session = Some(info);
    app.back.clear();
    app.screen = Screen::Home(super::home::State::default());
    app.last_input_ms = app.now_ms;
    app.last_session_check_ms = app.now_ms;
    app.config.record_on_login = false;
}

pub fn then(_app: &mut App, then: Then, _answer: Answer) -> Vec<Effect> {
    match then {}
}

pub fn refresh(_app: &mut App) -> Vec<Effect> {
    Vec::new()
}
