//! The interactive replay viewer, driven headless: keys of the `replay` layer step forward and
//! back, jump, play at a speed; the buffer shows the session framed as it was, with its status
//! line; stepping back shows exactly the frame shown before; a frame that differs is flagged.

mod common;

use std::io::Cursor;
use std::sync::{Arc, Mutex};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sportello::demo;
use sportello::record::replay::read_all;
use sportello::record::viewer::{SNAPSHOT_EVERY, Viewer};
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::AppConfig;
use sportello::ui::harness::{Harness, buffer_text};
use sportello::ui::keymap::Keymap;
use sportello::ui::keys::parse_key_string;
use sportello::ui::theme::Theme;

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

/// A recorded demo session (login, the person search, some typing): the log, and the screens the
/// operator saw after each key typed after the login.
fn recorded(extra_keys: usize) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 20);
    let log = Shared::default();
    let config = AppConfig {
        recording: Some("17".into()),
        ..AppConfig::headless(false)
    };
    let store = Box::new(SqliteStore::open(&path).unwrap());
    let mut h = Harness::recorded(store, config, 80, 24, Box::new(log.clone()), false).unwrap();
    h.keys("<Enter>").login("sportello", demo::DEMO_PASSWORD);
    let mut screens = Vec::new();
    h.keys("1");
    for i in 0..extra_keys {
        h.keys(if i % 2 == 0 { "r" } else { "<Backspace>" });
        // Typing at 20 keys a second: within the first keys no live-refresh poll (every 500 ms)
        // comes between the last search and the end.
        h.advance(50);
        screens.push(h.text());
    }
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    (text, screens)
}

fn viewer(log: &str) -> Viewer {
    let (header, entries, note) = read_all(Cursor::new(log.as_bytes())).unwrap();
    Viewer::new("sessione-17.jsonl", header, entries, note)
}

fn keys(v: &mut Viewer, km: &mut Keymap, keys: &str) -> bool {
    let mut open = true;
    for k in parse_key_string(keys).unwrap() {
        open = v.key(&k, km, 0);
    }
    open
}

fn draw(v: &Viewer, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = Theme {
        color: false,
        ascii: false,
    };
    t.draw(|f| v.draw(f, f.area(), &theme)).unwrap();
    buffer_text(t.backend().buffer())
}

/// The session part of the viewer's screen (inside the frame at 82×27: 80×24 from column 1).
fn session(screen: &str) -> String {
    screen
        .lines()
        .skip(1)
        .take(24)
        .map(|l| {
            let inner: String = l.chars().skip(1).take(80).collect();
            inner.trim_end().to_string() + "\n"
        })
        .collect()
}

#[test]
fn stepping_forward_and_back_shows_the_frames_the_operator_saw() {
    let (log, screens) = recorded(6);
    let mut v = viewer(&log);
    let mut km = Keymap::embedded().unwrap();
    let n = v.len();
    assert!(n > 10);
    assert_eq!(v.position(), 0);
    let start = draw(&v, 82, 27);
    assert!(start.contains("Messaggio 0/"), "{start}");
    // To the end, then back one: the last screen, then the one before it.
    assert!(keys(&mut v, &mut km, "<End>"));
    assert_eq!(v.position(), n);
    let end = draw(&v, 82, 27);
    assert_eq!(session(&end), *screens.last().unwrap(), "{end}");
    assert!(
        end.contains("sessione-17.jsonl"),
        "framed with its name:\n{end}"
    );
    assert!(
        end.contains(&format!("Messaggio {n}/{n}")) && end.contains("orologio"),
        "{end}"
    );
    assert!(!end.contains("diversa"), "{end}");
    keys(&mut v, &mut km, "<Left>");
    assert_eq!(v.position(), n - 1);
    assert!(draw(&v, 82, 27).contains("risposta Anagrafe/Search"));
    let mut back = v.clone();
    back.seek(n - 1);
    assert_eq!(draw(&v, 82, 27), draw(&back, 82, 27));
    // Forward with Space and →, one message each.
    keys(&mut v, &mut km, "<Home><Space><Right>");
    assert_eq!(v.position(), 2);
    // Jump to a message: g, the number, Enter.
    keys(&mut v, &mut km, "g12");
    assert!(draw(&v, 82, 27).contains("Vai al messaggio (0–"));
    keys(&mut v, &mut km, "<Enter>");
    assert_eq!(v.position(), 12);
    assert!(draw(&v, 82, 27).contains(&format!("Messaggio 12/{n}")));
    // q and Esc close it.
    assert!(!keys(&mut v, &mut km, "q"));
    assert!(!keys(&mut v, &mut km, "<Esc>"));
}

