//! Keys reach the screen as soon as they are read, in a real pseudo-terminal with input read through
//! crossterm as in production. The tick is set to 10 s: a key that waited for it (as with a lost
//! waker) would miss the 2 s allowed here by far. A burst of keys all reaches the screen, and the
//! TUI still quits promptly with its input thread running.

mod common;

use std::time::{Duration, Instant};

use common::Env;
use common::pty::{Pty, Screen};

const TICK_MS: &str = "10000";
/// Far below the tick, far above a loaded machine's scheduling delays.
const WAIT_S: f64 = 2.0;

fn start(env: &Env) -> (Pty, Screen) {
    let out = env
        .cmd()
        .args(["demo", "--persons", "10", "--no-tui"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let mut cmd = env.cmd();
    cmd.env("TERM", "xterm")
        .env("LANG", "C.UTF-8")
        .env("SPORTELLO_TICK_MS", TICK_MS)
        .args(["demo"]);
    let p = Pty::spawn(cmd);
    let mut s = Screen::default();
    assert!(
        p.wait_screen(&mut s, 10.0, |s| s
            .after("Utente")
            .is_some_and(|v| v.is_empty()))
            .is_some(),
        "{}",
        s.text()
    );
    (p, s)
}

#[test]
fn each_key_is_drawn_long_before_the_tick() {
    let env = Env::new();
    let (mut p, mut s) = start(&env);
    let mut typed = String::new();
    for c in "zqxwkj".chars() {
        typed.push(c);
        let t = Instant::now();
        p.write(&c.to_string());
        let shown = p.wait_screen(&mut s, WAIT_S, |s| {
            s.after("Utente").as_deref() == Some(&typed)
        });
        assert!(
            shown.is_some(),
            "«{typed}» not on screen {:?} after the key (tick {TICK_MS} ms):\n{}",
            t.elapsed(),
            s.text()
        );
        // A pause, so that the next key finds the loop idle, waiting on the terminal.
        std::thread::sleep(Duration::from_millis(100));
    }
    // Backspace too: an edit, not just an insertion.
    p.write("\x7f");
    typed.pop();
    assert!(
        p.wait_screen(&mut s, WAIT_S, |s| s.after("Utente").as_deref()
            == Some(&typed))
            .is_some(),
        "{}",
        s.text()
    );
    p.hang_up();
    let _ = p.child.wait();
}

#[test]
fn a_burst_of_keys_all_arrives_and_quitting_is_prompt() {
    let env = Env::new();
    let (mut p, mut s) = start(&env);
    p.write("burstofkeys");
    assert!(
        p.wait_screen(&mut s, WAIT_S, |s| s.after("Utente").as_deref()
            == Some("burstofkeys"))
            .is_some(),
        "{}",
        s.text()
    );
    p.write("\x11"); // Ctrl+Q asks for confirmation
    assert!(
        p.wait_screen(&mut s, WAIT_S, |s| s
            .text()
            .contains("Uscire da sportello?"))
            .is_some(),
        "{}",
        s.text()
    );
    p.write("\r");
    let t = Instant::now();
    let status = loop {
        if let Some(st) = p.child.try_wait().unwrap() {
            break st;
        }
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "still running after quit"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "{status:?}");
    p.hang_up();
}
