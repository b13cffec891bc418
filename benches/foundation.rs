//! Foundation benchmarks on the real binary: demo creation time and concurrent write throughput.
//!
//! `cargo bench --bench foundation` (set `SPORTELLO_BENCH_PERSONS=1000000` for the large demo).

mod common;

use std::process::Stdio;
use std::time::Instant;

use common::test_tools;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sizes: Vec<usize> = std::env::var("SPORTELLO_BENCH_PERSONS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![5000]);
    let mut last_db = None;
    for n in sizes {
        let db = dir.path().join(format!("demo-{n}.db"));
        let took = common::create_demo(dir.path(), &db, n);
        let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
        println!(
            "demo {n} persone: {:.2} s, database {:.1} MB",
            took.as_secs_f64(),
            size as f64 / 1e6
        );
        last_db = Some(db);
    }
    let db = last_db.expect("at least one size");
    const PROCS: usize = 8;
    const WRITES: usize = 500;
    let t = Instant::now();
    let children: Vec<_> = (0..PROCS)
        .map(|p| {
            test_tools(dir.path())
                .arg("--db")
                .arg(&db)
                .args([
                    "stress-write",
                    "--count",
                    &WRITES.to_string(),
                    "--tag",
                    &format!("bench{p}"),
                ])
                .stdout(Stdio::null())
                .spawn()
                .expect("spawn writer")
        })
        .collect();
    for mut c in children {
        assert!(c.wait().expect("wait").success());
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{PROCS} processi x {WRITES} scritture (ognuna: BEGIN IMMEDIATE, riga + audit, COMMIT con fsync): {:.2} s, {:.0} scritture/s",
        secs,
        (PROCS * WRITES) as f64 / secs
    );
}
