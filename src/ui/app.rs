//! The application state and its one mutator, [`App::update`]: messages in, effects out.
//!
//! `update` does no IO and reads no clock: time arrives in [`Msg::Tick`], data in [`Msg::Reply`].
//! Given the same messages it produces the same state and effects, which is what makes headless tests
//! and helpdesk replays exact.

use super::action::Action;
use super::anagrafe::{PersonaState, RicercaState};
use super::codici::{self, CodiciState, ListeState};
use super::form::{FieldSpec, Handled};
use super::form_screen::{FormScreen, Target};
use super::home::{HomeState, Module};
use super::keymap::{Keymap, Layer, Resolution};
use super::keys::KeyInput;
use super::login::LoginState;
use super::operatori::{self, OperatoriState};
use super::persona_form;
use super::requests::{DocumentRequest, PersonaFormData, Reply, Request, SessionInfo};
use super::schede::{self, SchedaFormData, SchedeState};
use super::text_input::TextInput;
use super::theme::{Area, Theme};
use crate::auth::Origin;
use crate::config::AuthMode;
use crate::domain::scheda::Stato;
use crate::service::PersonaSaved;
use std::collections::BTreeMap;

/// A message into `update`. Messages move at human pace: boxing the large variants buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyInput),
    Paste(String),
    Resize(u16, u16),
    /// The clock, in milliseconds since the epoch.
    Tick(i64),
    /// A store reply to request `id`.
    Reply(u64, Reply),
    /// The terminal is gone or a termination signal arrived: save drafts and quit.
    Hangup,
}

/// Something `update` wants done.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Request(u64, Request),
    Quit,
}

/// Keeps, of several queued requests of the same replaceable kind, only the last (type-ahead).
pub fn coalesce(effects: Vec<Effect>) -> Vec<Effect> {
    let mut out: Vec<Effect> = Vec::with_capacity(effects.len());
    for e in effects {
        if let Effect::Request(_, r) = &e
            && r.replaceable()
            && let Some(pos) = out
                .iter()
                .position(|o| matches!(o, Effect::Request(_, p) if p.same_kind(r)))
        {
            out.remove(pos);
        }
        out.push(e);
    }
    out
}

/// What the app needs from configuration and environment, fixed at start.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub auth: AuthMode,
    pub idle_lock_minutes: u32,
    pub demo: bool,
    pub theme: Theme,
    pub keymap: Keymap,
    pub origin: Origin,
    /// Form definitions by id (from `screens/*.toml`): title and fields.
    pub forms: BTreeMap<String, (String, Vec<FieldSpec>)>,
    /// The same definitions with their sections, for prints and exports.
    pub defs: super::Defs,
    /// Where prints and exports made from the TUI are written.
    pub output_dir: std::path::PathBuf,
}

impl AppConfig {
    /// Defaults for headless runs (tests, benchmarks, replays): password login, 5-minute idle lock,
    /// demo banner, the embedded keymap and screens, no OS identity.
    pub fn headless(color: bool) -> AppConfig {
        let (forms, defs) =
            super::load_screens(None).expect("the embedded screens are valid (tested)");
        AppConfig {
            auth: AuthMode::Password,
            idle_lock_minutes: 5,
            demo: true,
            theme: Theme {
                color,
                ascii: false,
            },
            keymap: Keymap::embedded().expect("the embedded keymap is valid (tested)"),
            origin: Origin::default(),
            forms,
            defs,
            output_dir: std::env::temp_dir().join("sportello-stampe"),
        }
    }
}

/// Autosave a draft this long after the last change (the runtime ticks every 500 ms: ≤ 2 s).
pub const DRAFT_DEBOUNCE_MS: i64 = 1500;

/// The screens.
#[derive(Debug, Clone)]
pub enum Screen {
    Login(LoginState),
    Home(HomeState),
    /// A module whose screens are not installed in this version.
    Module(Module),
    Operatori(OperatoriState),
    /// The code lists, then the codes of one list.
    Liste(ListeState),
    Codici(CodiciState),
    Form(Box<FormScreen>),
    /// Ricerca anagrafe: the search box and its results.
    Ricerca(RicercaState),
    /// The person card.
    Persona(Box<PersonaState>),
    /// The list of schede di accesso.
    Schede(Box<SchedeState>),
}

/// Overlays above the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Help,
    Confirm {
        text: String,
        then: Confirmed,
    },
    Message {
        text: String,
        error: bool,
    },
    /// A saved draft exists for the form just opened.
    RestoreDraft {
        content: String,
        saved_at: String,
    },
    /// A line of text to type (the reason of a deletion).
    Prompt {
        text: String,
        input: TextInput,
        then: Prompted,
    },
    /// One of a few choices (Up/Down or its number, Enter).
    Choice {
        title: String,
        options: Vec<String>,
        selected: usize,
        then: Chosen,
    },
}

/// What a prompt's text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompted {
    DeleteScheda { id: i64, version: i64 },
}

/// What a choice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// 1 = the selected scheda (when there is one), 2 = the blank scheda.
    Print { id: Option<i64> },
    /// csv, xlsx, pdf.
    ExportFormat,
}

/// What a confirmed dialog does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    Quit,
    Logout,
    /// Save the new person although persons with the same name and birth date exist.
    SaveHomonym,
    RegisterAnonymous,
    DuplicateScheda(i64),
    RestoreScheda {
        id: i64,
        version: i64,
    },
}

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
    pub session: Option<SessionInfo>,
    pub screen: Screen,
    /// Screens to go back to with Esc.
    pub back: Vec<Screen>,
    pub popup: Option<Popup>,
    pub lock: Option<LockState>,
    pub next_id: u64,
    /// The latest request of each screen-level query; older replies are dropped.
    pub awaiting: Vec<u64>,
    /// A short message in the status bar (saved, errors), cleared by the next key.
    pub status: Option<String>,
    pub quit: bool,
    dirty: bool,
}

impl App {
    pub fn new(config: AppConfig) -> (App, Vec<Effect>) {
        let mut app = App {
            config,
            size: (80, 24),
            now_ms: 0,
            last_input_ms: 0,
            session: None,
            screen: Screen::Login(LoginState::default()),
            back: Vec::new(),
            popup: None,
            lock: None,
            next_id: 1,
            awaiting: Vec::new(),
            status: None,
            quit: false,
            dirty: true,
        };
        let mut effects = Vec::new();
        if app.config.auth == AuthMode::System {
            let origin = app.config.origin.clone();
            effects.push(app.query(Request::LoginSystem { origin }));
            if let Screen::Login(l) = &mut app.screen {
                l.waiting = true;
            }
        }
        (app, effects)
    }

