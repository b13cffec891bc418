//! The store's trait of live refresh: a cheap signal that another session has committed, so that a
//! screen knows when to ask again for what it shows.
//!
//! SQLite answers with `PRAGMA data_version` (see `sqlite/changes.rs`); PostgreSQL will answer with
//! a counter moved by LISTEN/NOTIFY. The signal says only "something was committed": audit rows and
//! session heartbeats move it too, so the UI follows it with the business-change counter
//! ([`super::CasiStore::modifiche`]) before reloading lists.

use super::StoreResult;

/// Whether other connections have committed.
pub trait ChangesStore {
    /// A number that moves when another connection has committed since the last call, and stays
    /// the same otherwise. This connection's own commits do not move it (the UI reloads after its
    /// own writes anyway). Only equality between two answers of the same store means anything.
    fn data_version(&self) -> StoreResult<i64>;
}
