//! Progress and cancellation of long work (an import, an export): counters that the work advances
//! and a terminal reads (a progress bar on the command line, a gauge in the TUI), and a flag that
//! asks the work to stop. Cheap to clone: the clones share the same counters.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::store::{StoreError, StoreResult};

#[derive(Debug, Default)]
struct Shared {
    done: AtomicU64,
    total: AtomicU64,
    items: AtomicU64,
    cancelled: AtomicBool,
}

/// The progress of one piece of work (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<Shared>);

/// Two handles are equal when they share their counters (the same piece of work).
impl PartialEq for Progress {
    fn eq(&self, other: &Progress) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Progress {}

impl Progress {
    /// How many units the whole work has (rows, bytes), when known.
    pub fn set_total(&self, n: u64) {
        self.0.total.store(n, Ordering::Relaxed);
    }

    pub fn set_done(&self, n: u64) {
        self.0.done.store(n, Ordering::Relaxed);
    }

    pub fn advance(&self, n: u64) {
        self.0.done.fetch_add(n, Ordering::Relaxed);
    }

    /// Items finished (rows), when the units are something else (bytes of a file).
    pub fn add_items(&self, n: u64) {
        self.0.items.fetch_add(n, Ordering::Relaxed);
    }

    pub fn items(&self) -> u64 {
        self.0.items.load(Ordering::Relaxed)
    }

    /// (done, total) units.
    pub fn get(&self) -> (u64, u64) {
        (
            self.0.done.load(Ordering::Relaxed),
            self.0.total.load(Ordering::Relaxed),
        )
    }

    /// Asks the work to stop at its next check.
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// A point where the work may stop: [`StoreError::Cancelled`] once it was asked to.
    pub fn check(&self) -> StoreResult<()> {
        if self.cancelled() {
            Err(StoreError::Cancelled)
        } else {
            Ok(())
        }
    }
}
