//! The PostgreSQL schema (`migrations/postgres/`) against the SQLite one: every migration has its
//! PostgreSQL version, they apply in order on a fresh database of a throwaway cluster
//! (`common::pg`), and the result has SQLite's tables, columns, index names and seeded code rows;
//! the append-only audit log and the never-deleted codes refuse changes; the SQLite functions of
//! `0000_compat.sql` answer as SQLite does.
//!
//! Skipped (one line on stderr) without PostgreSQL binaries, unless `SPORTELLO_PG_REQUIRED=1`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::pg::{self, PgDb};
use rusqlite::types::ValueRef;
use sportello::store::migrations::MIGRATIONS;
use sportello::store::sqlite::SqliteStore;

/// Columns that exist on PostgreSQL only: SQLite's implicit rowid, which the store orders or
/// updates by on these tables.
const PG_ONLY_COLUMNS: &[(&str, &str)] = &[("caso_categoria", "rowid"), ("scheda_codice", "rowid")];

fn migrations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

fn sql_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    files.sort();
    files
}

/// A fresh PostgreSQL database with 0000_compat and every migration applied, each file in one
/// transaction, in order.
fn migrated() -> Option<PgDb> {
    let db = pg::database()?;
    let dir = migrations_dir().join("postgres");
    for f in sql_files(&dir) {
        let out = db.apply_file(&dir.join(&f));
        assert!(
            out.status.success(),
            "{f} non si applica su PostgreSQL:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Some(db)
}

/// A new SQLite database made by the store (all migrations, search backfill), opened raw.
fn sqlite() -> (tempfile::TempDir, rusqlite::Connection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ref.db");
    drop(SqliteStore::create(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    (dir, conn)
}

/// Rows of a SQLite query as psql prints them (-A -t -F '\t'; NULL as an empty field).
fn sqlite_rows(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let mut rows = stmt.query([]).unwrap();
    let mut out = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        let fields: Vec<String> = (0..n)
            .map(|i| match r.get_ref(i).unwrap() {
                ValueRef::Null => String::new(),
                ValueRef::Integer(v) => v.to_string(),
                ValueRef::Real(v) => v.to_string(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                ValueRef::Blob(b) => format!("\\x{}", hex::encode(b)),
            })
            .collect();
        out.push(fields.join("\t"));
    }
    out
}

#[test]
fn every_sqlite_migration_has_its_postgres_version() {
    let sqlite = sql_files(&migrations_dir());
    let mut postgres = sql_files(&migrations_dir().join("postgres"));
    assert_eq!(
        postgres.first().map(String::as_str),
        Some("0000_compat.sql"),
        "migrations/postgres/0000_compat.sql is applied before the numbered files"
    );
    postgres.remove(0);
    assert_eq!(
        sqlite, postgres,
        "each migrations/NNNN_name.sql needs migrations/postgres/NNNN_name.sql (and no other)"
    );
    let registered: Vec<String> = MIGRATIONS
        .iter()
        .map(|m| format!("{}.sql", m.name))
        .collect();
    assert_eq!(postgres, registered);
}

#[test]
fn postgres_schema_has_the_sqlite_tables_columns_indexes_and_codes() {
    let Some(db) = migrated() else { return };
    let (_dir, lite) = sqlite();

    let tables = sqlite_rows(
        &lite,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    assert!(tables.len() > 40, "{tables:?}");
    let pg_tables = db.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name COLLATE \"C\"",
    );
    assert_eq!(tables, pg_tables, "tables");

    // Columns: same names in the same order, the PostgreSQL type of the SQLite one, the same
    // NOT NULL (primary key columns aside: SQLite's INTEGER PRIMARY KEY reports nullable).
    let mut pg_only: BTreeSet<(String, String)> = BTreeSet::new();
    for t in &tables {
        let lite_cols = sqlite_rows(
            &lite,
            &format!(
                "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{t}') ORDER BY cid"
            ),
        );
        let pg_cols = db.query(&format!(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = '{t}' ORDER BY ordinal_position"
        ));
        let pg_map: BTreeMap<&str, (&str, &str)> = pg_cols
            .iter()
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0], (f[1], f[2]))
            })
            .collect();
        let mut names = Vec::new();
        for l in &lite_cols {
            let f: Vec<&str> = l.split('\t').collect();
            let (name, ty, notnull, pk) = (f[0], f[1], f[2] == "1", f[3] != "0");
            names.push(name.to_string());
            let Some((pg_ty, nullable)) = pg_map.get(name) else {
                panic!("{t}.{name} is missing on PostgreSQL");
            };
            let want = match ty {
                "INTEGER" => "bigint",
                "TEXT" => "text",
                "REAL" => "double precision",
                "BLOB" => "bytea",
                other => panic!("{t}.{name}: SQLite type {other} not mapped"),
            };
            assert_eq!(*pg_ty, want, "{t}.{name} ({ty})");
            if !pk {
                assert_eq!(*nullable == "NO", notnull, "{t}.{name}: NOT NULL");
            }
        }
        let pg_names: Vec<String> = pg_cols
            .iter()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect();
        for n in &pg_names {
            if !names.contains(n) {
                pg_only.insert((t.clone(), n.clone()));
            }
        }
        let common: Vec<&String> = pg_names.iter().filter(|n| names.contains(n)).collect();
        assert_eq!(
            common,
            names.iter().collect::<Vec<_>>(),
            "{t}: column order"
        );
    }
    let expected: BTreeSet<(String, String)> = PG_ONLY_COLUMNS
        .iter()
        .map(|(t, c)| (t.to_string(), c.to_string()))
        .collect();
    assert_eq!(pg_only, expected, "columns on PostgreSQL only");

    // The indexes the migrations create by name (not those behind PRIMARY KEY / UNIQUE).
    let indexes = sqlite_rows(
        &lite,
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    );
    let pg_indexes = db.query(
        "SELECT i.indexname FROM pg_indexes i
         WHERE i.schemaname = 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
         ORDER BY i.indexname COLLATE \"C\"",
    );
    assert_eq!(indexes, pg_indexes, "index names");

    // The rows the migrations seed, ids included (timestamps aside).
    for (table, cols, order) in [
        (
            "codice",
            "id, lista, codice, etichetta, gruppo, pic, richiede, ordine, attivo, created_by, updated_by",
            "id",
        ),
        (
            "caso_stato",
            "codice, etichetta, ordine, attributi",
            "ordine",
        ),
        (
            "caso_transizione",
            "id, da, a, etichetta, ruoli, target",
            "id",
        ),
        (
            "prestazione_siuss",
            "codice, version, denominazione, richiede_sina, solo_in_carico, non_esportare, attivo, updated_by",
            "codice",
        ),
        (
            "tipo_intervento",
            "id, famiglia, ente_id, codice, etichetta, parent_id, livello, istat_id, siuss_codice, unita_misura, attivo",
            "id",
        ),
        ("organizzazione", "id, nome, tipo, attivo, created_by", "id"),
        (
            "settore",
            "id, organizzazione_id, codice, nome, attivo",
            "id",
        ),
        ("modifiche", "id, n", "id"),
    ] {
        let sql = format!("SELECT {cols} FROM {table} ORDER BY {order}");
        let want = sqlite_rows(&lite, &sql);
        assert!(!want.is_empty(), "{table} is seeded");
        assert_eq!(db.query(&sql), want, "{table}");
    }

    // The compat file may run again (CREATE OR REPLACE / IF NOT EXISTS).
    let again = db.apply_file(&migrations_dir().join("postgres/0000_compat.sql"));
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

fn refused(db: &PgDb, sql: &str, message: &str) {
    let out = db.run(sql);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "accepted: {sql}");
    assert!(err.contains(message), "{sql}: {err}");
}