#[test]
fn a_session_larger_than_the_viewer_is_clipped_and_a_small_one_centred() {
    let (log, screens) = recorded(2);
    let mut v = viewer(&log);
    v.seek(v.len());
    let small = draw(&v, 60, 12);
    let first_row = small.lines().next().unwrap();
    assert_eq!(
        first_row,
        screens
            .last()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .chars()
            .take(60)
            .collect::<String>()
            .trim_end()
    );
    assert_eq!(small.lines().count(), 12);
    assert!(small.lines().last().unwrap().starts_with("Messaggio "));
    let big = draw(&v, 100, 30);
    let row = big.lines().nth(3).unwrap();
    assert!(row.starts_with("         "), "centred: {row:?}");
}

#[test]
fn playing_follows_the_recorded_times_scaled_by_the_speed() {
    let (log, _) = recorded(4);
    let mut v = viewer(&log);
    let mut km = Keymap::embedded().unwrap();
    v.play(2.0, 1000);
    assert!(v.playing);
    v.tick(1000);
    // Everything recorded at time 0 (the start) shows at once; nothing later yet.
    let at_start = v.position();
    assert!(at_start < v.len());
    assert!(draw(&v, 82, 27).contains("▶ 2×"));
    // Faster, slower, pause: the speed doubles, halves; p stops.
    keys(&mut v, &mut km, "+");
    assert_eq!(v.speed, 4.0);
    keys(&mut v, &mut km, "--");
    assert_eq!(v.speed, 1.0);
    keys(&mut v, &mut km, "p");
    assert!(!v.playing);
    keys(&mut v, &mut km, "p");
    assert!(v.playing);
    // Enough time later the log has played to its end and play stops.
    v.tick(10_000_000);
    assert_eq!(v.position(), v.len());
    assert!(!v.playing);
}

#[test]
fn a_frame_that_differs_is_flagged_in_the_status() {
    let (log, _) = recorded(2);
    let mut lines: Vec<String> = log.lines().map(String::from).collect();
    let mut e: sportello::record::Entry = serde_json::from_str(&lines[5]).unwrap();
    e.frame = "0000000000000000".into();
    lines[5] = serde_json::to_string(&e).unwrap();
    let mut v = viewer(&(lines.join("\n") + "\n"));
    v.seek(5);
    assert!(v.divergent());
    assert!(draw(&v, 82, 27).contains("schermata diversa dalla registrazione"));
    v.seek(6);
    assert!(!v.divergent());
    assert!(draw(&v, 82, 27).contains("diverge dal messaggio 5"));
}

#[test]
fn stepping_back_far_into_a_long_log_matches_a_replay_from_the_start() {
    let (log, _) = recorded(SNAPSHOT_EVERY + 40);
    let mut v = viewer(&log);
    let n = v.len();
    assert!(n > 2 * SNAPSHOT_EVERY, "{n}");
    v.seek(n);
    let target = SNAPSHOT_EVERY + 7;
    v.seek(target);
    let mut fresh = viewer(&log);
    fresh.seek(target);
    assert_eq!(draw(&v, 82, 27), draw(&fresh, 82, 27));
    assert!(!v.divergent());
}
