//! Schede di accesso benchmark on a demo database (5,000 persons): the time to save a scheda (each
//! save is one `BEGIN IMMEDIATE` transaction with its child rows, proposal and audit row, fsync'd),
//! the time to list them with a filter, and the time to export 10,000 schede to xlsx, csv and pdf
//! (in process, and with the CLI including process start). `SPORTELLO_BENCH_SCHEDE` changes 10,000.
//!
//! `cargo bench --bench schede`

mod common;

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use sportello::domain::Actor;
use sportello::domain::scheda::{Filtro, SchedaEdit};
use sportello::export::Format;
use sportello::forms::Screens;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn pct(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn scheda(rng: &mut StdRng, persons: i64, bisogni: &[String], day: u32) -> SchedaEdit {
    let pic = rng.gen_bool(0.15);
    let mut e = SchedaEdit {
        soggetto_id: rng.gen_range(1..=persons),
        data_accesso: format!("2026-{:02}-{:02}", 1 + day % 11, 1 + day % 28),
        operatore: "sportello".into(),
        esito: Some(if pic { "pic" } else { "info" }.into()),
        bisogni: bisogni.choose_multiple(rng, 2).cloned().collect(),
        servizi: vec!["info".into(), "consulenza".into()],
        categorie_sociali: if pic {
            vec!["famiglia_minori".into()]
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "utente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "persona"),
        ("telefono", "075 5550000"),
        ("bisogni_altro", "Situazione abitativa precaria"),
        (
            "descrizione",
            "Richiesta di informazioni su contributi per l'affitto e sui servizi di assistenza domiciliare",
        ),
        (
            "nota_pubblica",
            "Colloquio di prima accoglienza. La persona riferisce difficoltà economiche dopo la perdita del lavoro; \
             consegnati i moduli per l'ISEE e fissato un nuovo appuntamento con l'assistente sociale.",
        ),
    ] {
        e.dati.insert(k.into(), Value::from(v));
    }
    e
}

fn main() {
    let n: usize = std::env::var("SPORTELLO_BENCH_SCHEDE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("schede.db");
    common::create_demo(dir.path(), &db, 5_000);
    let mut store = SqliteStore::open(&db).expect("open");
    let op = store.operatore_by_username("sportello").unwrap().unwrap();
    let actor = Actor::operatore(&op, None, None);
    let resp = Actor::operatore(
        &store
            .operatore_by_username("responsabile")
            .unwrap()
            .unwrap(),
        None,
        None,
    );
    let bisogni: Vec<String> = store
        .codes("bisogni")
        .unwrap()
        .into_iter()
        .map(|c| c.codice)
        .collect();
    let today = time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap();
    let mut rng = StdRng::seed_from_u64(5);
    let mut saves = Vec::with_capacity(n);
    let t_all = Instant::now();
    for i in 0..n {
        let e = scheda(&mut rng, 5_000, &bisogni, i as u32);
        let t = Instant::now();
        sportello::service::Service::new(&mut store)
            .save_scheda(&actor, &e, false, today)
            .expect("save");
        saves.push(t.elapsed());
    }
    let total = t_all.elapsed();
    println!(
        "save a scheda ({n} saves, each fsync'd): median {}, p95 {}, p99 {}; {:.0} schede/s",
        ms(median(saves.clone())),
        ms(pct(saves.clone(), 0.95)),
        ms(pct(saves, 0.99)),
        n as f64 / total.as_secs_f64()
    );

    let filtro = Filtro {
        dal: Some("2026-03-01".into()),
        al: Some("2026-03-31".into()),
        ..Default::default()
    };
    let mut lists = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let rows = sportello::service::Service::new(&mut store)
            .list_schede(&resp, &filtro, 1000)
            .unwrap();
        lists.push(t.elapsed());
        assert!(!rows.is_empty());
    }
    println!(
        "list one month of schede (filter, ≤1000 rows): median {}",
        ms(median(lists))
    );

    let screens = Screens::embedded().unwrap();
    let def = screens.get("scheda").unwrap();
    let all = Filtro::default();
    for format in [Format::Xlsx, Format::Csv, Format::Pdf] {
        let out = dir.path().join(format!("schede.{}", format.extension()));
        let mut times = Vec::new();
        let runs = if format == Format::Pdf { 1 } else { 3 };
        let mut rows = 0;
        for _ in 0..runs {
            let t = Instant::now();
            rows = sportello::service::Service::new(&mut store)
                .export_schede(&resp, &all, def, format, &out)
                .expect("export");
            times.push(t.elapsed());
        }
        let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        println!(
            "export {rows} schede to {}: median of {runs} {} ({:.1} MB)",
            format.extension(),
            ms(median(times)),
            size as f64 / 1e6
        );
    }
    let out = dir.path().join("cli.xlsx");
    let t = Instant::now();
    let o = common::sportello(dir.path())
        .arg("--db")
        .arg(&db)
        .args([
            "export",
            "schede",
            "--from",
            "2000-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "xlsx",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("cli export");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    println!(
        "`sportello export schede --format xlsx` ({}), process start included: {}",
        String::from_utf8_lossy(&o.stderr).trim(),
        ms(t.elapsed())
    );
}
