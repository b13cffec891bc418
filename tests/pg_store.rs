//! The store on PostgreSQL: the same operations as on SQLite, through the same service door, on a
//! throwaway cluster (`common::pg`; skipped with one line where PostgreSQL is missing, a failure
//! under `SPORTELLO_PG_REQUIRED=1`).

mod common;

use common::pg;
use sportello::domain::Actor;
use sportello::service::db::Database;

#[allow(dead_code)]
fn system() -> Actor {
    Actor::system(Some("root".into()), None)
}

#[test]
fn init_migrates_an_empty_database_and_reopens_it_current() {
    let Some(db) = pg::database() else { return };
    let url = db.url();
    let mut created = Database::create(url.as_ref()).unwrap();
    let status = created.service().schema_status().unwrap();
    assert!(status.pending.is_empty(), "{status:?}");
    assert_eq!(status.db_version, sportello::service::db::schema_version());
    drop(created);
    // A second create refuses the database now holding tables; open_current accepts it.
    let again = Database::create(url.as_ref()).err().unwrap().to_string();
    assert!(again.contains("non è vuoto"), "{again}");
    let mut db2 = Database::open_current(url.as_ref()).unwrap();
    assert!(db2.service().schema_status().unwrap().pending.is_empty());
}
