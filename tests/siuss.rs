//! The SIUSS PS-PSA-SINA export: whole files validated against the shipped INPS schema
//! (`data/siuss/xsd/PS_PSA_SINA201812.xsd`) with `xmllint` (Debian libxml2-utils; skipped with one
//! line when missing, failing under `CI=true`), built from the lived-in demo and from bad input:
//! records left out with their reasons, no duplicates on a re-run, corrections as
//! `TipoOperazione="C"`, periods across a year, injection strings, an export killed half-way.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use sportello::domain::Actor;
use sportello::domain::erogazioni::{Erogazione, Riga};
use sportello::progress::Progress;
use sportello::service::Service;
use sportello::service::siuss::{EsitoSiuss, RichiestaSiuss};
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

const XSD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/siuss/xsd/PS_PSA_SINA201812.xsd"
);

/// Validates `file` with xmllint against the INPS schema; false (skipped) when xmllint is missing.
fn valid(test: &str, file: &Path) -> bool {
    let out = match Command::new("xmllint")
        .args(["--noout", "--schema", XSD])
        .arg(file)
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{test}: xmllint missing (.ci/run installs libxml2-utils)"
            );
            eprintln!("{test}: XSD validation skipped (no xmllint: apt-get install libxml2-utils)");
            return false;
        }
    };
    assert!(
        out.status.success(),
        "{test}: {} does not validate:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

fn actor(store: &SqliteStore, user: &str) -> Actor {
    Actor::operatore(
        &store.operatore_by_username(user).unwrap().unwrap(),
        None,
        None,
    )
}

fn today() -> time::Date {
    common::fixture::lived_in_today()
}

fn richiesta(dir: &Path, name: &str, dal: &str, al: &str) -> RichiestaSiuss {
    RichiestaSiuss {
        ente_id: None,
        dal: dal.into(),
        al: al.into(),
        cf_operatore: None,
        out: Some(dir.join(name)),
        archivio: Some(dir.join("siuss")),
        giorno: today(),
    }
}

fn export(store: &mut SqliteStore, who: &Actor, r: &RichiestaSiuss) -> EsitoSiuss {
    Service::new(store)
        .export_siuss(who, r, &Progress::default())
        .unwrap()
}

fn lived_in() -> (tempfile::TempDir, PathBuf, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::lived_in_db(dir.path(), 400);
    let store = SqliteStore::open(&path).unwrap();
    (dir, path, store)
}

#[test]
fn the_demo_flow_is_valid_lists_what_it_leaves_out_and_is_not_sent_twice() {
    let test = "the_demo_flow_is_valid_lists_what_it_leaves_out_and_is_not_sent_twice";
    let (dir, _path, mut store) = lived_in();
    let amm = actor(&store, "amministrativo");
    let before = store.siuss_flussi(&amm.enti, 10).unwrap();
    assert_eq!(before.len(), 1, "the demo sent one flow before");
    // The amministrativo's home shows this month's rows to confirm and that flow.
    let home = Service::new(&mut store).home(&amm, today()).unwrap();
    let h = home
        .erogazioni
        .expect("the amministrativo's home has erogazioni");
    assert!(h.da_confermare > 0, "{h:?}");
    assert_eq!(
        h.ultimo_flusso.map(|f| f.nome),
        Some(before[0].nome.clone())
    );
    // --check reports the same without writing or recording anything.
    let mut check = richiesta(dir.path(), "check.xml", "2025-06-01", "2026-11-30");
    check.out = None;
    let checked = export(&mut store, &amm, &check);
    assert!(
        checked.beneficiari >= 50 && checked.nome.is_none(),
        "{checked:?}"
    );
    assert!(!dir.path().join("check.xml").exists());
    assert_eq!(store.siuss_flussi(&amm.enti, 10).unwrap().len(), 1);
    let r = richiesta(dir.path(), "flusso.xml", "2025-06-01", "2026-11-30");
    let esito = export(&mut store, &amm, &r);
    assert_eq!(
        (esito.beneficiari, esito.record, esito.esclusi.len()),
        (checked.beneficiari, checked.record, checked.esclusi.len())
    );
    let nome = esito.nome.clone().expect("a flow was written");
    assert!(nome.starts_with("G478.PSA.20261130."), "{nome}");
    assert!(esito.beneficiari >= 50, "{esito:?}");
    let motivi: Vec<String> = esito
        .esclusi
        .iter()
        .flat_map(|e| e.motivi.clone())
        .collect();
    for needle in ["codice fiscale provvisorio", "in carico"] {
        assert!(
            motivi.iter().any(|m| m.contains(needle)),
            "no record left out for «{needle}»: {motivi:?}"
        );
    }
    let xml = std::fs::read(dir.path().join("flusso.xml")).unwrap();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert_eq!(
        text.matches("<Beneficiario ").count() as i64,
        esito.beneficiari
    );
    assert!(!text.contains("Ionescu") && !text.contains("IONESCU"));
    valid(test, &dir.path().join("flusso.xml"));
    // What was sent is recorded: the hash of the file and its compressed copy.
    let flow = &store.siuss_flussi(&amm.enti, 1).unwrap()[0];
    assert_eq!(flow.nome, nome);
    use sha2::Digest;
    assert_eq!(flow.scritto.sha256, hex::encode(sha2::Sha256::digest(&xml)));
    let gz = std::fs::read(dir.path().join(flow.scritto.archivio.as_deref().unwrap())).unwrap();
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, xml);
    // A re-run of the same period sends nothing again and still lists what is left out.
    let again = export(
        &mut store,
        &amm,
        &richiesta(dir.path(), "again.xml", "2025-06-01", "2026-11-30"),
    );
    assert_eq!((again.nome, again.beneficiari), (None, 0));
    assert_eq!(again.esclusi.len(), esito.esclusi.len());
    assert!(!dir.path().join("again.xml").exists());
}

