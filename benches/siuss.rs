//! SIUSS benchmark.
//!
//! 1. Generation: 1,000,000 erogazioni (`SPORTELLO_BENCH_SIUSS`; two per beneficiary, half periodic
//!    over 14 months, so split over two years, half occasional) built into records, checked and
//!    streamed to an XML file through the export's writing thread (hashed, and once more with the
//!    gzip copy). Prints the time, the file size and the
//!    peak memory after 100,000 and after the full run (flat memory: the two should be close).
//! 2. Whole export from a database of 100,000 erogazioni (`SPORTELLO_BENCH_SIUSS_DB`): the service's
//!    `export_siuss` with the store's reads and the bookkeeping of what is sent (one transaction),
//!    then the same without bookkeeping (`--check`), so the bookkeeping is timed apart.
//!
//! `cargo bench --bench siuss`

use std::time::Instant;

use sportello::domain::Actor;
use sportello::domain::erogazioni::{Erogazione, PrestazioneSiuss, Riga};
use sportello::domain::siuss::{Candidato, Contesto, EnteFlusso, Generatore, Persona, Prestazione};
use sportello::export::siuss::{FlussoWriter, Uscita};
use sportello::progress::Progress;
use sportello::service::Service;
use sportello::service::siuss::RichiestaSiuss;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Peak resident memory of this process, in MiB (`VmHWM`).
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

const COGNOMI: [&str; 6] = [
    "Rossi", "Bianchi", "Popescu", "D'Angelo", "Esposito", "Nguyen",
];
const NOMI: [&str; 6] = ["Maria", "Giuseppe", "Elena", "Luca", "Fatima", "Niccolò"];

fn cf(i: usize) -> String {
    let sesso = if i.is_multiple_of(2) {
        sportello::domain::cf::Sesso::F
    } else {
        sportello::domain::cf::Sesso::M
    };
    sportello::domain::cf::compute(
        COGNOMI[i % 6],
        NOMI[(i / 6) % 6],
        sesso,
        1940 + (i % 60) as i32,
        1 + (i % 12) as u8,
        1 + (i % 28) as u8,
        "G478",
    )
}

fn persona(i: usize) -> Persona {
    Persona {
        codice_fiscale: Some(cf(i)),
        cognome: COGNOMI[i % 6].into(),
        nome: NOMI[(i / 6) % 6].into(),
        sesso: Some(if i.is_multiple_of(2) { "F" } else { "M" }.into()),
        data_nascita: Some(format!("{}-01-01", 1940 + i % 60)),
        luogo_nascita: Some("G478".into()),
        res_comune: Some("G478".into()),
        ..Default::default()
    }
}

