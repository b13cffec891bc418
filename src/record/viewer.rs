//! The interactive replay viewer: one log, stepped forward and back one message at a time, jumped
//! to a message, or played at a speed; the session drawn as the operator saw it (the recorded
//! terminal size, centred or clipped in the space there is) above a one-line status (message n/N,
//! time offset, what the message was, play speed, divergence warnings).
//!
//! The same [`Viewer`] serves `sportello replay FILE --step` ([`run_terminal`], its own terminal
//! loop) and the Assistenza screen of the app (driven by the app's actions and ticks, drawn inside
//! its frame). Keys come through the keymap's `replay` layer in both.
//!
//! Stepping back replays from the start: the viewer keeps a copy of the replayed app every
//! [`SNAPSHOT_EVERY`] messages, so a step back replays at most that many messages.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Entry, Framer, Header};
use crate::sanitize::sanitize;
use crate::ui::action::Action;
use crate::ui::app::{App, Msg, Reply};
use crate::ui::keymap::{Keymap, Layer, Resolution};
use crate::ui::keys::{Key, KeyInput};
use crate::ui::theme::{Area, Theme};
use crate::ui::widgets::text_input::TextInput;

/// Messages between two copies of the replayed app (the most a step back replays).
pub const SNAPSHOT_EVERY: usize = 250;

const MIN_SPEED: f64 = 1.0 / 16.0;
const MAX_SPEED: f64 = 64.0;

/// A log open in the viewer, and where it stands.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub header: Header,
    /// The log's file name (the title).
    pub name: String,
    entries: Arc<[Entry]>,
    /// Why the log ends early (a last line cut short).
    note: Option<String>,
    /// Differences of version, keymap or screens from this build.
    warnings: Vec<String>,
    /// The app as the first `pos` messages left it.
    app: Box<App>,
    pos: usize,
    /// `snapshots[k]`: the app after `k * SNAPSHOT_EVERY` messages.
    snapshots: Vec<App>,
    pub playing: bool,
    /// Recorded times are divided by this while playing.
    pub speed: f64,
    /// While playing: (clock, log time) when play started or changed speed.
    clock: Option<(i64, i64)>,
    /// The message number being typed after `g`.
    pub goto: Option<TextInput>,
    /// The frame on show differs from the recorded one.
    divergent: bool,
    /// The first message whose frame differed, among those shown.
    first_divergence: Option<usize>,
}

impl Viewer {
    /// A viewer at the start of the log (no message replayed yet).
    pub fn new(name: &str, header: Header, entries: Vec<Entry>, note: Option<String>) -> Viewer {
        let (app, _) = App::new(header.app_config());
        let warnings = super::replay::header_warnings(&header, &app);
        Viewer {
            header,
            name: name.to_string(),
            entries: entries.into(),
            note,
            warnings,
            snapshots: vec![app.clone()],
            app: Box::new(app),
            pos: 0,
            playing: false,
            speed: 1.0,
            clock: None,
            goto: None,
            divergent: false,
            first_divergence: None,
        }
    }

    /// Reads the log at `path` (errors are one Italian line).
    pub fn open(path: &std::path::Path) -> Result<Viewer, String> {
        let file = std::fs::File::open(path)
            .map_err(|e| format!("impossibile aprire {}: {e}", path.display()))?;
        let (header, entries, note) = super::replay::read_all(std::io::BufReader::new(file))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        Ok(Viewer::new(&name, header, entries, note))
    }

    /// How many messages the log has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many messages have been replayed (the one on show is number `position()`).
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The replayed app.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Whether the frame on show differs from the recorded one.
    pub fn divergent(&self) -> bool {
        self.divergent
    }

    /// Shows the session after message `n` (0: before the first), replaying from the nearest copy.
    pub fn seek(&mut self, n: usize) {
        let n = n.min(self.len());
        if n < self.pos {
            let k = n / SNAPSHOT_EVERY;
            *self.app = self.snapshots[k].clone();
            self.pos = k * SNAPSHOT_EVERY;
        }
        while self.pos < n {
            self.app.update(self.entries[self.pos].msg.clone());
            self.pos += 1;
            if self.pos.is_multiple_of(SNAPSHOT_EVERY)
                && self.snapshots.len() == self.pos / SNAPSHOT_EVERY
            {
                self.snapshots.push((*self.app).clone());
            }
        }
        self.divergent = self.pos > 0 && Framer::default().hash(&self.app) != self.entry().frame;
        if self.divergent {
            self.first_divergence =
                Some(self.first_divergence.map_or(self.pos, |d| d.min(self.pos)));
        }
    }

    fn entry(&self) -> &Entry {
        &self.entries[self.pos - 1]
    }

