//! The router: the application state and its one mutator, [`App::update`] — messages in, effects
//! out. It owns what every screen shares: the navigation stack, popups, the idle lock, the drafts
//! policy, the periodic session check and key routing. Each screen module (its state, its `update`
//! for its actions and replies, its view and the service calls it makes) lives in its own folder
//! and is declared once in [`screens!`] below.
//!
//! `update` does no IO and reads no clock: time arrives in [`Msg::Tick`], data in [`Msg::Reply`].
//! Given the same messages it produces the same state and effects, which is what makes headless
//! tests and helpdesk replays exact.

use super::action::Action;
pub use super::config::AppConfig;
pub use super::io::{Io, coalesce};
use super::keymap::{Layer, Resolution};
use super::keys::KeyInput;
use super::popup::{Answer, Popup};
pub use super::screen::ScreenState;
use super::screen::screens;
use super::theme::Area;
use super::widgets::form::{Form, Handled};
use super::widgets::form_screen::FormScreen;
use super::widgets::text_input::TextInput;
use super::{drafts, login};
use crate::domain::Actor;
use crate::service::Service;
use crate::service::session::SessionInfo;

/// A message into `update`. Messages move at human pace: boxing the large variants buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Msg {
    Key(KeyInput),
    Paste(String),
    Resize(u16, u16),
    /// The clock, in milliseconds since the epoch.
    Tick(i64),
    /// A service reply to request `id`.
    Reply(u64, Reply),
    /// The terminal is gone or a termination signal arrived: save drafts and quit.
    Hangup,
}

/// Something `update` wants done.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Request(u64, Request),
    /// Long work for the job worker (see [`super::jobs`]).
    Job(u64, Request),
    Quit,
}

/// The router's own popup continuations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppThen {
    Quit,
    Logout,
}

screens! {
    Login => login,
    Home => home,
    Anagrafe => anagrafe,
    Schede => schede,
    Operatori => operatori,
    Codici => codici,
    Casi => casi,
    Assistenza => assistenza,
    Erogazioni => erogazioni,
    Admin => admin,
    Sessioni => sessioni,
    Richieste => richieste,
    Rapporti => rapporti,
    Organizzazioni => organizzazioni,
    Allegati => allegati,
}

/// Autosave a draft this long after the last change (the runtime ticks every 500 ms: ≤ 2 s).
pub const DRAFT_DEBOUNCE_MS: i64 = 1500;

/// How often a session asks whether its account is still active (roles and enti as they are now).
pub const SESSION_CHECK_MS: i64 = 60_000;

/// The idle lock: everything hidden until the operator types the password again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockState {
    pub password: TextInput,
    pub error: Option<String>,
    pub waiting: bool,
}

#[derive(Debug, Clone)]
pub struct App {
    pub config: AppConfig,
    pub size: (u16, u16),
    pub now_ms: i64,
    pub last_input_ms: i64,
    pub last_session_check_ms: i64,
    pub session: Option<SessionInfo>,
    pub screen: Screen,
    /// Screens to go back to with Esc.
    pub back: Vec<Screen>,
    pub popup: Option<Popup>,
    pub lock: Option<LockState>,
    pub io: Io,
    /// A short message in the status bar (saved, errors), cleared by the next key.
    pub status: Option<String>,
    /// Long work in progress (an export), with its gauge.
    pub job: Option<super::jobs::Running>,
    /// The live-refresh watch (what is shown follows when another session changes data).
    pub watch: super::refresh::Watch,
    /// This session in the database: its id, heartbeat and the notice in force.
    pub presenza: super::sessioni::Presenza,
    pub quit: bool,
    dirty: bool,
}

impl App {
    pub fn new(config: AppConfig) -> (App, Vec<Effect>) {
        let mut app = App {
            status: config.notice.clone(),
            config,
            size: (80, 24),
            now_ms: 0,
            last_input_ms: 0,
            last_session_check_ms: 0,
            session: None,
            screen: Screen::Login(login::State::default()),
            back: Vec::new(),
            popup: None,
            lock: None,
            io: Io::default(),
            job: None,
            watch: Default::default(),
            presenza: Default::default(),
            quit: false,
            dirty: true,
        };
        app.popup = super::popup::recording_notice(app.config.recording.as_deref());
        let effects = login::start(&mut app);
        (app, effects)
    }

