//! Session recording and exact replay: a headless session recorded as `sportello --record` does,
//! replayed with no database to the identical final screen; redaction, passwords, asciicast export,
//! re-execution on a copy, and the faults (truncated log, a line edited by hand, another version,
//! a divergent frame, a recording directory that cannot be written, a log too long to hold).

mod common;

use std::io::{BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sportello::demo;
use sportello::record::replay::{Mode, Stop, replay};
use sportello::record::{Entry, Header};
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Msg};
use sportello::ui::harness::Harness;
use sportello::ui::popup::Popup;

/// A writer the test can read back while the harness holds it.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

fn demo_db(dir: &Path) -> PathBuf {
    common::fixture::demo_db(dir, 30)
}

/// An adult demo person: (codice fiscale, surname).
fn adult(path: &Path) -> (String, String) {
    let store = SqliteStore::open(path).unwrap();
    let p = (1..30)
        .filter_map(|id| store.soggetto(id).unwrap())
        .find(|p| p.data_nascita.as_deref().is_some_and(|d| d < "1990"))
        .unwrap();
    (p.codice_fiscale.unwrap(), p.cognome)
}

/// Records a session that logs in, finds a person by codice fiscale and saves a new scheda.
fn record_scheda(path: &Path, redact: bool) -> (Shared, String) {
    let (cf, _) = adult(path);
    let log = Shared::default();
    let config = AppConfig {
        recording: Some("42/2026".into()),
        ..AppConfig::headless(false)
    };
    let store = Box::new(SqliteStore::open(path).unwrap());
    let mut h = Harness::recorded(store, config, 80, 24, Box::new(log.clone()), redact).unwrap();
    assert!(
        matches!(&h.app.popup, Some(Popup::Message { text, .. })
            if text == "Questa sessione viene registrata per la segnalazione 42/2026"),
        "the operator is told first:\n{}",
        h.text()
    );
    assert!(h.text().contains("Questa sessione viene registrata"));
    h.keys("<Enter>");
    assert!(
        h.text().contains("REG 42/2026"),
        "status bar:\n{}",
        h.text()
    );
    h.login("sportello", demo::DEMO_PASSWORD);
    h.keys("1").keys(&cf).keys("<Enter><C-n>");
    h.advance(500);
    h.keys("<C-s>");
    let screen = h.text();
    assert!(screen.contains("salvata in sospeso"), "{screen}");
    assert!(screen.contains("REG 42/2026"), "{screen}");
    (log, screen)
}

fn run(log: &str) -> sportello::record::replay::Report {
    replay(Cursor::new(log.as_bytes()), Mode::Exact, None, |_, _| {}).unwrap()
}

#[test]
fn a_recorded_session_replays_to_the_identical_final_screen() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let (log, screen) = record_scheda(&path, false);
    let text = log.text();
    let header: Header = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(header.version, env!("CARGO_PKG_VERSION"));
    assert_eq!((header.cols, header.rows), (80, 24));
    assert_eq!(header.incident, "42/2026");
    assert!(header.schema >= 9 && !header.keymap.is_empty() && !header.screens.is_empty());
    let entries: Vec<Entry> = text
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(entries.iter().any(|e| matches!(e.msg, Msg::Reply(..))));
    assert!(entries.iter().any(|e| matches!(e.msg, Msg::Tick(_))));
    assert!(entries.iter().any(|e| matches!(e.msg, Msg::Resize(80, 24))));
    // The password never enters the log; the database is not needed to replay it.
    assert!(!text.contains(demo::DEMO_PASSWORD));
    std::fs::remove_file(&path).unwrap();
    let report = run(&text);
    assert_eq!(report.stop, Stop::End, "{}", report.summary());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.messages as usize, entries.len());
    assert_eq!(report.screen, screen);
}

#[test]
fn a_redacted_log_holds_no_data_and_replays_its_masked_render() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let (cf, cognome) = adult(&path);
    let (log, screen) = record_scheda(&path, true);
    let text = log.text();
    assert!(!text.contains(&cf), "codice fiscale in a redacted log");
    assert!(!text.contains(&cognome), "surname in a redacted log");
    assert!(!text.contains(demo::DEMO_PASSWORD));
    let report = run(&text);
    assert_eq!(report.stop, Stop::End, "{}", report.summary());
    // The same screens without the data (masked values may fail the checks a form makes: the
    // replay shows what the masked session showed, and its frames are the ones hashed).
    assert!(
        report.screen.contains("Scheda di accesso"),
        "{}",
        report.screen
    );
    assert!(report.screen.contains("REG 42/2026"), "{}", report.screen);
    assert!(!report.screen.contains(&cognome) && !report.screen.contains(&cf));
    assert!(
        screen.contains(&cf) || screen.contains(&cognome),
        "{screen}"
    );
    assert_eq!(report.screen.lines().count(), screen.lines().count());
}

