//! The headless harness: the real [`App`] on a ratatui `TestBackend` and a real store, driven by key
//! strings (`"ross<Down><Enter>"`), run until idle without sleeps. Used by the tests and the benchmarks.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use super::app::{App, AppConfig, Effect, Msg, execute};
use super::keys::parse_key_string;
use crate::record::{Header, Recorder, Session};
use crate::service::Service;
use crate::store::Store;

/// A fixed start time so that runs are repeatable (2027-01-15 08:00 UTC).
pub const START_MS: i64 = 1_800_000_000_000;

pub struct Harness {
    pub app: App,
    pub store: Box<dyn Store>,
    pub terminal: Terminal<TestBackend>,
    pub now_ms: i64,
    /// Every effect `update` produced, in order (for assertions on what was asked of the store).
    pub effects: Vec<Effect>,
    /// Hold long work ([`Effect::Job`]), and with `hold_requests` every request, in
    /// [`Harness::held`] instead of running it at once: the test decides when it runs
    /// ([`Harness::release`]), as if the store were still busy meanwhile.
    pub hold_jobs: bool,
    pub hold_requests: bool,
    pub held: Vec<(u64, super::app::Request)>,
    /// The session's recording (off, waiting for a requested one, on).
    pub recording: Session,
}

impl Harness {
    pub fn new(store: Box<dyn Store>, config: AppConfig, width: u16, height: u16) -> Harness {
        let (app, initial) = App::new(config);
        Harness::start(store, app, initial, width, height, Session::Off)
    }

    /// A session that a recording requested by the helpdesk starts at the login (into `on.dir`),
    /// as the TUI does.
    pub fn requestable(
        store: Box<dyn Store>,
        mut config: AppConfig,
        width: u16,
        height: u16,
        on: crate::record::OnRequest,
    ) -> Harness {
        config.record_on_login = true;
        let (app, initial) = App::new(config);
        let session = Session::waiting(&app, on);
        Harness::start(store, app, initial, width, height, session)
    }

    /// A session recorded to `out` from its first message, as `sportello --record` does.
    pub fn recorded(
        store: Box<dyn Store>,
        config: AppConfig,
        width: u16,
        height: u16,
        out: Box<dyn std::io::Write + Send>,
        redact: bool,
    ) -> std::io::Result<Harness> {
        let schema = store.schema_status().map(|s| s.db_version).unwrap_or(0);
        let (app, initial) = App::new(config);
        let header = Header::new(&app.config, schema, (width, height), START_MS);
        let rec = Recorder::start(out, header, &app, redact)?;
        Ok(Harness::start(
            store,
            app,
            initial,
            width,
            height,
            Session::On(rec),
        ))
    }

    fn start(
        store: Box<dyn Store>,
        app: App,
        initial: Vec<Effect>,
        width: u16,
        height: u16,
        recording: Session,
    ) -> Harness {
        let terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
        let mut h = Harness {
            app,
            store,
            terminal,
            now_ms: START_MS,
            effects: Vec::new(),
            hold_jobs: false,
            hold_requests: false,
            held: Vec::new(),
            recording,
        };
        h.run(initial);
        h.send(Msg::Resize(width, height));
        h.send(Msg::Tick(START_MS));
        h.draw();
        h
    }

    /// Sends one message and runs everything it causes until idle.
    pub fn send(&mut self, msg: Msg) -> &mut Self {
        let effects = self.update(msg);
        self.run(effects);
        self
    }

    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(e) = queue.pop_front() {
            self.effects.push(e.clone());
            let (id, req) = match e {
                Effect::Request(id, req) if self.hold_requests => {
                    self.held.push((id, req));
                    continue;
                }
                Effect::Job(id, req) if self.hold_jobs => {
                    self.held.push((id, req));
                    continue;
                }
                Effect::Request(id, req) | Effect::Job(id, req) => (id, req),
                Effect::Quit => continue,
            };
            let reply = execute(&mut Service::new(self.store.as_mut()), req, self.now_ms);
            queue.extend(self.update(Msg::Reply(id, reply)));
        }
    }

    /// Runs what was held so far (see [`Harness::hold_jobs`]) in order, as the store thread would,
    /// then delivers the replies.
    pub fn release(&mut self) -> &mut Self {
        let replies: Vec<_> = std::mem::take(&mut self.held)
            .into_iter()
            .map(|(id, req)| {
                let reply = execute(&mut Service::new(self.store.as_mut()), req, self.now_ms);
                (id, reply)
            })
            .collect();
        for (id, reply) in replies {
            self.send(Msg::Reply(id, reply));
        }
        self.draw()
    }

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        self.recording
            .update(&mut self.app, msg, self.now_ms - START_MS)
    }

    /// Types a key string (the keymap notation), settling after each key, then draws.
    pub fn keys(&mut self, keys: &str) -> &mut Self {
        for k in parse_key_string(keys).expect("valid key string in test") {
            self.send(Msg::Key(k));
        }
        self.draw()
    }

    /// Pastes text.
    pub fn paste(&mut self, text: &str) -> &mut Self {
        self.send(Msg::Paste(text.to_string()));
        self.draw()
    }

    /// Moves the clock forward and delivers a tick.
    pub fn advance(&mut self, ms: i64) -> &mut Self {
        self.now_ms += ms;
        let now = self.now_ms;
        self.send(Msg::Tick(now));
        self.draw()
    }

    pub fn resize(&mut self, w: u16, h: u16) -> &mut Self {
        self.terminal.backend_mut().resize(w, h);
        self.send(Msg::Resize(w, h));
        self.draw()
    }

    pub fn draw(&mut self) -> &mut Self {
        self.app.take_dirty();
        let app = &self.app;
        self.terminal
            .draw(|f| super::view::draw(app, f))
            .expect("draw on test backend");
        self
    }

    pub fn buffer(&self) -> &Buffer {
        self.terminal.backend().buffer()
    }

    /// The screen as text, one line per row, trailing spaces trimmed.
    pub fn text(&self) -> String {
        buffer_text(self.buffer())
    }

    /// The screen with its styles: the text, then one line per style run (`row col..col fg bg mods`).
    pub fn styled(&self) -> String {
        styled_text(self.buffer())
    }

    /// Login through the real login screen.
    pub fn login(&mut self, user: &str, password: &str) -> &mut Self {
        self.keys(user).keys("<Tab>");
        self.send(Msg::Paste(password.to_string()));
        self.keys("<Enter>")
    }
}

pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in area.left()..area.right() {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn styled_text(buf: &Buffer) -> String {
    let mut out = buffer_text(buf);
    out.push_str("--- stili ---\n");
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let style = buf[(x, y)].style();
            let start = x;
            while x < area.right() && buf[(x, y)].style() == style {
                x += 1;
            }
            let plain = style.fg.is_none_or(|c| c == ratatui::style::Color::Reset)
                && style.bg.is_none_or(|c| c == ratatui::style::Color::Reset)
                && style.add_modifier.is_empty();
            if !plain {
                out.push_str(&format!(
                    "{y:>2} {start:>2}..{:<2} fg={:?} bg={:?} {:?}\n",
                    x - 1,
                    style.fg.unwrap_or(ratatui::style::Color::Reset),
                    style.bg.unwrap_or(ratatui::style::Color::Reset),
                    style.add_modifier
                ));
            }
        }
    }
    out
}