    /// True once after each change: the runtime draws then.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::replace(&mut self.dirty, false)
    }

    pub fn screen_name(&self) -> &'static str {
        if self.lock.is_some() {
            "blocco"
        } else {
            self.screen.state().name()
        }
    }

    /// The area (colour) of the current screen.
    pub fn area(&self) -> Area {
        self.screen.state().area()
    }

    /// The form on screen, if any.
    pub fn form(&self) -> Option<&Form> {
        self.screen.state().form().map(|f| &f.form)
    }

    /// The form screen on show, if any (read-only flag, record key).
    pub fn form_screen(&self) -> Option<&FormScreen> {
        self.screen.state().form()
    }

    /// The actor of the session (`None` before login).
    pub fn actor(&self) -> Option<Actor> {
        self.session.as_ref().map(|s| s.actor.clone())
    }

    /// Today, as `update` knows it (from the last tick).
    pub fn today(&self) -> time::Date {
        crate::domain::date::today_at_ms(self.now_ms)
    }

    /// Rows per table page in the current window.
    pub fn page_len(&self) -> usize {
        usize::from(self.size.1.saturating_sub(6)).max(1)
    }

    /// Whether a text field has the focus (printable keys are text, not commands).
    pub fn text_focus(&self) -> bool {
        self.lock.is_some() || self.screen.state().text_focus()
    }

    /// Whether typed characters go to a password field (never recorded).
    pub fn secret_focus(&self) -> bool {
        self.lock.is_some() || (self.popup.is_none() && self.screen.state().secret_focus())
    }

    /// The layers consulted for a key, most specific first.
    pub fn layers(&self) -> Vec<Layer> {
        if self.popup.is_some() {
            return vec![Layer::Popup, Layer::Global];
        }
        self.screen_layers()
    }

    /// The layers of the screen under any popup (what the help overlay lists).
    pub fn screen_layers(&self) -> Vec<Layer> {
        let mut l = Vec::new();
        if self.text_focus() {
            l.push(Layer::TextField);
        }
        // The lock screen is a login screen.
        l.push(if self.lock.is_some() {
            Layer::Login
        } else {
            self.screen.state().layer()
        });
        l.push(Layer::Global);
        l
    }

    /// Shows `screen`; the current one goes on the back stack.
    pub fn push(&mut self, screen: Screen) {
        let prev = std::mem::replace(&mut self.screen, screen);
        self.back.push(prev);
    }

    /// Closes the current screen (home when nothing is below).
    pub fn pop(&mut self) {
        self.screen = self
            .back
            .pop()
            .unwrap_or_else(|| Screen::Home(super::home::State::default()));
    }

    /// The screen on show, then those below it, top first: a reply finds the screen that asked
    /// even when the operator has moved on.
    pub fn screens_mut(&mut self) -> impl Iterator<Item = &mut Screen> {
        std::iter::once(&mut self.screen).chain(self.back.iter_mut().rev())
    }

    /// Shows an error message (service refusals, conflicts) until a key closes it.
    pub fn error_popup(&mut self, text: String) {
        self.popup = Some(Popup::Message { text, error: true });
    }

    /// The data below changed (a save): every list on the stack asks again when shown.
    pub fn mark_lists_stale(&mut self) {
        for s in self.back.iter_mut() {
            s.state_mut().stale();
        }
        self.screen.state_mut().stale();
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = match msg {
            Msg::Tick(now) => return self.tick(now),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                Vec::new()
            }
            Msg::Key(k) => {
                self.last_input_ms = self.now_ms;
                self.key(k)
            }
            Msg::Paste(s) => {
                self.last_input_ms = self.now_ms;
                self.paste(&s);
                Vec::new()
            }
            Msg::Reply(id, reply) => {
                super::jobs::finished(self, id);
                let current = self.io.take(id);
                route_reply(self, current, reply)
            }
            Msg::Hangup => {
                self.quit = true;
                let mut e = self.save_draft_now();
                e.push(Effect::Quit);
                return e;
            }
        };
        if self.lock.is_none() && self.session.is_some() {
            effects.extend(route_refresh(self));
        }
        self.dirty = true;
        effects
    }

    fn tick(&mut self, now: i64) -> Vec<Effect> {
        if self.last_input_ms == 0 {
            self.last_input_ms = now;
            self.last_session_check_ms = now;
        }
        self.now_ms = now;
        // The gauge of long work moves with the clock.
        self.dirty |= self.job.is_some() | super::assistenza::tick(self);
        let mut effects = Vec::new();
        let due = self
            .form()
            .and_then(|f| f.changed_at)
            .is_some_and(|t| now - t >= DRAFT_DEBOUNCE_MS);
        if due {
            effects.extend(self.save_draft_now());
        }
        if self.session.is_some() && now - self.last_session_check_ms >= SESSION_CHECK_MS {
            self.last_session_check_ms = now;
            effects.extend(login::check_session(self));
        }
        effects.extend(super::refresh::tick(self));
        effects.extend(super::sessioni::tick(self));
        let idle_ms = i64::from(self.config.idle_lock_minutes) * 60_000;
        if self.session.is_some() && self.lock.is_none() && now - self.last_input_ms >= idle_ms {
            effects.extend(self.lock_now());
        }
        effects
    }

    /// Locks the screen; the form's unsaved state goes to the drafts first.
    pub fn lock_now(&mut self) -> Vec<Effect> {
        self.lock = Some(LockState {
            password: TextInput::masked(crate::auth::MAX_LEN),
            error: None,
            waiting: false,
        });
        self.dirty = true;
        self.save_draft_now()
    }

    /// Saves the current form's unsaved changes as a draft, now.
    pub fn save_draft_now(&mut self) -> Vec<Effect> {
        let Some(actor) = self.actor() else {
            return Vec::new();
        };
        let Some(f) = self.screen.state_mut().form_mut() else {
            return Vec::new();
        };
        if f.form.changed_at.take().is_none() {
            return Vec::new();
        }
        let req = drafts::Req::Save {
            actor,
            form: f.form.id.clone(),
            record: f.record_key.clone(),
            content: f.form.draft_json(),
        };
        vec![self.io.request(Request::Drafts(req))]
    }

    /// A save of the form on screen finished: on success its draft goes, the form closes and the
    /// screen below asks for fresh data; on error (a conflict, a refusal) what was typed stays,
    /// saved as a draft, and the message is shown.
    pub fn form_saved(&mut self, result: Result<(), String>, done: &str) -> Vec<Effect> {
        let Some(actor) = self.actor() else {
            return Vec::new();
        };
        let now = self.now_ms;
        let Some(f) = self.screen.state_mut().form_mut() else {
            return Vec::new();
        };
        if let Err(msg) = result {
            f.saving = false;
            f.form.changed_at = Some(now);
            self.error_popup(msg);
            return self.save_draft_now();
        }
        let (form, record) = (f.form.id.clone(), f.record_key.clone());
        let effects = vec![drafts::delete(self, actor, form, record)];
        self.pop();
        self.screen.state_mut().stale();
        self.status = Some(done.into());
        effects
    }

    /// A form screen was opened: ask whether a draft of it exists.
    pub fn ask_draft(&mut self) -> Vec<Effect> {
        let Some(actor) = self.actor() else {
            return Vec::new();
        };
        let Some(f) = self.screen.state_mut().form_mut() else {
            return Vec::new();
        };
        f.form.set_base();
        let req = drafts::Req::Load {
            actor,
            form: f.form.id.clone(),
            record: f.record_key.clone(),
        };
        vec![self.io.query(Request::Drafts(req))]
    }

    /// Pushes a form screen and asks for its draft.
    pub fn push_form(&mut self, screen: Screen) -> Vec<Effect> {
        self.push(screen);
        self.ask_draft()
    }

    /// The text field that takes typed characters now.
    fn focused_text(&mut self) -> Option<&mut TextInput> {
        if let Some(lock) = &mut self.lock {
            return Some(&mut lock.password);
        }
        match &mut self.popup {
            Some(Popup::Prompt { input, .. }) => Some(input),
            Some(_) => None,
            None => self.screen.state_mut().text_mut(),
        }
    }

    fn paste(&mut self, s: &str) {
        let today = self.today();
        let now = self.now_ms;
        if self.lock.is_none()
            && self.popup.is_none()
            && let Some(f) = self.screen.state_mut().form_mut()
        {
            if !f.readonly {
                f.form.paste(s, now);
                self.screen.state_mut().changed(today);
            }
        } else if let Some(field) = self.focused_text() {
            field.insert_str(s);
        }
    }

    fn key(&mut self, k: KeyInput) -> Vec<Effect> {
        self.status = None;
        let now = self.now_ms;
        let today = self.today();
        // A form gets its keys first: text, editing keys, the picker; what it ignores goes to the keymap.
        if self.lock.is_none()
            && self.popup.is_none()
            && self.config.keymap.pending().is_empty()
            && let Some(f) = self.screen.state_mut().form_mut()
            && !f.readonly
        {
            match f.form.key(&k, now) {
                Handled::Ignored => {}
                Handled::Changed => {
                    self.screen.state_mut().changed(today);
                    return Vec::new();
                }
                Handled::Consumed => return Vec::new(),
                Handled::Action(a) => return route_action(self, a),
            }
        }
        // Text first: a printable key without Ctrl/Alt in a focused field is text.
        if self.config.keymap.pending().is_empty()
            && let Some(c) = printable(&k)
            && matches!(self.popup, None | Some(Popup::Prompt { .. }))
            && let Some(field) = self.focused_text()
        {
            field.insert(c);
            return Vec::new();
        }
        let layers = self.layers();
        match self.config.keymap.resolve(&layers, k) {
            Resolution::Matched(a) => self.action(a),
            Resolution::Pending | Resolution::Cancelled => Vec::new(),
            Resolution::NotFound => {
                if let Some(p) = &mut self.popup
                    && p.choose_digit(&k)
                {
                    return self.action(Action::Confirm);
                }
                if let Some(field) = self.focused_text() {
                    super::widgets::form::line_key(field, &k);
                } else if let Screen::Home(_) = &self.screen
                    && let Some(d) = printable(&k).and_then(|c| c.to_digit(10))
                {
                    return super::home::open_menu(self, d as usize);
                }
                Vec::new()
            }
        }
    }

    fn action(&mut self, a: Action) -> Vec<Effect> {
        if let Some(p) = self.popup.take() {
            return match super::popup::action(self, p, a) {
                super::popup::Outcome::Answered(then, answer) => route_then(self, then, answer),
                super::popup::Outcome::Done(effects) => effects,
            };
        }
        if self.lock.is_some() {
            return login::lock_action(self, a);
        }
        match a {
            Action::Help => self.popup = Some(Popup::Help),
            Action::Quit => {
                self.popup = Some(Popup::confirm(
                    "Uscire da sportello?",
                    Then::App(AppThen::Quit),
                ))
            }
            Action::Logout if self.session.is_some() => {
                self.popup = Some(Popup::confirm(
                    "Chiudere la sessione?",
                    Then::App(AppThen::Logout),
                ))
            }
            Action::LockScreen if self.session.is_some() => return self.lock_now(),
            Action::Back if super::jobs::cancel(self) => {}
            Action::Back => {
                // Leaving a form keeps what was typed: the draft is saved first.
                let effects = self.save_draft_now();
                self.io.forget();
                if !self.back.is_empty() {
                    self.pop();
                    self.screen.state_mut().on_return();
                }
                return effects;
            }
            a => {
                if self.form_navigation(a) {
                    return Vec::new();
                }
                return route_action(self, a);
            }
        }
        Vec::new()
    }

    /// Moving around a form: fields, sections, the next field to fill, the picker.
    fn form_navigation(&mut self, a: Action) -> bool {
        let today = self.today();
        let missing = match a {
            Action::NextToFill => self.screen.state().to_fill(today),
            _ => Vec::new(),
        };
        let Some(f) = self.screen.state_mut().form_mut() else {
            return false;
        };
        let readonly = f.readonly;
        let form = &mut f.form;
        match a {
            Action::NextField | Action::FieldDown => form.next(),
            Action::PrevField | Action::FieldUp => form.prev(),
            Action::NextSection => form.jump_section(true),
            Action::PrevSection => form.jump_section(false),
            Action::NextToFill => {
                if !form.next_to_fill(today, &missing) {
                    self.status = Some("Nessun campo da compilare".into());
                }
            }
            Action::Pick | Action::Toggle if !readonly => form.open_picker(),
            a if a.section_number().is_some() => {
                if !form.goto_section(a.section_number().unwrap_or(1) as usize) {
                    self.status = Some("Sezione non presente in questo modulo".into());
                }
            }
            _ => return false,
        }
        true
    }

    fn app_then(&mut self, then: AppThen) -> Vec<Effect> {
        let mut effects = login::logout(self);
        match then {
            AppThen::Quit => {
                self.quit = true;
                effects.push(Effect::Quit);
            }
            AppThen::Logout => {
                self.session = None;
                self.back.clear();
                self.screen = Screen::Login(login::State::default());
            }
        }
        effects
    }
}

/// The character a key types, if it types one.
pub fn printable(k: &KeyInput) -> Option<char> {
    match k.code {
        super::keys::Key::Char(c) if k.is_printable() => Some(c),
        _ => None,
    }
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
