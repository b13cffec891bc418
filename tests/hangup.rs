//! SIGHUP while typing in a form, in a real pseudo-terminal: the process exits within 2 s and the
//! draft holds the typed text.

mod common;

use std::time::{Duration, Instant};

use common::Env;
use common::pty::Pty;

fn wait_exit(p: &mut Pty, limit: Duration) -> Option<Duration> {
    let t = Instant::now();
    while t.elapsed() < limit + Duration::from_millis(500) {
        if p.child.try_wait().unwrap().is_some() {
            return Some(t.elapsed());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

fn draft_of(db: &std::path::Path) -> Option<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT content FROM bozza WHERE form = 'operatore'",
        [],
        |r| r.get(0),
    )
    .ok()
}

fn start(env: &Env) -> Pty {
    let out = env
        .cmd()
        .args(["demo", "--persons", "10", "--no-tui"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut cmd = env.cmd();
    cmd.env("TERM", "xterm")
        .env("LANG", "C.UTF-8")
        .args(["demo"]);
    let mut p = Pty::spawn(cmd);
    assert!(
        p.wait_for("Accesso a sportello", 10.0),
        "{}",
        p.screen_text()
    );
    p.write("admin\tsportello-demo\r");
    assert!(p.wait_for("Pagina iniziale", 10.0), "{}", p.screen_text());
    p.write("1");
    assert!(p.wait_for("attivo", 10.0), "{}", p.screen_text());
    p.write("\x0e"); // Ctrl-N: new operator
    assert!(p.wait_for("nuovo", 10.0), "{}", p.screen_text());
    p.write("mrossi\tRossi\tMaria");
    assert!(p.wait_for("Maria", 5.0));
    p
}

#[test]
fn terminal_hangup_saves_the_draft_and_exits_within_two_seconds() {
    let env = Env::new();
    let mut p = start(&env);
    // Hang up at once: the 1.5 s autosave has not run yet, so the draft comes from the hangup path.
    p.hang_up();
    let took = wait_exit(&mut p, Duration::from_secs(2))
        .expect("process still running 2.5 s after hangup");
    assert!(took <= Duration::from_secs(2), "exit took {took:?}");
    let db = env.dir.path().join("data/sportello/demo.db");
    let draft = draft_of(&db).expect("draft saved");
    assert!(
        draft.contains("\"username\":\"mrossi\"") && draft.contains("\"nome\":\"Maria\""),
        "{draft}"
    );
}

#[test]
fn sigterm_saves_the_draft_too() {
    let env = Env::new();
    let mut p = start(&env);
    // SAFETY: signalling our own child.
    unsafe { libc::kill(p.child.id() as i32, libc::SIGTERM) };
    let took =
        wait_exit(&mut p, Duration::from_secs(2)).expect("process still running after SIGTERM");
    assert!(took <= Duration::from_secs(2));
    let draft = draft_of(&env.dir.path().join("data/sportello/demo.db")).expect("draft saved");
    assert!(draft.contains("mrossi"));
}
