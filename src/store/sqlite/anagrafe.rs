//! Persons loaded in bulk, the SQLite side: the plain insert of new persons (demo data) and the upsert
//! from the municipal registry (`sportello import anagrafe`).
//!
//! Upsert: one call = one `BEGIN IMMEDIATE` transaction: the existing persons of the
//! batch are read with one query (`codice_fiscale IN json_each(?)`), then each row is inserted,
//! updated (version + 1, one `soggetto_storia` row per changed field) or left alone; one audit row
//! for the batch when anything changed. A dry run does the same and rolls back.
//!
//! Every write to `soggetto` made by the upsert goes through [`write_soggetto`]: the place for hooks
//! that must follow each change of a person (derived search tables). The plain insert fills the
//! search dictionary itself ([`index_soggetto`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::audit::append_audit;
use super::search::index_soggetto;
use super::{SqliteStore, insert_history, now_text, who};
use crate::domain::fold::fold;
use crate::domain::persona::Modifica;
use crate::domain::soggetto::{Campo, ImportRow, NewSoggetto, UpsertCounts, Valore};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{Sql, params};
use crate::store::{AnagrafeStore, StoreError, StoreResult};

/// `fonte` of every person written by the import.
const FONTE: &str = "anagrafe";

/// The stored values of one person, as far as the import compares them.
#[derive(Debug, Clone)]
struct Stored {
    id: i64,
    version: i64,
    /// Indexed by [`Campo::index`].
    values: [Option<String>; Campo::COUNT],
    fonte: String,
    ente_id: Option<i64>,
}

/// One write to `soggetto`.
enum SoggettoWrite<'a> {
    Insert {
        codice_fiscale: &'a str,
        values: &'a [Option<String>; Campo::COUNT],
        ente_id: Option<i64>,
    },
    /// Full-row update of the fields the import owns; fails with a conflict if `version` moved.
    Update {
        id: i64,
        version: i64,
        values: &'a [Option<String>; Campo::COUNT],
        ente_id: Option<i64>,
    },
}

fn columns() -> String {
    Campo::ALL.map(Campo::id).join(", ")
}

/// `?1..?n` are the fields in [`Campo::ALL`] order, then codice fiscale, fonte, ente, times and keys.
fn insert_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let placeholders = (1..=Campo::COUNT + 9)
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "INSERT INTO soggetto ({}, codice_fiscale, fonte, ente_id, created_at, created_by,
                 updated_at, updated_by, cognome_key, nome_key)
             VALUES ({placeholders})",
            columns()
        )
    })
}

/// `?1..?n` are the fields, then fonte, ente, time, author, keys, id and expected version.
fn update_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let n = Campo::COUNT;
        let sets = Campo::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} = ?{}", c.id(), i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "UPDATE soggetto SET {sets}, fonte = ?{}, ente_id = ?{}, updated_at = ?{}, updated_by = ?{},
                 cognome_key = ?{}, nome_key = ?{}, version = version + 1
             WHERE id = ?{} AND version = ?{}",
            n + 1,
            n + 2,
            n + 3,
            n + 4,
            n + 5,
            n + 6,
            n + 7,
            n + 8
        )
    })
}

