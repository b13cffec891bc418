//! Many processes on one database file: no lost writes, no SQLITE_BUSY surfaced, crash safety.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{Env, code, text};

fn count_uffici(db: &std::path::Path, prefix: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT count(*) FROM ufficio WHERE nome LIKE ?1 || '-%'",
        [prefix],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn eight_processes_two_hundred_writes_each_all_present_no_busy_errors() {
    let env = Env::new();
    env.init();
    const PROCS: usize = 8;
    const WRITES: usize = 200;
    let children: Vec<_> = (0..PROCS)
        .map(|p| {
            env.test_tools()
                .arg("--db")
                .arg(env.db())
                .args([
                    "stress-write",
                    "--count",
                    &WRITES.to_string(),
                    "--tag",
                    &format!("P{p}"),
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 0, "{stderr}");
        assert!(
            !stderr.contains("locked") && !stderr.contains("occupato"),
            "{stderr}"
        );
        assert_eq!(text(&out.stdout).lines().count(), WRITES);
    }
    for p in 0..PROCS {
        assert_eq!(count_uffici(&env.db(), &format!("P{p}")), WRITES as i64);
    }
    let out = env.run(&["check"], "");
    assert_eq!(
        text(&out.stdout).trim(),
        "ok",
        "audit chain intact after concurrent appends"
    );
}

/// A process crash, not a power loss: a writer killed with SIGKILL mid-stream loses no commit it
/// acknowledged and leaves a sound database. The kernel keeps what the process wrote, so this holds
/// with any `synchronous` setting; durability across a power loss rests on `synchronous=FULL`, which
/// the store's own tests pin (`store::sqlite::tests`).
#[test]
fn a_killed_writer_process_loses_no_acknowledged_commit() {
    let env = Env::new();
    env.init();
    for round in 0..50 {
        let tag = format!("K{round}");
        let mut child = env
            .test_tools()
            .arg("--db")
            .arg(env.db())
            .args(["stress-write", "--count", "100000", "--tag", &tag])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Let it commit a varying number of rows, then kill it mid-stream.
        let target = 1 + (round * 7) % 23;
        let mut acked = 0;
        for line in lines.by_ref() {
            if line.unwrap().starts_with("ack ") {
                acked += 1;
            }
            if acked == target {
                break;
            }
        }
        child.kill().unwrap(); // SIGKILL
        // Acks already in the pipe were also committed.
        acked += lines
            .map_while(Result::ok)
            .filter(|l| l.starts_with("ack "))
            .count();
        child.wait().unwrap();
        let present = count_uffici(&env.db(), &tag);
        assert!(
            present >= acked as i64,
            "round {round}: {present} rows < {acked} acknowledged"
        );
        assert!(
            present <= acked as i64 + 1,
            "round {round}: at most the in-flight write is extra"
        );
    }
    let out = env.run(&["check"], "");
    assert_eq!(
        (code(&out), text(&out.stdout).trim()),
        (0, "ok"),
        "{}",
        text(&out.stdout)
    );
}

/// The backup runs while a writer is committing: the writer has acknowledged rows before the backup
/// starts and acknowledges more after it ended, and the copy is a sound database holding at least
/// the rows acknowledged before it started and no more than the writer acknowledged afterwards.
#[test]
fn backup_while_other_processes_write_is_consistent() {
    let env = Env::new();
    env.init();
    let mut writer = env
        .test_tools()
        .arg("--db")
        .arg(env.db())
        .args(["stress-write", "--count", "1000000", "--tag", "B"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = writer.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("ack ") && tx.send(()).is_err() {
                break;
            }
        }
    });
    let acked = |n: &mut usize| *n += rx.try_iter().count();
    let mut before = 0;
    while before < 50 {
        rx.recv().unwrap();
        before += 1;
    }
    let dest = env.dir.path().join("copia.db");
    let out = env.run(&["backup", dest.to_str().unwrap()], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let mut at_end = before;
    acked(&mut at_end);
    // The writer goes on committing after the backup: the two overlapped.
    let mut after = at_end;
    while after < at_end + 20 {
        rx.recv().unwrap();
        after += 1;
    }
    assert!(
        writer.try_wait().unwrap().is_none(),
        "the writer ended early"
    );
    writer.kill().unwrap();
    writer.wait().unwrap();
    drop(rx);
    reader.join().unwrap();
    let check = env.run_on(&dest, &["check"], "");
    assert_eq!(text(&check.stdout).trim(), "ok");
    let copied = count_uffici(&dest, "B") as usize;
    assert!(
        (before..=after).contains(&copied),
        "copy holds {copied} rows; acknowledged {before} before the backup, {at_end} at its end"
    );
}