    /// True once after each change: the runtime draws then.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::replace(&mut self.dirty, false)
    }

    pub fn screen_name(&self) -> &'static str {
        if self.lock.is_some() {
            return "blocco";
        }
        match &self.screen {
            Screen::Login(_) => "login",
            Screen::Home(_) => "home",
            Screen::Module(_) => "modulo",
            Screen::Operatori(_) => "operatori",
            Screen::Ricerca(_) => "ricerca",
            Screen::Persona(_) => "persona",
            Screen::Schede(_) => "schede",
            Screen::Liste(_) => "liste",
            Screen::Codici(_) => "codici",
            Screen::Form(f) => match f.target {
                Target::Operatore(_) => "operatore",
                Target::Codice(_) => "codice",
                Target::Persona(_) => "persona_form",
                Target::Privacy { .. } => "privacy",
                Target::Scheda(_) => "scheda",
                Target::FiltroSchede => "filtro_schede",
            },
        }
    }

    /// The area (colour) of the current screen.
    pub fn area(&self) -> Area {
        match &self.screen {
            Screen::Module(m) => m.area(),
            Screen::Ricerca(_) | Screen::Persona(_) | Screen::Schede(_) => Area::Accoglienza,
            _ => Area::Sistema,
        }
    }

    /// The keymap layer of the current screen.
    pub fn screen_layer(&self) -> Layer {
        match &self.screen {
            Screen::Login(_) => Layer::Login,
            Screen::Home(_) | Screen::Module(_) => Layer::Home,
            Screen::Operatori(_)
            | Screen::Liste(_)
            | Screen::Codici(_)
            | Screen::Persona(_)
            | Screen::Schede(_) => Layer::List,
            Screen::Ricerca(_) => Layer::Search,
            Screen::Form(_) => Layer::Form,
        }
    }

    /// Whether a text field has the focus (printable keys are text, not commands).
    pub fn text_focus(&self) -> bool {
        match &self.screen {
            _ if self.lock.is_some() => true,
            Screen::Login(_) | Screen::Ricerca(_) | Screen::Schede(_) => true,
            Screen::Form(f) => f.form.text_focus(),
            _ => false,
        }
    }

    /// The form on screen, if any.
    pub fn form(&self) -> Option<&super::form::Form> {
        match &self.screen {
            Screen::Form(f) => Some(&f.form),
            _ => None,
        }
    }

    /// The layers consulted for a key, most specific first.
    pub fn layers(&self) -> Vec<Layer> {
        if self.popup.is_some() {
            return vec![Layer::Popup, Layer::Global];
        }
        let mut l = Vec::new();
        if self.text_focus() {
            l.push(Layer::TextField);
        }
        // The lock screen is a login screen.
        l.push(if self.lock.is_some() {
            Layer::Login
        } else {
            self.screen_layer()
        });
        l.push(Layer::Global);
        l
    }

    fn request(&mut self, r: Request) -> Effect {
        let id = self.next_id;
        self.next_id += 1;
        Effect::Request(id, r)
    }

    /// A screen-level query: its reply is used only if no newer one was sent.
    fn query(&mut self, r: Request) -> Effect {
        let e = self.request(r);
        if let Effect::Request(id, _) = &e {
            self.awaiting = vec![*id];
        }
        e
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let effects = match msg {
            Msg::Tick(now) => return self.tick(now),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                Vec::new()
            }
            Msg::Key(k) => {
                self.last_input_ms = self.now_ms;
                let mut e = self.key(k);
                e.extend(self.search_if_changed());
                e.extend(self.list_schede_if_changed());
                e
            }
            Msg::Paste(s) => {
                self.last_input_ms = self.now_ms;
                let now = self.now_ms;
                if self.lock.is_none()
                    && self.popup.is_none()
                    && let Screen::Form(f) = &mut self.screen
                {
                    if !f.readonly() {
                        f.form.paste(&s, now);
                        f.changed(civil_date(now));
                    }
                } else if let Some(field) = self.focused_text() {
                    field.insert_str(&s);
                }
                let mut e = self.search_if_changed();
                e.extend(self.list_schede_if_changed());
                e
            }
            Msg::Reply(id, reply) => self.reply(id, reply),
            Msg::Hangup => {
                self.quit = true;
                let mut e = self.save_draft_now();
                e.push(Effect::Quit);
                e
            }
        };
        self.dirty = true;
        effects
    }

    fn tick(&mut self, now: i64) -> Vec<Effect> {
        if self.last_input_ms == 0 {
            self.last_input_ms = now;
        }
        self.now_ms = now;
        let mut effects = Vec::new();
        let due = self
            .form()
            .and_then(|f| f.changed_at)
            .is_some_and(|t| now - t >= DRAFT_DEBOUNCE_MS);
        if due {
            effects.extend(self.save_draft_now());
        }
        let idle_ms = i64::from(self.config.idle_lock_minutes) * 60_000;
        if self.session.is_some() && self.lock.is_none() && now - self.last_input_ms >= idle_ms {
            effects.extend(self.lock_now());
        }
        effects
    }

    /// Locks the screen; the form's unsaved state goes to the drafts first.
    fn lock_now(&mut self) -> Vec<Effect> {
        self.lock = Some(LockState {
            password: TextInput::masked(crate::auth::MAX_LEN),
            error: None,
            waiting: false,
        });
        self.dirty = true;
        self.save_draft_now()
    }

    /// Saves the current form's unsaved changes as a draft, now.
    fn save_draft_now(&mut self) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let (form, record, content) = match &mut self.screen {
            Screen::Form(f) if f.form.changed_at.is_some() => {
                f.form.changed_at = None;
                (f.form.id.clone(), f.record_key(), f.form.draft_json())
            }
            _ => return Vec::new(),
        };
        vec![self.request(Request::SaveDraft {
            actor,
            form,
            record,
            content,
        })]
    }

    fn focused_text(&mut self) -> Option<&mut TextInput> {
        if let Some(lock) = &mut self.lock {
            return Some(&mut lock.password);
        }
        match &mut self.popup {
            Some(Popup::Prompt { input, .. }) => return Some(input),
            Some(_) => return None,
            None => {}
        }
        match &mut self.screen {
            Screen::Login(l) => Some(l.field()),
            Screen::Ricerca(r) => Some(&mut r.input),
            Screen::Schede(l) => Some(&mut l.input),
            _ => None,
        }
    }

    fn key(&mut self, k: KeyInput) -> Vec<Effect> {
        self.status = None;
        let now = self.now_ms;
        // A form gets its keys first: text, editing keys, the picker; what it ignores goes to the keymap.
        if self.lock.is_none()
            && self.popup.is_none()
            && self.config.keymap.pending().is_empty()
            && let Screen::Form(f) = &mut self.screen
            && !f.readonly()
        {
            match f.form.key(&k, now) {
                Handled::Ignored => {}
                Handled::Changed => {
                    f.changed(civil_date(now));
                    return Vec::new();
                }
                Handled::Consumed => return Vec::new(),
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
                if let Some(Popup::Choice { options, .. }) = &self.popup
                    && let Some(d) = printable(&k).and_then(|c| c.to_digit(10))
                    && (1..=options.len()).contains(&(d as usize))
                {
                    if let Some(Popup::Choice { selected, .. }) = &mut self.popup {
                        *selected = d as usize - 1;
                    }
                    return self.action(Action::Confirm);
                }
                if let Some(field) = self.focused_text() {
                    edit(field, &k);
                } else if let Screen::Home(_) = &self.screen
                    && let Some(d) = printable(&k).and_then(|c| c.to_digit(10))
                {
                    return self.open_menu(d as usize);
                }
                Vec::new()
            }
        }
    }

    fn action(&mut self, a: Action) -> Vec<Effect> {
        if let Some(p) = self.popup.clone() {
            return self.popup_action(p, a);
        }
        if self.lock.is_some() {
            return self.lock_action(a);
        }
        match a {
            Action::Help => {
                self.popup = Some(Popup::Help);
                Vec::new()
            }
            Action::Quit => {
                self.popup = Some(Popup::Confirm {
                    text: "Uscire da sportello?".into(),
                    then: Confirmed::Quit,
                });
                Vec::new()
            }
            Action::Logout if self.session.is_some() => {
                self.popup = Some(Popup::Confirm {
                    text: "Chiudere la sessione?".into(),
                    then: Confirmed::Logout,
                });
                Vec::new()
            }
            Action::LockScreen if self.session.is_some() => self.lock_now(),
            Action::Back => {
                // Leaving a form keeps what was typed: the draft is saved first.
                let mut effects = self.save_draft_now();
                if let Some(prev) = self.back.pop() {
                    self.screen = prev;
                }
                // Back home: the counters may have moved.
                if let (Screen::Home(_), Some(s)) = (&self.screen, &self.session) {
                    let actor = s.actor.clone();
                    effects.push(self.query(Request::Home { actor }));
                }
                effects
            }
            _ => self.screen_action(a),
        }
    }

    fn popup_action(&mut self, p: Popup, a: Action) -> Vec<Effect> {
        match (p, a) {
            (Popup::Confirm { then, .. }, Action::Confirm) => {
                self.popup = None;
                match then {
                    Confirmed::Quit => {
                        self.quit = true;
                        let mut e = self.logout_effects();
                        e.push(Effect::Quit);
                        e
                    }
                    Confirmed::Logout => {
                        let e = self.logout_effects();
                        self.session = None;
                        self.back.clear();
                        self.screen = Screen::Login(LoginState::default());
                        e
                    }
                    Confirmed::SaveHomonym => self.save_persona(true),
                    Confirmed::DuplicateScheda(id) => match &self.session {
                        Some(s) => {
                            let actor = s.actor.clone();
                            vec![self.query(Request::DuplicateScheda { actor, id })]
                        }
                        None => Vec::new(),
                    },
                    Confirmed::RestoreScheda { id, version } => match &self.session {
                        Some(s) => {
                            let actor = s.actor.clone();
                            vec![self.query(Request::RestoreScheda { actor, id, version })]
                        }
                        None => Vec::new(),
                    },
                    Confirmed::RegisterAnonymous => match &self.session {
                        Some(s) => {
                            let actor = s.actor.clone();
                            vec![self.query(Request::RegisterAnonymous { actor })]
                        }
                        None => Vec::new(),
                    },
                }
            }
            (Popup::RestoreDraft { content, .. }, Action::Confirm | Action::RestoreDraft) => {
                self.popup = None;
                if let Screen::Form(f) = &mut self.screen {
                    f.form.restore_json(&content);
                    f.form.changed_at = None;
                }
                self.status = Some("Bozza ripristinata".into());
                Vec::new()
            }
            (Popup::RestoreDraft { .. }, Action::DiscardDraft) => {
                self.popup = None;
                let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
                    return Vec::new();
                };
                match &self.screen {
                    Screen::Form(f) => {
                        let (form, record) = (f.form.id.clone(), f.record_key());
                        self.status = Some("Bozza eliminata".into());
                        vec![self.request(Request::DeleteDraft {
                            actor,
                            form,
                            record,
                        })]
                    }
                    _ => Vec::new(),
                }
            }
            (Popup::Prompt { input, then, .. }, Action::Confirm | Action::Save) => {
                let text = input.value().trim().to_string();
                if text.is_empty() {
                    self.status = Some("Scrivere il motivo, oppure Esc per annullare".into());
                    return Vec::new();
                }
                self.popup = None;
                let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
                    return Vec::new();
                };
                match then {
                    Prompted::DeleteScheda { id, version } => {
                        vec![self.query(Request::DeleteScheda {
                            actor,
                            id,
                            version,
                            reason: text,
                        })]
                    }
                }
            }
            (Popup::Choice { options, .. }, Action::FieldDown | Action::NextField) => {
                if let Some(Popup::Choice { selected, .. }) = &mut self.popup {
                    *selected = (*selected + 1) % options.len().max(1);
                }
                Vec::new()
            }
            (Popup::Choice { options, .. }, Action::FieldUp | Action::PrevField) => {
                if let Some(Popup::Choice { selected, .. }) = &mut self.popup {
                    *selected = (*selected + options.len().max(1) - 1) % options.len().max(1);
                }
                Vec::new()
            }
            (Popup::Choice { selected, then, .. }, Action::Confirm) => {
                self.popup = None;
                self.chosen(then, selected)
            }
            (_, Action::Cancel | Action::Back | Action::Confirm) => {
                self.popup = None;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn logout_effects(&mut self) -> Vec<Effect> {
        match self.session.clone() {
            Some(s) => vec![self.request(Request::Logout { actor: s.actor })],
            None => Vec::new(),
        }
    }

    fn lock_action(&mut self, a: Action) -> Vec<Effect> {
        let Some(session) = self.session.clone() else {
            return Vec::new();
        };
        let origin = self.config.origin.clone();
        let Some(lock) = &mut self.lock else {
            return Vec::new();
        };
        match a {
            Action::Confirm | Action::Save if !lock.waiting => {
                lock.waiting = true;
                lock.error = None;
                let password = lock.password.value().to_string();
                lock.password.clear();
                vec![self.query(Request::Unlock {
                    actor: session.actor,
                    password,
                    origin,
                })]
            }
            _ => Vec::new(),
        }
    }

    fn screen_action(&mut self, a: Action) -> Vec<Effect> {
        let origin = self.config.origin.clone();
        match &mut self.screen {
            Screen::Login(l) => match a {
                Action::NextField | Action::FieldDown | Action::PrevField | Action::FieldUp => {
                    l.focus = 1 - l.focus;
                    Vec::new()
                }
                Action::Confirm | Action::Save if l.focus == 0 => {
                    l.focus = 1;
                    Vec::new()
                }
                Action::Confirm | Action::Save if !l.waiting => {
                    l.waiting = true;
                    l.error = None;
                    let req = Request::Login {
                        username: l.username.value().to_string(),
                        password: l.password.value().to_string(),
                        origin,
                    };
                    l.password.clear();
                    vec![self.query(req)]
                }
                _ => Vec::new(),
            },
            Screen::Home(h) => {
                let n = self
                    .session
                    .as_ref()
                    .map_or(0, |s| Module::visible(s.actor.roles).len());
                match a {
                    Action::FieldDown | Action::NextField if n > 0 => {
                        h.selected = (h.selected + 1) % n;
                        Vec::new()
                    }
                    Action::FieldUp | Action::PrevField if n > 0 => {
                        h.selected = (h.selected + n - 1) % n;
                        Vec::new()
                    }
                    Action::Open | Action::Confirm => {
                        let n = h.selected + 1;
                        self.open_menu(n)
                    }
                    a => match a.menu_number() {
                        Some(i) => self.open_menu(i as usize),
                        None => Vec::new(),
                    },
                }
            }
            Screen::Module(_) => Vec::new(),
            Screen::Operatori(o) => {
                if o.table.navigate(a, true) {
                    return Vec::new();
                }
                match a {
                    Action::Open | Action::Edit | Action::Confirm => {
                        let existing = o.selected().cloned();
                        if existing.is_some() {
                            return self.open_form(Target::Operatore(existing));
                        }
                    }
                    Action::NewRecord => return self.open_form(Target::Operatore(None)),
                    _ => {}
                }
                Vec::new()
            }
            Screen::Ricerca(r) => {
                if r.table.navigate(a, false) {
                    return Vec::new();
                }
                match a {
                    Action::Open | Action::Confirm => {
                        if let (Some(id), Some(s)) = (r.selected_id(), &self.session) {
                            let actor = s.actor.clone();
                            return vec![self.query(Request::ReadSoggetto { actor, id })];
                        }
                    }
                    Action::NewRecord => return self.persona_form(None),
                    Action::NewAnonymous => {
                        self.popup = Some(Popup::Confirm {
                            text: "Registrare un utente anonimo? Avrà un alias fino alla firma del consenso privacy.".into(),
                            then: Confirmed::RegisterAnonymous,
                        });
                    }
                    _ => {}
                }
                Vec::new()
            }
            Screen::Persona(p) => match a {
                Action::FieldDown | Action::NextField => {
                    p.schede.down();
                    Vec::new()
                }
                Action::FieldUp | Action::PrevField => {
                    p.schede.up();
                    Vec::new()
                }
                Action::Open | Action::Confirm => {
                    match p.schede.selected_key().and_then(|k| k.parse().ok()) {
                        Some(id) => {
                            let soggetto_id = p.soggetto.id;
                            self.scheda_form(Some(id), soggetto_id)
                        }
                        None => Vec::new(),
                    }
                }
                Action::NewRecord => {
                    let soggetto_id = p.soggetto.id;
                    self.scheda_form(None, soggetto_id)
                }
                Action::Print => {
                    let soggetto_id = p.soggetto.id;
                    self.document(DocumentRequest::Privacy { soggetto_id })
                }
                Action::Edit => {
                    let id = p.soggetto.id;
                    self.persona_form(Some(id))
                }
                Action::Privacy => {
                    let ente = self.session.as_ref().and_then(|s| s.actor.ente());
                    let current = p.privacy.iter().find(|c| Some(c.ente_id) == ente).cloned();
                    let soggetto_id = p.soggetto.id;
                    self.open_form(Target::Privacy {
                        soggetto_id,
                        current,
                    })
                }
                _ => Vec::new(),
            },
            Screen::Schede(l) => {
                if l.table.navigate(a, true) {
                    return Vec::new();
                }
                match a {
                    Action::Open | Action::Confirm | Action::Edit => {
                        if let Some(r) = l.selected() {
                            let (id, soggetto_id) = (r.id, r.soggetto_id);
                            return self.scheda_form(Some(id), soggetto_id);
                        }
                    }
                    Action::NewRecord => {
                        let mut r = RicercaState::default();
                        r.table.page = self.page_len().saturating_sub(2).max(1);
                        let prev = std::mem::replace(&mut self.screen, Screen::Ricerca(r));
                        self.back.push(prev);
                        self.status = Some(
                            "Nuova scheda: cercare la persona, aprirla con Invio, poi Ctrl+N"
                                .into(),
                        );
                    }
                    Action::Delete => {
                        if let Some(r) = l.selected() {
                            self.popup = Some(Popup::Prompt {
                                text: format!(
                                    "Eliminare la scheda n. {} di {} {}? Motivo:",
                                    r.numero, r.cognome, r.nome
                                ),
                                input: TextInput::new(200),
                                then: Prompted::DeleteScheda {
                                    id: r.id,
                                    version: r.version,
                                },
                            });
                        }
                    }
                    Action::Restore => {
                        if let Some(r) = l.selected() {
                            self.popup = Some(Popup::Confirm {
                                text: format!("Ripristinare la scheda n. {}?", r.numero),
                                then: Confirmed::RestoreScheda {
                                    id: r.id,
                                    version: r.version,
                                },
                            });
                        }
                    }
                    Action::Duplicate => {
                        if let Some(r) = l.selected() {
                            self.popup = Some(Popup::Confirm {
                                text: format!(
                                    "Duplicare la scheda n. {} in una nuova scheda con la data di oggi?",
                                    r.numero
                                ),
                                then: Confirmed::DuplicateScheda(r.id),
                            });
                        }
                    }
                    Action::Print => {
                        let id = l.selected().map(|r| r.id);
                        self.popup = Some(Popup::Choice {
                            title: "Stampa".into(),
                            options: vec![
                                "Scheda selezionata".into(),
                                "Scheda vuota da compilare a mano".into(),
                            ],
                            selected: usize::from(id.is_none()),
                            then: Chosen::Print { id },
                        });
                    }
                    Action::Export => {
                        self.popup = Some(Popup::Choice {
                            title: "Esporta le schede dell'elenco".into(),
                            options: crate::export::Format::ALL
                                .iter()
                                .map(|f| f.extension().to_uppercase())
                                .collect(),
                            selected: 1,
                            then: Chosen::ExportFormat,
                        });
                    }
                    Action::Filter => {
                        if let Some(s) = &self.session {
                            let actor = s.actor.clone();
                            let lists = self.list_ids(schede::FILTER_FORM_ID);
                            return vec![self.query(Request::FilterLists { actor, lists })];
                        }
                    }
                    _ => {}
                }
                Vec::new()
            }
            Screen::Liste(l) => {
                if l.table.navigate(a, false) {
                    return Vec::new();
                }
                match a {
                    Action::Open | Action::Confirm => {
                        if let Some(lista) = l.table.selected_key().map(str::to_string) {
                            return self.open_codici(&lista);
                        }
                    }
                    _ => {}
                }
                Vec::new()
            }
            Screen::Codici(c) => {
                if c.table.navigate(a, true) {
                    return Vec::new();
                }
                match a {
                    Action::Open | Action::Edit | Action::Confirm => {
                        if let Some(code) = c.selected().cloned() {
                            return self.open_form(Target::Codice(code));
                        }
                    }
                    _ => {}
                }
                Vec::new()
            }
            Screen::Form(f) => {
                let readonly = f.readonly();
                let form = &mut f.form;
                match a {
                    Action::NextField | Action::FieldDown => form.next(),
                    Action::PrevField | Action::FieldUp => form.prev(),
                    Action::NextSection => form.jump_section(true),
                    Action::NextToFill => {
                        let moved = form.next_to_fill(civil_date(self.now_ms));
                        if !moved {
                            self.status = Some("Nessun campo da compilare".into());
                        }
                    }
                    Action::PrevSection => form.jump_section(false),
                    Action::Pick | Action::Toggle if !readonly => form.open_picker(),
                    a if a.section_number().is_some() => {
                        form.goto_section(a.section_number().unwrap_or(1) as usize)
                    }
                    Action::Save | Action::Confirm => return self.save_form(),
                    Action::Print => {
                        if let Target::Scheda(d) = &f.target {
                            match d.scheda.as_ref().and_then(|s| s.edit.id) {
                                Some(id) => {
                                    let def = self.config.defs.get(schede::FORM_ID).cloned();
                                    if let Some(def) = def {
                                        return self.document(DocumentRequest::Scheda {
                                            id,
                                            def: Box::new(def),
                                        });
                                    }
                                }
                                None => {
                                    self.status =
                                        Some("Salvare la scheda prima di stamparla".into())
                                }
                            }
                        }
                    }
                    _ => {}
                }
                Vec::new()
            }
        }
    }

    /// A choice was made in a popup.
    fn chosen(&mut self, then: Chosen, selected: usize) -> Vec<Effect> {
        let def = self.config.defs.get(schede::FORM_ID).cloned();
        let Some(def) = def else {
            return Vec::new();
        };
        match then {
            Chosen::Print { id: Some(id) } if selected == 0 => {
                self.document(DocumentRequest::Scheda {
                    id,
                    def: Box::new(def),
                })
            }
            Chosen::Print { .. } if selected == 1 => {
                self.document(DocumentRequest::SchedaVuota { def: Box::new(def) })
            }
            Chosen::Print { .. } => {
                self.status = Some("Nessuna scheda selezionata".into());
                Vec::new()
            }
            Chosen::ExportFormat => {
                let Some(format) = crate::export::Format::ALL.get(selected).copied() else {
                    return Vec::new();
                };
                let (text, filtro) = match &self.screen {
                    Screen::Schede(l) => (l.input.value().to_string(), l.filtro.clone()),
                    _ => return Vec::new(),
                };
                self.document(DocumentRequest::Export {
                    text,
                    filtro,
                    def: Box::new(def),
                    format,
                })
            }
        }
    }

    /// Asks for a PDF or an export in the operator's output directory.
    fn document(&mut self, doc: DocumentRequest) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let dir = self.config.output_dir.clone();
        self.status = Some("Preparazione del documento…".into());
        vec![self.request(Request::Document { actor, doc, dir })]
    }

    /// The code-list ids a form uses.
    fn list_ids(&self, form: &str) -> Vec<String> {
        self.config
            .defs
            .get(form)
            .map(|d| d.code_lists().into_iter().map(String::from).collect())
            .unwrap_or_default()
    }

    /// Asks for the scheda form: a stored scheda (`id`) or a new one for person `soggetto_id`.
    fn scheda_form(&mut self, id: Option<i64>, soggetto_id: i64) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let lists = self.list_ids(schede::FORM_ID);
        vec![self.query(Request::SchedaForm {
            actor,
            id,
            soggetto_id,
            lists,
        })]
    }

    /// Opens the scheda form; after a conflict, rebuilds it on the stored version with the
    /// operator's changes re-applied and tells what the other operator changed.
    fn open_scheda_form(&mut self, mut data: SchedaFormData) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let today = civil_date(self.now_ms);
        let (title, specs) = self
            .config
            .forms
            .get(schede::FORM_ID)
            .cloned()
            .unwrap_or_default();
        let title = match &data.scheda {
            Some(s) => format!(
                "{title} n. {} · {} {}",
                s.numero, data.soggetto.cognome, data.soggetto.nome
            ),
            None => format!(
                "{title}: nuova · {} {}",
                data.soggetto.cognome, data.soggetto.nome
            ),
        };
        let mut form = schede::new_form(&title, specs, &mut data, &actor.username, today);
        if let Screen::Form(f) = &mut self.screen
            && f.reloading
            && matches!(f.target, Target::Scheda(_))
        {
            // The stored version becomes the base; the operator's changes (draft vs. their base)
            // are applied over it.
            form.set_base();
            let report = schede::conflict_report(&f.form, &form);
            let stored_base = form.base.clone();
            form.restore_json(&f.form.draft_json());
            form.base = stored_base;
            form.changed_at = Some(self.now_ms);
            f.form = form;
            f.target = Target::Scheda(Box::new(data));
            f.reloading = false;
            f.saving = false;
            self.popup = Some(Popup::Message {
                text: format!(
                    "Un altro operatore ha salvato questa scheda mentre la modificava: le sue modifiche sono state riapplicate sulla versione salvata. Ricontrollare e salvare di nuovo.{}",
                    if report.is_empty() {
                        String::new()
                    } else {
                        format!(" Cambiato dall'altro operatore: {}", report.join("; "))
                    }
                ),
                error: true,
            });
            return Vec::new();
        }
        let readonly = !data.can_edit;
        let screen = FormScreen::new(form, Target::Scheda(Box::new(data)));
        let effects = self.push_form(screen, actor);
        if readonly {
            self.status = Some("Sola lettura: la scheda è di un altro operatore".into());
        }
        effects
    }

    /// Checks the scheda form and sends it.
    fn save_scheda(&mut self) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let today = civil_date(self.now_ms);
        let Screen::Form(f) = &mut self.screen else {
            return Vec::new();
        };
        let Target::Scheda(data) = &f.target else {
            return Vec::new();
        };
        match schede::to_edit(&f.form, data, today) {
            Err(errors) => {
                f.form.mark_errors(&errors);
                self.status = Some("Correggere i campi segnalati".into());
                Vec::new()
            }
            Ok((edit, form_incompleta)) => {
                f.saving = true;
                vec![self.query(Request::SaveScheda {
                    actor,
                    edit,
                    form_incompleta,
                })]
            }
        }
    }

    /// Sends the list of schede again when its search text or filter changed.
    fn list_schede_if_changed(&mut self) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let Screen::Schede(l) = &mut self.screen else {
            return Vec::new();
        };
        let now = (l.input.value().to_string(), l.filtro.clone());
        if self.lock.is_some() || l.sent.as_ref() == Some(&now) {
            return Vec::new();
        }
        l.sent = Some(now.clone());
        vec![self.query(Request::ListSchede {
            actor,
            text: now.0,
            filtro: now.1,
        })]
    }

    /// Results update as the operator types: a search goes out whenever the box changed (the
    /// runtime keeps only the last of a burst of keys).
    fn search_if_changed(&mut self) -> Vec<Effect> {
        let Some(s) = &self.session else {
            return Vec::new();
        };
        let (actor, ente_belfiore) = (s.actor.clone(), s.ente_belfiore.clone());
        let Screen::Ricerca(r) = &mut self.screen else {
            return Vec::new();
        };
        if self.lock.is_some() || r.input.value() == r.sent {
            return Vec::new();
        }
        r.sent = r.input.value().to_string();
        let text = r.sent.clone();
        vec![self.query(Request::Search {
            actor,
            text,
            ente_belfiore,
        })]
    }

    /// Opens the form for `target` and asks for a saved draft of it.
    fn open_form(&mut self, target: Target) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let today = civil_date(self.now_ms);
        let form = match (&target, &self.screen) {
            (Target::Operatore(existing), Screen::Operatori(o)) => {
                let Some(data) = o.data.clone() else {
                    return Vec::new();
                };
                let (title, specs) = self
                    .config
                    .forms
                    .get(operatori::FORM_ID)
                    .cloned()
                    .unwrap_or_default();
                let title = match existing {
                    Some(op) => format!("{title}: {}", op.username),
                    None => format!("{title}: nuovo"),
                };
                operatori::new_form(&title, specs, &data, existing.as_ref(), today)
            }
            (Target::Codice(code), _) => {
                let (title, specs) = self
                    .config
                    .forms
                    .get(codici::FORM_ID)
                    .cloned()
                    .unwrap_or_default();
                codici::new_form(&title, specs, code)
            }
            (Target::Privacy { current, .. }, Screen::Persona(p)) => {
                let (title, specs) = self
                    .config
                    .forms
                    .get(persona_form::PRIVACY_FORM_ID)
                    .cloned()
                    .unwrap_or_default();
                let who = format!("{} {}", p.soggetto.cognome, p.soggetto.nome);
                persona_form::privacy_form(&format!("{title}: {who}"), specs, current.as_ref())
            }
            _ => return Vec::new(),
        };
        self.push_form(FormScreen::new(form, target), actor)
    }

    /// Shows a form screen (the current screen goes on the back stack) and asks for its draft.
    fn push_form(&mut self, mut f: FormScreen, actor: crate::domain::Actor) -> Vec<Effect> {
        f.form.set_base();
        let (form_id, record) = (f.form.id.clone(), f.record_key());
        let prev = std::mem::replace(&mut self.screen, Screen::Form(Box::new(f)));
        self.back.push(prev);
        vec![self.query(Request::LoadDraft {
            actor,
            form: form_id,
            record,
        })]
    }

    /// Opens the codes of one list.
    fn open_codici(&mut self, lista: &str) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let mut state = CodiciState::new(lista);
        state.table.page = self.page_len();
        let prev = std::mem::replace(&mut self.screen, Screen::Codici(state));
        self.back.push(prev);
        vec![self.query(Request::Codes {
            actor,
            lista: lista.to_string(),
        })]
    }

    /// Validates the form on screen and sends the save request for its target.
    fn save_form(&mut self) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let today = civil_date(self.now_ms);
        let Screen::Form(f) = &mut self.screen else {
            return Vec::new();
        };
        if f.saving {
            return Vec::new();
        }
        if f.readonly() {
            self.status = Some("Sola lettura: la scheda è di un altro operatore".into());
            return Vec::new();
        }
        // A scheda is saved even with required fields empty (it stays in sospeso): it checks its
        // own fields in `save_scheda`.
        if !matches!(f.target, Target::Scheda(_)) && f.form.validate(today).is_some() {
            self.status = Some("Correggere i campi segnalati".into());
            return Vec::new();
        }
        let request = match &f.target {
            Target::Operatore(existing) => match operatori::to_edit(&f.form, existing, today) {
                Err((field, msg)) => {
                    if let Some(i) = f.form.fields.iter().position(|x| x.spec.id == field) {
                        f.form.fields[i].error = Some(msg);
                        f.form.focus = i;
                    }
                    self.status = Some("Correggere i campi segnalati".into());
                    return Vec::new();
                }
                Ok(op) => Request::SaveOperatore { actor, op },
            },
            Target::Codice(code) => Request::SaveCode {
                actor,
                code: code.clone(),
                etichetta: f.form.value("etichetta").trim().to_string(),
                attivo: f.form.value("attivo") == "true",
            },
            Target::Persona(_) => return self.save_persona(false),
            Target::Scheda(_) => return self.save_scheda(),
            Target::FiltroSchede => {
                match schede::filter_from_form(&f.form, today) {
                    Err((field, msg)) => {
                        f.form.mark_errors(&[(field, msg)]);
                        self.status = Some("Correggere i campi segnalati".into());
                    }
                    Ok(filtro) => {
                        if let Some(Screen::Schede(mut l)) = self.back.pop() {
                            l.filtro = filtro;
                            self.screen = Screen::Schede(l);
                            self.status = Some("Filtri applicati".into());
                            return self.list_schede_if_changed();
                        }
                    }
                }
                return Vec::new();
            }
            Target::Privacy {
                soggetto_id,
                current,
            } => match persona_form::privacy_values(&f.form, today) {
                Err((field, msg)) => {
                    f.form.mark_errors(&[(field, msg)]);
                    self.status = Some("Correggere i campi segnalati".into());
                    return Vec::new();
                }
                Ok((stato, data_firma)) => Request::SavePrivacy {
                    actor,
                    soggetto_id: *soggetto_id,
                    stato,
                    data_firma,
                    version: current.as_ref().map(|c| c.version),
                },
            },
        };
        f.saving = true;
        vec![self.query(request)]
    }

    /// Checks the person form and sends it; `allow_homonym` after the operator confirmed that a
    /// person with the same name and birth date is someone else.
    fn save_persona(&mut self, allow_homonym: bool) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let today = civil_date(self.now_ms);
        let Screen::Form(f) = &mut self.screen else {
            return Vec::new();
        };
        let Target::Persona(existing) = &f.target else {
            return Vec::new();
        };
        match persona_form::to_edit(&f.form, existing.as_deref(), today) {
            Err(errors) => {
                f.form.mark_errors(&errors);
                self.status = Some("Correggere i campi segnalati".into());
                Vec::new()
            }
            Ok(mut edit) => {
                edit.allow_homonym = allow_homonym;
                f.saving = true;
                vec![self.query(Request::SavePersona { actor, edit })]
            }
        }
    }

    /// Asks for what the person form needs (a new person when `id` is `None`).
    fn persona_form(&mut self, id: Option<i64>) -> Vec<Effect> {
        match &self.session {
            Some(s) => {
                let actor = s.actor.clone();
                let lists = self.list_ids(persona_form::FORM_ID);
                vec![self.query(Request::PersonaForm { actor, id, lists })]
            }
            None => Vec::new(),
        }
    }

    /// Opens the person form with its data; a new person is prefilled from the search box.
    fn open_persona_form(&mut self, data: PersonaFormData) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let today = civil_date(self.now_ms);
        let search_text = match &self.screen {
            Screen::Ricerca(r) => r.input.value().to_string(),
            _ => String::new(),
        };
        let (title, specs) = self
            .config
            .forms
            .get(persona_form::FORM_ID)
            .cloned()
            .unwrap_or_default();
        let title = match &data.soggetto {
            Some(s) => format!("{title}: {} {}", s.cognome, s.nome),
            None => format!("{title}: nuova"),
        };
        let form = persona_form::new_form(
            &title,
            specs,
            data.lists,
            data.soggetto.as_ref(),
            &search_text,
            today,
        );
        let target = Target::Persona(data.soggetto.map(Box::new));
        self.push_form(FormScreen::new(form, target), actor)
    }

    /// After a person or a consent was saved: the stale card under the form goes, the fresh one is read.
    fn reopen_card(&mut self, id: i64) -> Vec<Effect> {
        if let Screen::Persona(_) = self.screen
            && let Some(prev) = self.back.pop()
        {
            self.screen = prev;
        }
        self.mark_lists_stale();
        match &self.session {
            Some(s) => {
                let actor = s.actor.clone();
                vec![self.query(Request::ReadSoggetto { actor, id })]
            }
            None => Vec::new(),
        }
    }

    /// A scheda was saved: complete → back to the list or card below; in sospeso → the form stays
    /// with what is missing marked; refused because someone else saved first → reloaded and merged.
    fn scheda_saved(
        &mut self,
        result: Result<crate::service::scheda::SchedaOutcome, String>,
    ) -> Vec<Effect> {
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let outcome = match result {
            Ok(o) => o,
            Err(e) => {
                let conflict = e.starts_with(super::requests::CONFLICT);
                let mut effects = self.form_saved(Err(e), "");
                if conflict
                    && let Screen::Form(f) = &mut self.screen
                    && let Target::Scheda(d) = &f.target
                    && let Some(id) = d.scheda.as_ref().and_then(|s| s.edit.id)
                {
                    f.reloading = true;
                    let soggetto_id = d.soggetto.id;
                    effects.extend(self.scheda_form(Some(id), soggetto_id));
                }
                return effects;
            }
        };
        self.awaiting.clear();
        let Screen::Form(f) = &mut self.screen else {
            return Vec::new();
        };
        f.saving = false;
        let old_key = f.record_key();
        let form_id = f.form.id.clone();
        if let Target::Scheda(d) = &mut f.target {
            let saved = outcome.saved;
            match &mut d.scheda {
                Some(s) => {
                    s.edit.version = saved.version;
                    s.stato = if outcome.completa {
                        Stato::Completa
                    } else {
                        Stato::InSospeso
                    };
                }
                None => {
                    f.form.title =
                        f.form
                            .title
                            .replacen(": nuova", &format!(" n. {}", saved.numero), 1);
                    let mut edit = crate::domain::scheda::SchedaEdit {
                        id: Some(saved.id),
                        version: saved.version,
                        soggetto_id: d.soggetto.id,
                        ..Default::default()
                    };
                    edit.operatore = actor.username.clone();
                    d.scheda = Some(crate::domain::scheda::Scheda {
                        edit,
                        numero: saved.numero,
                        ente_id: actor.ente().unwrap_or_default(),
                        ufficio_id: actor.ufficio_id,
                        stato: if outcome.completa {
                            Stato::Completa
                        } else {
                            Stato::InSospeso
                        },
                        nota_leggibile: true,
                        nota_privata_autore: None,
                        proposta: None,
                        created_at: String::new(),
                        created_by: actor.username.clone(),
                        updated_at: String::new(),
                        updated_by: actor.username.clone(),
                        deleted_reason: None,
                    });
                }
            }
        }
        f.form.changed_at = None;
        f.form.set_base();
        let mut effects = vec![self.request(Request::DeleteDraft {
            actor: actor.clone(),
            form: form_id,
            record: old_key,
        })];
        self.mark_lists_stale();
        let numero = outcome.saved.numero;
        if outcome.completa {
            let proposta = if outcome.proposta_ente.is_some() {
                ": proposta di presa in carico inviata"
            } else {
                ""
            };
            self.screen = self
                .back
                .pop()
                .unwrap_or_else(|| Screen::Home(HomeState::default()));
            if let Screen::Persona(p) = &self.screen {
                let id = p.soggetto.id;
                effects.extend(self.reopen_card(id));
            } else {
                effects.extend(self.list_schede_if_changed());
            }
            self.status = Some(format!("Scheda n. {numero} completa{proposta}"));
        } else {
            let today = civil_date(self.now_ms);
            if let Screen::Form(f) = &mut self.screen {
                let mut errors: Vec<(String, String)> = f
                    .form
                    .fields
                    .iter()
                    .filter_map(|x| {
                        super::form::validate_field(x, today)
                            .err()
                            .map(|e| (x.spec.id.clone(), e))
                    })
                    .collect();
                errors.extend(outcome.problemi.iter().cloned());
                errors.sort_by_key(|(id, _)| f.form.fields.iter().position(|x| &x.spec.id == id));
                f.form.mark_errors(&errors);
            }
            self.status = Some(format!(
                "Scheda n. {numero} salvata in sospeso: {} da completare",
                match outcome.problemi.len() {
                    0 => "campi obbligatori".to_string(),
                    1 => "1 campo".to_string(),
                    n => format!("{n} campi"),
                }
            ));
        }
        if let Some(text) = outcome.avviso {
            self.error_popup(text);
        }
        effects
    }

    /// Shows an error message (store refusals, conflicts) until a key closes it.
    fn error_popup(&mut self, text: String) {
        self.popup = Some(Popup::Message { text, error: true });
    }

    /// Search results and lists below are stale after a save: the next key asks again.
    fn mark_lists_stale(&mut self) {
        for s in self
            .back
            .iter_mut()
            .chain(std::iter::once(&mut self.screen))
        {
            match s {
                Screen::Ricerca(r) => r.sent.clear(),
                Screen::Schede(l) => l.sent = None,
                _ => {}
            }
        }
    }

    /// A save finished: on success the draft goes and the list below is refreshed; on error (a
    /// conflict) the operator keeps what was typed, saved as a draft, and sees the message.
    fn form_saved(&mut self, result: Result<(), String>, done: &str) -> Vec<Effect> {
        self.awaiting.clear();
        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
            return Vec::new();
        };
        let Screen::Form(f) = &mut self.screen else {
            return Vec::new();
        };
        if let Err(msg) = result {
            f.saving = false;
            f.form.changed_at = Some(self.now_ms);
            self.error_popup(msg);
            return self.save_draft_now();
        }
        let (form, record) = (f.form.id.clone(), f.record_key());
        let mut effects = vec![self.request(Request::DeleteDraft {
            actor: actor.clone(),
            form,
            record,
        })];
        self.screen = self
            .back
            .pop()
            .unwrap_or_else(|| Screen::Home(HomeState::default()));
        let refresh = match &self.screen {
            Screen::Operatori(_) => Some(Request::ListOperatori { actor }),
            Screen::Codici(c) => Some(Request::Codes {
                actor,
                lista: c.lista.clone(),
            }),
            _ => None,
        };
        if let Some(r) = refresh {
            effects.push(self.query(r));
        }
        self.status = Some(done.into());
        effects
    }

    /// Opens the `n`-th (1-based) module of the menu.
    fn open_menu(&mut self, n: usize) -> Vec<Effect> {
        let Some(s) = &self.session else {
            return Vec::new();
        };
        let visible = Module::visible(s.actor.roles);
        let Some(m) = n.checked_sub(1).and_then(|i| visible.get(i)).copied() else {
            return Vec::new();
        };
        if let Screen::Home(h) = &mut self.screen {
            h.selected = n - 1;
        }
        let actor = s.actor.clone();
        let (next, effects) = match m {
            Module::Operatori => {
                let e = self.query(Request::ListOperatori { actor });
                (Screen::Operatori(self.sized_list()), vec![e])
            }
            Module::Anagrafe => {
                let mut r = RicercaState::default();
                r.table.page = self.page_len().saturating_sub(2).max(1);
                (Screen::Ricerca(r), Vec::new())
            }
            Module::Schede => {
                let mut l = SchedeState::default();
                if !actor.can(crate::domain::Permission::ReadSchede) {
                    // The admin's list: the deleted schede, to restore them.
                    l.filtro.stato = Some(Stato::Eliminata);
                }
                l.table.page = self.page_len().saturating_sub(2).max(1);
                let prev = std::mem::replace(&mut self.screen, Screen::Schede(Box::new(l)));
                self.back.push(prev);
                return self.list_schede_if_changed();
            }
            Module::Codici => {
                let e = self.query(Request::CodeLists { actor });
                let mut l = ListeState::default();
                l.table.page = self.page_len();
                (Screen::Liste(l), vec![e])
            }
            other => (Screen::Module(other), Vec::new()),
        };
        let prev = std::mem::replace(&mut self.screen, next);
        self.back.push(prev);
        effects
    }

    /// Rows per table page in the current window.
    fn page_len(&self) -> usize {
        usize::from(self.size.1.saturating_sub(6)).max(1)
    }

    /// A list state with the page size of the current window.
    fn sized_list(&self) -> OperatoriState {
        let mut o = OperatoriState::default();
        o.table.page = self.page_len();
        o
    }

    fn reply(&mut self, id: u64, reply: Reply) -> Vec<Effect> {
        let current = self.awaiting.contains(&id);
        match reply {
            Reply::Login(result) if current => {
                self.awaiting.clear();
                match result {
                    Ok(info) => {
                        let actor = info.actor.clone();
                        self.session = Some(info);
                        self.screen = Screen::Home(HomeState::default());
                        self.back.clear();
                        self.last_input_ms = self.now_ms;
                        vec![self.query(Request::Home { actor })]
                    }
                    Err(e) => {
                        let system = self.config.auth == AuthMode::System;
                        if let Screen::Login(l) = &mut self.screen {
                            // With system login the OS account is the credential: no password fallback.
                            l.waiting = system;
                            l.error = Some(if system {
                                "Accesso negato: l'account di sistema non è associato a un operatore attivo".into()
                            } else {
                                e
                            });
                        }
                        Vec::new()
                    }
                }
            }
            Reply::Unlock(result) if current => {
                self.awaiting.clear();
                match result {
                    Ok(()) => {
                        self.lock = None;
                        self.last_input_ms = self.now_ms;
                    }
                    Err(e) => {
                        if let Some(l) = &mut self.lock {
                            l.waiting = false;
                            l.error = Some(e);
                        }
                    }
                }
                Vec::new()
            }
            Reply::Home(result) if current => {
                self.awaiting.clear();
                if let Screen::Home(h) = &mut self.screen {
                    match result {
                        Ok(d) => h.data = Some(d),
                        Err(e) => h.error = Some(e),
                    }
                }
                Vec::new()
            }
            Reply::Operatori(result) if current => {
                self.awaiting.clear();
                if let Screen::Operatori(o) = &mut self.screen {
                    match result {
                        Ok(d) => o.set_data(d),
                        Err(e) => o.error = Some(e),
                    }
                }
                Vec::new()
            }
            Reply::Draft(Ok(Some(d))) if current => {
                self.awaiting.clear();
                if self.form().is_some() {
                    self.popup = Some(Popup::RestoreDraft {
                        content: d.content,
                        saved_at: d.saved_at,
                    });
                }
                Vec::new()
            }
            Reply::OperatoreSaved(result) if current => {
                self.form_saved(result.map(|_| ()), "Operatore salvato")
            }
            Reply::CodeSaved(result) if current => {
                self.form_saved(result.map(|_| ()), "Voce salvata")
            }
            Reply::Search(result) if current => {
                self.awaiting.clear();
                if let Screen::Ricerca(r) = &mut self.screen {
                    match result {
                        Ok(hits) => r.set_hits(hits),
                        Err(e) => r.error = Some(e),
                    }
                }
                Vec::new()
            }
            Reply::Soggetto(result) if current => {
                self.awaiting.clear();
                match result {
                    Ok(card) => {
                        let card = Screen::Persona(Box::new(PersonaState::from(card)));
                        let prev = std::mem::replace(&mut self.screen, card);
                        self.back.push(prev);
                    }
                    Err(e) => self.error_popup(e),
                }
                Vec::new()
            }
            Reply::PersonaForm(result) if current => {
                self.awaiting.clear();
                match result {
                    Ok(data) => self.open_persona_form(data),
                    Err(e) => {
                        self.error_popup(e);
                        Vec::new()
                    }
                }
            }
            Reply::PersonaSaved(Ok(PersonaSaved::Homonyms(same))) if current => {
                self.awaiting.clear();
                if let Screen::Form(f) = &mut self.screen {
                    f.saving = false;
                }
                let names: Vec<String> = same
                    .iter()
                    .take(3)
                    .map(|h| {
                        format!(
                            "{} {} ({})",
                            h.cognome,
                            h.nome,
                            h.codice_fiscale.as_deref().unwrap_or("senza codice")
                        )
                    })
                    .collect();
                self.popup = Some(Popup::Confirm {
                    text: format!(
                        "Esiste già una persona con lo stesso nome e data di nascita: {}. È un'altra persona? Registrarla comunque?",
                        names.join(", ")
                    ),
                    then: Confirmed::SaveHomonym,
                });
                Vec::new()
            }
            Reply::PersonaSaved(result) if current => {
                let (saved, msg) = match &result {
                    Ok(PersonaSaved::Saved(s)) if s.merged => (
                        Some(s.id),
                        "Codice provvisorio sostituito: dati uniti alla persona già registrata",
                    ),
                    Ok(PersonaSaved::Saved(s)) => (Some(s.id), "Persona salvata"),
                    _ => (None, ""),
                };
                let mut e = self.form_saved(result.map(|_| ()), msg);
                if let Some(id) = saved {
                    e.extend(self.reopen_card(id));
                }
                e
            }
            Reply::AnonymousRegistered(result) if current => {
                self.awaiting.clear();
                match result {
                    Ok(id) => {
                        self.status = Some("Utente anonimo registrato".into());
                        return self.reopen_card(id);
                    }
                    Err(e) => self.error_popup(e),
                }
                Vec::new()
            }
            Reply::PrivacySaved(result) if current => {
                let id = match &self.screen {
                    Screen::Form(f) => match f.target {
                        Target::Privacy { soggetto_id, .. } => Some(soggetto_id),
                        _ => None,
                    },
                    _ => None,
                };
                let ok = result.is_ok();
                let mut e = self.form_saved(result, "Consenso privacy registrato");
                if let (true, Some(id)) = (ok, id) {
                    e.extend(self.reopen_card(id));
                }
                e
            }
            Reply::Schede(result) if current => {
                self.awaiting.clear();
                if let Screen::Schede(l) = &mut self.screen {
                    match result {
                        Ok((rows, esiti)) => l.set_rows(rows, &esiti),
                        Err(e) => l.error = Some(e),
                    }
                }
                Vec::new()
            }
            Reply::SchedaForm(result) if current => {
                self.awaiting.clear();
                match result {
                    Ok(data) => self.open_scheda_form(data),
                    Err(e) => {
                        if let Screen::Form(f) = &mut self.screen {
                            f.reloading = false;
                        }
                        self.error_popup(e);
                        Vec::new()
                    }
                }
            }
            Reply::SchedaSaved(result) if current => self.scheda_saved(result),
            Reply::SchedaDeleted(result) if current => {
                self.awaiting.clear();
                match result {
                    Ok(()) => {
                        self.status = Some("Fatto".into());
                        self.mark_lists_stale();
                        return self.list_schede_if_changed();
                    }
                    Err(e) => self.error_popup(e),
                }
                Vec::new()
            }
            Reply::SchedaDuplicated(result) if current => {
                self.awaiting.clear();
                match result {
                    Ok(saved) => {
                        self.mark_lists_stale();
                        let soggetto = match &self.screen {
                            Screen::Schede(l) => l.selected().map(|r| r.soggetto_id),
                            _ => None,
                        };
                        self.status = Some(format!("Scheda duplicata: n. {}", saved.numero));
                        return self.scheda_form(Some(saved.id), soggetto.unwrap_or_default());
                    }
                    Err(e) => self.error_popup(e),
                }
                Vec::new()
            }
            Reply::FilterLists(result) if current => {
                self.awaiting.clear();
                match result {
                    Ok(lists) => {
                        let Some(actor) = self.session.as_ref().map(|s| s.actor.clone()) else {
                            return Vec::new();
                        };
                        let filtro = match &self.screen {
                            Screen::Schede(l) => l.filtro.clone(),
                            _ => return Vec::new(),
                        };
                        let (title, specs) = self
                            .config
                            .forms
                            .get(schede::FILTER_FORM_ID)
                            .cloned()
                            .unwrap_or_default();
                        let form = schede::filter_form(&title, specs, lists, &filtro);
                        return self.push_form(FormScreen::new(form, Target::FiltroSchede), actor);
                    }
                    Err(e) => self.error_popup(e),
                }
                Vec::new()
            }
            Reply::Document(result) => {
                self.status = None;
                self.popup = Some(match result {
                    Ok((path, note)) => Popup::Message {
                        text: format!(
                            "Documento salvato{}: {}",
                            if note.is_empty() {
                                String::new()
                            } else {
                                format!(" ({note})")
                            },
                            path.display()
                        ),
                        error: false,
                    },
                    Err(e) => Popup::Message {
                        text: e,
                        error: true,
                    },
                });
                Vec::new()
            }
            Reply::CodeLists(result) if current => {
                self.awaiting.clear();
                if let Screen::Liste(l) = &mut self.screen {
                    match result {
                        Ok(d) => l.set_data(d),
                        Err(e) => l.error = Some(e),
                    }
                }
                Vec::new()
            }
            Reply::Codes(result) if current => {
                self.awaiting.clear();
                if let Screen::Codici(c) = &mut self.screen {
                    match result {
                        Ok(d) => c.set_data(d),
                        Err(e) => c.error = Some(e),
                    }
                }
                Vec::new()
            }
            Reply::DraftSaved(Err(e)) => {
                self.status = Some(format!("Bozza non salvata: {e}"));
                Vec::new()
            }
            // Stale replies (superseded queries) and fire-and-forget acknowledgements.
            _ => Vec::new(),
        }
    }
}