#[test]
fn a_corrected_erogazione_goes_out_as_a_cancellation_then_the_new_record() {
    let test = "a_corrected_erogazione_goes_out_as_a_cancellation_then_the_new_record";
    let (dir, _path, mut store) = lived_in();
    let amm = actor(&store, "amministrativo");
    export(
        &mut store,
        &amm,
        &richiesta(dir.path(), "primo.xml", "2025-06-01", "2026-11-30"),
    );
    // An occasional erogazione that went out: its amount is corrected.
    let sent: i64 = {
        let rows = Service::new(&mut store)
            .search_erogazioni(
                &amm,
                &sportello::domain::erogazioni::FiltroErogazioni {
                    esportata: Some(true),
                    ..Default::default()
                },
            )
            .unwrap();
        rows.iter().find(|r| r.carattere == 2).unwrap().id
    };
    let mut e = store.erogazione(sent).unwrap().unwrap();
    let old = e.totali(None).spesa;
    e.righe[0].tariffa_cents += 1_234;
    Service::new(&mut store).save_erogazione(&amm, &e).unwrap();
    let esito = export(
        &mut store,
        &amm,
        &richiesta(dir.path(), "correzione.xml", "2025-06-01", "2026-11-30"),
    );
    assert_eq!(
        (esito.beneficiari, esito.record, esito.cancellazioni),
        (1, 1, 1)
    );
    let text = std::fs::read_to_string(dir.path().join("correzione.xml")).unwrap();
    let c = text.find("TipoOperazione=\"C\"").expect("a cancellation");
    let importo = |cents: i64| format!("ImportoPrestazione=\"{}.{:02}\"", cents / 100, cents % 100);
    let old_at = text.find(&importo(old)).expect("the old amount");
    let new_at = text.find(&importo(old + 1_234)).expect("the new amount");
    assert!(c < old_at && old_at < new_at, "{text}");
    valid(test, &dir.path().join("correzione.xml"));
}

/// A plain demo (no erogazioni yet) and its amministrativo.
fn plain() -> (tempfile::TempDir, SqliteStore, Actor) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    let mut store = SqliteStore::open(&path).unwrap();
    store
        .set_setting("siuss.cf_operatore", "VRDLGU75M10G478H")
        .unwrap();
    let amm = actor(&store, "amministrativo");
    (dir, store, amm)
}

fn tipo(store: &SqliteStore, codice: &str) -> i64 {
    store
        .tipi_intervento(None)
        .unwrap()
        .into_iter()
        .find(|t| t.codice == codice)
        .unwrap()
        .id
}

