//! Session recording for the helpdesk: the replay log and everything read from it.
//!
//! A recording is never on by default: it is started for one incident (`--record --segnalazione
//! N`), the operator is told before the first frame and sees it in the status bar. The log is JSON
//! lines: a [`Header`] (version, commit, schema, terminal, keymap and screens hashes, start time),
//! then one [`Entry`] per message that entered [`App::update`] — our own `Msg` values: keys,
//! pastes, resizes, ticks with their time, service replies — with a hash of the frame it produced.
//! Keys and pastes into a password field are recorded as `*` always; with redaction, typed text and
//! every string of a reply are masked with characters of the same width ([`mask`]) and the frame
//! hashes are those of the redacted render (a shadow app fed the logged messages).
//!
//! - [`files`]: the recording directory (mode 0600 files, listing, retention).
//! - [`replay`]: re-driving `update` from a log, divergence check, re-execution on a copy.
//! - [`cast`]: asciicast v2 export of a replay.
//! - [`viewer`]: the interactive replay viewer (step, jump, play), in the terminal or in the app.

pub mod cast;
pub mod files;
pub mod mask;
pub mod replay;
pub mod viewer;

use std::io::Write;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::AuthMode;
use crate::service::helpdesk::RecordingStart;
use crate::service::session::SessionInfo;
use crate::ui::app::{App, AppConfig, Effect, Msg, Reply, printable};
use crate::ui::keys::KeyInput;
use crate::ui::login;

/// The log format; a log of another format is refused.
pub const FORMAT: u32 = 1;

/// The first line of a log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub version: String,
    pub commit: String,
    pub schema: u32,
    pub incident: String,
    pub cols: u16,
    pub rows: u16,
    pub term: String,
    pub color: bool,
    pub ascii: bool,
    pub locale: String,
    pub keymap: String,
    pub screens: String,
    pub start_ms: i64,
    pub redacted: bool,
    /// `password` or `system`.
    pub auth: String,
    pub idle_lock_minutes: u32,
    /// The session ran on a demo database (a log that may be exported and committed).
    pub demo: bool,
    /// The operator recorded, and their ente. A recording requested by the helpdesk starts at
    /// the operator's login and names them; a `--record` session starts before the login (older
    /// logs have neither): see [`files::owner`].
    #[serde(default)]
    pub operatore: String,
    #[serde(default)]
    pub ente: Option<i64>,
    /// Started at the login by a helpdesk request: the session had no recording notice before.
    #[serde(default)]
    pub requested: bool,
    /// The status line the session started with (file logging off); absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

impl Header {
    /// The header of a session of `config`; `schema` and `start_ms` from the caller.
    pub fn new(config: &AppConfig, schema: u32, size: (u16, u16), start_ms: i64) -> Header {
        let env = |k: &str| std::env::var(k).unwrap_or_default();
        Header {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            commit: option_env!("SPORTELLO_COMMIT")
                .unwrap_or("sconosciuto")
                .into(),
            schema,
            incident: config.recording.clone().unwrap_or_default(),
            cols: size.0,
            rows: size.1,
            term: env("TERM"),
            color: config.theme.color,
            ascii: config.theme.ascii,
            locale: std::env::var("LC_ALL")
                .or_else(|_| std::env::var("LANG"))
                .unwrap_or_default(),
            keymap: keymap_hash(config),
            screens: screens_hash(config),
            start_ms,
            redacted: false,
            auth: match config.auth {
                AuthMode::Password => "password",
                AuthMode::System => "system",
            }
            .into(),
            idle_lock_minutes: config.idle_lock_minutes,
            demo: config.demo,
            operatore: String::new(),
            ente: None,
            requested: false,
            notice: config.notice.clone(),
        }
    }

    /// The app configuration a replay of this log runs with: the embedded keymap and screens, the
    /// session's settings.
    pub fn app_config(&self) -> AppConfig {
        let mut c = AppConfig::headless(self.color);
        c.theme.ascii = self.ascii;
        c.auth = if self.auth == "system" {
            AuthMode::System
        } else {
            AuthMode::Password
        };
        c.idle_lock_minutes = self.idle_lock_minutes;
        c.demo = self.demo;
        c.recording = Some(self.incident.clone()).filter(|i| !i.is_empty() && !self.requested);
        c.notice = self.notice.clone();
        c
    }
}