#[test]
fn the_asciicast_export_has_a_header_and_one_event_per_new_frame() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let (log, _) = record_scheda(&path, true);
    let file = dir.path().join("s.jsonl");
    std::fs::write(&file, log.text()).unwrap();
    let mut cast = Vec::new();
    sportello::record::cast::export(&file, &mut cast).unwrap();
    let cast = String::from_utf8(cast).unwrap();
    let mut lines = cast.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["version"], 2);
    assert_eq!(header["width"], 80);
    assert_eq!(header["height"], 24);
    assert!(header["timestamp"].as_i64().unwrap() > 1_700_000_000);
    let events: Vec<serde_json::Value> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    // One `o` event per distinct consecutive frame of the replay.
    let mut frames = Vec::new();
    replay(
        BufReader::new(std::fs::File::open(&file).unwrap()),
        Mode::Exact,
        None,
        |_, b| {
            let f = sportello::ui::harness::styled_text(b);
            if frames.last() != Some(&f) {
                frames.push(f);
            }
        },
    )
    .unwrap();
    assert!(frames.len() > 5);
    assert_eq!(events.iter().filter(|e| e[1] == "o").count(), frames.len());
    let times: Vec<f64> = events.iter().map(|e| e[0].as_f64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "times in order");
    assert!(events[0][2].as_str().unwrap().contains("\u{1b}["));
    // A log in clear of a real database is not exported.
    let clear = log
        .text()
        .replace("\"redacted\":true", "\"redacted\":false");
    let clear = clear.replace("\"demo\":true", "\"demo\":false");
    std::fs::write(&file, clear).unwrap();
    let err = sportello::record::cast::export(&file, &mut Vec::new()).unwrap_err();
    assert!(err.contains("oscurate"), "{err}");
}

#[test]
fn reexecution_on_a_copy_reaches_the_same_screen() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let copy = dir.path().join("copia.db");
    std::fs::copy(&path, &copy).unwrap();
    let (log, screen) = record_scheda(&path, false);
    let mut store = SqliteStore::open(&copy).unwrap();
    let mut svc = Service::new(&mut store);
    let report = replay(
        Cursor::new(log.text().into_bytes()),
        Mode::Reexecute(&mut svc),
        None,
        |_, _| {},
    )
    .unwrap();
    assert_eq!(report.stop, Stop::End);
    assert_eq!(report.screen, screen);
    assert!(report.screen.contains("salvata in sospeso"));
}

#[test]
fn a_truncated_log_replays_up_to_its_last_complete_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let (log, _) = record_scheda(&path, false);
    let text = log.text();
    let lines = text.lines().count() as u64;
    let cut = &text[..text.len() - 20];
    let report = run(cut);
    assert_eq!(report.stop, Stop::Truncated { line: lines });
    assert_eq!(report.messages, lines - 2);
    assert!(
        report.summary().contains("troncata"),
        "{}",
        report.summary()
    );
}

#[test]
fn faults_in_a_log_are_reported_never_panicked_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let (log, _) = record_scheda(&path, false);
    let text = log.text();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // A line edited by hand: the error names the line.
    let mut edited = lines.clone();
    edited[5] = edited[5].replacen('{', "{,", 1);
    let err = replay(
        Cursor::new(edited.join("\n") + "\n"),
        Mode::Exact,
        None,
        |_, _| {},
    )
    .unwrap_err();
    assert!(err.starts_with("riga 6:"), "{err}");
    // Another version: a warning, and the divergence names it as the likely cause.
    let mut other = lines.clone();
    other[0] = other[0].replace(
        &format!("\"version\":\"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\":\"0.0.1\"",
    );
    let report = run(&(other.join("\n") + "\n"));
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].contains("0.0.1"));
    // Another format: refused.
    let mut future = lines.clone();
    future[0] = future[0].replace("\"format\":1", "\"format\":99");
    let err = replay(Cursor::new(future.join("\n")), Mode::Exact, None, |_, _| {}).unwrap_err();
    assert!(err.contains("non supportato"), "{err}");
    // A frame that differs: the first divergence, with its message number.
    let mut entry: Entry = serde_json::from_str(&lines[10]).unwrap();
    entry.frame = "0000000000000000".into();
    lines[10] = serde_json::to_string(&entry).unwrap();
    let report = run(&(lines.join("\n") + "\n"));
    assert_eq!(
        report.stop,
        Stop::Divergence {
            seq: entry.seq,
            line: 11,
            cause: "stessa versione e stessa mappa dei tasti: probabile errore da segnalare".into()
        }
    );
    assert_eq!(report.messages, entry.seq);
    // Not a log at all.
    assert!(run_err("").contains("vuota"));
    assert!(run_err("ciao\n").starts_with("riga 1:"));
}

