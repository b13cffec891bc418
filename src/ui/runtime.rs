//! The runtime: owns the terminal, the store thread (and a second one, on its own connection, for
//! long work such as exports), signals and timers, and drives [`App`].
//!
//! input → keymap → action → `App::update(msg) -> effects` → effects run here → results come back as
//! messages. Terminal input is read by a thread of its own ([`Input`]) and reaches the loop through a
//! channel, so a key is handled as soon as it is read, whatever the tick. Queued input is drained
//! before effects run (type-ahead: only the last search of a burst is sent), a frame is drawn only
//! when something changed, and it goes out before the store work that the same keys asked for.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyEventKind};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::app::{App, Effect, Msg};
use super::keys::KeyInput;
use crate::config::Config;
use crate::domain::date::now_ms;
use crate::record::Session;
use crate::service::Service;
use crate::store::Store;
use crate::store::worker::StoreWorker;

/// A writer that counts the bytes it passes on (terminal traffic per keystroke, per screen change).
pub struct CountingWriter<W: Write> {
    inner: W,
    count: Arc<AtomicU64>,
}

impl<W: Write> CountingWriter<W> {
    pub fn new(inner: W) -> (CountingWriter<W>, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        (
            CountingWriter {
                inner,
                count: count.clone(),
            },
            count,
        )
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Converts a terminal event into a message; key releases and repeats-as-release are ignored.
pub fn event_to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(KeyInput::from(k))),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// How long the input thread blocks in one wait before it looks at its stop flag: the longest an
/// exit waits for it, not a delay on keys (a key ends the wait as soon as it is read).
const INPUT_WAIT: Duration = Duration::from_millis(100);

/// Terminal input on a dedicated thread: blocking crossterm reads, the events sent to the loop as
/// soon as they are read. (crossterm's `EventStream` keeps the waker of the first pending poll, so a type-ahead drain
/// that polls it without a real waker leaves later keys waiting for the next tick.)
struct Input {
    rx: mpsc::UnboundedReceiver<std::io::Result<Event>>,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Input {
    fn start() -> std::io::Result<Input> {
        let (tx, rx) = mpsc::unbounded_channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("input".into())
            .spawn(move || {
                while !stopped.load(Ordering::SeqCst) {
                    let burst = match crossterm::event::poll(INPUT_WAIT) {
                        Ok(false) => continue,
                        // The TUI is closing: leave the event unread.
                        Ok(true) if stopped.load(Ordering::SeqCst) => break,
                        Ok(true) => read_burst(),
                        Err(e) => Err(e),
                    };
                    match burst {
                        Ok(events) => {
                            if !events.into_iter().all(|ev| tx.send(Ok(ev)).is_ok()) {
                                break;
                            }
                        }
                        // A read error ends the thread: the loop takes it as a hangup.
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            break;
                        }
                    }
                }
            })?;
        Ok(Input { rx, stop, thread })
    }
}

/// The event that is ready and every one already read behind it, sent together so that the loop's
/// type-ahead drain finds a burst of keys whole.
fn read_burst() -> std::io::Result<Vec<Event>> {
    let mut events = vec![crossterm::event::read()?];
    while crossterm::event::poll(Duration::ZERO)? {
        events.push(crossterm::event::read()?);
    }
    Ok(events)
}

impl Drop for Input {
    /// Stops the thread, so that nothing reads the terminal once the TUI is gone. The wait is
    /// bounded: a read stuck on a vanished terminal must not hold the exit.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + INPUT_WAIT * 3;
        while !self.thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

fn restore_terminal() {
    let _ = crossterm::terminal::disable_raw_mode();
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(
        out,
        crossterm::event::DisableBracketedPaste,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// True when the process that started us is gone (we were re-parented to init).
fn orphaned() -> bool {
    // SAFETY: getppid has no preconditions.
    unsafe { libc::getppid() == 1 }
}

/// Installs the panic hook that restores this terminal and writes a crash report in `crash_dir`.
pub fn install_crash_hook(crash_dir: std::path::PathBuf) {
    crate::crash::install(crash_dir, restore_terminal);
}

/// Runs the TUI until the operator quits or the terminal goes away. `jobs` is a second connection
/// to the same database for long work ([`super::jobs`]). From `config`: the crash report directory
/// and the tick (draft autosave, idle lock, orphan check).
pub fn run(
    app: App,
    initial: Vec<Effect>,
    store: Box<dyn Store>,
    jobs: Box<dyn Store>,
    config: &Config,
    recording: Session,
) -> std::io::Result<()> {
    install_crash_hook(config.log_dir.join("crash"));
    let tick = Duration::from_millis(config.tick_ms);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(run_loop(app, initial, [store, jobs], tick, recording));
    restore_terminal();
    result
}

async fn run_loop(
    mut app: App,
    initial: Vec<Effect>,
    [store, jobs]: [Box<dyn Store>; 2],
    tick: Duration,
    mut rec: Session,
) -> std::io::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    let (writer, _bytes) = CountingWriter::new(std::io::stdout());
    let mut terminal = Terminal::new(CrosstermBackend::new(writer))?;
    crossterm::execute!(
        terminal.backend_mut(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::event::EnableBracketedPaste,
        // Not `terminal.clear()`: it asks the terminal for the cursor position, a round trip that
        // slow links and some thin clients never answer.
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    let size = terminal.size()?;
    let (reply_tx, mut reply_rx) = mpsc::unbounded_channel::<Msg>();
    let worker = Workers {
        store: StoreWorker::spawn(store),
        jobs: StoreWorker::spawn(jobs),
    };
    let mut input = Input::start()?;
    let mut tick = tokio::time::interval(tick);
    let mut hup = signal(SignalKind::hangup())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;

    tracing::info!(cols = size.width, rows = size.height, "sessione avviata");
    let mut pending = initial;
    let start = now_ms();
    // Every message goes through the recorder (a no-op when the session is not recorded).
    let mut update = |app: &mut App, msg: Msg| rec.update(app, msg, now_ms() - start);
    pending.extend(update(&mut app, Msg::Resize(size.width, size.height)));
    pending.extend(update(&mut app, Msg::Tick(now_ms())));
    // The operator at the keys, as log lines name them.
    let mut at_keys = None;
    loop {
        // The frame first: the store work a key asks for (a search) must not delay its echo.
        if app.take_dirty() {
            // Who is at the keys, for crash reports and log lines (here, not in `update`, which
            // also runs in replays).
            crate::crash::set_screen(app.screen_name());
            let actor = app.session.as_ref().map(|s| &s.actor);
            crate::crash::set_ente(actor.and_then(|a| a.enti.first().copied()));
            let operatore = actor.and_then(|a| a.operatore_id);
            if operatore != at_keys {
                at_keys = operatore;
                crate::logging::set_operator(operatore);
                if operatore.is_some() {
                    tracing::info!("accesso");
                }
            }
            if let Err(e) = terminal.draw(|f| super::view::draw(&app, f)) {
                // The terminal vanished mid-frame: save and leave as on a hangup.
                tracing::info!(error = %e, "scrittura sul terminale fallita");
                return hang_up(app, &worker, &reply_tx, &mut reply_rx).await;
            }
        }
        let quit = run_effects(&worker, &reply_tx, std::mem::take(&mut pending));
        if quit || app.quit {
            break;
        }
        let msg = tokio::select! {
            ev = input.rx.recv() => match ev {
                Some(Ok(ev)) => match event_to_msg(ev) { Some(m) => m, None => continue },
                // The terminal vanished or reads fail (crossterm#793): save and leave.
                Some(Err(_)) | None => Msg::Hangup,
            },
            Some(reply) = reply_rx.recv() => reply,
            _ = tick.tick() => if orphaned() { Msg::Hangup } else { Msg::Tick(now_ms()) },
            _ = hup.recv() => Msg::Hangup,
            _ = term.recv() => Msg::Hangup,
            _ = int.recv() => Msg::Hangup,
        };
        if matches!(msg, Msg::Hangup) {
            tracing::info!(
                screen = app.screen_name(),
                "terminale chiuso o segnale di terminazione: salvataggio bozze"
            );
            return hang_up(app, &worker, &reply_tx, &mut reply_rx).await;
        }
        record_for_crash(&msg);
        pending.extend(update(&mut app, msg));
        // Type-ahead: take every event already queued before running effects. A read error ends
        // the input thread, and its closed channel reads as a hangup above.
        while let Ok(Ok(ev)) = input.rx.try_recv() {
            if let Some(m) = event_to_msg(ev) {
                record_for_crash(&m);
                pending.extend(update(&mut app, m));
            }
        }
        pending = super::app::coalesce(pending);
    }
    // Long work still running stops at its next check, so that the exit does not wait for it.
    if let Some(j) = &app.job {
        j.progress.cancel();
    }
    tracing::info!("sessione chiusa");
    Ok(())
}

fn record_for_crash(msg: &Msg) {
    if let Msg::Key(k) = msg {
        crate::crash::record_event(crate::crash::redact_key(&k.notation()));
    } else if let Msg::Paste(s) = msg {
        crate::crash::record_event(format!("incolla {} caratteri", s.chars().count()));
    }
}

/// The store thread, and the one for long work.
struct Workers {
    store: StoreWorker,
    jobs: StoreWorker,
}

/// Sends store requests to their worker; returns true when an effect asks to quit.
fn run_effects(
    worker: &Workers,
    reply_tx: &mpsc::UnboundedSender<Msg>,
    effects: Vec<Effect>,
) -> bool {
    let mut quit = false;
    for e in effects {
        let (worker, id, req) = match e {
            Effect::Request(id, req) => (&worker.store, id, req),
            Effect::Job(id, req) => (&worker.jobs, id, req),
            Effect::Quit => {
                quit = true;
                continue;
            }
        };
        let tx = reply_tx.clone();
        worker.request(
            id,
            move |s| super::app::execute(&mut Service::new(s), req, now_ms()),
            move |id, reply| {
                let _ = tx.send(Msg::Reply(id, reply));
            },
        );
    }
    quit
}

/// SIGHUP, SIGTERM or a vanished terminal: save drafts and exit within 2 seconds, writing nothing to
/// the terminal (it may be gone).
async fn hang_up(
    mut app: App,
    worker: &Workers,
    reply_tx: &mpsc::UnboundedSender<Msg>,
    reply_rx: &mut mpsc::UnboundedReceiver<Msg>,
) -> std::io::Result<()> {
    // Hard deadline, whatever happens below.
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_millis(1900));
        std::process::exit(129);
    });
    let effects = app.update(Msg::Hangup);
    let waiting: Vec<u64> = effects
        .iter()
        .filter_map(|e| {
            if let Effect::Request(id, _) = e {
                Some(*id)
            } else {
                None
            }
        })
        .collect();
    run_effects(worker, reply_tx, effects);
    let deadline = tokio::time::sleep(Duration::from_millis(1500));
    tokio::pin!(deadline);
    let mut left = waiting.len();
    while left > 0 {
        tokio::select! {
            Some(Msg::Reply(id, _)) = reply_rx.recv() => if waiting.contains(&id) { left -= 1 },
            _ = &mut deadline => break,
        }
    }
    std::process::exit(129);
}