/// One message of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    /// Milliseconds since the start of the recording (for the asciicast timing only).
    pub t: i64,
    pub msg: Msg,
    /// Hash of the frame drawn after the message.
    pub frame: String,
}

fn hash_hex(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

/// Hash of the keymap in force (a replay with another keymap may diverge).
pub fn keymap_hash(config: &AppConfig) -> String {
    hash_hex(&format!("{:?}", config.keymap))
}

/// Hash of the screen definitions in force.
pub fn screens_hash(config: &AppConfig) -> String {
    hash_hex(&format!("{:?}", config.forms))
}

/// Draws `app` off screen, as the runtime would, and hashes the frame (text and styles).
pub struct Framer {
    term: Terminal<TestBackend>,
}

impl Default for Framer {
    fn default() -> Self {
        Framer {
            term: Terminal::new(TestBackend::new(80, 24)).expect("test backend"),
        }
    }
}

impl Framer {
    /// Renders `app` at its size; returns the buffer.
    pub fn render(&mut self, app: &App) -> &ratatui::buffer::Buffer {
        let (w, h) = app.size;
        if self.term.backend().buffer().area.width != w
            || self.term.backend().buffer().area.height != h
        {
            self.term.backend_mut().resize(w, h);
            let _ = self.term.resize(ratatui::layout::Rect::new(0, 0, w, h));
        }
        let _ = self.term.draw(|f| crate::ui::view::draw(app, f));
        self.term.backend().buffer()
    }

    /// The hash of `app`'s frame.
    pub fn hash(&mut self, app: &App) -> String {
        hash_hex(&crate::ui::harness::styled_text(self.render(app)))
    }
}

/// Writes the log of one session.
pub struct Recorder {
    out: Box<dyn Write + Send>,
    seq: u64,
    redact: bool,
    /// With redaction: the app as the logged (masked) messages make it, whose frames are hashed.
    shadow: Option<App>,
    framer: Framer,
}

impl Recorder {
    /// Starts a log on `out` for `app`, just created from its config (before any message).
    pub fn start(
        mut out: Box<dyn Write + Send>,
        mut header: Header,
        app: &App,
        redact: bool,
    ) -> std::io::Result<Recorder> {
        header.redacted = redact;
        let mut line = serde_json::to_string(&header).map_err(std::io::Error::other)?;
        line.push('\n');
        out.write_all(line.as_bytes())?;
        out.flush()?;
        Ok(Recorder {
            out,
            seq: 0,
            redact,
            shadow: redact.then(|| app.clone()),
            framer: Framer::default(),
        })
    }

    /// The message as it goes into the log, seen from `app` before it handles it: keys and pastes
    /// into a password field become `*`; with redaction typed text and replies are masked.
    /// A reply that cannot be masked is an error: it is never written in clear.
    pub fn logged(&self, app: &App, msg: &Msg) -> Result<Msg, String> {
        let msg = without_secrets(app, msg);
        if !self.redact {
            return Ok(msg);
        }
        let text_in_field = app.config.keymap.pending().is_empty()
            && matches!(
                app.popup,
                None | Some(crate::ui::popup::Popup::Prompt { .. })
            )
            && app.text_focus();
        Ok(match msg {
            Msg::Key(k) if text_in_field => match printable(&k) {
                Some(c) => {
                    let m = mask::mask_text(&c.to_string()).chars().next().unwrap_or(c);
                    Msg::Key(KeyInput::char(m))
                }
                None => msg,
            },
            Msg::Paste(s) => Msg::Paste(mask::mask_text(&s)),
            Msg::Reply(id, r) => {
                let masked = mask::masked_json(&r)
                    .and_then(serde_json::from_value)
                    .map_err(|e| format!("risposta non oscurabile: {e}"))?;
                Msg::Reply(id, masked)
            }
            other => other,
        })
    }

    /// Writes one line: the logged message and the hash of the frame `app` (or the shadow) draws.
    pub fn write(&mut self, logged: Msg, app: &App, t: i64) -> std::io::Result<()> {
        self.seq += 1;
        let frame = match &mut self.shadow {
            Some(shadow) => {
                shadow.update(logged.clone());
                self.framer.hash(shadow)
            }
            None => self.framer.hash(app),
        };
        let entry = Entry {
            seq: self.seq,
            t,
            msg: logged,
            frame,
        };
        let mut line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        line.push('\n');
        // One write per line, unbuffered: a crash keeps the log up to the last message.
        self.out.write_all(line.as_bytes())?;
        self.out.flush()
    }
}

/// `msg` with what is typed into a password field replaced by `*` (never recorded, nor kept).
fn without_secrets(app: &App, msg: &Msg) -> Msg {
    match msg {
        Msg::Key(k) if app.secret_focus() && printable(k).is_some() => {
            Msg::Key(KeyInput::char('*'))
        }
        Msg::Paste(s) if app.secret_focus() => Msg::Paste("*".repeat(s.chars().count())),
        _ => msg.clone(),
    }
}

/// Where a recording the helpdesk requested goes when the operator logs in.
#[derive(Debug, Clone)]
pub struct OnRequest {
    pub dir: std::path::PathBuf,
    pub retention_days: u32,
    /// `recording_redact = true` in the system configuration: every recording is redacted.
    pub force_redact: bool,
    pub schema: u32,
    pub size: (u16, u16),
    pub start_ms: i64,
}

/// Messages kept while waiting for the login, at most (then the session is not recorded).
const MAX_WAITING: usize = 20_000;

/// The recording side of a session: every message goes through [`Session::update`]. One per
/// session: the size of its variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Session {
    Off,
    /// Until the first login, which may start a recording the helpdesk requested: the messages
    /// so far are kept in memory (password keys already `*`, runs of clock ticks shortened), so
    /// that the log can start from the first message and replay exactly. Dropped at the login.
    Waiting {
        initial: Box<AppConfig>,
        on: OnRequest,
        buffer: Vec<(Msg, i64)>,
    },
    On(Recorder),
}