/// The civil date (UTC) of a time in milliseconds, for "not in the future" checks.
pub fn civil_date(ms: i64) -> time::Date {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date()
}

/// Editing keys of a single-line field.
fn edit(field: &mut TextInput, k: &KeyInput) {
    super::form::line_key(field, k);
}

/// The character a key types, if it types one.
pub fn printable(k: &KeyInput) -> Option<char> {
    match k.code {
        super::keys::Key::Char(c) if k.is_printable() => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Actor;

    fn actor() -> Actor {
        Actor::system(None, None)
    }

    #[test]
    fn type_ahead_keeps_only_the_last_query_and_every_write() {
        let q = |n| Effect::Request(n, Request::Home { actor: actor() });
        let d = |n, c: &str| {
            Effect::Request(
                n,
                Request::SaveDraft {
                    actor: actor(),
                    form: "f".into(),
                    record: String::new(),
                    content: c.into(),
                },
            )
        };
        let out = coalesce(vec![q(1), d(2, "a"), q(3), d(4, "ab"), Effect::Quit]);
        assert_eq!(out, vec![q(3), d(4, "ab"), Effect::Quit]);
    }

    #[test]
    fn stale_replies_are_dropped() {
        let config = AppConfig::headless(true);
        let (mut app, _) = App::new(config);
        app.screen = Screen::Operatori(OperatoriState::default());
        let old = app.query(Request::ListOperatori { actor: actor() });
        let new = app.query(Request::ListOperatori { actor: actor() });
        let (Effect::Request(old_id, _), Effect::Request(new_id, _)) = (old, new) else {
            panic!()
        };
        let data = |n: &str| super::super::requests::OperatoriData {
            enti: vec![(1, n.to_string())],
            ..Default::default()
        };
        app.update(Msg::Reply(new_id, Reply::Operatori(Ok(data("nuovo")))));
        app.update(Msg::Reply(old_id, Reply::Operatori(Ok(data("vecchio")))));
        let Screen::Operatori(o) = &app.screen else {
            panic!()
        };
        assert_eq!(o.data.as_ref().unwrap().enti[0].1, "nuovo");
    }
}
