//! The interactive replay viewer on a 10,000-message log: reading it, replaying it to the end,
//! and the time of a step back (replay from the nearest snapshot, `SNAPSHOT_EVERY` apart) and of a
//! step forward, each with its frame drawn and hashed.
//!
//! `cargo bench --bench replay` (or `cargo test --bench replay` for the same figures, unoptimised).

use std::io::Cursor;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sportello::demo;
use sportello::domain::Actor;
use sportello::record::replay::read_all;
use sportello::record::viewer::{SNAPSHOT_EVERY, Viewer};
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::AppConfig;
use sportello::ui::harness::Harness;

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

/// A demo session of `messages` messages or a few more: person searches typed and erased.
fn log(messages: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    let mut s = SqliteStore::create(&path).unwrap();
    demo::create(&mut s, &Actor::system(None, None), 50).unwrap();
    drop(s);
    let out = Shared::default();
    let config = AppConfig {
        recording: Some("bench".into()),
        ..AppConfig::headless(false)
    };
    let store = Box::new(SqliteStore::open(&path).unwrap());
    let mut h = Harness::recorded(store, config, 80, 24, Box::new(out.clone()), false).unwrap();
    h.keys("<Enter>")
        .login("sportello", demo::DEMO_PASSWORD)
        .keys("1");
    let count = |o: &Shared| o.0.lock().unwrap().iter().filter(|b| **b == b'\n').count();
    let mut i = 0;
    while count(&out) < messages + 1 {
        h.keys(if i % 4 < 2 { "r" } else { "<Backspace>" });
        h.advance(120);
        i += 1;
    }
    String::from_utf8(out.0.lock().unwrap().clone()).unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let text = log(10_000);
    println!("registrazione: {} byte", text.len());
    let t = Instant::now();
    let (header, entries, note) = read_all(Cursor::new(text.as_bytes())).unwrap();
    println!("lettura di {} messaggi: {:?}", entries.len(), t.elapsed());
    let mut v = Viewer::new("bench.jsonl", header, entries, note);
    let t = Instant::now();
    v.seek(v.len());
    println!(
        "replica fino all'ultimo messaggio (con copie ogni {SNAPSHOT_EVERY}): {:?}",
        t.elapsed()
    );
    assert!(!v.divergent());
    let mut back = Vec::new();
    let mut forward = Vec::new();
    for _ in 0..20 {
        let n = v.position();
        let t = Instant::now();
        v.seek(n - 1);
        back.push(t.elapsed());
        let t = Instant::now();
        v.seek(n);
        forward.push(t.elapsed());
        // Alternate positions across snapshot offsets.
        v.seek(n - 37);
    }
    println!(
        "passo indietro, mediana di 20: {:?} (peggiore {:?})",
        median(back.clone()),
        back.iter().max().unwrap()
    );
    println!("passo avanti, mediana di 20: {:?}", median(forward));
}
