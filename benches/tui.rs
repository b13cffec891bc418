//! TUI figures (issue "TUI runtime", point 10): time from process start to first frame and resident
//! memory of an idle session on the 1,000,000-person demo database (real binary on a pseudo-terminal),
//! and bytes written to the terminal per keystroke and per screen change (counting writer under the
//! crossterm backend).
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

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = bench_db(dir.path());
    process_figures(&db, dir.path());
    byte_figures(&db);
}