fn erogazione(i: usize) -> Erogazione {
    let periodic = i.is_multiple_of(2);
    Erogazione {
        id: Some(i as i64),
        siuss_codice: Some(if periodic { "A1.05.01" } else { "A1.04" }.into()),
        categoria_sociale: "poverta".into(),
        protocollo_domanda: Some(format!("2025/{i:07}")),
        prova_mezzi: 1,
        dsu_protocollo: Some(format!("INPS-ISEE-2025-{i:08}A-00")),
        dsu_anno: Some(2025),
        dsu_data: Some("2025-01-15".into()),
        carattere: if periodic { 1 } else { 2 },
        in_carico: 0,
        righe: vec![Riga {
            stato: "erogata".into(),
            data: if periodic { "2025-11-01" } else { "2026-03-10" }.into(),
            data_fine: periodic.then(|| "2026-12-31".into()),
            data_evento: Some("2025-11-05".into()),
            quantita_cent: if periodic { 1_400 } else { 100 },
            tariffa_cents: 25_000,
            comp_utente_cents: 5_000,
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn prestazione(code: &str, label: &str) -> PrestazioneSiuss {
    PrestazioneSiuss {
        codice: code.into(),
        denominazione: Some(label.into()),
        attivo: true,
        ..Default::default()
    }
}

/// Builds, checks and writes `n` erogazioni (with the gzip copy when `gzip`); returns (seconds,
/// bytes, records).
fn generate(n: usize, out: &std::path::Path, gzip: bool) -> (f64, u64, u64) {
    let ctx = Contesto {
        ente_belfiore: "G478".into(),
        istat: [("G478".to_string(), "054039".to_string())].into(),
        aree: [("poverta".to_string(), 3u8)].into(),
    };
    let ente = EnteFlusso {
        codice: "G478".into(),
        denominazione: Some("Comune di Perugia".into()),
        indirizzo: "G478".into(),
        cf_operatore: "VRDLGU75M10G478H".into(),
    };
    let affitto = prestazione(
        "A1.05.01",
        "Contributi economici per l'affitto erogati dai Comuni",
    );
    let reddito = prestazione(
        "A1.04",
        "Contributi economici a integrazione del reddito familiare",
    );
    let t = Instant::now();
    let file = std::fs::File::create(out).unwrap();
    let copy = gzip.then(|| std::fs::File::create(out.with_extension("xml.gz")).unwrap());
    let w = Uscita::start(file, copy);
    let mut w = FlussoWriter::start(w, "G478.PSA.20261130.0000001", &ente).unwrap();
    let mut records: Vec<Prestazione> = Vec::new();
    let mut generatore = Generatore::default();
    // The beneficiary being gathered: (person number, their person, their beneficiary).
    let mut current: Option<(
        usize,
        Persona,
        std::sync::Arc<sportello::domain::siuss::Beneficiario>,
    )> = None;
    for i in 0..n {
        let p = i / 2;
        if let Some((q, _, b)) = &current
            && *q != p
        {
            let refs: Vec<&Prestazione> = records.iter().collect();
            w.beneficiario(b, &refs).unwrap();
            records.clear();
            current = None;
        }
        let e = erogazione(i);
        let c = Candidato {
            prestazione: Some(if e.carattere == 1 {
                affitto.clone()
            } else {
                reddito.clone()
            }),
            persona: match &current {
                Some((_, persona, _)) => persona.clone(),
                None => persona(p),
            },
            erogazione: e,
            inviati: Vec::new(),
        };
        let x = generatore.esito(&c, &ctx);
        let b = x.beneficiario.expect("a valid record");
        records.extend(x.nuovi.into_iter().map(|n| n.prestazione));
        current = Some((p, c.persona, b));
    }
    if let Some((_, _, b)) = &current {
        let refs: Vec<&Prestazione> = records.iter().collect();
        w.beneficiario(b, &refs).unwrap();
    }
    let (_, recs) = w.counts();
    let (_sha, size) = w.finish().unwrap().finish().unwrap();
    (t.elapsed().as_secs_f64(), size, recs)
}

fn whole_export(n: usize, dir: &std::path::Path) {
    let path = dir.join("bench.db");
    let mut store = SqliteStore::create(&path).unwrap();
    let sys = Actor::system(None, None);
    sportello::demo::create(&mut store, &sys, 10).unwrap();
    store
        .set_setting("siuss.cf_operatore", "VRDLGU75M10G478H")
        .unwrap();
    drop(store);
    // Persons and erogazioni loaded in bulk (the service saves one at a time, with an fsync each).
    let t = Instant::now();
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    let tx = conn.transaction().unwrap();
    let tipo: i64 = tx
        .query_row(
            "SELECT id FROM tipo_intervento WHERE codice = 'TD02'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let ente: i64 = tx
        .query_row("SELECT id FROM ente WHERE belfiore = 'G478'", [], |r| {
            r.get(0)
        })
        .unwrap();
    for p in 0..n / 2 {
        let s = persona(p);
        tx.execute(
            "INSERT OR IGNORE INTO soggetto (codice_fiscale, cognome, nome, sesso, data_nascita, luogo_nascita, res_comune,
                 created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'x', 'bench', 'x', 'bench')",
            rusqlite::params![s.codice_fiscale, s.cognome, s.nome, s.sesso, s.data_nascita, s.luogo_nascita, s.res_comune],
        )
        .unwrap();
    }
    for i in 0..n {
        let e = erogazione(i);
        let soggetto: i64 = tx
            .query_row(
                "SELECT id FROM soggetto WHERE codice_fiscale = ?1",
                [cf(i / 2)],
                |r| r.get(0),
            )
            .unwrap();
        tx.execute(
            "INSERT INTO erogazione (ente_id, soggetto_id, tipo_id, categoria_sociale, protocollo_domanda, prova_mezzi,
                 dsu_protocollo, dsu_anno, dsu_data, siuss_codice, carattere, in_carico, created_at, created_by,
                 updated_at, updated_by)
             VALUES (?1, ?2, ?3, 'poverta', ?4, 1, ?5, 2025, '2025-01-15', ?6, ?7, 0, 'x', 'bench', 'x', 'bench')",
            rusqlite::params![ente, soggetto, tipo, e.protocollo_domanda, e.dsu_protocollo, e.siuss_codice, e.carattere],
        )
        .unwrap();
        let id = tx.last_insert_rowid();
        let r = &e.righe[0];
        tx.execute(
            "INSERT INTO erogazione_riga (erogazione_id, stato, data, data_fine, data_evento, quantita_cent, tariffa_cents,
                 spesa_cents, comp_utente_cents)
             VALUES (?1, 'erogata', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![id, r.data, r.data_fine, r.data_evento, r.quantita_cent, r.tariffa_cents, r.spesa_cents(), r.comp_utente_cents],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    drop(conn);
    println!(
        "  loaded {n} erogazioni in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut store = SqliteStore::open(&path).unwrap();
    let amm = Actor::operatore(
        &store
            .operatore_by_username("amministrativo")
            .unwrap()
            .unwrap(),
        None,
        None,
    );
    let ente_id = store.ente_by_code("G478").unwrap().map(|e| e.id);
    let r = |out: Option<std::path::PathBuf>| RichiestaSiuss {
        ente_id,
        dal: "2025-01-01".into(),
        al: "2026-12-31".into(),
        cf_operatore: None,
        out,
        archivio: Some(dir.join("siuss")),
        giorno: time::macros::date!(2026 - 11 - 30),
    };
    let t = Instant::now();
    let check = Service::new(&mut store)
        .export_siuss(&amm, &r(None), &Progress::default())
        .unwrap();
    let check_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sent = Service::new(&mut store)
        .export_siuss(
            &amm,
            &r(Some(dir.join("db-flow.xml"))),
            &Progress::default(),
        )
        .unwrap();
    let full_s = t.elapsed().as_secs_f64();
    assert_eq!(check.record, sent.record);
    let bookkeeping_s = sent.registrazione_ms as f64 / 1000.0;
    println!(
        "  --check (reads and checks, no file, nothing recorded): {check_s:.1} s\n  \
         export with file and gzip copy: {full_s:.1} s, of which recording what is sent {bookkeeping_s:.1} s \
         (so reading, checking and writing the file {:.1} s); {} beneficiaries, {} records, {:.1} MB",
        full_s - bookkeeping_s,
        sent.beneficiari,
        sent.record,
        sent.size as f64 / 1e6
    );
}

fn main() {
    let n = env_usize("SPORTELLO_BENCH_SIUSS", 1_000_000);
    let dir = tempfile::tempdir().unwrap();
    println!("SIUSS generation (build, check, stream, hash; no database):");
    let small = n.min(100_000);
    let (s, bytes, recs) = generate(small, &dir.path().join("small.xml"), false);
    println!(
        "  {small} erogazioni: {s:.2} s, {recs} records, {:.1} MB, peak memory {:.0} MiB",
        bytes as f64 / 1e6,
        peak_mib()
    );
    let (s, bytes, recs) = generate(n, &dir.path().join("full.xml"), false);
    println!(
        "  {n} erogazioni: {s:.2} s, {recs} records, {:.1} MB, peak memory {:.0} MiB",
        bytes as f64 / 1e6,
        peak_mib()
    );
    let (s, _, _) = generate(n, &dir.path().join("full.xml"), true);
    let gz = std::fs::metadata(dir.path().join("full.xml.gz")).map_or(0, |m| m.len());
    println!(
        "  {n} erogazioni with the gzip copy: {s:.2} s ({:.1} MB compressed)",
        gz as f64 / 1e6
    );
    let _ = std::fs::remove_file(dir.path().join("full.xml"));
    let _ = std::fs::remove_file(dir.path().join("full.xml.gz"));
    let m = env_usize("SPORTELLO_BENCH_SIUSS_DB", 100_000);
    println!("SIUSS whole export from the database ({m} erogazioni):");
    whole_export(m, dir.path());
}
