//! Shared helpers for the integration tests: run the real binary in an isolated environment.
#![allow(dead_code)]

pub mod deploy;
pub mod fixture;
pub mod form;
pub mod pg;
pub mod pty;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const ADMIN_PASSWORD: &str = "una-password-admin";

/// A temporary home: config, data and system dirs all inside it.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("sportello.db")
    }

    pub fn cmd(&self) -> Command {
        self.isolated(env!("CARGO_BIN_EXE_sportello"))
    }

    /// `sportello-test-tools` (`stress-write`, `crash-test`) in the same environment as [`Self::cmd`].
    pub fn test_tools(&self) -> Command {
        self.isolated(env!("CARGO_BIN_EXE_sportello-test-tools"))
    }

    fn isolated(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        let d = self.dir.path();
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", d)
            .env("XDG_CONFIG_HOME", d.join("config"))
            .env("XDG_DATA_HOME", d.join("data"))
            .env("SPORTELLO_ETC", d.join("etc"))
            .env("SPORTELLO_LOG_DIR", d.join("log"));
        c
    }

    /// Runs `sportello --db <db> args...` with `stdin` fed in.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_on(&self.db(), args, stdin)
    }

    pub fn run_on(&self, db: &Path, args: &[&str], stdin: &str) -> Output {
        output_with_stdin(self.cmd().arg("--db").arg(db).args(args), stdin)
    }

    /// `init` with ente G478 and admin `admin`.
    pub fn init(&self) {
        let out = self.run(
            &[
                "init",
                "--ente",
                "Comune di Perugia",
                "--belfiore",
                "G478",
                "--admin",
                "admin",
                "--password-stdin",
            ],
            &format!("{ADMIN_PASSWORD}\n"),
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Bytes of a file plus its -wal, to prove "nothing modified".
pub fn snapshot(path: &Path) -> Vec<u8> {
    let mut v = std::fs::read(path).unwrap_or_default();
    v.extend(std::fs::read(format!("{}-wal", path.display())).unwrap_or_default());
    v
}

/// Runs `cmd` with `stdin` written to it; its status and output.
pub fn output_with_stdin(cmd: &mut Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses its arguments may exit before reading its input: not an error here.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}
