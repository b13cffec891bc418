//! The application state and its one mutator, [`App::update`]: messages in, effects out.
//!
//! `update` does no IO and reads no clock: time arrives in [`Msg::Tick`], data in [`Msg::Reply`].
//! Given the same messages it produces the same state and effects, which is what makes headless tests
//! and helpdesk replays exact.

use super::action::Action;
use super::home::{HomeState, Module};
use super::keymap::{Keymap, Layer, Resolution};
use super::keys::KeyInput;
use super::login::LoginState;
use super::requests::{Reply, Request, SessionInfo};
use super::text_input::TextInput;
use super::theme::{Area, Theme};
use crate::auth::Origin;
use crate::config::AuthMode;

/// A message into `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
            && let Some(pos) = out.iter().position(|o| matches!(o, Effect::Request(_, p) if p.same_kind(r)))
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
}

/// The screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Login(LoginState),
    Home(HomeState),
    /// A module whose screens are not installed in this version.
    Module(Module),
}

/// Overlays above the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Help,
    Confirm { text: String, then: Confirmed },
    Message { text: String, error: bool },
}

/// What a confirmed dialog does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    Quit,
    Logout,
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
    /// Keys of a chord in progress.
    pub pending_keys: Vec<KeyInput>,
    pub next_id: u64,
    /// The latest request of each screen-level query; older replies are dropped.
    pub awaiting: Vec<u64>,
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
            pending_keys: Vec::new(),
            next_id: 1,
            awaiting: Vec::new(),
            quit: false,
            dirty: true,
        };
        let mut effects = Vec::new();
        if app.config.auth == AuthMode::System {
            let origin = app.config.origin.clone();
            effects.push(app.request(Request::LoginSystem { origin }));
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
        }
    }

    /// The area (colour) of the current screen.
    pub fn area(&self) -> Area {
        match &self.screen {
            Screen::Module(m) => m.area(),
            _ => Area::Sistema,
        }
    }

    /// The keymap layer of the current screen.
    pub fn screen_layer(&self) -> Layer {
        match &self.screen {
            Screen::Login(_) => Layer::Login,
            Screen::Home(_) | Screen::Module(_) => Layer::Home,
        }
    }

    /// Whether a text field has the focus (printable keys are text, not commands).
    pub fn text_focus(&self) -> bool {
        self.lock.is_some() || matches!(self.screen, Screen::Login(_))
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
        if self.lock.is_none() {
            l.push(self.screen_layer());
        }
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
                self.key(k)
            }
            Msg::Paste(s) => {
                self.last_input_ms = self.now_ms;
                if let Some(field) = self.focused_text() {
                    field.insert_str(&s);
                }
                Vec::new()
            }
            Msg::Reply(id, reply) => self.reply(id, reply),
            Msg::Hangup => {
                self.quit = true;
                vec![Effect::Quit]
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
        let idle_ms = i64::from(self.config.idle_lock_minutes) * 60_000;
        if self.session.is_some() && self.lock.is_none() && now - self.last_input_ms >= idle_ms {
            self.lock = Some(LockState { password: TextInput::masked(crate::auth::MAX_LEN), error: None, waiting: false });
            self.popup = None;
            self.dirty = true;
        }
        Vec::new()
    }

    fn focused_text(&mut self) -> Option<&mut TextInput> {
        if let Some(lock) = &mut self.lock {
            return Some(&mut lock.password);
        }
        if self.popup.is_some() {
            return None;
        }
        match &mut self.screen {
            Screen::Login(l) => Some(l.field()),
            _ => None,
        }
    }

    fn key(&mut self, k: KeyInput) -> Vec<Effect> {
        // Text first: a printable key without Ctrl/Alt in a focused field is text.
        if self.pending_keys.is_empty()
            && let Some(c) = k.printable()
            && self.popup.is_none()
            && let Some(field) = self.focused_text()
        {
            field.insert(c);
            return Vec::new();
        }
        let layers = self.layers();
        match self.config.keymap.resolve(&layers, &mut self.pending_keys, &k) {
            Resolution::Matched(a) => self.action(a),
            Resolution::Pending | Resolution::Cancelled => Vec::new(),
            Resolution::NotFound => {
                if let Some(field) = self.focused_text() {
                    edit(field, &k);
                } else if let Screen::Home(h) = &mut self.screen
                    && let Some(d) = k.printable().and_then(|c| c.to_digit(10))
                {
                    return self.open_menu(d as usize, h.selected);
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
                self.popup = Some(Popup::Confirm { text: "Uscire da sportello?".into(), then: Confirmed::Quit });
                Vec::new()
            }
            Action::Logout if self.session.is_some() => {
                self.popup = Some(Popup::Confirm { text: "Chiudere la sessione?".into(), then: Confirmed::Logout });
                Vec::new()
            }
            Action::LockScreen if self.session.is_some() => {
                self.lock = Some(LockState { password: TextInput::masked(crate::auth::MAX_LEN), error: None, waiting: false });
                Vec::new()
            }
            Action::Back => {
                if let Some(prev) = self.back.pop() {
                    self.screen = prev;
                }
                Vec::new()
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
                }
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
        let Some(session) = self.session.clone() else { return Vec::new() };
        let origin = self.config.origin.clone();
        let Some(lock) = &mut self.lock else { return Vec::new() };
        match a {
            Action::Confirm | Action::Save if !lock.waiting => {
                lock.waiting = true;
                lock.error = None;
                let password = lock.password.value().to_string();
                lock.password.clear();
                vec![self.query(Request::Unlock { actor: session.actor, password, origin })]
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
                let n = self.session.as_ref().map_or(0, |s| Module::visible(s.actor.roles).len());
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
                        let sel = h.selected;
                        self.open_menu(sel + 1, sel)
                    }
                    a => match menu_number(a) {
                        Some(i) => {
                            let sel = h.selected;
                            self.open_menu(i, sel)
                        }
                        None => Vec::new(),
                    },
                }
            }
            Screen::Module(_) => Vec::new(),
        }
    }

    /// Opens the `n`-th (1-based) module of the menu.
    fn open_menu(&mut self, n: usize, selected: usize) -> Vec<Effect> {
        let Some(s) = &self.session else { return Vec::new() };
        let visible = Module::visible(s.actor.roles);
        let Some(m) = n.checked_sub(1).and_then(|i| visible.get(i)).copied() else { return Vec::new() };
        if let Screen::Home(h) = &mut self.screen {
            h.selected = n - 1;
        }
        let _ = selected;
        let prev = std::mem::replace(&mut self.screen, Screen::Module(m));
        self.back.push(prev);
        Vec::new()
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
                        if let Screen::Login(l) = &mut self.screen {
                            l.waiting = false;
                            l.error = Some(e);
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
            // Stale replies (superseded queries) and fire-and-forget acknowledgements.
            _ => Vec::new(),
        }
    }
}

/// Editing keys of a single-line field.
fn edit(field: &mut TextInput, k: &KeyInput) {
    use super::keys::KeyCode;
    match k.code {
        KeyCode::Backspace => {
            field.backspace();
        }
        KeyCode::Delete => {
            field.delete();
        }
        KeyCode::Left => field.left(),
        KeyCode::Right => field.right(),
        KeyCode::Home => field.home(),
        KeyCode::End => field.end(),
        _ => {}
    }
}

fn menu_number(a: Action) -> Option<usize> {
    Some(match a {
        Action::Menu1 => 1,
        Action::Menu2 => 2,
        Action::Menu3 => 3,
        Action::Menu4 => 4,
        Action::Menu5 => 5,
        Action::Menu6 => 6,
        Action::Menu7 => 7,
        Action::Menu8 => 8,
        Action::Menu9 => 9,
        _ => return None,
    })
}
