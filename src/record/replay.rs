//! Replaying a log: the logged messages go through `update` again, in order, with no database and
//! no terminal timing; each frame is drawn off screen and its hash compared with the logged one.
//! The first difference stops the replay with the message number and the likely cause (another
//! version, another keymap, or a bug). Logs are read line by line, so their size does not matter.
//! A last line cut short (the session died mid-write) ends the replay there, and says so.
//!
//! Re-execution ([`Mode::Reexecute`]) replays only the operator's input against a database copy
//! (the service answers instead of the logged replies), to confirm a fix. Passwords are never in a
//! log, so logins and unlocks are the one exception: their logged answers are used.

use std::io::BufRead;

use ratatui::buffer::Buffer;

use super::{Entry, Framer, Header};
use crate::service::Service;
use crate::ui::app::{App, Effect, Msg, Reply, Request, execute};
use crate::ui::login;

/// How the replay runs.
pub enum Mode<'s, 'a> {
    /// The logged replies; every frame hash is checked.
    Exact,
    /// Inputs only, against this service (a database copy); frames are not checked.
    Reexecute(&'s mut Service<'a>),
}

/// Why the replay stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Every message replayed, every frame identical.
    End,
    /// The last line was cut short: replayed up to the line before.
    Truncated { line: u64 },
    /// Stopped as asked after message `seq`.
    At { seq: u64 },
    /// The frame after message `seq` (log line `line`) differs from the recorded one.
    Divergence { seq: u64, line: u64, cause: String },
}

/// What a replay did.
#[derive(Debug)]
pub struct Report {
    pub header: Header,
    pub messages: u64,
    pub stop: Stop,
    /// Differences of version, keymap or screens (the replay runs anyway).
    pub warnings: Vec<String>,
    /// The last frame as text.
    pub screen: String,
}

impl Report {
    /// One Italian line on how the replay ended.
    pub fn summary(&self) -> String {
        match &self.stop {
            Stop::End => format!(
                "Replica completa: {} messaggi, schermate identiche",
                self.messages
            ),
            Stop::Truncated { line } => format!(
                "Registrazione troncata alla riga {line}: replicati {} messaggi fino all'ultima riga completa",
                self.messages
            ),
            Stop::At { seq } => format!("Replica fermata al messaggio {seq}"),
            Stop::Divergence { seq, line, cause } => format!(
                "La replica diverge dalla registrazione al messaggio {seq} (riga {line}): {cause}"
            ),
        }
    }
}

pub(super) fn header_warnings(h: &Header, app: &App) -> Vec<String> {
    let mut w = Vec::new();
    if h.version != env!("CARGO_PKG_VERSION") {
        w.push(format!(
            "registrazione della versione {}, questa è la {}: le schermate possono differire",
            crate::sanitize::sanitize(&h.version),
            env!("CARGO_PKG_VERSION")
        ));
    }
    if h.keymap != super::keymap_hash(&app.config) {
        w.push("la registrazione usa un'altra mappa dei tasti".into());
    }
    if h.screens != super::screens_hash(&app.config) {
        w.push("la registrazione usa altre definizioni delle schermate".into());
    }
    w
}

/// Replays the log read from `input`. `to` stops after that message; `on_frame` sees each message
/// and the frame it produced. Errors (not a log, a line edited by hand) are one Italian line.
pub fn replay(
    input: impl BufRead,
    mut mode: Mode<'_, '_>,
    to: Option<u64>,
    mut on_frame: impl FnMut(&Entry, &Buffer),
) -> Result<Report, String> {
    let mut lines = LineReader::new(input);
    let header = read_header(&mut lines)?;
    let (mut app, _) = App::new(header.app_config());
    let warnings = header_warnings(&header, &app);
    let mut framer = Framer::default();
    let mut messages = 0;
    let mut stop = Stop::End;
    while let Some((text, complete)) = lines.next_line()? {
        let line = lines.number;
        let Some(entry) = parse_entry(&text, complete, line)? else {
            stop = Stop::Truncated { line };
            break;
        };
        messages += 1;
        match &mut mode {
            Mode::Exact => {
                app.update(entry.msg.clone());
            }
            Mode::Reexecute(svc) => {
                if !matches!(entry.msg, Msg::Reply(..)) || password_reply(&entry.msg) {
                    let effects = app.update(entry.msg.clone());
                    run_effects(&mut app, svc, effects);
                }
            }
        }
        let hash = framer.hash(&app);
        on_frame(&entry, framer.render(&app));
        if matches!(mode, Mode::Exact) && hash != entry.frame {
            let cause = warnings.first().cloned().unwrap_or_else(|| {
                "stessa versione e stessa mappa dei tasti: probabile errore da segnalare".into()
            });
            stop = Stop::Divergence {
                seq: entry.seq,
                line,
                cause,
            };
            break;
        }
        if to.is_some_and(|n| entry.seq >= n) {
            stop = Stop::At { seq: entry.seq };
            break;
        }
    }
    let screen = crate::ui::harness::buffer_text(framer.render(&app));
    Ok(Report {
        header,
        messages,
        stop,
        warnings,
        screen,
    })
}

