//! `sportello demo`: creates once, prints the accounts, never touches a real database.

mod common;

use common::{Env, code, text};

#[test]
fn demo_creates_once_and_lists_one_account_per_role() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["demo", "--persons", "300", "--no-tui"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("database dimostrativo creato") && stdout.contains("300 persone"),
        "{stdout}"
    );
    for user in [
        "sportello",
        "assistente_sociale",
        "amministrativo",
        "responsabile",
        "helpdesk",
        "admin",
    ] {
        assert!(
            stdout.lines().any(|l| l.trim_start().starts_with(user)),
            "{user} missing in {stdout}"
        );
    }
    assert!(stdout.contains("sportello-demo"));
    let demo_db = env.dir.path().join("data/sportello/demo.db");
    assert!(demo_db.exists());
    let out = env.cmd().args(["demo", "--no-tui"]).output().unwrap();
    assert!(text(&out.stdout).contains("database dimostrativo esistente"));
    let out = env.run_on(&demo_db, &["check"], "");
    assert_eq!(text(&out.stdout).trim(), "ok");
}

#[test]
fn demo_refuses_a_real_database() {
    let env = Env::new();
    env.init();
    let out = env.run(&["demo", "--no-tui"], "");
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("non dimostrativo"));
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::process::Stdio;
    let env = Env::new();
    let mut child = env
        .cmd()
        .args(["demo", "--persons", "20", "--no-tui"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader went away (`| head -0`)
    let out = child.wait_with_output().unwrap();
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
}
