//! Concurrent writers on both engines, side by side: 32 sessions (threads, each its own
//! connection) each making audited writes at once (a new ufficio: one row, one audit row, the one
//! hash chain every write extends). Reports writes per second, latency percentiles, errors seen
//! by the callers (must be 0) and, on PostgreSQL, the serialization failures retried inside.
//!
//! `cargo bench --bench writers`; PostgreSQL when `SPORTELLO_BENCH_PG_URL` names an empty database
//! (e.g. `postgres://postgres@127.0.0.1:5432/bench`), else that half is skipped with one line.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use sportello::domain::{Actor, NewEnte};
use sportello::service::db::Database;

const WRITERS: usize = 32;
const EACH: usize = 50;

fn system() -> Actor {
    Actor::system(Some("bench".into()), None)
}

fn run(target: &str, created: Database) {
    let mut setup = created;
    let ente = NewEnte {
        nome: "Comune di Perugia".into(),
        belfiore: Some("G478".into()),
        tipo: "comune".into(),
        ..Default::default()
    };
    let ente_id = setup.service().create_ente(&system(), &ente).expect("ente");
    let retries_before = sportello::store::sql::pg::retries();
    let start = Arc::new(Barrier::new(WRITERS + 1));
    let handles: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (target, start) = (target.to_string(), start.clone());
            std::thread::spawn(move || {
                let mut db = Database::open_current(target.as_ref()).expect("open");
                start.wait();
                let mut times = Vec::with_capacity(EACH);
                let mut errors = 0;
                for i in 0..EACH {
                    let t = Instant::now();
                    if db
                        .service()
                        .create_ufficio(&system(), ente_id, &format!("Ufficio {w}-{i}"))
                        .is_err()
                    {
                        errors += 1;
                    }
                    times.push(t.elapsed());
                }
                (times, errors)
            })
        })
        .collect();
    start.wait();
    let t = Instant::now();
    let mut times: Vec<Duration> = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (ts, e) = h.join().expect("writer");
        times.extend(ts);
        errors += e;
    }
    let wall = t.elapsed();
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1000.0;
    let problems = setup.service().check(&system()).expect("check");
    println!(
        "{:<10} {WRITERS} scrittori × {EACH}: {:>7.0} scritture/s, p50 {:>6.1} ms, p99 {:>7.1} ms, errori {errors}, ritentate {}, check {}",
        if target.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        (WRITERS * EACH) as f64 / wall.as_secs_f64(),
        pct(0.5),
        pct(0.99),
        sportello::store::sql::pg::retries() - retries_before,
        if problems.is_empty() {
            "ok".to_string()
        } else {
            problems.join("; ")
        },
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("writers.db");
    let file = file.to_str().expect("utf-8 path").to_string();
    run(&file, Database::create(file.as_ref()).expect("sqlite"));
    match std::env::var("SPORTELLO_BENCH_PG_URL") {
        Ok(url) => run(
            &url,
            Database::create(url.as_ref()).expect("postgres (database vuoto)"),
        ),
        Err(_) => println!("PostgreSQL: saltato (SPORTELLO_BENCH_PG_URL non impostato)"),
    }
}