/// The one function that writes `soggetto` rows for the import; returns the person's id.
/// Keys for search (`cognome_key`, `nome_key`) are refilled on every write.
fn write_soggetto(tx: &Sql<'_>, w: &SoggettoWrite<'_>, now: &str, by: &str) -> StoreResult<i64> {
    let name_keys = |values: &[Option<String>; Campo::COUNT]| {
        let name = |c: Campo| values[c.index()].as_deref().unwrap_or_default();
        super::search::name_keys(tx, name(Campo::Cognome), name(Campo::Nome))
    };
    match w {
        SoggettoWrite::Insert {
            codice_fiscale,
            values,
            ente_id,
        } => {
            let n = Campo::COUNT;
            let sql = insert_sql();
            let mut stmt = tx.prepare_cached(sql)?;
            for (i, v) in values.iter().enumerate() {
                stmt.raw_bind_parameter(i + 1, v.as_deref())?;
            }
            let (ck, nk) = name_keys(values)?;
            stmt.raw_bind_parameter(n + 1, codice_fiscale)?;
            stmt.raw_bind_parameter(n + 2, FONTE)?;
            stmt.raw_bind_parameter(n + 3, ente_id)?;
            stmt.raw_bind_parameter(n + 4, now)?;
            stmt.raw_bind_parameter(n + 5, by)?;
            stmt.raw_bind_parameter(n + 6, now)?;
            stmt.raw_bind_parameter(n + 7, by)?;
            stmt.raw_bind_parameter(n + 8, &ck)?;
            stmt.raw_bind_parameter(n + 9, &nk)?;
            stmt.raw_execute()?;
            let id = tx.last_insert_rowid()?;
            Ok(id)
        }
        SoggettoWrite::Update {
            id,
            version,
            values,
            ente_id,
        } => {
            let n = Campo::COUNT;
            let sql = update_sql();
            let mut stmt = tx.prepare_cached(sql)?;
            for (i, v) in values.iter().enumerate() {
                stmt.raw_bind_parameter(i + 1, v.as_deref())?;
            }
            let (ck, nk) = name_keys(values)?;
            stmt.raw_bind_parameter(n + 1, FONTE)?;
            stmt.raw_bind_parameter(n + 2, ente_id)?;
            stmt.raw_bind_parameter(n + 3, now)?;
            stmt.raw_bind_parameter(n + 4, by)?;
            stmt.raw_bind_parameter(n + 5, &ck)?;
            stmt.raw_bind_parameter(n + 6, &nk)?;
            stmt.raw_bind_parameter(n + 7, id)?;
            stmt.raw_bind_parameter(n + 8, version)?;
            if stmt.raw_execute()? != 1 {
                return Err(StoreError::Conflict {
                    entity: "soggetto",
                    id: *id,
                });
            }
            Ok(*id)
        }
    }
}

