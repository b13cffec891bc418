//! Opening a database (an SQLite file or a `postgres://` URL, see [`DbLocation`]): the handle the CLI and the terminal app start from. What is inside is reached
//! through [`Database::service`]; only the runtime's wiring takes the store out of it
//! ([`Database::into_store`]) to run it on its own thread.

use std::path::Path;

use super::Service;
use crate::store::location::DbLocation;
use crate::store::sqlite::SqliteStore;
use crate::store::{SchemaStatus, Store, StoreResult};

/// An open database.
pub struct Database {
    store: Box<dyn Store>,
}

impl Database {
    /// Opens a database whatever its schema version (what `migrate`, `check` and `demo` need).
    pub fn open(path: &Path) -> StoreResult<Database> {
        Ok(Database {
            store: Box::new(open_store(path)?),
        })
    }

    /// Opens a database whose schema matches this binary exactly: a newer one is never written,
    /// one with pending migrations waits for `sportello migrate`.
    pub fn open_current(path: &Path) -> StoreResult<Database> {
        let store = open_store(path)?;
        store.ensure_current()?;
        Ok(Database {
            store: Box::new(store),
        })
    }

    /// Creates a new database file with the current schema.
    pub fn create(path: &Path) -> StoreResult<Database> {
        let store = match DbLocation::of(path)? {
            DbLocation::File(p) => SqliteStore::create(&p)?,
            DbLocation::Postgres(url) => SqliteStore::create_postgres(&url)?,
        };
        Ok(Database {
            store: Box::new(store),
        })
    }

    /// The door to the data.
    pub fn service(&mut self) -> Service<'_> {
        Service::new(self.store.as_mut())
    }

    /// The store, for the runtime's wiring (the store thread of the terminal app).
    pub fn into_store(self) -> Box<dyn Store> {
        self.store
    }
}

/// The store at `path`: an SQLite file or, for a `postgres://` URL, a PostgreSQL server.
fn open_store(path: &Path) -> StoreResult<SqliteStore> {
    match DbLocation::of(path)? {
        DbLocation::File(p) => SqliteStore::open(&p),
        DbLocation::Postgres(url) => SqliteStore::open_postgres(&url),
    }
}

/// The schema version this binary writes.
pub fn schema_version() -> u32 {
    crate::store::migrations::latest()
}

/// Re-exported for the commands that report the schema state.
pub type Schema = SchemaStatus;
