//! A store on its own thread: the UI sends jobs and gets the results back as messages, so that no
//! database work ever runs on the render path.
//!
//! Jobs run in submission order. Each reply carries the request id it answers, so the UI can drop
//! stale replies (a search superseded by newer keystrokes).

use std::sync::mpsc;
use std::thread::JoinHandle;

use super::Store;

type Job = Box<dyn FnOnce(&mut dyn Store) + Send>;

/// Handle to the store thread. Dropping it finishes the queued jobs and joins the thread.
pub struct StoreWorker {
    tx: Option<mpsc::Sender<Job>>,
    handle: Option<JoinHandle<()>>,
}

impl StoreWorker {
    pub fn spawn(mut store: Box<dyn Store>) -> StoreWorker {
        let (tx, rx) = mpsc::channel::<Job>();
        let handle = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                for job in rx {
                    job(store.as_mut());
                }
            })
            .expect("spawning the store thread");
        StoreWorker {
            tx: Some(tx),
            handle: Some(handle),
        }
    }

    /// Runs `job` on the store thread and sends `(id, result)` to `reply`.
    /// A closed reply channel (the UI is gone) is ignored.
    pub fn request<R, F>(&self, id: u64, job: F, reply: impl Fn(u64, R) + Send + 'static)
    where
        R: Send + 'static,
        F: FnOnce(&mut dyn Store) -> R + Send + 'static,
    {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Box::new(move |s: &mut dyn Store| reply(id, job(s))));
        }
    }
}

impl Drop for StoreWorker {
    fn drop(&mut self) {
        self.tx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;

    #[test]
    fn replies_arrive_in_order_with_their_ids() {
        let worker = StoreWorker::spawn(Box::new(SqliteStore::in_memory().unwrap()));
        let (tx, rx) = mpsc::channel();
        for id in 1..=3 {
            let tx = tx.clone();
            worker.request(
                id,
                |s| s.counts().map(|c| c.enti),
                move |id, r| tx.send((id, r.unwrap())).unwrap(),
            );
        }
        drop(worker);
        let got: Vec<(u64, i64)> = rx.try_iter().collect();
        assert_eq!(got, vec![(1, 0), (2, 0), (3, 0)]);
    }
}
