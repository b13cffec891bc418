//! Long work started at the desk (an export): it runs on a worker of its own with its own database
//! connection, so that searches and navigation stay instant meanwhile. The status bar shows a
//! gauge; Esc on the screen that started it cancels it (the work stops at its next check and leaves
//! no file). One at a time.

use super::app::{App, Effect, Request};
use crate::progress::Progress;

/// The long work in progress.
#[derive(Debug, Clone)]
pub struct Running {
    pub id: u64,
    /// What the gauge calls it ("Esportazione").
    pub title: &'static str,
    pub progress: Progress,
    /// The screen that started it: Esc there cancels it.
    pub screen: &'static str,
}

/// Starts `req`, which reports to `progress`, as long work; refused while other long work runs.
pub fn start(app: &mut App, title: &'static str, progress: Progress, req: Request) -> Vec<Effect> {
    if app.job.is_some() {
        app.status = Some(
            "Un'altra operazione è in corso: attendere, oppure Esc sulla sua schermata per annullarla"
                .into(),
        );
        return Vec::new();
    }
    let (id, effect) = app.io.job(req);
    app.job = Some(Running {
        id,
        title,
        progress,
        screen: app.screen_name(),
    });
    vec![effect]
}

/// Esc: cancels the long work started on the screen on show; false when there is none.
pub fn cancel(app: &mut App) -> bool {
    match &app.job {
        Some(j) if j.screen == app.screen_name() && !j.progress.cancelled() => {
            j.progress.cancel();
            app.status = Some(format!("{}: annullamento…", j.title));
            true
        }
        _ => false,
    }
}

/// The reply to request `id` arrived: if it was the long work, it is over.
pub fn finished(app: &mut App, id: u64) {
    if app.job.as_ref().is_some_and(|j| j.id == id) {
        app.job = None;
    }
}

/// The gauge, `width` columns at most: `Esportazione ▕████░░░░▏ 45% 1234/2700 · Esc annulla`.
pub fn gauge(j: &Running, on_its_screen: bool, ascii: bool, width: usize) -> String {
    let (done, total) = j.progress.get();
    let cells = 12usize;
    let filled = if total == 0 {
        0
    } else {
        (done.min(total) as usize * cells) / total as usize
    };
    let (full, empty, left, right) = if ascii {
        ('#', '.', '[', ']')
    } else {
        ('█', '░', '▕', '▏')
    };
    let bar: String = std::iter::repeat_n(full, filled)
        .chain(std::iter::repeat_n(empty, cells - filled))
        .collect();
    let numbers = match (done.min(total) * 100).checked_div(total) {
        Some(pct) => format!("{pct}% {done}/{total}"),
        None => "avvio…".to_string(),
    };
    let tail = if j.progress.cancelled() {
        " · annullamento…"
    } else if on_its_screen {
        " · Esc annulla"
    } else {
        ""
    };
    let text = format!(" {} {left}{bar}{right} {numbers}{tail} ", j.title);
    text.chars().take(width).collect()
}