    /// The log time of the message on show (0 before the first).
    fn time(&self) -> i64 {
        if self.pos == 0 { 0 } else { self.entry().t }
    }

    /// Where play stands at `now`: the log time reached.
    fn play_time(&self, now_ms: i64) -> i64 {
        match self.clock {
            Some((wall, t0)) => t0 + ((now_ms - wall).max(0) as f64 * self.speed) as i64,
            None => self.time(),
        }
    }

    /// Starts playing at `speed` from the message on show.
    pub fn play(&mut self, speed: f64, now_ms: i64) {
        self.speed = speed.clamp(MIN_SPEED, MAX_SPEED);
        self.playing = self.pos < self.len();
        self.clock = self.playing.then(|| (now_ms, self.time()));
    }

    fn pause(&mut self) {
        self.playing = false;
        self.clock = None;
    }

    /// An action of the `replay` layer; false when the viewer does nothing with it.
    pub fn action(&mut self, a: Action, now_ms: i64) -> bool {
        match a {
            Action::Confirm => {
                let n = self
                    .goto
                    .take()
                    .and_then(|t| t.value().trim().parse::<usize>().ok());
                if let Some(n) = n {
                    self.pause();
                    self.seek(n);
                }
            }
            Action::ReplayGoto => self.goto = Some(TextInput::new(9)),
            Action::ReplayNext => {
                self.pause();
                self.seek(self.pos + 1);
            }
            Action::ReplayPrev => {
                self.pause();
                self.seek(self.pos.saturating_sub(1));
            }
            Action::ReplayFirst => {
                self.pause();
                self.seek(0);
            }
            Action::ReplayLast => {
                self.pause();
                self.seek(self.len());
            }
            Action::ReplayPlay if self.playing => self.pause(),
            Action::ReplayPlay => self.play(self.speed, now_ms),
            Action::ReplayFaster | Action::ReplaySlower => {
                let t = self.play_time(now_ms);
                self.speed = if a == Action::ReplayFaster {
                    (self.speed * 2.0).min(MAX_SPEED)
                } else {
                    (self.speed / 2.0).max(MIN_SPEED)
                };
                if self.playing {
                    self.clock = Some((now_ms, t));
                }
            }
            _ => return false,
        }
        true
    }

    /// While playing: shows every message whose recorded time has come by `now`.
    pub fn tick(&mut self, now_ms: i64) {
        if !self.playing {
            return;
        }
        let target = self.play_time(now_ms);
        let mut n = self.pos;
        while n < self.len() && self.entries[n].t <= target {
            n += 1;
        }
        if n != self.pos {
            self.seek(n);
        }
        if self.pos == self.len() {
            self.pause();
        }
    }

    /// While playing: milliseconds until the next message is due.
    pub fn next_due(&self, now_ms: i64) -> Option<i64> {
        let (wall, t0) = self.clock.filter(|_| self.playing)?;
        let next = self.entries.get(self.pos)?.t;
        Some((wall + ((next - t0) as f64 / self.speed) as i64 - now_ms).max(0))
    }

    /// A key typed in the terminal viewer: the number after `g` is typed here, the rest goes
    /// through the keymap's `replay` layer. False when the viewer is to close.
    pub fn key(&mut self, k: &KeyInput, keymap: &mut Keymap, now_ms: i64) -> bool {
        if let Some(input) = &mut self.goto {
            match k.code {
                Key::Char(c) if c.is_ascii_digit() && k.is_printable() => {
                    input.insert(c);
                    return true;
                }
                Key::Backspace => {
                    input.backspace();
                    return true;
                }
                Key::Esc => {
                    self.goto = None;
                    return true;
                }
                _ => {}
            }
        }
        match keymap.resolve(&[Layer::Replay, Layer::Global], *k) {
            Resolution::Matched(Action::Back | Action::Quit) => false,
            Resolution::Matched(a) => {
                self.action(a, now_ms);
                true
            }
            _ => true,
        }
    }

    /// The one-line status: message n/N, time offset, the message, play, warnings.
    pub fn status(&self) -> String {
        if let Some(input) = &self.goto {
            return format!("Vai al messaggio (0–{}): {}", self.len(), input.value());
        }
        let t = self.time();
        let mut s = format!(
            "Messaggio {}/{} · {:02}:{:02}.{} · ",
            self.pos,
            self.len(),
            t / 60_000,
            t / 1000 % 60,
            t / 100 % 10
        );
        s.push_str(&if self.pos == 0 {
            "inizio".to_string()
        } else {
            describe(&self.entry().msg)
        });
        if self.playing {
            s.push_str(&format!(" · ▶ {}×", speed_label(self.speed)));
        } else if self.speed != 1.0 {
            s.push_str(&format!(" · {}×", speed_label(self.speed)));
        }
        if self.divergent {
            s.push_str(" · ⚠ schermata diversa dalla registrazione");
        } else if let Some(d) = self.first_divergence {
            s.push_str(&format!(" · ⚠ diverge dal messaggio {d}"));
        }
        if self.pos == self.len()
            && let Some(n) = &self.note
        {
            s.push_str(&format!(" · {n}"));
        }
        for w in &self.warnings {
            s.push_str(&format!(" · ⚠ {w}"));
        }
        sanitize(&s)
    }

