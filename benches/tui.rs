//! TUI figures (issue "TUI runtime", point 10): time from process start to first frame and resident
//! memory of an idle session on the 1,000,000-person demo database (real binary on a pseudo-terminal),
//! and bytes written to the terminal per keystroke and per screen change (counting writer under the
//! crossterm backend).
//!
//! Key-to-frame latency (issue 9): the real binary on a pty, input read through crossterm as in
//! production; from writing a key to the pty until the read that brings the frame showing its effect
//! (the output fed to a vt100 screen), p50/p99 per kind of key, beside the same keys sent to
//! `vim -u NONE` (skipped when vim is not installed). Search results are timed separately. Each key
//! goes out once the previous one's frames and store replies have arrived, as between two keys
//! typed by a person.
//!
//! `cargo bench --bench tui` — set `SPORTELLO_BENCH_DB` to an existing demo database, otherwise
//! `target/bench-1m.db` is created once with `sportello demo --persons 1000000`.

mod common;

#[path = "../tests/common/pty.rs"]
mod pty;

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::AppConfig;
use sportello::ui::harness::Harness;
use sportello::ui::runtime::CountingWriter;

use pty::{Pty, Screen};

fn bench_db(dir: &std::path::Path) -> PathBuf {
    if let Some(p) = std::env::var_os("SPORTELLO_BENCH_DB") {
        return PathBuf::from(p);
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-1m.db");
    if !path.exists() {
        let took = common::create_demo(dir, &path, 1_000_000);
        println!("(creato {} in {:.1} s)", path.display(), took.as_secs_f64());
    }
    path
}

fn sportello(dir: &std::path::Path) -> Command {
    let mut c = common::sportello(dir);
    c.env("TERM", "xterm").env("LANG", "C.UTF-8");
    c
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn process_figures(db: &std::path::Path, dir: &std::path::Path) {
    let mut firsts = Vec::new();
    let mut rss = 0;
    for round in 0..5 {
        let mut cmd = sportello(dir);
        cmd.arg("--db").arg(db);
        let t = Instant::now();
        let mut p = pty::Pty::spawn(cmd);
        assert!(
            p.wait_for("Accesso a sportello", 10.0),
            "{}",
            p.screen_text()
        );
        firsts.push(t.elapsed());
        if round == 0 {
            p.write("admin\tsportello-demo\r");
            assert!(p.wait_for("Pagina iniziale", 10.0));
            std::thread::sleep(Duration::from_millis(1500));
            rss = rss_kib(p.child.id());
        }
        p.hang_up();
        let _ = p.child.wait();
    }
    firsts.sort();
    println!(
        "primo frame dall'avvio del processo (1M persone, pty): mediana {:.1} ms, min {:.1} ms, max {:.1} ms",
        firsts[firsts.len() / 2].as_secs_f64() * 1000.0,
        firsts[0].as_secs_f64() * 1000.0,
        firsts[firsts.len() - 1].as_secs_f64() * 1000.0
    );
    println!(
        "memoria residente di una sessione inattiva dopo l'accesso: {:.1} MB",
        rss as f64 / 1024.0
    );
}

struct Counted {
    terminal: Terminal<CrosstermBackend<CountingWriter<std::io::Sink>>>,
    bytes: Arc<AtomicU64>,
}

impl Counted {
    fn new() -> Counted {
        let (w, bytes) = CountingWriter::new(std::io::sink());
        let terminal = Terminal::with_options(
            CrosstermBackend::new(w),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
            },
        )
        .unwrap();
        Counted { terminal, bytes }
    }

    /// Draws the app and returns the bytes this frame sent.
    fn frame(&mut self, h: &Harness) -> u64 {
        let before = self.bytes.load(Ordering::Relaxed);
        self.terminal
            .draw(|f| sportello::ui::view::draw(&h.app, f))
            .unwrap();
        self.terminal.backend_mut().flush().unwrap();
        self.bytes.load(Ordering::Relaxed) - before
    }
}

fn byte_figures(db: &std::path::Path) {
    let config = AppConfig::headless(true);
    let mut h = Harness::new(Box::new(SqliteStore::open(db).unwrap()), config, 80, 24);
    let mut t = Counted::new();
    let first = t.frame(&h);
    h.login("admin", "sportello-demo");
    let login_to_home = t.frame(&h);
    h.keys("1");
    let home_to_list = t.frame(&h);
    h.keys("<C-n>");
    let list_to_form = t.frame(&h);
    let text = "Mariagrazia Dell'Acqua Niccolò 12/03/1980";
    let mut per_key = Vec::new();
    for c in text.chars() {
        h.keys(&if c == '<' {
            "<lt>".to_string()
        } else {
            c.to_string()
        });
        per_key.push(t.frame(&h));
    }
    h.keys("<Tab>");
    let tab = t.frame(&h);
    h.keys("<Esc>");
    let form_to_list = t.frame(&h);
    let mean = per_key.iter().sum::<u64>() as f64 / per_key.len() as f64;
    println!(
        "byte al terminale: primo frame {first}, accesso→home {login_to_home}, home→elenco {home_to_list}, elenco→modulo {list_to_form}, modulo→elenco {form_to_list}"
    );
    println!(
        "byte per tasto digitato in un campo: media {mean:.1}, max {} su {} tasti; Tab (cambio campo) {tab}",
        per_key.iter().max().unwrap(),
        per_key.len()
    );
}

/// Milliseconds per key of one kind.
struct Series {
    label: &'static str,
    ms: Vec<f64>,
}

impl Series {
    fn new(label: &'static str) -> Series {
        Series {
            label,
            ms: Vec::new(),
        }
    }

    /// Nearest-rank percentile.
    fn pct(&self, p: f64) -> f64 {
        let mut v = self.ms.clone();
        v.sort_by(f64::total_cmp);
        let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
        v[rank - 1]
    }
}

/// Writes `key` and waits for `done`; returns the milliseconds to the read that made it hold.
fn press(p: &mut Pty, s: &mut Screen, key: &str, done: impl Fn(&Screen) -> bool) -> f64 {
    let sent = Instant::now();
    p.write(key);
    let at = p
        .wait_screen(s, 5.0, done)
        .unwrap_or_else(|| panic!("tasto {key:?}: effetto non visto in 5 s\n{}", s.text()));
    at.saturating_duration_since(sent).as_secs_f64() * 1000.0
}

/// Feeds `s` with whatever arrives for `secs` (startup output, late replies).
fn settle(p: &Pty, s: &mut Screen, secs: f64) {
    let _ = p.wait_screen(s, secs, |_| false);
}

/// Feeds `s` until no frame has come for `secs`: the store worker is idle again.
fn quiet(p: &Pty, s: &mut Screen, secs: f64) {
    loop {
        let frames = s.frames;
        settle(p, s, secs);
        if s.frames == frames {
            return;
        }
    }
}

/// Surnames typed letter by letter: in sportello's search box and a form field (then erased), in
/// vim each on a line of its own.
const WORDS: [&str; 19] = [
    "rossi", "russo", "ferrari", "esposito", "bianchi", "romano", "colombo", "ricci", "marino",
    "greco", "bruno", "gallo", "conti", "mancini", "costa", "giordano", "rizzo", "lombardi",
    "moretti",
];
/// The keys that type `word` letter by letter and then erase it, each with the text it leaves.
fn type_and_erase(word: &str) -> Vec<(&str, &str)> {
    let typed = (1..=word.len()).map(|n| (&word[n - 1..n], &word[..n]));
    let erased = (0..word.len()).rev().map(|n| ("\x7f", &word[..n]));
    typed.chain(erased).collect()
}

/// Pairs of opposite keys (open/close, Tab/Shift+Tab): 200 keys per kind.
const PAIRS: usize = 100;

fn sportello_latency(db: &std::path::Path, dir: &std::path::Path) -> Vec<Series> {
    let mut cmd = sportello(dir);
    cmd.arg("--db").arg(db);
    let mut p = Pty::spawn(cmd);
    let s = &mut Screen::default();
    let login = |s: &Screen| s.after("Utente").is_some_and(|v| v.is_empty());
    assert!(p.wait_screen(s, 10.0, login).is_some(), "{}", s.text());
    p.write("sportello\tsportello-demo\r");
    let home = |s: &Screen| s.text().contains("Moduli");
    assert!(p.wait_screen(s, 10.0, home).is_some(), "{}", s.text());
    // Let the home counters of a million persons arrive before timing.
    quiet(&p, s, 0.5);

    let ricerca = |s: &Screen| s.text().contains("Cerca:");
    let mut screens = Series::new("apertura schermata (1) e ritorno (Esc)");
    for _ in 0..PAIRS {
        screens.ms.push(press(&mut p, s, "1", ricerca));
        screens.ms.push(press(&mut p, s, "\x1b", home));
        // Home asks for its counters again: let them arrive, as they would between two keys.
        quiet(&p, s, 0.05);
    }
    let help = |s: &Screen| s.text().contains("Tasti di questa schermata");
    let mut popups = Series::new("popup aiuto (F1) e chiusura (Esc)");
    for _ in 0..PAIRS {
        popups.ms.push(press(&mut p, s, "\x1bOP", help));
        popups.ms.push(press(&mut p, s, "\x1b", |s| !help(s)));
    }

    // Each search below finds the store worker idle: its reply is the frame after the key's.
    press(&mut p, s, "1", ricerca);
    quiet(&p, s, 0.5);
    let mut typing = Series::new("ricerca anagrafe: digitazione");
    let mut results = Series::new("ricerca anagrafe: risultati (dal tasto)");
    for (key, want) in WORDS.iter().flat_map(|w| type_and_erase(w)) {
        let frames = s.frames;
        let sent = Instant::now();
        typing.ms.push(press(&mut p, s, key, |s| {
            s.after("Cerca:").as_deref() == Some(want)
        }));
        // The key's frame, then the frame of the search reply.
        let at = p
            .wait_screen(s, 5.0, |s| s.frames >= frames + 2)
            .unwrap_or_else(|| panic!("risultati di «{want}» non arrivati in 5 s"));
        results
            .ms
            .push(at.duration_since(sent).as_secs_f64() * 1000.0);
        quiet(&p, s, 0.05);
    }

    let form = |s: &Screen| s.text().contains("Persona: nuova");
    press(&mut p, s, "\x0e", form); // Ctrl+N
    quiet(&p, s, 0.5);
    // A draft left by an earlier run: "non ora".
    if s.text().contains("bozza non salvata") {
        press(&mut p, s, "\x1b", |s| {
            !s.text().contains("bozza non salvata")
        });
    }
    let cognome = s.row_of("*Cognome").expect("campo Cognome");
    let nome = s.row_of("*Nome").expect("campo Nome");
    let on = |row: u16| move |s: &Screen| s.cursor().is_some_and(|(r, _)| r == row);
    press(&mut p, s, "\t", on(cognome));
    let mut field = Series::new("modulo persona: digitazione in un campo");
    for (key, want) in WORDS.iter().flat_map(|w| type_and_erase(w)) {
        field.ms.push(press(&mut p, s, key, |s| {
            s.after("*Cognome").as_deref() == Some(want)
        }));
    }
    let mut tabs = Series::new("modulo persona: Tab e Maiusc+Tab");
    for _ in 0..PAIRS {
        tabs.ms.push(press(&mut p, s, "\t", on(nome)));
        tabs.ms.push(press(&mut p, s, "\x1b[Z", on(cognome)));
    }
    p.hang_up();
    let _ = p.child.wait();
    vec![typing, results, field, tabs, screens, popups]
}

fn vim_installed() -> bool {
    Command::new("vim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn vim_latency(dir: &std::path::Path) -> Vec<Series> {
    let mut cmd = Command::new("vim");
    cmd.args(["-u", "NONE"])
        .arg(dir.join("latenza.txt"))
        .env("TERM", "xterm")
        .env("LANG", "C.UTF-8")
        .env("HOME", dir);
    let mut p = Pty::spawn(cmd);
    let s = &mut Screen::default();
    assert!(
        p.wait_screen(s, 10.0, |s| s.text().contains("latenza.txt"))
            .is_some(),
        "{}",
        s.text()
    );
    settle(&p, s, 0.3);
    p.write("i");
    settle(&p, s, 0.3);
    let mut typing = Series::new("digitazione (modo inserimento)");
    for _round in 0..2 {
        for word in WORDS {
            let row = s.screen().cursor_position().0;
            for len in 1..=word.len() {
                let want = &word[..len];
                typing.ms.push(press(&mut p, s, &word[len - 1..len], |s| {
                    s.row(row) == want
                }));
            }
            press(&mut p, s, "\r", |s| {
                let (r, c) = s.screen().cursor_position();
                c == 0 && s.row(r).is_empty()
            });
        }
    }
    let mut tabs = Series::new("Tab e Backspace (modo inserimento)");
    for _ in 0..PAIRS {
        tabs.ms.push(press(&mut p, s, "\t", |s| {
            s.screen().cursor_position().1 == 8
        }));
        tabs.ms.push(press(&mut p, s, "\x7f", |s| {
            s.screen().cursor_position().1 == 0
        }));
    }
    p.write("\x1b");
    settle(&p, s, 1.5);
    let mut cmdline = Series::new("riga di comando (:) e annullamento (Ctrl+C)");
    for _ in 0..PAIRS {
        cmdline.ms.push(press(&mut p, s, ":", |s| {
            s.screen().cursor_position() == (23, 1) && s.row(23) == ":"
        }));
        cmdline.ms.push(press(&mut p, s, "\x03", |s| {
            s.screen().cursor_position().0 != 23
        }));
    }
    p.hang_up();
    let _ = p.child.kill();
    let _ = p.child.wait();
    vec![typing, tabs, cmdline]
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "cpu sconosciuta".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    // Other processes' load shows in the tails: say how busy the machine was.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("?").to_string();
    format!("{model}, {cores} core, carico medio (1 min) {load}")
}

fn print_table(title: &str, rows: &[Series]) {
    println!("{title}");
    for r in rows {
        println!(
            "  {:<46}{:>5}{:>9.2}{:>9.2}{:>9.2}",
            r.label,
            r.ms.len(),
            r.pct(0.50),
            r.pct(0.99),
            r.pct(1.0)
        );
    }
}

fn latency_figures(db: &std::path::Path, dir: &std::path::Path) {
    let sportello = sportello_latency(db, dir);
    println!(
        "\nlatenza tasto→frame in un pty 80×24 (ms, dalla scrittura del tasto alla lettura del frame che ne mostra l'effetto)"
    );
    println!("macchina: {}", machine());
    println!("  {:<46}{:>5}{:>9}{:>9}{:>9}", "", "n", "p50", "p99", "max");
    print_table("sportello, 1.000.000 persone", &sportello);
    if vim_installed() {
        print_table("vim -u NONE, stessi tasti", &vim_latency(dir));
    } else {
        println!("vim -u NONE: non installato, confronto saltato");
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = bench_db(dir.path());
    process_figures(&db, dir.path());
    byte_figures(&db);
    latency_figures(&db, dir.path());
}
