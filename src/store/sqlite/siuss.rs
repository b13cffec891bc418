//! SQLite side of the SIUSS flows: the export's reads (in chunks of erogazioni, a few set queries
//! each instead of a handful of lookups per erogazione), the bookkeeping of what is sent and
//! cancelled, in the export's own transaction, and the list of flows sent.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::audit::append_audit;
use super::erogazioni::{
    EROGAZIONE, PRESTAZIONE, RIGA, erogazione_from, prestazione_from, riga_from,
};
use super::{SqliteStore, json_array, now_text, who};
use crate::domain::erogazioni::{Erogazione, PrestazioneSiuss, Riga};
use crate::domain::siuss::{Candidato, Persona, RecordInviato};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, Sql, params};
use crate::store::{
    FlussoScritto, FlussoSiuss, SiussLavoro, SiussSelezione, SiussStore, StoreError, StoreResult,
};

/// Erogazioni read together: a few queries per chunk, the rows of one chunk in memory at a time.
const CHUNK: usize = 1000;

/// The page cache of the export's connection while it runs (KiB, as `PRAGMA cache_size` takes
/// negative numbers): 256 MiB, given back at the end.
const EXPORT_CACHE_KIB: i64 = -256 * 1024;

/// The page cache of the connection that reads the erogazioni on its own thread: 64 MiB (the
/// reads go through each table once, in chunks).
const READER_CACHE_KIB: i64 = -64 * 1024;

/// What the flow needs of a chunk of erogazioni, read before anything of it is written.
struct Lotto {
    erogazioni: HashMap<i64, Erogazione>,
    righe: HashMap<i64, Vec<Riga>>,
    persone: HashMap<i64, Persona>,
    inviati: HashMap<i64, Vec<RecordInviato>>,
}

fn lotto(tx: &Sql<'_>, ids: &[i64], al: &str) -> StoreResult<Lotto> {
    let lista = json_array(ids);
    let mut erogazioni = HashMap::with_capacity(ids.len());
    let mut q = tx.prepare_cached(&format!(
        "{EROGAZIONE} WHERE id IN (SELECT value FROM json_each(?1))"
    ))?;
    for e in q.query_map([&lista], erogazione_from)? {
        let e = e?;
        erogazioni.insert(e.id.unwrap_or_default(), e);
    }
    let mut righe: HashMap<i64, Vec<Riga>> = HashMap::with_capacity(ids.len());
    let mut q = tx.prepare_cached(&format!(
        "{} WHERE erogazione_id IN (SELECT value FROM json_each(?1)) AND stato = 'erogata' AND data <= ?2
         ORDER BY erogazione_id, data, id",
        RIGA.replace(" FROM erogazione_riga", ", erogazione_id FROM erogazione_riga")
    ))?;
    for r in q.query_map(params![lista, al], |r| {
        Ok((r.get::<_, i64>(14)?, riga_from(r)?))
    })? {
        let (id, riga) = r?;
        righe.entry(id).or_default().push(riga);
    }
    let mut persone = HashMap::with_capacity(ids.len());
    let mut q = tx.prepare_cached(
        "SELECT id, codice_fiscale, cf_provvisorio, cognome, nome, sesso, data_nascita, luogo_nascita, cittadinanza,
                cittadinanza2, res_comune
         FROM soggetto WHERE id IN (SELECT soggetto_id FROM erogazione WHERE id IN (SELECT value FROM json_each(?1)))",
    )?;
    for p in q.query_map([&lista], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Persona {
                codice_fiscale: r.get(1)?,
                cf_provvisorio: r.get(2)?,
                cognome: r.get(3)?,
                nome: r.get(4)?,
                sesso: r.get(5)?,
                data_nascita: r.get(6)?,
                luogo_nascita: r.get(7)?,
                cittadinanza: r.get(8)?,
                cittadinanza2: r.get(9)?,
                res_comune: r.get(10)?,
            },
        ))
    })? {
        let (id, p) = p?;
        persone.insert(id, p);
    }
    let mut inviati: HashMap<i64, Vec<RecordInviato>> = HashMap::new();
    let mut q = tx.prepare_cached(
        "SELECT erogazione_id, id, chiave, impronta, contenuto FROM siuss_record
         WHERE erogazione_id IN (SELECT value FROM json_each(?1)) AND annullato_da IS NULL
         ORDER BY erogazione_id, id",
    )?;
    for r in q.query_map([&lista], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            RecordInviato {
                id: r.get(1)?,
                chiave: r.get(2)?,
                impronta: r.get(3)?,
                contenuto: r.get(4)?,
            },
        ))
    })? {
        let (id, rec) = r?;
        inviati.entry(id).or_default().push(rec);
    }
    Ok(Lotto {
        erogazioni,
        righe,
        persone,
        inviati,
    })
}

