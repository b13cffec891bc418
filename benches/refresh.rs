//! Live refresh (issue 17 point 5): what a session's poll costs on the store thread, every tick
//! (500 ms) of every open session.
//!
//! On a demo database (`SPORTELLO_BENCH_PERSONS`, default 5000) with a second connection as the
//! other session: `PRAGMA data_version` alone; the poll as the UI sends it (`Service::cambi`) when
//! nothing was committed; the same when the other session committed (the signal moved: the
//! guarded business-change counter is read too); and, for comparison, the guarded counter read
//! every time (the watch before the signal). p50 / p99 of single calls, in microseconds.
//!
//! `cargo bench --bench refresh`

mod common;

use std::time::{Duration, Instant};

use sportello::domain::Actor;
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

const N: usize = 20_000;

fn figures(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{what}: p50 {:.1} µs, p99 {:.1} µs ({} chiamate)",
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6,
        times.len()
    );
}

fn timed(mut f: impl FnMut()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let persons: usize = std::env::var("SPORTELLO_BENCH_PERSONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let db = dir.path().join("refresh.db");
    common::create_demo(dir.path(), &db, persons);
    let mut a = SqliteStore::open(&db).expect("session A");
    let mut b = SqliteStore::open(&db).expect("session B");
    let op = a
        .operatore_by_username("sportello")
        .expect("read")
        .expect("demo operator");
    let actor = Actor::operatore(&op, None, None);

    figures(
        "PRAGMA data_version, nessun commit",
        (0..N)
            .map(|_| {
                timed(|| {
                    a.data_version().expect("data_version");
                })
            })
            .collect(),
    );

    let mut svc = Service::new(&mut a);
    let mut seen = svc.cambi(&actor, None).expect("cambi").versione;
    figures(
        "poll della sessione (cambi), nessun commit",
        (0..N)
            .map(|_| {
                timed(|| {
                    seen = svc.cambi(&actor, Some(seen)).expect("cambi").versione;
                })
            })
            .collect(),
    );

    // The other session commits before each poll (a setting: no business data).
    let mut moved = Vec::with_capacity(N / 10);
    for i in 0..N / 10 {
        b.set_setting("bench_refresh", &i.to_string())
            .expect("write");
        moved.push(timed(|| {
            let c = svc.cambi(&actor, Some(seen)).expect("cambi");
            assert!(c.modifiche.is_some(), "the signal moved");
            seen = c.versione;
        }));
    }
    figures("poll della sessione (cambi) dopo un commit altrui", moved);

    figures(
        "contatore modifiche con controllo dell'operatore, ogni volta (prima)",
        (0..N)
            .map(|_| {
                timed(|| {
                    svc.modifiche(&actor).expect("modifiche");
                })
            })
            .collect(),
    );
}
