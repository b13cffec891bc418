//! Demo databases built once per test binary: the first test that asks builds the database, every
//! test gets its own copy of the file (a copy takes milliseconds, a build up to seconds).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sportello::demo;
use sportello::domain::Actor;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

/// The day the lived-in demo's history ends in the tests.
pub const LIVED_IN_TODAY: (i32, time::Month, u8) = (2026, time::Month::November, 30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// `demo::create`: persons, enti, uffici, one account per role.
    Plain,
    /// `demo::create_lived_in`: plus 18 months of schede, proposals and cases up to
    /// [`LIVED_IN_TODAY`].
    LivedIn,
}

/// The built databases' bytes, by kind and number of persons.
static BUILT: Mutex<BTreeMap<(Kind, usize), Vec<u8>>> = Mutex::new(BTreeMap::new());

/// A copy of the demo database with `persons` persons, at `dir/d.db`.
pub fn demo_db(dir: &Path, persons: usize) -> PathBuf {
    let path = dir.join("d.db");
    demo_at(&path, persons);
    path
}

/// A copy of the demo database with `persons` persons, at `path`.
pub fn demo_at(path: &Path, persons: usize) {
    copy(Kind::Plain, persons, path)
}

/// An in-memory copy of the demo database with `persons` persons.
pub fn demo_in_memory(persons: usize) -> SqliteStore {
    let dir = tempfile::tempdir().unwrap();
    SqliteStore::in_memory_copy(&demo_db(dir.path(), persons)).unwrap()
}

/// A copy of the demo database with 18 months of history, at `dir/d.db`.
pub fn lived_in_db(dir: &Path, persons: usize) -> PathBuf {
    let path = dir.join("d.db");
    copy(Kind::LivedIn, persons, &path);
    path
}

/// The day the lived-in history ends.
pub fn lived_in_today() -> time::Date {
    let (y, m, d) = LIVED_IN_TODAY;
    time::Date::from_calendar_date(y, m, d).unwrap()
}

fn copy(kind: Kind, persons: usize, path: &Path) {
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let bytes = built
        .entry((kind, persons))
        .or_insert_with(|| build(kind, persons));
    std::fs::write(path, bytes).unwrap();
}

fn build(kind: Kind, persons: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixture.db");
    let mut store = SqliteStore::create(&path).unwrap();
    let sys = Actor::system(None, None);
    match kind {
        Kind::Plain => demo::create(&mut store, &sys, persons).map(|_| ()),
        Kind::LivedIn => sportello::service::Service::new(&mut store)
            .create_demo(&sys, persons, lived_in_today(), None)
            .map(|_| ()),
    }
    .unwrap();
    // Everything in the main file: the copy is the whole database.
    store.checkpoint().unwrap();
    drop(store);
    std::fs::read(&path).unwrap()
}

/// A copy of the demo database (30 persons) with one scheda in sospeso of 2027-01-15 (the
/// harness's day) received by the front desk (`sportello`): its path and id.
pub fn scheda_di_oggi(dir: &Path) -> (PathBuf, i64) {
    use sportello::domain::scheda::SchedaEdit;
    let path = demo_db(dir, 30);
    let mut s = SqliteStore::open(&path).unwrap();
    let op = s.operatore_by_username("sportello").unwrap().unwrap();
    let a = Actor::operatore(&op, None, None);
    let mut e = SchedaEdit {
        soggetto_id: 3,
        data_accesso: "2027-01-15".into(),
        operatore: "sportello".into(),
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "utente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "persona"),
    ] {
        e.dati.insert(k.into(), serde_json::Value::from(v));
    }
    let today = time::Date::from_calendar_date(2027, time::Month::January, 15).unwrap();
    let id = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today)
        .unwrap()
        .saved
        .id;
    (path, id)
}
