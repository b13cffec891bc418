//! [`ChangesStore`] on SQLite: `PRAGMA data_version`, which moves when another connection (of
//! this process or another) commits to the file, never for this connection's own commits. It reads
//! no table: in WAL mode it costs one look at the shared-memory index. On PostgreSQL, the count of
//! `sportello_modifiche` notifications received (see `PgSession::data_version`).

use super::SqliteStore;
use crate::store::sql::Sql;
use crate::store::{ChangesStore, StoreResult};

impl ChangesStore for SqliteStore {
    fn data_version(&self) -> StoreResult<i64> {
        match self.sql() {
            Sql::Sqlite(c) => Ok(c.query_row("PRAGMA data_version", [], |r| r.get(0))?),
            Sql::Postgres(p) => p.data_version(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::store::prelude::*;
    use crate::store::sqlite::SqliteStore;

    #[test]
    fn data_version_moves_for_other_connections_commits_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dv.db");
        let mut a = SqliteStore::create(&path).unwrap();
        let mut b = SqliteStore::open(&path).unwrap();
        let start = a.data_version().unwrap();
        // Nothing committed: no move, however often asked.
        assert_eq!(a.data_version().unwrap(), start);
        assert_eq!(a.data_version().unwrap(), start);
        // Its own commit does not move it.
        a.set_setting("prova", "1").unwrap();
        assert_eq!(a.data_version().unwrap(), start);
        // Another connection's commit does.
        b.set_setting("prova", "2").unwrap();
        let moved = a.data_version().unwrap();
        assert_ne!(moved, start);
        // And it stays put until the next foreign commit.
        assert_eq!(a.data_version().unwrap(), moved);
        // A read by the other connection moves nothing.
        assert_eq!(b.setting("prova").unwrap().as_deref(), Some("2"));
        assert_eq!(a.data_version().unwrap(), moved);
        b.set_setting("prova", "3").unwrap();
        assert_ne!(a.data_version().unwrap(), moved);
    }
}
