//! The progress bar of long commands (`import anagrafe`): on stderr, only when stderr is a
//! terminal; rows per second and the time left, read from the work's [`Progress`] by a thread of
//! its own every few tenths of a second.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::progress::Progress;

/// How often the bar reads the counters.
const EVERY: Duration = Duration::from_millis(200);

/// A progress bar following `progress` (units: bytes of a file of `len`; items: rows). Gone when
/// dropped.
pub struct Bar {
    bar: ProgressBar,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Bar {
    /// The bar, or `None` when stderr is not a terminal (a pipe, a log file, a test).
    pub fn start(len: u64, progress: &Progress) -> Option<Bar> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::new(len.max(1));
        let style =
            ProgressStyle::with_template("{bar:30} {percent:>3}% · {msg} · mancano circa {eta}")
                .ok()?;
        bar.set_style(style);
        let stop = Arc::new(AtomicBool::new(false));
        let (stopped, progress, shown) = (stop.clone(), progress.clone(), bar.clone());
        let thread = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                let start = Instant::now();
                loop {
                    let (done, _) = progress.get();
                    let rows = progress.items();
                    let secs = start.elapsed().as_secs_f64().max(0.001);
                    bar.set_position(done);
                    bar.set_message(format!("{rows} righe · {:.0} righe/s", rows as f64 / secs));
                    if stopped.load(Ordering::SeqCst) {
                        break;
                    }
                    std::thread::sleep(EVERY);
                }
                bar.finish_and_clear();
            })
            .ok()?;
        Some(Bar {
            bar: shown,
            stop,
            thread: Some(thread),
        })
    }

    /// Writes a line on stderr above the bar.
    pub fn println(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }
}

/// Writes a line on stderr, above the bar when there is one.
pub fn eprintln_above(bar: Option<&Bar>, line: &str) {
    match bar {
        Some(b) => b.println(line),
        None => eprintln!("{line}"),
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