impl Session {
    /// A session that a request may record: `app` was just created, before any message.
    pub fn waiting(app: &App, on: OnRequest) -> Session {
        Session::Waiting {
            initial: Box::new(app.config.clone()),
            on,
            buffer: Vec::new(),
        }
    }

    pub fn is_on(&self) -> bool {
        matches!(self, Session::On(_))
    }

    /// `app.update(msg)`, recorded when a recorder is on. A log that cannot be written stops the
    /// recording (the session goes on) and the operator is told.
    pub fn update(&mut self, app: &mut App, msg: Msg, t: i64) -> Vec<Effect> {
        match self {
            Session::Off => app.update(msg),
            Session::On(r) => {
                let logged = r.logged(app, &msg);
                let effects = app.update(msg);
                let written = logged.and_then(|l| r.write(l, app, t).map_err(|e| e.to_string()));
                if let Err(e) = written {
                    tracing::warn!(error = %e, "registrazione interrotta");
                    *self = Session::Off;
                    app.config.recording = None;
                    app.status = Some(format!("Registrazione interrotta: {e}"));
                }
                effects
            }
            Session::Waiting { buffer, .. } => {
                let requested = match &msg {
                    Msg::Reply(_, Reply::Login(login::Rep::LoginRecorded(info, start))) => {
                        Some((info.clone(), start.clone()))
                    }
                    _ => None,
                };
                let kept = without_secrets(app, &msg);
                let n = buffer.len();
                if matches!(kept, Msg::Tick(_))
                    && n >= 2
                    && matches!(buffer[n - 1].0, Msg::Tick(_))
                    && matches!(buffer[n - 2].0, Msg::Tick(_))
                {
                    // Before the login a tick only moves the clock: the first and the last of a
                    // run leave the same state as all of them.
                    buffer.pop();
                }
                buffer.push((kept, t));
                let too_long = buffer.len() > MAX_WAITING;
                let effects = app.update(msg);
                if app.session.is_some() || too_long {
                    app.config.record_on_login = false;
                    let Session::Waiting {
                        initial,
                        on,
                        buffer,
                    } = std::mem::replace(self, Session::Off)
                    else {
                        return effects;
                    };
                    if let Some((info, start)) = requested.filter(|_| app.session.is_some()) {
                        match start_requested(*initial, &on, buffer, &info, &start) {
                            Ok((rec, path)) => {
                                crate::crash::set_recording(Some(path));
                                *self = Session::On(rec);
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "registrazione richiesta non avviata");
                                app.config.recording = None;
                                app.popup = Some(crate::ui::popup::Popup::Message {
                                    text: format!(
                                        "Registrazione non attiva: impossibile scrivere il file ({e}). La sessione prosegue senza registrazione."
                                    ),
                                    error: true,
                                });
                            }
                        }
                    }
                }
                effects
            }
        }
    }
}