/// A person of the demo with a definitive codice fiscale, alive.
fn persona(store: &SqliteStore, n: usize) -> i64 {
    (1..)
        .filter_map(|id| store.soggetto(id).unwrap())
        .filter(|p| !p.cf_provvisorio && p.data_decesso.is_none())
        .nth(n)
        .unwrap()
        .id
}

#[test]
fn periods_across_a_year_split_and_injection_strings_are_escaped() {
    let test = "periods_across_a_year_split_and_injection_strings_are_escaped";
    let (dir, mut store, amm) = plain();
    let erp = tipo(&store, "ST04");
    let contributo = tipo(&store, "TD01");
    let p1 = persona(&store, 0);
    let p2 = persona(&store, 1);
    let evil = "<script>&\"'x";
    let mut svc = Service::new(&mut store);
    svc.save_erogazione(
        &amm,
        &Erogazione {
            soggetto_id: p1,
            tipo_id: erp,
            categoria_sociale: "poverta".into(),
            protocollo_domanda: Some(evil.into()),
            descrizione: Some("=HYPERLINK(\"http://x\")".into()),
            prova_mezzi: 4,
            carattere: 1,
            in_carico: 0,
            righe: vec![Riga {
                stato: "erogata".into(),
                data: "2025-11-01".into(),
                data_fine: Some("2026-02-28".into()),
                quantita_cent: 400,
                tariffa_cents: 10_000,
                comp_utente_cents: 8_000,
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .unwrap();
    svc.save_erogazione(
        &amm,
        &Erogazione {
            soggetto_id: p2,
            tipo_id: contributo,
            categoria_sociale: "poverta".into(),
            protocollo_domanda: Some("2026/7".into()),
            prova_mezzi: 1,
            carattere: 2,
            in_carico: 0,
            righe: vec![Riga {
                stato: "erogata".into(),
                data: "2026-03-10".into(),
                quantita_cent: 100,
                tariffa_cents: 30_000,
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .unwrap();
    let esito = export(
        &mut store,
        &amm,
        &richiesta(dir.path(), "f.xml", "2025-01-01", "2026-11-30"),
    );
    // The ISEE-based contribution without DSU data is left out, with its reason.
    assert_eq!(esito.esclusi.len(), 1, "{esito:?}");
    assert!(esito.esclusi[0].motivi[0].contains("DSU"), "{esito:?}");
    assert_eq!((esito.beneficiari, esito.record), (1, 2));
    let text = std::fs::read_to_string(dir.path().join("f.xml")).unwrap();
    assert!(
        text.contains("ProtocolloDomanda=\"&lt;script&gt;&amp;&quot;&apos;x\""),
        "{text}"
    );
    // 400 € over Nov 2025 – Feb 2026: two records of 2 months at 100 € a month, the user paying 20.
    for slice in [
        "DataInizioPrestazione=\"2025-11-01\" DataFinePrestazione=\"2025-12-31\" PeriodoErogazione=\"2\" ImportoMensile=\"100.00\" ImportoQuotaEnte=\"80.00\" ImportoQuotaUtente=\"20.00\"",
        "DataInizioPrestazione=\"2026-01-01\" DataFinePrestazione=\"2026-02-28\" PeriodoErogazione=\"2\" ImportoMensile=\"100.00\" ImportoQuotaEnte=\"80.00\" ImportoQuotaUtente=\"20.00\"",
    ] {
        assert!(text.contains(slice), "missing {slice} in {text}");
    }
    valid(test, &dir.path().join("f.xml"));
}

#[test]
fn the_official_table_loads_with_codes_import_and_unblocks_its_codes() {
    let env = common::Env::new();
    let db = env.dir.path().join("d.db");
    common::fixture::demo_at(&db, 30);
    let csv = env.dir.path().join("tabella.csv");
    std::fs::write(
        &csv,
        "codice;denominazione;richiede_sina\nA2.07;Assistenza domiciliare socio-assistenziale;sì\nA9;x\n",
    )
    .unwrap();
    let out = env.run_on(
        &db,
        &[
            "codes",
            "import",
            "prestazioni_siuss",
            csv.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(common::code(&out), 1, "a bad row refuses the file");
    assert!(
        common::text(&out.stderr).contains("riga 3"),
        "{}",
        common::text(&out.stderr)
    );
    std::fs::write(
        &csv,
        "codice;denominazione;richiede_sina\nA2.07;Assistenza domiciliare socio-assistenziale;sì\n",
    )
    .unwrap();
    let out = env.run_on(
        &db,
        &[
            "codes",
            "import",
            "prestazioni_siuss",
            csv.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(common::code(&out), 0, "{}", common::text(&out.stderr));
    assert!(common::text(&out.stdout).contains("aggiornate 1"));
    let store = SqliteStore::open(&db).unwrap();
    let a207 = store
        .prestazioni_siuss()
        .unwrap()
        .into_iter()
        .find(|p| p.codice == "A2.07")
        .unwrap();
    assert_eq!(
        a207.denominazione.as_deref(),
        Some("Assistenza domiciliare socio-assistenziale")
    );
}

/// An export killed while it writes the file (its file-size limit reached) leaves no file and
/// marks nothing; run again, it sends everything.
#[test]
fn an_export_killed_half_way_marks_nothing() {
    let test = "an_export_killed_half_way_marks_nothing";
    let env = common::Env::new();
    let db = common::fixture::lived_in_db(env.dir.path(), 400);
    let marked = |db: &Path| -> (i64, i64) {
        let s = SqliteStore::open(db).unwrap();
        let amm = actor(&s, "amministrativo");
        let flows = s.siuss_flussi(&amm.enti, 10).unwrap();
        let rows = Service::new(&mut SqliteStore::open(db).unwrap())
            .search_erogazioni(&amm, &Default::default())
            .unwrap()
            .iter()
            .filter(|r| r.esportata)
            .count() as i64;
        (flows.len() as i64, rows)
    };
    let before = marked(&db);
    let out_file = env.dir.path().join("flusso.xml");
    // The shell limits the size of the files the export may write (512-byte blocks): the flow
    // needs far more, so the process is killed by SIGXFSZ in the middle of writing it.
    let script = format!(
        "ulimit -f 40; exec {} --db {} export siuss --from 2025-06-01 --to 2026-11-30 --out {} --ente G478",
        env!("CARGO_BIN_EXE_sportello"),
        db.display(),
        out_file.display()
    );
    let sh = env.cmd();
    let sh = sh.get_envs().fold(Command::new("sh"), |mut c, (k, v)| {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
        c
    });
    let out = { sh }.args(["-c", &script]).output().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGXFSZ),
        "{test}: the export was not stopped while writing: {}",
        common::text(&out.stderr)
    );
    assert!(!out_file.exists(), "{test}: a half file was left");
    assert_eq!(marked(&db), before, "{test}: something was marked sent");
    let out = env.run_on(
        &db,
        &[
            "export",
            "siuss",
            "--from",
            "2025-06-01",
            "--to",
            "2026-11-30",
            "--out",
            out_file.to_str().unwrap(),
            "--ente",
            "G478",
        ],
        "",
    );
    assert!(out_file.exists(), "{}", common::text(&out.stderr));
    assert!(marked(&db).1 > before.1);
    valid(test, &out_file);
}

/// On a WAL database file the erogazioni are read on a thread of their own while the records are
/// built and written; in memory they are read in turn. Both give the same file, byte for byte.
#[test]
fn reading_on_a_thread_gives_the_same_flow_as_reading_in_turn() {
    let (dir, path, mut store) = lived_in();
    let mode: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "the file is read on a thread only in WAL mode");
    let amm = actor(&store, "amministrativo");
    let mut memory = SqliteStore::in_memory_copy(&path).unwrap();
    let a = export(
        &mut store,
        &amm,
        &RichiestaSiuss {
            archivio: None,
            ..richiesta(dir.path(), "file.xml", "2025-01-01", "2026-11-30")
        },
    );
    let b = export(
        &mut memory,
        &amm,
        &RichiestaSiuss {
            archivio: None,
            ..richiesta(dir.path(), "memoria.xml", "2025-01-01", "2026-11-30")
        },
    );
    assert!(a.record > 100, "{a:?}");
    assert_eq!(
        (a.beneficiari, a.record, a.cancellazioni),
        (b.beneficiari, b.record, b.cancellazioni)
    );
    assert_eq!(a.esclusi, b.esclusi);
    let read = |n: &str| std::fs::read(dir.path().join(n)).unwrap();
    assert_eq!(read("file.xml"), read("memoria.xml"));
}
