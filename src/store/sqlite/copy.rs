//! `migrate-to`: an SQLite installation copied into an empty PostgreSQL database, for a zona that
//! outgrows one server.
//!
//! The target gets the schema from the PostgreSQL migrations; then, in one transaction with the
//! triggers off (`session_replication_role = replica`, which needs a superuser of the cluster: the
//! rows are copied as they are, audit rows included, and the append-only and counter triggers must
//! not see them), every table is emptied of its seeded rows and filled with the file's rows, in
//! rowid order, and the identity sequences are moved past the copied ids. The copy counts when
//! every table has as many rows as the file and `check` passes on it (the audit chain verifies).

use crate::store::sql::{Sql, Value, from_lite, params_from_iter};
use crate::store::{MaintenanceStore, SchemaStore, StoreError, StoreResult};

use super::SqliteStore;

/// Bind parameters per INSERT statement (PostgreSQL's limit is 65,535).
const PARAMS_PER_INSERT: usize = 30_000;

impl SqliteStore {
    /// Copies this SQLite database into the empty PostgreSQL database at `url`; the rows copied
    /// per table.
    pub fn copy_to_postgres(&self, url: &str) -> StoreResult<Vec<(String, i64)>> {
        let source = self.lite()?;
        let status = self.schema_status()?;
        if !status.pending.is_empty() || status.db_version > status.binary_version {
            return Err(StoreError::Unavailable(
                "il file non ha lo schema di questa versione: eseguire prima «sportello migrate» sul file"
                    .into(),
            ));
        }
        let target = SqliteStore::create_postgres(url)?;
        let tables: Vec<String> = source
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table'
                 AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let Sql::Postgres(pg) = target.sql() else {
            unreachable!("create_postgres gives a PostgreSQL store")
        };
        pg.begin()?;
        let copied: StoreResult<Vec<(String, i64)>> = (|| {
            pg.batch("SET LOCAL session_replication_role = replica")
                .map_err(|e| {
                    StoreError::Denied(format!(
                        "la copia richiede un ruolo amministratore del cluster PostgreSQL ({e})"
                    ))
                })?;
            let mut copied = Vec::new();
            for table in &tables {
                copied.push((table.clone(), copy_table(source, &target.sql(), table)?));
            }
            move_identities(&target.sql())?;
            Ok(copied)
        })();
        match copied {
            Ok(copied) => {
                pg.end(true)?;
                for (table, n) in &copied {
                    let there: i64 = target
                        .sql()
                        .one(&format!("SELECT count(*) FROM {}", quoted(table)), ())?;
                    if there != *n {
                        return Err(StoreError::Db(format!(
                            "copia incompleta: {table} ha {there} righe invece di {n}"
                        )));
                    }
                }
                let problems = target.check()?;
                if !problems.is_empty() {
                    return Err(StoreError::Db(format!(
                        "la copia non supera il controllo: {}",
                        problems.join("; ")
                    )));
                }
                Ok(copied)
            }
            Err(e) => {
                let _ = pg.end(false);
                // The schema was created by its own transactions: the target is not empty now.
                Err(StoreError::Unavailable(format!(
                    "copia non riuscita ({e}); prima di riprovare ricreare vuoto il database di destinazione"
                )))
            }
        }
    }
}

/// An identifier as SQL (the names come from the file's own catalogue).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Replaces the rows of `table` in the target with the file's; the number copied.
fn copy_table(source: &rusqlite::Connection, target: &Sql<'_>, table: &str) -> StoreResult<i64> {
    let columns: Vec<String> = source
        .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
        .query_map([table], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    target.execute(&format!("DELETE FROM {}", quoted(table)), ())?;
    let list = columns
        .iter()
        .map(|c| quoted(c))
        .collect::<Vec<_>>()
        .join(", ");
    let per_insert = (PARAMS_PER_INSERT / columns.len().max(1)).clamp(1, 1000);
    // A WITHOUT ROWID table is read in key order.
    let without_rowid: bool = source.query_row(
        "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    let order = if without_rowid { "" } else { " ORDER BY rowid" };
    let mut stmt = source.prepare(&format!("SELECT {list} FROM {}{order}", quoted(table)))?;
    let mut rows = stmt.query([])?;
    let mut batch: Vec<Value> = Vec::new();
    let mut in_batch = 0;
    let mut copied = 0i64;
    let flush = |batch: &mut Vec<Value>, n: usize| -> StoreResult<()> {
        if n == 0 {
            return Ok(());
        }
        let width = columns.len();
        let values = (0..n)
            .map(|r| {
                let cells = (0..width)
                    .map(|c| format!("?{}", r * width + c + 1))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({cells})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        target.execute(
            &format!("INSERT INTO {} ({list}) VALUES {values}", quoted(table)),
            params_from_iter(batch.drain(..)),
        )?;
        Ok(())
    };
    while let Some(r) = rows.next()? {
        for i in 0..columns.len() {
            batch.push(from_lite(r.get_ref(i)?));
        }
        in_batch += 1;
        copied += 1;
        if in_batch == per_insert {
            flush(&mut batch, in_batch)?;
            in_batch = 0;
        }
    }
    flush(&mut batch, in_batch)?;
    Ok(copied)
}

/// Every identity sequence of the schema past the largest value copied.
fn move_identities(target: &Sql<'_>) -> StoreResult<()> {
    let identities: Vec<(String, String)> = target
        .prepare(
            "SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = current_schema() AND is_identity = 'YES'",
        )?
        .query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<StoreResult<_>>()?;
    for (table, column) in identities {
        target.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence(?1, ?2), coalesce((SELECT max({}) FROM {}), 0) + 1, false)",
                quoted(&column),
                quoted(&table)
            ),
            [&table, &column],
        )?;
    }
    Ok(())
}