/// Starts the recording the helpdesk requested, at the login: the log's header names the
/// operator and their ente, then the messages kept since the start are written as a recorder
/// would have written them (replayed on a fresh app), so the log replays from the first message.
fn start_requested(
    initial: AppConfig,
    on: &OnRequest,
    buffer: Vec<(Msg, i64)>,
    info: &SessionInfo,
    start: &RecordingStart,
) -> std::io::Result<(Recorder, std::path::PathBuf)> {
    let _ = files::purge(&on.dir, on.retention_days, std::time::SystemTime::now());
    // The desk's local time, as every file name.
    let stamp = crate::domain::date::file_stamp(crate::domain::date::local_ms(on.start_ms));
    let (path, file) = files::create(&on.dir, &start.segnalazione, &stamp)?;
    let mut header = Header::new(&initial, on.schema, on.size, on.start_ms);
    header.incident = start.segnalazione.clone();
    header.operatore = info.actor.username.clone();
    header.ente = info.actor.enti.first().copied();
    header.requested = true;
    let (mut fresh, _) = App::new(initial);
    let redact = start.oscurata || on.force_redact;
    let mut rec = Recorder::start(Box::new(file), header, &fresh, redact)?;
    for (msg, t) in buffer {
        let logged = rec.logged(&fresh, &msg).map_err(std::io::Error::other)?;
        fresh.update(msg);
        rec.write(logged, &fresh, t)?;
    }
    Ok((rec, path))
}

/// What the command line asked of recording.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The incident the recording is for (required).
    pub incident: String,
    /// The log file; a new file in `dir` when absent.
    pub file: Option<std::path::PathBuf>,
    pub dir: std::path::PathBuf,
    pub redact: bool,
    pub retention_days: u32,
}

/// Creates the app of a session, recorded as `req` asks. A log that cannot be created leaves the
/// session unrecorded and the operator told so (the session goes on). Expired logs are deleted
/// first. Returns the app, its first effects, the recorder and the log's path.
pub fn begin(
    mut config: AppConfig,
    req: Option<&Request>,
    schema: u32,
    size: (u16, u16),
    start_ms: i64,
) -> (
    App,
    Vec<Effect>,
    Option<Recorder>,
    Option<std::path::PathBuf>,
) {
    let Some(req) = req else {
        let (app, effects) = App::new(config);
        return (app, effects, None, None);
    };
    let _ = files::purge(&req.dir, req.retention_days, std::time::SystemTime::now());
    // The desk's local time, as every file name.
    let stamp = crate::domain::date::file_stamp(crate::domain::date::local_ms(start_ms));
    let opened = match &req.file {
        // A file the operator named: created as the operator, never with the data group.
        Some(path) => crate::files::as_operator(path, || {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
        })
        .map(|f| (path.clone(), f)),
        None => files::create(&req.dir, &req.incident, &stamp),
    };
    config.recording = Some(req.incident.clone());
    let started = opened.and_then(|(path, file)| {
        let (app, effects) = App::new(config.clone());
        let header = Header::new(&app.config, schema, size, start_ms);
        Recorder::start(Box::new(file), header, &app, req.redact).map(|r| (app, effects, r, path))
    });
    match started {
        Ok((app, effects, rec, path)) => (app, effects, Some(rec), Some(path)),
        Err(e) => {
            tracing::warn!(error = %e, "registrazione non avviata");
            config.recording = None;
            let (mut app, effects) = App::new(config);
            app.popup = Some(crate::ui::popup::Popup::Message {
                text: format!(
                    "Registrazione non attiva: impossibile scrivere il file ({e}). La sessione prosegue senza registrazione."
                ),
                error: true,
            });
            (app, effects, None, None)
        }
    }
}