#[test]
fn audit_log_is_append_only_and_codes_are_never_deleted() {
    let Some(db) = migrated() else { return };
    db.query(
        "INSERT INTO audit_log (id, at, username, action, outcome, prev_hash, hash) VALUES
             (1, '2024-01-01T00:00:00Z', 'admin', 'login', 'ok', 'g', 'h1'),
             (2, '2024-01-01T00:00:01Z', 'admin', 'login', 'ok', 'h1', 'h2')",
    );
    refused(
        &db,
        "UPDATE audit_log SET detail = 'x' WHERE id = 1",
        "audit_log is append-only",
    );
    refused(
        &db,
        "DELETE FROM audit_log WHERE id = 1",
        "audit_log is append-only",
    );
    refused(&db, "TRUNCATE audit_log", "audit_log is append-only");
    assert_eq!(
        db.query("SELECT count(*), max(detail) FROM audit_log"),
        ["2\t"]
    );

    // 0023: a row inside a recorded purge run may go, the others stay protected.
    db.query(
        "INSERT INTO audit_purga (dal, al, ultimo_hash, at) VALUES (1, 1, 'h1', '2024-02-01')",
    );
    db.query("DELETE FROM audit_log WHERE id = 1");
    refused(
        &db,
        "DELETE FROM audit_log WHERE id = 2",
        "audit_log is append-only",
    );
    assert_eq!(db.query("SELECT id FROM audit_log"), ["2"]);

    refused(
        &db,
        "DELETE FROM codice WHERE lista = 'sesso'",
        "codes are never deleted: disable them",
    );
    db.query("UPDATE codice SET attivo = 0 WHERE lista = 'sesso' AND codice = 'M'");
}

