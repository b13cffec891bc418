//! Crash reports: on a panic, restore the terminal, write a report file (backtrace, screen name, the last
//! 50 input events with typed characters redacted, the panic's place and its message masked, the
//! session recording if one was on) and show the operator one Italian line with its id. No personal
//! data: a message formatted at run time may quote a value, so its letters and digits are masked;
//! a literal message (`panic!("...")` without arguments) is kept, it was written by a developer.

use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const MAX_EVENTS: usize = 50;

/// What the runtime last did, for the report. Holds no typed text.
#[derive(Debug, Default)]
struct Context {
    screen: String,
    events: VecDeque<String>,
    recording: Option<PathBuf>,
    /// The ente of the operator logged in (the helpdesk of that ente sees the report).
    ente: Option<i64>,
}

static CONTEXT: Mutex<Context> = Mutex::new(Context {
    screen: String::new(),
    events: VecDeque::new(),
    recording: None,
    ente: None,
});

/// The session recording in progress: a report names it (the log is kept up to the crash).
pub fn set_recording(path: Option<PathBuf>) {
    if let Ok(mut c) = CONTEXT.lock() {
        c.recording = path;
    }
}

/// The ente of the operator logged in, if any.
pub fn set_ente(ente: Option<i64>) {
    if let Ok(mut c) = CONTEXT.lock() {
        c.ente = ente;
    }
}

/// What a list of reports shows of one, read from its file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub id: String,
    /// Seconds since the epoch (from the id).
    pub time: i64,
    pub version: String,
    /// The first line of the error (place and masked message).
    pub message: String,
    /// `None` for a crash before any login, or a report of an older version.
    pub ente: Option<i64>,
}

/// The summary of the report `id` with text `text`.
pub fn summary(id: &str, text: &str) -> Summary {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    Summary {
        id: id.to_string(),
        time: id
            .split('-')
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or_default(),
        version: field("versione:").unwrap_or_default(),
        message: field("errore:").unwrap_or_default(),
        ente: field("ente:").and_then(|e| e.parse().ok()),
    }
}

/// The reports in `dir`, by id, oldest first.
pub fn reports(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let id = name
                .strip_prefix("crash-")?
                .strip_suffix(".txt")?
                .to_string();
            Some((id, e.path()))
        })
        .collect();
    out.sort();
    out
}

/// What a report says of the panic: its place in the code and its message, masked unless it is
/// a literal of the source code.
pub fn describe(location: Option<String>, message: &str, literal: bool) -> String {
    let message = if literal {
        message.to_string()
    } else {
        crate::record::mask::mask_text(message)
    };
    format!(
        "{}: {message}",
        location.unwrap_or_else(|| "posizione sconosciuta".into())
    )
}

/// Records the current screen name.
pub fn set_screen(name: &str) {
    if let Ok(mut c) = CONTEXT.lock()
        && c.screen != name
    {
        c.screen = name.to_string();
    }
}

/// Records an input event, already redacted by the caller (see [`redact_key`]).
pub fn record_event(desc: String) {
    if let Ok(mut c) = CONTEXT.lock() {
        if c.events.len() == MAX_EVENTS {
            c.events.pop_front();
        }
        c.events.push_back(desc);
    }
}

/// A key for the report: printable characters become `*`, named keys stay (`<Tab>`, `<C-s>`).
pub fn redact_key(notation: &str) -> String {
    let mut chars = notation.chars();
    match (chars.next(), chars.next()) {
        (Some(_), None) => "*".to_string(),
        _ => notation.to_string(),
    }
}