    /// Draws the session (framed when there is room, centred, clipped when it does not fit) and
    /// the status line in `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let [session, status] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        let mut framer = Framer::default();
        let buf = framer.render(&self.app);
        let (w, h) = (buf.area.width, buf.area.height);
        let mut inner = session;
        if session.width >= w + 2 && session.height >= h + 2 {
            let outer = crate::ui::view::centered(session, w + 2, h + 2);
            let title = format!(" {} · segnalazione {} ", self.name, self.header.incident);
            f.render_widget(
                Block::default()
                    .borders(Borders::ALL)
                    .border_set(theme.border())
                    .border_style(theme.dim())
                    .title(sanitize(&title)),
                outer,
            );
            inner = Rect::new(outer.x + 1, outer.y + 1, w, h);
        } else if session.width >= w && session.height >= h {
            inner = crate::ui::view::centered(session, w, h);
        }
        let out = f.buffer_mut();
        for y in 0..h.min(inner.height) {
            for x in 0..w.min(inner.width) {
                out[(inner.x + x, inner.y + y)] = buf[(x, y)].clone();
            }
        }
        let style = if self.divergent {
            theme.warning()
        } else {
            theme.bar(Area::Sistema)
        };
        f.render_widget(
            Paragraph::new(Line::from(Span::raw(self.status()))).style(style),
            status,
        );
    }
}

fn speed_label(s: f64) -> String {
    if s >= 1.0 {
        format!("{s}")
    } else {
        format!("1/{}", (1.0 / s).round())
    }
}

/// What a message was, in a few words: the key, the reply's kind, the new size.
pub fn describe(msg: &Msg) -> String {
    match msg {
        Msg::Key(k) => format!("tasto {}", k.notation()),
        Msg::Paste(s) => format!("incolla {} caratteri", s.chars().count()),
        Msg::Resize(w, h) => format!("dimensione {w}×{h}"),
        Msg::Tick(_) => "orologio".into(),
        Msg::Reply(_, r) => format!("risposta {}", reply_kind(r)),
        Msg::Hangup => "chiusura del terminale".into(),
    }
}

/// `Modulo/Risposta` from the reply's variants (no data).
fn reply_kind(r: &Reply) -> String {
    let mut names = Vec::new();
    let mut v = serde_json::to_value(r).unwrap_or_default();
    while names.len() < 2 {
        match v {
            serde_json::Value::Object(m) if m.len() == 1 => {
                let (k, inner) = m.into_iter().next().unwrap_or_default();
                names.push(k);
                v = inner;
            }
            serde_json::Value::String(s) => {
                names.push(s);
                break;
            }
            _ => break,
        }
    }
    names.join("/")
}

/// `sportello replay FILE --step`: the viewer in this terminal (alternate screen, raw mode, put
/// back on exit and by the crash hook on a panic) until `q` or Esc. With `speed` it starts
/// playing at that speed.
pub fn run_terminal(
    mut viewer: Viewer,
    speed: Option<f64>,
    mut keymap: Keymap,
) -> std::io::Result<()> {
    use crossterm::event::{Event, KeyEventKind};
    use std::time::{Duration, Instant};
    let theme = Theme::detect(&|k| std::env::var(k).ok());
    crossterm::terminal::enable_raw_mode()?;
    let mut out = std::io::stdout();
    crossterm::execute!(
        out,
        crossterm::terminal::EnterAlternateScreen,
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    let result = (|| {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
        let start = Instant::now();
        let now = || start.elapsed().as_millis() as i64;
        if let Some(s) = speed {
            viewer.play(s, now());
        }
        loop {
            terminal.draw(|f| viewer.draw(f, f.area(), &theme))?;
            let wait = viewer.next_due(now()).unwrap_or(1000).clamp(0, 1000);
            if crossterm::event::poll(Duration::from_millis(wait as u64))?
                && let Event::Key(k) = crossterm::event::read()?
                && k.kind != KeyEventKind::Release
                && !viewer.key(&KeyInput::from(k), &mut keymap, now())
            {
                return Ok(());
            }
            viewer.tick(now());
        }
    })();
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    result
}