#[test]
fn compat_functions_answer_as_sqlite_does() {
    let Some(db) = migrated() else { return };
    let (_dir, lite) = sqlite();
    for expr in [
        r#"json_extract('{"a":{"b":["x","y"]}}', '$.a.b[1]')"#,
        r#"json_extract('{"a":"t"}', '$.missing')"#,
        r#"json_extract('{"motivo_accesso":"spontaneo"}', '$.motivo_accesso')"#,
        r#"json_type('{"a":1,"b":1.5,"c":"s","e":[1]}', '$.b')"#,
        r#"json_type('{"a":1,"b":1.5,"c":"s","e":[1]}', '$.c')"#,
        r#"json_type('{"a":1}', '$.z')"#,
        r#"CASE WHEN json_valid('{"a":1}') THEN 'si' ELSE 'no' END"#,
        r#"CASE WHEN json_valid('{"a":') THEN 'si' ELSE 'no' END"#,
        "date('2024-03-01', '-1 day')",
        "date('2024-01-15', '+30 days')",
        "date('2024-01-15T10:20:30Z')",
        "max(3, 7)",
        "min(3, 7)",
        "substr('2024-01-15T10:20', 1, 13)",
        "(SELECT group_concat(codice, ',') FROM (SELECT codice FROM codice WHERE lista = 'sesso' ORDER BY ordine DESC) AS t)",
        "(SELECT group_concat(codice) FROM (SELECT codice FROM codice WHERE lista = 'sesso' ORDER BY ordine) AS t)",
        "(SELECT count(*) FROM codice WHERE id IN (SELECT value FROM json_each('[1,2,3,999999]')))",
        "(SELECT count(*) FROM codice WHERE id NOT IN (SELECT value FROM json_each('[1,2]')))",
        r#"(SELECT count(*) FROM codice WHERE lista IN (SELECT value FROM json_each('["sesso","lingue"]')))"#,
        "(SELECT count(*) FROM json_each('[]'))",
        "(SELECT group_concat(nome, '|') FROM (SELECT nome FROM organizzazione ORDER BY nome COLLATE NOCASE) AS t)",
    ] {
        let sql = format!("SELECT {expr}");
        assert_eq!(db.query(&sql), sqlite_rows(&lite, &sql), "{expr}");
    }
    // JSON rewritten: same value (PostgreSQL's jsonb text spaces it differently).
    for expr in [
        r#"json_set('{"a":1}', '$.b', 'x')"#,
        r#"json_remove('{"a":1,"b":{"c":2,"d":3}}', '$.a', '$.b.c', '$.z')"#,
    ] {
        let sql = format!("SELECT {expr}");
        let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
        assert_eq!(
            parse(&db.query(&sql)[0]),
            parse(&sqlite_rows(&lite, &sql)[0]),
            "{expr}"
        );
    }
    let now = db.query("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
    assert_eq!(now[0].len(), "2024-01-01T00:00:00.000Z".len(), "{now:?}");
    assert!(
        now[0].ends_with('Z') && now[0].as_bytes()[10] == b'T',
        "{now:?}"
    );
}

#[test]
fn postgres_keeps_what_sqlite_does_implicitly() {
    let Some(db) = migrated() else { return };
    db.query(
        "INSERT INTO ente (nome, tipo, created_at, created_by, updated_at, updated_by)
             VALUES ('Comune', 'comune', 't', 'x', 't', 'x');
         INSERT INTO soggetto (id, cognome, nome, created_at, created_by, updated_at, updated_by)
             VALUES (10, 'Anonimo', 'ANON-000010', 't', 'x', 't', 'x');",
    );
    // An explicit id (anonymous persons: MAX(id) + 1) moves the identity past it.
    assert_eq!(
        db.query(
            "INSERT INTO soggetto (cognome, nome, created_at, created_by, updated_at, updated_by)
             VALUES ('Rossi', 'Mario', 't', 'x', 't', 'x') RETURNING id"
        ),
        ["11"]
    );
    // Writes to business tables bump the change counter, one per row, as SQLite's triggers do.
    db.query(
        "INSERT INTO scheda (numero, ente_id, soggetto_id, operatore, data_accesso, created_at, created_by, updated_at, updated_by)
             VALUES (1, 1, 11, 'op', '2024-01-01', 't', 'x', 't', 'x'), (2, 1, 10, 'op', '2024-01-01', 't', 'x', 't', 'x');
         UPDATE scheda SET esito = 'info';",
    );
    assert_eq!(db.query("SELECT n FROM modifiche WHERE id = 1"), ["4"]);
    // rowid: the codes of a scheda in the order they were written.
    db.query(
        "INSERT INTO scheda_codice (scheda_id, campo, codice) VALUES (1, 'bisogni', 'b302');
         INSERT INTO scheda_codice (scheda_id, campo, codice) VALUES (1, 'bisogni', 'b101');
         INSERT INTO scheda_codice (scheda_id, campo, codice) VALUES (1, 'servizi', 'info');",
    );
    assert_eq!(
        db.query(
            "SELECT codice FROM scheda_codice WHERE scheda_id IN (SELECT value FROM json_each('[1]')) ORDER BY rowid"
        ),
        ["b302", "b101", "info"]
    );
    // rowid: the store's own statement (casi.rs) choosing the prevalent categoria.
    db.query(
        "INSERT INTO presa_in_carico (soggetto_id, ente_id, data_apertura, created_at, created_by, updated_at, updated_by)
             VALUES (11, 1, '2024-01-01', 't', 'x', 't', 'x');
         INSERT INTO caso_categoria (caso_id, codice, dal) VALUES (1, 'anziani', '2024-01-01'), (1, 'disabili', '2024-02-01');",
    );
    db.query(
        "UPDATE caso_categoria SET prevalente = 1
         WHERE rowid = (SELECT rowid FROM caso_categoria WHERE caso_id = 1 AND al IS NULL
                        ORDER BY dal DESC, codice LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM caso_categoria WHERE caso_id = 1 AND al IS NULL AND prevalente = 1)",
    );
    assert_eq!(
        db.query("SELECT codice FROM caso_categoria WHERE prevalente = 1"),
        ["disabili"]
    );
    // json_valid in a CHECK (0032): invalid JSON is a constraint violation, as in SQLite.
    db.query(
        "INSERT INTO scheda_richiesta (scheda_id, data_richiesta, servizio, created_at, created_by, updated_at, updated_by, dettagli)
             VALUES (1, '2024-01-01', 'info', 't', 'x', 't', 'x', '{\"a\":1}')",
    );
    refused(
        &db,
        "UPDATE scheda_richiesta SET dettagli = '{broken' WHERE id = 1",
        "violates check constraint",
    );
}