/// The persons of the batch already in the database, by codice fiscale.
fn load_existing(tx: &Sql<'_>, rows: &[ImportRow]) -> StoreResult<HashMap<String, Stored>> {
    let codes: Vec<&str> = rows.iter().map(|r| r.codice_fiscale.as_str()).collect();
    let json = super::json_array(&codes);
    let sql = format!(
        "SELECT codice_fiscale, id, version, fonte, ente_id, {} FROM soggetto
         WHERE codice_fiscale IN (SELECT value FROM json_each(?1))",
        columns()
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut out = HashMap::with_capacity(rows.len());
    let mut q = stmt.query([json])?;
    while let Some(r) = q.next()? {
        let mut values: [Option<String>; Campo::COUNT] = Default::default();
        for (i, v) in values.iter_mut().enumerate() {
            *v = r.get(5 + i)?;
        }
        out.insert(
            r.get::<_, String>(0)?,
            Stored {
                id: r.get(1)?,
                version: r.get(2)?,
                fonte: r.get(3)?,
                ente_id: r.get(4)?,
                values,
            },
        );
    }
    Ok(out)
}

/// A change of one field: (campo, prima, dopo).
type Change = (&'static str, Option<String>, Option<String>);

/// The stored values with the row applied, and what changed. Absent values keep the stored ones.
fn merge(stored: &Stored, row: &ImportRow) -> ([Option<String>; Campo::COUNT], Vec<Change>) {
    let mut values = stored.values.clone();
    let mut changes = Vec::new();
    for c in Campo::ALL {
        let slot = &mut values[c.index()];
        let new = match row.get(c) {
            Valore::Absent => continue,
            Valore::Set(v) => Some(v.as_str()),
            Valore::Clear => None,
        };
        if slot.as_deref() != new {
            let new = new.map(str::to_string);
            changes.push((c.id(), slot.clone(), new.clone()));
            *slot = new;
        }
    }
    if stored.fonte != FONTE {
        changes.push(("fonte", Some(stored.fonte.clone()), Some(FONTE.into())));
    }
    if row.ente_id.is_some() && row.ente_id != stored.ente_id {
        changes.push((
            "ente_id",
            stored.ente_id.map(|v| v.to_string()),
            row.ente_id.map(|v| v.to_string()),
        ));
    }
    (values, changes)
}

fn upsert_in(tx: &Sql<'_>, actor: &Actor, rows: &[ImportRow]) -> StoreResult<UpsertCounts> {
    let now = now_text();
    let by = who(actor);
    let mut existing = load_existing(tx, rows)?;
    let mut counts = UpsertCounts::default();
    // In code order: the inserts into the codice fiscale index become sequential within the batch.
    // A stable sort, so a code repeated in the call keeps its first occurrence first.
    let mut ordered: Vec<&ImportRow> = rows.iter().collect();
    ordered.sort_by(|a, b| a.codice_fiscale.cmp(&b.codice_fiscale));
    for row in ordered {
        match existing.get_mut(&row.codice_fiscale) {
            None => {
                let values: [Option<String>; Campo::COUNT] =
                    std::array::from_fn(|i| row.values[i].as_set().map(str::to_string));
                let id = write_soggetto(
                    tx,
                    &SoggettoWrite::Insert {
                        codice_fiscale: &row.codice_fiscale,
                        values: &values,
                        ente_id: row.ente_id,
                    },
                    &now,
                    &by,
                )?;
                counts.inserted += 1;
                // A repeated code later in the same call becomes an update of this row.
                existing.insert(
                    row.codice_fiscale.clone(),
                    Stored {
                        id,
                        version: 1,
                        values,
                        fonte: FONTE.into(),
                        ente_id: row.ente_id,
                    },
                );
            }
            Some(stored) => {
                let (values, changes) = merge(stored, row);
                if changes.is_empty() {
                    counts.unchanged += 1;
                    continue;
                }
                let ente_id = row.ente_id.or(stored.ente_id);
                write_soggetto(
                    tx,
                    &SoggettoWrite::Update {
                        id: stored.id,
                        version: stored.version,
                        values: &values,
                        ente_id,
                    },
                    &now,
                    &by,
                )?;
                for (campo, prima, dopo) in &changes {
                    super::insert_history(
                        tx,
                        stored.id,
                        &now,
                        &by,
                        campo,
                        prima.as_deref(),
                        dopo.as_deref(),
                    )?;
                }
                counts.updated += 1;
                counts.history += changes.len() as u64;
                stored.version += 1;
                stored.values = values;
                stored.fonte = FONTE.into();
                stored.ente_id = ente_id;
            }
        }
    }
    if counts.inserted + counts.updated > 0 {
        let first = rows.first().map(|r| r.line).unwrap_or_default();
        let last = rows.last().map(|r| r.line).unwrap_or_default();
        append_audit(
            tx,
            actor,
            &AuditEvent::new("importa_anagrafe_lotto", Outcome::Ok)
                .on("soggetto", None)
                .detail(format!(
                    "righe {first}-{last}: inseriti={} aggiornati={} invariati={} modifiche={}",
                    counts.inserted, counts.updated, counts.unchanged, counts.history
                )),
        )?;
    }
    Ok(counts)
}

/// Settings of the importing connection for bulk work. The random inserts into the indexes of
/// `soggetto` (codice fiscale, names, keys, birth date) touch pages all over them: with the default
/// 2 MB page cache each batch re-reads them from the OS, so the cache gets 32 MiB (bounded). The WAL
/// is checkpointed every 10,000 pages instead of 1,000 so that a page changed by several batches is
/// copied into the database once (`journal_size_limit` still truncates the file afterwards).
fn import_pragmas(conn: &Sql<'_>) -> StoreResult<()> {
    if let Some(conn) = conn.lite() {
        conn.pragma_update(None, "cache_size", -32 * 1024)?;
        conn.pragma_update(None, "wal_autocheckpoint", 10_000)?;
    }
    Ok(())
}

impl AnagrafeStore for SqliteStore {
    fn insert_soggetti(&mut self, actor: &Actor, rows: &[NewSoggetto]) -> StoreResult<usize> {
        self.write_sql(|tx| {
            let now = now_text();
            let by = who(actor);
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO soggetto (codice_fiscale, cognome, nome, sesso, data_nascita, luogo_nascita,
                     cittadinanza, res_indirizzo, res_civico, res_cap, res_comune, telefono, data_decesso, fonte,
                     ente_id, created_at, created_by, updated_at, updated_by, cognome_key, nome_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?16, ?17, ?18, ?19)",
            )?;
            let mut inserted = 0;
            // Keys already put in the search dictionary by this batch.
            let mut seen_cognomi = std::collections::HashSet::new();
            let mut seen_nomi = std::collections::HashSet::new();
            for s in rows {
                let (cognome_key, nome_key) = (fold(&s.cognome), fold(&s.nome));
                let n = stmt.execute(params![
                    s.codice_fiscale,
                    s.cognome,
                    s.nome,
                    s.sesso.map(|c| c.to_string()),
                    s.data_nascita,
                    s.luogo_nascita,
                    s.cittadinanza,
                    s.res_indirizzo,
                    s.res_civico,
                    s.res_cap,
                    s.res_comune,
                    s.telefono,
                    s.data_decesso,
                    s.fonte,
                    s.ente_id,
                    now,
                    by,
                    cognome_key,
                    nome_key
                ])?;
                if n > 0 {
                    let new_c = if seen_cognomi.contains(&cognome_key) { "" } else { &cognome_key };
                    let new_n = if seen_nomi.contains(&nome_key) { "" } else { &nome_key };
                    index_soggetto(tx, new_c, new_n)?;
                    seen_cognomi.insert(cognome_key);
                    seen_nomi.insert(nome_key);
                }
                inserted += n;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("inserisci_soggetti", Outcome::Ok)
                    .on("soggetto", None)
                    .detail(format!("inseriti={inserited}", inserited = inserted)),
            )?;
            Ok(inserted)
        })
    }

    fn insert_storia(&mut self, actor: &Actor, rows: &[(i64, Modifica)]) -> StoreResult<usize> {
        self.write_sql(|tx| {
            for (id, m) in rows {
                insert_history(
                    tx,
                    *id,
                    &m.at,
                    &m.by,
                    &m.campo,
                    m.prima.as_deref(),
                    m.dopo.as_deref(),
                )?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("inserisci_storia_soggetti", Outcome::Ok)
                    .on("soggetto", None)
                    .detail(format!("modifiche={}", rows.len())),
            )?;
            Ok(rows.len())
        })
    }

    fn upsert_soggetti(
        &mut self,
        actor: &Actor,
        rows: &[ImportRow],
        dry_run: bool,
    ) -> StoreResult<UpsertCounts> {
        import_pragmas(&self.sql())?;
        self.write_sql_with(!dry_run, |tx| upsert_in(tx, actor, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::prelude::*;

    fn actor() -> Actor {
        Actor::system(Some("test".into()), None)
    }

    fn row(cf: &str, cognome: &str, nome: &str) -> ImportRow {
        let mut r = ImportRow {
            line: 2,
            codice_fiscale: cf.into(),
            ..Default::default()
        };
        r.set(Campo::Cognome, Valore::Set(cognome.into()));
        r.set(Campo::Nome, Valore::Set(nome.into()));
        r
    }

    fn count(s: &SqliteStore, sql: &str) -> i64 {
        s.sql().query_row(sql, (), |r| r.get(0)).unwrap()
    }

    #[test]
    fn insert_update_unchanged_and_history() {
        let mut s = SqliteStore::in_memory().unwrap();
        let mut a = row("RSSMRA80A01H501U", "Rossi", "Mario");
        a.set(Campo::ResIndirizzo, Valore::Set("Via Roma 1".into()));
        a.set(Campo::Cittadinanza, Valore::Set("Z129".into()));
        let c = s.upsert_soggetti(&actor(), &[a.clone()], false).unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (1, 0, 0));
        let c = s.upsert_soggetti(&actor(), &[a.clone()], false).unwrap();
        assert_eq!((c.inserted, c.updated, c.unchanged), (0, 0, 1));
        assert_eq!(count(&s, "SELECT version FROM soggetto"), 1);

        // Changed address, empty name cell, explicit Italian citizenship.
        let mut b = a.clone();
        b.set(Campo::ResIndirizzo, Valore::Set("Via Milano 2".into()));
        b.set(Campo::Nome, Valore::Absent);
        b.set(Campo::Cittadinanza, Valore::Clear);
        let c = s.upsert_soggetti(&actor(), &[b.clone()], false).unwrap();
        assert_eq!((c.updated, c.history), (1, 2));
        let (nome, via, citt, version, key): (String, String, Option<String>, i64, String) = s
            .sql()
            .query_row(
                "SELECT nome, res_indirizzo, cittadinanza, version, nome_key FROM soggetto",
                (),
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(
            (nome.as_str(), via.as_str(), citt, version, key.as_str()),
            ("Mario", "Via Milano 2", None, 2, "MARIO")
        );
        let storia: Vec<(String, Option<String>, Option<String>, String)> = s
            .sql()
            .prepare("SELECT campo, prima, dopo, by FROM soggetto_storia ORDER BY id")
            .unwrap()
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            storia,
            vec![
                (
                    "cittadinanza".into(),
                    Some("Z129".into()),
                    None,
                    "sistema(test)".into()
                ),
                (
                    "res_indirizzo".into(),
                    Some("Via Roma 1".into()),
                    Some("Via Milano 2".into()),
                    "sistema(test)".into()
                ),
            ]
        );
        let c = s.upsert_soggetti(&actor(), &[b], false).unwrap();
        assert_eq!((c.unchanged, c.history), (1, 0));
        // One audit row per batch that changed something.
        assert_eq!(
            count(
                &s,
                "SELECT count(*) FROM audit_log WHERE action = 'importa_anagrafe_lotto'"
            ),
            2
        );
        assert!(s.check().unwrap().is_empty());
    }

    #[test]
    fn a_desk_record_is_completed_not_blanked() {
        let mut s = SqliteStore::in_memory().unwrap();
        s.insert_soggetti(
            &actor(),
            &[crate::domain::soggetto::NewSoggetto {
                codice_fiscale: Some("RSSMRA80A01H501U".into()),
                cognome: "Rossi".into(),
                nome: "Mario".into(),
                telefono: Some("3331234567".into()),
                fonte: "sportello",
                ..Default::default()
            }],
        )
        .unwrap();
        let mut r = row("RSSMRA80A01H501U", "Rossi", "Mario");
        r.set(Campo::DataNascita, Valore::Set("1980-01-01".into()));
        r.ente_id = None;
        let c = s.upsert_soggetti(&actor(), &[r.clone()], false).unwrap();
        assert_eq!((c.updated, c.history), (1, 2)); // data_nascita and fonte
        let (tel, fonte): (String, String) = s
            .sql()
            .query_row("SELECT telefono, fonte FROM soggetto", (), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((tel.as_str(), fonte.as_str()), ("3331234567", "anagrafe"));
        let c = s.upsert_soggetti(&actor(), &[r], false).unwrap();
        assert_eq!(c.unchanged, 1);
    }

    #[test]
    fn dry_run_counts_and_writes_nothing() {
        let mut s = SqliteStore::in_memory().unwrap();
        let rows = [
            row("RSSMRA80A01H501U", "Rossi", "Mario"),
            row("BNCNNA85T41G478X", "Bianchi", "Anna"),
        ];
        let before = count(&s, "SELECT count(*) FROM audit_log");
        let c = s.upsert_soggetti(&actor(), &rows, true).unwrap();
        assert_eq!(c.inserted, 2);
        assert_eq!(count(&s, "SELECT count(*) FROM soggetto"), 0);
        assert_eq!(count(&s, "SELECT count(*) FROM audit_log"), before);
    }

    #[test]
    fn a_code_repeated_in_one_call_updates_the_row_just_inserted() {
        let mut s = SqliteStore::in_memory().unwrap();
        let rows = [
            row("RSSMRA80A01H501U", "Rossi", "Mario"),
            row("RSSMRA80A01H501U", "Rossi", "Mario Luigi"),
        ];
        let c = s.upsert_soggetti(&actor(), &rows, false).unwrap();
        assert_eq!((c.inserted, c.updated), (1, 1));
        assert_eq!(count(&s, "SELECT version FROM soggetto"), 2);
    }
}
