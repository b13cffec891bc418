//! What the router asks of every screen module's state: name, title, colour area, keymap layer, the
//! text field or form that takes typed keys, how it learns that its data is stale, and its view;
//! and the [`screens!`] macro the router declares its modules with.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::action::Action;
use super::app::App;
use super::keymap::Layer;
use super::theme::Area;
use super::widgets::form_screen::FormScreen;
use super::widgets::text_input::TextInput;

/// What every screen module's state tells the router. Defaults fit a screen without text fields or
/// forms in the system area.
pub trait ScreenState {
    /// Short name (logs, crash reports, tests).
    fn name(&self) -> &'static str;
    /// The title in the header bar.
    fn title(&self) -> &'static str;
    fn area(&self) -> Area {
        Area::Sistema
    }
    /// The keymap layer of the screen.
    fn layer(&self) -> Layer;
    /// Whether the screen acts on `a`: screens that share a layer leave out of the status bar and
    /// the help overlay the keys they do nothing with.
    fn offers(&self, _a: Action) -> bool {
        true
    }
    /// Whether the screen acts on a [screen-specific](Action::screen_specific) action (only those
    /// claiming one show its key).
    fn claims(&self, _a: Action) -> bool {
        false
    }
    /// The single-line text field that takes typed characters (search boxes, login).
    fn text_mut(&mut self) -> Option<&mut TextInput> {
        None
    }
    /// Whether the focused text field is a password (kept out of recordings).
    fn secret_focus(&self) -> bool {
        false
    }
    /// Whether printable keys are text here, not commands.
    fn text_focus(&self) -> bool {
        self.form().is_some_and(|f| f.form.text_focus())
    }
    /// The form on screen (drafts, pastes, form keys go to it).
    fn form(&self) -> Option<&FormScreen> {
        None
    }
    fn form_mut(&mut self) -> Option<&mut FormScreen> {
        None
    }
    /// Fields of the form still needed besides its required ones (rules between fields): Ctrl+V
    /// visits them too.
    fn to_fill(&self, _today: time::Date) -> Vec<String> {
        Vec::new()
    }
    /// A value of the form changed (the person form fills data from a typed codice fiscale).
    fn changed(&mut self, _today: time::Date) {}
    /// A draft is restored over the form (forms with repeated rows make room for its rows first).
    fn restore_draft(&mut self, content: &str) {
        if let Some(f) = self.form_mut() {
            f.form.restore_json(content);
        }
    }
    /// The data below changed (a save): ask again at the next refresh.
    fn stale(&mut self) {}
    /// Another session changed data (see [`super::refresh`]): ask again for what is shown, keeping
    /// the selection. By default as after a save; a form checks its record instead, and a screen
    /// whose every read is audited (the person card) waits to be opened again.
    fn changed_elsewhere(&mut self) {
        self.stale();
    }
    /// Shown again after Esc closed the screen above it.
    fn on_return(&mut self) {}
    /// Draws the screen; returns where the cursor goes.
    fn draw(&self, app: &App, f: &mut Frame, area: Rect) -> Option<Position>;
}

/// Declares the screen modules, one line each (invoked once, in the router: paths in the expansion
/// resolve there). Every module provides `State` (implementing
/// [`ScreenState`]), `Req`/`Rep` (what it asks the service and the answers), `Then` (what its
/// popups continue with) and the functions `execute`, `action`, `reply`, `then` and `refresh`.
macro_rules! screens {
    ($($variant:ident => $module:ident),* $(,)?) => {
        /// The screen on show, by module.
        #[derive(Debug, Clone)]
        pub enum Screen {
            $($variant(super::$module::State),)*
        }

        /// A request to the service, by module. Plain data, so that the message stream can be
        /// recorded.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Request {
            Drafts(drafts::Req),
            $($variant(super::$module::Req),)*
        }

        /// The answer to a [`Request`]; errors are the Italian message to show.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub enum Reply {
            Drafts(drafts::Rep),
            $($variant(super::$module::Rep),)*
        }

        /// What the answer to a popup continues with, by module.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Then {
            App(AppThen),
            $($variant(super::$module::Then),)*
        }

        impl Screen {
            /// The state of the screen as the router sees it.
            pub fn state(&self) -> &dyn ScreenState {
                match self { $(Screen::$variant(s) => s,)* }
            }
            pub fn state_mut(&mut self) -> &mut dyn ScreenState {
                match self { $(Screen::$variant(s) => s,)* }
            }
        }

        /// Runs `req` against the service (on the store thread); `now_ms` is the clock.
        pub fn execute(svc: &mut Service<'_>, req: Request, now_ms: i64) -> Reply {
            match req {
                Request::Drafts(r) => Reply::Drafts(drafts::execute(svc, r)),
                $(Request::$variant(r) => Reply::$variant(super::$module::execute(svc, r, now_ms)),)*
            }
        }

        impl Request {
            /// A request that a newer one of the same kind makes useless (queries, draft saves).
            pub fn replaceable(&self) -> bool {
                match self {
                    Request::Drafts(r) => r.replaceable(),
                    $(Request::$variant(r) => r.replaceable(),)*
                }
            }

            /// Same kind (and, for drafts, the same form and record).
            pub fn same_kind(&self, other: &Request) -> bool {
                match (self, other) {
                    (Request::Drafts(a), Request::Drafts(b)) => a.same_kind(b),
                    $((Request::$variant(a), Request::$variant(b)) => {
                        std::mem::discriminant(a) == std::mem::discriminant(b)
                    })*
                    _ => false,
                }
            }
        }

        fn route_action(app: &mut App, a: Action) -> Vec<Effect> {
            match app.screen { $(Screen::$variant(_) => super::$module::action(app, a),)* }
        }

        fn route_reply(app: &mut App, current: bool, reply: Reply) -> Vec<Effect> {
            match reply {
                Reply::Drafts(r) => drafts::reply(app, current, r),
                $(Reply::$variant(r) => super::$module::reply(app, current, r),)*
            }
        }

        fn route_then(app: &mut App, then: Then, answer: Answer) -> Vec<Effect> {
            match then {
                Then::App(t) => app.app_then(t),
                $(Then::$variant(t) => super::$module::then(app, t, answer),)*
            }
        }

        fn route_refresh(app: &mut App) -> Vec<Effect> {
            match app.screen { $(Screen::$variant(_) => super::$module::refresh(app),)* }
        }
    };
}

pub(crate) use screens;