/// Installs the panic hook. `restore` puts the terminal back (raw mode off, main screen, cursor on).
pub fn install(report_dir: PathBuf, restore: fn()) {
    std::panic::set_hook(Box::new(move |info| {
        restore();
        let id = report_id();
        let path = report_dir.join(format!("crash-{id}.txt"));
        // A `&'static str` payload is a literal of the source; a `String` was formatted at run time.
        let (message, literal) = match info.payload().downcast_ref::<&str>() {
            Some(s) => (s.to_string(), true),
            None => (
                info.payload()
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_default(),
                false,
            ),
        };
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        let written = write_report(&path, &id, &describe(place, &message, literal)).is_ok();
        let mut err = std::io::stderr();
        if written {
            let _ = writeln!(
                err,
                "sportello si è chiuso per un errore interno. Segnalazione {id} salvata in {}: comunicarla all'assistenza.",
                path.display()
            );
        } else {
            let _ = writeln!(
                err,
                "sportello si è chiuso per un errore interno (segnalazione {id})."
            );
        }
    }));
}

fn report_id() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}-{}", t.as_secs(), std::process::id())
}

fn write_report(path: &Path, id: &str, panic: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let (screen, events, recording, ente) = CONTEXT
        .lock()
        .map(|c| {
            (
                c.screen.clone(),
                c.events.iter().cloned().collect::<Vec<_>>(),
                c.recording.clone(),
                c.ente,
            )
        })
        .unwrap_or_default();
    let mut f = crate::files::create_private(path)?;
    writeln!(f, "segnalazione: {id}")?;
    writeln!(f, "versione: {}", env!("CARGO_PKG_VERSION"))?;
    writeln!(f, "schermata: {screen}")?;
    if let Some(e) = ente {
        writeln!(f, "ente: {e}")?;
    }
    if let Some(r) = recording {
        writeln!(f, "registrazione: {}", r.display())?;
    }
    // The panic message may quote data: sanitise it like any foreign string.
    writeln!(f, "errore: {}", crate::sanitize::sanitize(panic))?;
    writeln!(f, "ultimi eventi (caratteri digitati oscurati):")?;
    for e in events {
        writeln!(f, "  {e}")?;
    }
    writeln!(
        f,
        "backtrace:\n{}",
        std::backtrace::Backtrace::force_capture()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panic_message_is_masked_and_the_recording_named() {
        let d = describe(
            Some("src/ui/app.rs:12".into()),
            "Rossi Mario RSSMRA80A01H501U",
            false,
        );
        assert_eq!(d, "src/ui/app.rs:12: xxxxx xxxxx xxxxxx99x99x999x");
        assert_eq!(
            describe(None, "stato impossibile", true),
            "posizione sconosciuta: stato impossibile"
        );
        let dir = tempfile::tempdir().unwrap();
        set_recording(Some(dir.path().join("sessione-1.jsonl")));
        set_ente(Some(4));
        let path = dir.path().join("r.txt");
        write_report(&path, "1700000000-3", &d).unwrap();
        set_recording(None);
        set_ente(None);
        let text = std::fs::read_to_string(&path).unwrap();
        let s = summary("1700000000-3", &text);
        assert_eq!(
            (s.time, s.ente, s.version.as_str()),
            (1_700_000_000, Some(4), env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(s.message, d);
        assert!(text.contains("registrazione: "), "{text}");
        assert!(text.contains("sessione-1.jsonl"), "{text}");
        assert!(!text.contains("Rossi"), "{text}");
        assert_eq!(
            reports(dir.path()).len(),
            0,
            "only crash-*.txt files are reports"
        );
    }

    #[test]
    fn typed_characters_are_redacted() {
        assert_eq!(redact_key("a"), "*");
        assert_eq!(redact_key("è"), "*");
        assert_eq!(redact_key("<C-s>"), "<C-s>");
        assert_eq!(redact_key("<Tab>"), "<Tab>");
    }

    #[test]
    fn report_has_screen_events_and_backtrace() {
        let dir = tempfile::tempdir().unwrap();
        set_screen("login");
        for k in ["m", "r", "<Tab>"] {
            record_event(redact_key(k));
        }
        let path = dir.path().join("r.txt");
        write_report(&path, "1-2", "boom \x1b[2J").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("schermata: login"));
        assert!(text.contains("  *\n  *\n  <Tab>"));
        assert!(text.contains("boom ^[[2J"));
        assert!(text.contains("backtrace:"));
    }
}