impl SiussStore for SqliteStore {
    fn siuss_export(
        &mut self,
        actor: &Actor,
        sel: &SiussSelezione,
        lavoro: &mut dyn SiussLavoro,
    ) -> StoreResult<(String, i64)> {
        // The export reads every erogazione of the period once: a larger page cache for its
        // duration spares most reads from the file (sessions keep the small default).
        let Some(conn) = self.sql().lite() else {
            return self.siuss_export_in(actor, sel, lavoro);
        };
        let cache: i64 = conn.query_row("PRAGMA cache_size", (), |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", EXPORT_CACHE_KIB)?;
        let result = self.siuss_export_in(actor, sel, lavoro);
        if let Some(conn) = self.sql().lite() {
            conn.pragma_update(None, "cache_size", cache)?;
        }
        result
    }

    fn siuss_flussi(&self, enti: &[i64], limit: usize) -> StoreResult<Vec<FlussoSiuss>> {
        let rows = self
            .sql()
            .prepare_cached(
                "SELECT id, ente_id, nome, dal, al, operatore, created_at, sha256, size, archivio, beneficiari, record,
                        cancellazioni, esclusi
                 FROM siuss_flusso WHERE ente_id IN (SELECT value FROM json_each(?1)) ORDER BY id DESC LIMIT ?2",
            )?
            .query_map(params![json_array(enti), limit as i64], |r| {
                Ok(FlussoSiuss {
                    id: r.get(0)?,
                    ente_id: r.get(1)?,
                    nome: r.get(2)?,
                    dal: r.get(3)?,
                    al: r.get(4)?,
                    operatore: r.get(5)?,
                    created_at: r.get(6)?,
                    scritto: FlussoScritto {
                        sha256: r.get(7)?,
                        size: r.get(8)?,
                        archivio: r.get(9)?,
                        beneficiari: r.get(10)?,
                        record: r.get(11)?,
                        cancellazioni: r.get(12)?,
                        esclusi: r.get(13)?,
                    },
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

/// Reads the chunks of `ids` on a thread of its own, with its own read-only connection, while the
/// export builds and writes the records of the chunk before: the export's three stages (reading,
/// building, writing the file) run side by side. The connection's snapshot is the export's: it
/// starts while the export holds the write lock, and the export's own bookkeeping (uncommitted)
/// touches only rows of erogazioni already read. At most two chunks wait, so memory stays flat.
/// `None` when the database is not a WAL file (in memory, or another journal mode): then the
/// chunks are read in turn on the export's connection.
fn lettore(
    conn: &Sql<'_>,
    path: &std::path::Path,
    ids: &[i64],
    al: &str,
) -> Option<std::sync::mpsc::Receiver<StoreResult<Lotto>>> {
    // A second reader is an SQLite matter: PostgreSQL reads in one session.
    let conn = conn.lite()?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode", (), |r| r.get(0))
        .ok()?;
    if !mode.eq_ignore_ascii_case("wal") || !path.is_file() {
        return None;
    }
    let reader = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    reader
        .pragma_update(None, "cache_size", READER_CACHE_KIB)
        .ok()?;
    // The snapshot starts now, under the export's write lock.
    reader.execute_batch("BEGIN").ok()?;
    reader
        .query_row("SELECT count(*) FROM erogazione", (), |_| Ok(()))
        .ok()?;
    let (tx, rx) = std::sync::mpsc::sync_channel(2);
    let (ids, al) = (ids.to_vec(), al.to_string());
    std::thread::spawn(move || {
        for chunk in ids.chunks(CHUNK) {
            // The export stopped (done, cancelled or failed): so does the reading.
            if tx
                .send(lotto(&crate::store::sql::Sql::Sqlite(&reader), chunk, &al))
                .is_err()
            {
                break;
            }
        }
        let _ = reader.execute_batch("COMMIT");
    });
    Some(rx)
}

impl SqliteStore {
    /// [`SiussStore::siuss_export`] in its transaction.
    fn siuss_export_in(
        &mut self,
        actor: &Actor,
        sel: &SiussSelezione,
        lavoro: &mut dyn SiussLavoro,
    ) -> StoreResult<(String, i64)> {
        let path = self.path.clone();
        let mut fatto = None;
        let out = self.write_sql_with(sel.registra, |tx| {
            let belfiore: String = tx
                .query_row(
                    "SELECT belfiore FROM ente WHERE id = ?1",
                    [sel.ente_id],
                    |r| r.get::<_, Option<String>>(0),
                )
                .optional()?
                .flatten()
                .ok_or_else(|| {
                    StoreError::Invalid("l'ente non ha un codice catastale: non può inviare a SIUSS".into())
                })?;
            let prefix = format!("{belfiore}.PSA.{}.", sel.giorno);
            let n: i64 = tx.query_row(
                "SELECT count(*) FROM siuss_flusso WHERE nome LIKE ?1 || '%'",
                [&prefix],
                |r| r.get(0),
            )?;
            let nome = format!("{prefix}{:07}", n + 1);
            let (now, by) = (now_text(), who(actor));
            tx.execute(
                "INSERT INTO siuss_flusso (ente_id, nome, dal, al, operatore, sha256, size, beneficiari, record,
                     cancellazioni, esclusi, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, 0, 0, 0, ?7)",
                params![sel.ente_id, nome, sel.dal, sel.al, by, "0".repeat(64), now],
            )?;
            let flusso = tx.last_insert_rowid()?;
            // The candidates first (ids only), so that the bookkeeping below never runs under an
            // open scan of the tables it writes; then their data a chunk at a time.
            let ids: Vec<i64> = tx
                .prepare(
                    "SELECT e.id FROM erogazione e JOIN soggetto s ON s.id = e.soggetto_id
                     WHERE e.ente_id = ?1 AND (
                         EXISTS (SELECT 1 FROM erogazione_riga r WHERE r.erogazione_id = e.id AND r.stato = 'erogata'
                                 AND r.data <= ?3 AND (r.data >= ?2 OR r.siuss_flusso_id IS NULL))
                         OR EXISTS (SELECT 1 FROM siuss_record x JOIN siuss_flusso f ON f.id = x.flusso_id
                                    WHERE x.erogazione_id = e.id AND x.annullato_da IS NULL AND e.updated_at > f.created_at))
                     ORDER BY upper(coalesce(s.codice_fiscale, '')), e.id",
                )?
                .query_map(params![sel.ente_id, sel.dal, sel.al], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            lavoro.inizio(&nome, ids.len())?;
            let prestazioni: HashMap<String, PrestazioneSiuss> = tx
                .prepare(PRESTAZIONE)?
                .query_map((), prestazione_from)?
                .map(|p| p.map(|p| (p.codice.clone(), p)))
                .collect::<Result<_, _>>()?;
            let mut registrazione = Duration::ZERO;
            let letti = lettore(tx, &path, &ids, &sel.al);
            for chunk in ids.chunks(CHUNK) {
                let mut l = match &letti {
                    Some(rx) => rx.recv().map_err(|_| {
                        StoreError::Unavailable("lettura delle erogazioni interrotta".into())
                    })??,
                    None => lotto(tx, chunk, &sel.al)?,
                };
                for &id in chunk {
                    let Some(mut erogazione) = l.erogazioni.remove(&id) else {
                        continue;
                    };
                    erogazione.righe = l.righe.remove(&id).unwrap_or_default();
                    let prestazione = erogazione
                        .siuss_codice
                        .as_ref()
                        .and_then(|c| prestazioni.get(c).cloned());
                    let persona = l
                        .persone
                        .get(&erogazione.soggetto_id)
                        .cloned()
                        .unwrap_or_default();
                    let esito = lavoro.candidato(Candidato {
                        erogazione,
                        prestazione,
                        persona,
                        inviati: l.inviati.remove(&id).unwrap_or_default(),
                    })?;
                    if esito.escluso.is_some() || !sel.registra {
                        continue;
                    }
                    let t = Instant::now();
                    registra(tx, flusso, id, &sel.al, &belfiore, &esito)?;
                    registrazione += t.elapsed();
                }
            }
            let s: FlussoScritto = lavoro.fine(registrazione)?;
            if !sel.registra {
                // `--check`: nothing was recorded and the flow's row is rolled back.
                return Ok((nome, flusso));
            }
            tx.execute(
                "UPDATE siuss_flusso SET sha256 = ?2, size = ?3, archivio = ?4, beneficiari = ?5, record = ?6,
                     cancellazioni = ?7, esclusi = ?8 WHERE id = ?1",
                params![flusso, s.sha256, s.size, s.archivio, s.beneficiari, s.record, s.cancellazioni, s.esclusi],
            )?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("esporta_siuss", Outcome::Ok)
                    .on("siuss_flusso", Some(flusso))
                    .detail(format!(
                        "{nome}: beneficiari={} record={} cancellazioni={} esclusi={}",
                        s.beneficiari, s.record, s.cancellazioni, s.esclusi
                    )),
            )?;
            fatto = Some(Instant::now());
            Ok((nome, flusso))
        })?;
        if let Some(t) = fatto {
            lavoro.registrato(t.elapsed());
        }
        Ok(out)
    }
}

/// Records what one erogazione sends: the records it cancels, its new records (with the content
/// a later cancellation needs) and its rows marked as sent in `flusso`.
fn registra(
    tx: &Sql<'_>,
    flusso: i64,
    id: i64,
    al: &str,
    ente: &str,
    esito: &crate::domain::siuss::Esito,
) -> StoreResult<()> {
    let mut annulla =
        tx.prepare_cached("UPDATE siuss_record SET annullato_da = ?1 WHERE id = ?2")?;
    for (old, _) in &esito.annullati {
        annulla.execute(params![flusso, old])?;
    }
    let mut record = tx.prepare_cached(
        "INSERT INTO siuss_record (flusso_id, erogazione_id, chiave, impronta, contenuto) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    if let Some(b) = &esito.beneficiario {
        for n in &esito.nuovi {
            let (chiave, contenuto, impronta) = n.registrazione(b, ente);
            record.execute(params![flusso, id, chiave, impronta, contenuto])?;
        }
    }
    tx.prepare_cached(
        "UPDATE erogazione_riga SET siuss_flusso_id = ?1
         WHERE erogazione_id = ?2 AND stato = 'erogata' AND data <= ?3 AND siuss_flusso_id IS NULL",
    )?
    .execute(params![flusso, id, al])?;
    Ok(())
}
