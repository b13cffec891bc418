//! Live refresh: when another session changes data, what this session shows follows within a
//! second. Every tick (500 ms) the session asks the store thread whether anything was committed
//! ([`Service::cambi`](crate::service::Service::cambi): on SQLite `PRAGMA data_version`, then the
//! business-change counter only when that moved). At most one question is in flight, none while
//! locked or while long work runs. When the counter moved, every screen on the stack hears
//! [`ScreenState::changed_elsewhere`](super::screen::ScreenState::changed_elsewhere): lists ask
//! again (keeping the selected row), a form asks for its record's version — reloaded when clean,
//! a notice in the status bar when it holds unsaved changes (the save reports the conflict as
//! always).

use super::app::{App, Effect, Request};
use super::casi::Req;
use crate::service::cambi::Cambi;

/// How often a session asks (every tick of the runtime).
pub const WATCH_MS: i64 = 500;

/// A question unanswered this long is given up (the reply was lost): ask again.
pub const GIVE_UP_MS: i64 = 10_000;

/// The watch of a session: when it last asked, whether that question is still unanswered, the
/// commit signal and the business-change counter it last saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Watch {
    pub asked_ms: i64,
    pub in_flight: bool,
    /// The store's commit signal last seen (`None`: not asked yet).
    pub versione: Option<i64>,
    /// The business-change counter last seen.
    pub seen: Option<i64>,
}

/// Called on every tick: asks whether anything changed, when due.
pub fn tick(app: &mut App) -> Vec<Effect> {
    let w = app.watch;
    if app.lock.is_some()
        || app.job.is_some()
        || app.now_ms - w.asked_ms < WATCH_MS
        || (w.in_flight && app.now_ms - w.asked_ms < GIVE_UP_MS)
    {
        return Vec::new();
    }
    let Some(actor) = app.actor() else {
        return Vec::new();
    };
    app.watch.asked_ms = app.now_ms;
    app.watch.in_flight = true;
    vec![app.io.request(Request::Casi(Req::Modifiche {
        actor,
        versione: w.versione,
    }))]
}

/// The answer: when the business-change counter moved, every screen hears it.
pub fn answer(app: &mut App, cambi: Result<Cambi, String>) -> Vec<Effect> {
    app.watch.in_flight = false;
    let Ok(c) = cambi else {
        return Vec::new();
    };
    app.watch.versione = Some(c.versione);
    if let Some(n) = c.modifiche {
        counter(app, n);
    }
    Vec::new()
}

/// The business-change counter is `n` now.
pub fn counter(app: &mut App, n: i64) {
    let changed = app.watch.seen.is_some_and(|s| s != n);
    app.watch.seen = Some(n);
    if changed {
        for s in app.screens_mut() {
            s.state_mut().changed_elsewhere();
        }
    }
}

/// The notice of a form whose record another operator saved while this one holds unsaved changes.
pub const NOTICE: &str =
    "Modificata da un altro operatore: al salvataggio sarà segnalato il conflitto";