/// The header of a log: its first line, of a format this version reads.
fn read_header<R: BufRead>(lines: &mut LineReader<R>) -> Result<Header, String> {
    let Some((first, _)) = lines.next_line()? else {
        return Err("registrazione vuota".into());
    };
    let header: Header = serde_json::from_str(&first)
        .map_err(|e| format!("riga 1: intestazione non valida ({e})"))?;
    if header.format != super::FORMAT {
        return Err(format!(
            "formato di registrazione {} non supportato (questa versione legge il {})",
            header.format,
            super::FORMAT
        ));
    }
    Ok(header)
}

/// One message line; `None` for a last line cut short (the session died mid-write).
fn parse_entry(text: &str, complete: bool, line: u64) -> Result<Option<Entry>, String> {
    match serde_json::from_str(text) {
        Ok(e) => Ok(Some(e)),
        Err(_) if !complete => Ok(None),
        Err(e) => Err(format!("riga {line}: messaggio non valido ({e})")),
    }
}

/// A whole log in memory, for the interactive viewer (which steps back and forth): the header,
/// the messages, and a note when the last line was cut short.
pub fn read_all(input: impl BufRead) -> Result<(Header, Vec<Entry>, Option<String>), String> {
    let mut lines = LineReader::new(input);
    let header = read_header(&mut lines)?;
    let mut entries = Vec::new();
    while let Some((text, complete)) = lines.next_line()? {
        match parse_entry(&text, complete, lines.number)? {
            Some(e) => entries.push(e),
            None => {
                return Ok((
                    header,
                    entries,
                    Some(format!(
                        "registrazione troncata alla riga {}: mostrati i messaggi fino all'ultima riga completa",
                        lines.number
                    )),
                ));
            }
        }
    }
    Ok((header, entries, None))
}

/// The answer to a login or an unlock: the password it checked is not in the log.
fn password_reply(msg: &Msg) -> bool {
    matches!(
        msg,
        Msg::Reply(
            _,
            Reply::Login(
                login::Rep::Login(_) | login::Rep::LoginRecorded(..) | login::Rep::Unlock(_)
            )
        )
    )
}

/// Runs effects against the service at once, replies fed back (as the headless harness does);
/// logins and unlocks wait for their logged answer.
fn run_effects(app: &mut App, svc: &mut Service<'_>, effects: Vec<Effect>) {
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    while let Some(e) = queue.pop_front() {
        if let Effect::Request(
            _,
            Request::Login(
                login::Req::Login { .. }
                | login::Req::LoginSystem { .. }
                | login::Req::Unlock { .. },
            ),
        ) = e
        {
            continue;
        }
        if let Effect::Request(id, req) = e {
            let reply = execute(svc, req, app.now_ms);
            queue.extend(app.update(Msg::Reply(id, reply)));
        }
    }
}

/// Lines of a log, one at a time, numbered from 1; whether each ended with a newline.
struct LineReader<R> {
    input: R,
    buf: String,
    number: u64,
}

impl<R: BufRead> LineReader<R> {
    fn new(input: R) -> Self {
        LineReader {
            input,
            buf: String::new(),
            number: 0,
        }
    }

    fn next_line(&mut self) -> Result<Option<(String, bool)>, String> {
        self.buf.clear();
        let n = self
            .input
            .read_line(&mut self.buf)
            .map_err(|e| format!("lettura della registrazione: {e}"))?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let complete = self.buf.ends_with('\n');
        Ok(Some((self.buf.trim_end().to_string(), complete)))
    }
}
