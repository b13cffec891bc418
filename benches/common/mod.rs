//! Shared by the benchmarks: the real binary in an isolated environment under `dir`.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// `sportello` with config, data, system and log dirs inside `dir` and no `SPORTELLO_DB`.
pub fn sportello(dir: &Path) -> Command {
    isolated(env!("CARGO_BIN_EXE_sportello"), dir)
}

/// `sportello-test-tools` (`stress-write`) in the same environment as [`sportello`].
pub fn test_tools(dir: &Path) -> Command {
    isolated(env!("CARGO_BIN_EXE_sportello-test-tools"), dir)
}

fn isolated(program: &str, dir: &Path) -> Command {
    let mut c = Command::new(program);
    c.env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("SPORTELLO_ETC", dir.join("etc"))
        .env("SPORTELLO_LOG_DIR", dir.join("log"))
        .env_remove("SPORTELLO_DB");
    c
}

/// Creates a demo database of `persons` persons at `db` with the real binary; returns the time taken.
pub fn create_demo(dir: &Path, db: &Path, persons: usize) -> std::time::Duration {
    let t = std::time::Instant::now();
    let out = sportello(dir)
        .arg("--db")
        .arg(db)
        .args(["demo", "--no-tui", "--persons", &persons.to_string()])
        .output()
        .expect("run demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.elapsed()
}