fn run_err(log: &str) -> String {
    replay(
        Cursor::new(log.as_bytes().to_vec()),
        Mode::Exact,
        None,
        |_, _| {},
    )
    .unwrap_err()
}

/// An endless log: one header, then ticks for ever, produced as they are read.
struct Endless {
    pending: Vec<u8>,
    seq: u64,
    read: u64,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            self.seq += 1;
            let entry = Entry {
                seq: self.seq,
                t: self.seq as i64,
                msg: Msg::Tick(1_800_000_000_000),
                frame: String::new(),
            };
            self.pending = (serde_json::to_string(&entry).unwrap() + "\n").into_bytes();
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.read += n as u64;
        Ok(n)
    }
}

fn endless() -> BufReader<Endless> {
    let config = AppConfig::headless(false);
    let header = Header::new(&config, 9, (80, 24), 1_800_000_000_000);
    let first = serde_json::to_string(&header).unwrap() + "\n";
    BufReader::new(Endless {
        pending: first.into_bytes(),
        seq: 0,
        read: 0,
    })
}

#[test]
fn a_log_is_streamed_not_loaded() {
    // Exact replay of an endless log whose hashes are wrong stops at the first message.
    let mut reader = endless();
    let report = replay(&mut reader, Mode::Exact, None, |_, _| {}).unwrap();
    assert!(matches!(report.stop, Stop::Divergence { seq: 1, .. }));
    // Re-execution ignores frames: 2000 messages of an endless log, read as they come.
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::create(&dir.path().join("e.db")).unwrap();
    let mut svc = Service::new(&mut store);
    let mut reader = endless();
    let report = replay(
        &mut reader,
        Mode::Reexecute(&mut svc),
        Some(2000),
        |_, _| {},
    )
    .unwrap();
    assert_eq!(report.stop, Stop::At { seq: 2000 });
    assert_eq!(report.messages, 2000);
    let read = reader.get_ref().read;
    assert!(read < 300_000, "read {read} bytes for 2000 messages");
}

#[test]
fn an_unwritable_recording_dir_leaves_the_session_unrecorded_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "").unwrap();
    let req = sportello::record::Request {
        incident: "7".into(),
        file: None,
        dir: blocked.join("registrazioni"),
        redact: false,
        retention_days: 30,
    };
    let (app, _, rec, log) =
        sportello::record::begin(AppConfig::headless(false), Some(&req), 9, (80, 24), 0);
    assert!(rec.is_none() && log.is_none());
    assert_eq!(app.config.recording, None, "no REG in the status bar");
    match &app.popup {
        Some(Popup::Message { text, error: true }) => {
            assert!(text.starts_with("Registrazione non attiva"), "{text}")
        }
        p => panic!("operator not told: {p:?}"),
    }
    let ok = sportello::record::Request {
        dir: dir.path().join("reg"),
        ..req
    };
    let (app, _, rec, log) =
        sportello::record::begin(AppConfig::headless(false), Some(&ok), 9, (80, 24), 0);
    assert!(rec.is_some());
    assert!(log.unwrap().starts_with(dir.path().join("reg")));
    assert_eq!(app.config.recording.as_deref(), Some("7"));
}

#[test]
fn update_reads_no_clock_and_no_randomness() {
    // The runtime and the harness feed time in; nothing else under src/ui may read it.
    let mut offenders = Vec::new();
    let mut stack = vec![PathBuf::from("src/ui")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.ends_with("runtime.rs") || p.ends_with("harness.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for bad in [
                "SystemTime::now",
                "Instant::now",
                "OffsetDateTime::now",
                "rand::",
                "thread_rng",
                "HashMap",
                "HashSet",
                "std::env::var",
            ] {
                if text.contains(bad) {
                    offenders.push(format!("{}: {bad}", p.display()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:?}");
}
