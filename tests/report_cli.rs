//! `sportello report sportello` and `sportello ufficio settings` on the real binary: the files,
//! the exit codes, one Italian line for each mistake.

mod common;
#[path = "common/pdf.rs"]
mod pdf;

use common::{Env, code, text};
use serde_json::Value;
use sportello::domain::Actor;
use sportello::domain::richieste::{Consuntivo, Richiesta};
use sportello::domain::scheda::SchedaEdit;
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

const CENTRO: &str = "Segretariato sociale - Centro";

/// A demo database with one scheda of November 2026, a richiesta and 1 h 30 of consuntivo.
fn db(env: &Env) -> std::path::PathBuf {
    let db = env.dir.path().join("demo.db");
    common::fixture::demo_at(&db, 20);
    let mut s = SqliteStore::open(&db).unwrap();
    let op = s.operatore_by_username("sportello").unwrap().unwrap();
    let a = Actor::operatore(&op, None, None);
    let mut e = SchedaEdit {
        soggetto_id: 2,
        data_accesso: "2026-11-02".into(),
        operatore: "sportello".into(),
        esito: Some("consulenza".into()),
        bisogni: vec!["b102".into()],
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "utente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "telefono"),
        ("telefono", "075 0000000"),
    ] {
        e.dati.insert(k.into(), Value::from(v));
    }
    let today = time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap();
    let mut svc = Service::new(&mut s);
    let scheda = svc.save_scheda(&a, &e, false, today).unwrap().saved.id;
    let r = Richiesta {
        scheda_id: scheda,
        data_richiesta: "2026-11-02".into(),
        servizio: Some("lavoro".into()),
        ..Default::default()
    };
    let (r, _) = svc.save_richiesta(&a, &r, today).unwrap();
    let c = Consuntivo {
        richiesta_id: r,
        data: "2026-11-02".into(),
        operatori: 1,
        minuti: 90,
        tipo_attivita: "1".into(),
        ..Default::default()
    };
    svc.save_consuntivo(&a, &c, today).unwrap();
    db
}

/// `report sportello --mese 2026-11 --ufficio` the Centro `--out out`, with `extra` options.
fn november(
    env: &Env,
    db: &std::path::Path,
    out: &std::path::Path,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "report",
        "sportello",
        "--mese",
        "2026-11",
        "--ufficio",
        CENTRO,
    ];
    args.extend(extra);
    args.extend(["--out", out.to_str().unwrap()]);
    env.run_on(db, &args, "")
}

#[test]
fn the_report_of_a_month_as_xlsx_and_pdf() {
    let env = Env::new();
    let db = db(&env);
    let xlsx = env.dir.path().join("rapporto.xlsx");
    let out = november(&env, &db, &xlsx, &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("rapporto.xlsx"));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    // The same file again needs --force.
    let again = november(&env, &db, &xlsx, &[]);
    assert_eq!(code(&again), 2, "{}", text(&again.stderr));
    assert!(text(&again.stderr).contains("--force"));

    let pdf_out = env.dir.path().join("rapporto.pdf");
    let out = november(&env, &db, &pdf_out, &["--format", "pdf"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let t = pdf::pdf_file_text(&pdf_out);
    for needle in [
        "Attività dello sportello · novembre 2026",
        "Segretariato sociale - Centro",
        "Orientamento / inserimento lavoro",
        "1 Compilazione e/o accettazione",
        "Ore: 1 h 30 min",
    ] {
        assert!(t.contains(needle), "{needle}:\n{t}");
    }
    let last = SqliteStore::open(&db)
        .unwrap()
        .audit_tail(1)
        .unwrap()
        .remove(0);
    assert_eq!(last.event.action, "rapporto_sportello");
}

#[test]
fn mistakes_get_one_italian_line_and_their_exit_code() {
    let env = Env::new();
    let db = db(&env);
    let out_file = env.dir.path().join("r.xlsx");
    let out_path = out_file.to_str().unwrap();
    for (args, exit, message) in [
        (
            vec!["--mese", "2026-13", "--ufficio", CENTRO],
            1,
            "sportello: mese non valido «2026-13»: usare AAAA-MM, es. 2026-11",
        ),
        (
            vec!["--mese", "novembre", "--ufficio", CENTRO],
            1,
            "sportello: mese non valido «novembre»: usare AAAA-MM, es. 2026-11",
        ),
        (
            vec!["--mese", "2026-11", "--ufficio", "Ufficio fantasma"],
            1,
            "sportello: ufficio «Ufficio fantasma» non trovato",
        ),
        (
            vec!["--mese", "2026-11", "--ufficio", "Segretariato sociale"],
            1,
            "sportello: più uffici si chiamano «Segretariato sociale»: indicare l'ente con --ente",
        ),
        (
            vec!["--mese", "2026-11", "--ufficio", CENTRO, "--format", "csv"],
            1,
            "sportello: il rapporto si esporta in xlsx o pdf",
        ),
        (
            vec![
                "--mese",
                "2026-11",
                "--ufficio",
                CENTRO,
                "--operatore",
                "sportello",
            ],
            1,
            "sportello: operazione non consentita: l'operatore sportello non ha il permesso per «rapporto attività dello sportello»",
        ),
    ] {
        let mut all = vec!["report", "sportello"];
        all.extend(args.iter().copied());
        all.extend(["--out", out_path]);
        let out = env.run_on(&db, &all, "");
        assert_eq!(code(&out), exit, "{args:?}: {}", text(&out.stderr));
        assert_eq!(text(&out.stderr).trim_end(), message, "{args:?}");
        assert!(!out_file.exists(), "{args:?}: no file on error");
    }
    // Usage: --mese is required (exit 2).
    let out = env.run_on(
        &db,
        &[
            "report",
            "sportello",
            "--ufficio",
            CENTRO,
            "--out",
            out_path,
        ],
        "",
    );
    assert_eq!(code(&out), 2);
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
    // With the ente, the name is enough.
    let out = env.run_on(
        &db,
        &[
            "report",
            "sportello",
            "--mese",
            "2026-11",
            "--ufficio",
            "Segretariato sociale",
            "--ente",
            "C990",
            "--out",
            out_path,
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
}

#[test]
fn ufficio_settings_shows_and_changes_the_switches() {
    let env = Env::new();
    let db = db(&env);
    let out = env.run_on(
        &db,
        &[
            "ufficio",
            "settings",
            "G478",
            CENTRO,
            "--req-bisogni",
            "on",
            "--vis-interventi",
            "on",
            "--template",
            "Scheda n. {numero} inviata da {ufficio} ({ente}) il {data}",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for line in [
        "req_bisogni: on",
        "req_servizi: off",
        "req_stranieri: off",
        "vis_interventi: on",
        "template: Scheda n. {numero} inviata da {ufficio} ({ente}) il {data}",
    ] {
        assert!(shown.contains(line), "{line}:\n{shown}");
    }
    let last = SqliteStore::open(&db)
        .unwrap()
        .audit_tail(1)
        .unwrap()
        .remove(0);
    assert_eq!(last.event.action, "configura_impostazioni_ufficio");
    // A placeholder that would put personal data in the message: refused, nothing changed.
    let out = env.run_on(
        &db,
        &[
            "ufficio",
            "settings",
            "G478",
            CENTRO,
            "--req-servizi",
            "on",
            "--template",
            "Per {cognome}",
        ],
        "",
    );
    assert_eq!(code(&out), 1);
    let err = text(&out.stderr);
    assert!(
        err.starts_with("sportello: dati non validi: segnaposto «{cognome}» sconosciuto"),
        "{err}"
    );
    let out = env.run_on(&db, &["ufficio", "settings", "G478", CENTRO], "");
    assert!(
        text(&out.stdout).contains("req_servizi: off"),
        "{}",
        text(&out.stdout)
    );
    // A bad switch value is a usage error.
    let out = env.run_on(
        &db,
        &["ufficio", "settings", "G478", CENTRO, "--req-bisogni", "si"],
        "",
    );
    assert_eq!(code(&out), 2);
}

/// The lived-in demo: last month's report of the Segretariato is full, and the demo offices have
/// their settings.
#[test]
fn the_demo_fills_last_months_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::lived_in_db(dir.path(), 400);
    let mut store = SqliteStore::open(&path).unwrap();
    let op = store
        .operatore_by_username("responsabile")
        .unwrap()
        .unwrap();
    let resp = Actor::operatore(&op, None, None);
    let perugia = store.ente_by_code("G478").unwrap().unwrap().id;
    let uffici = store.list_uffici(perugia).unwrap();
    let centro = uffici.iter().find(|u| u.nome == CENTRO).unwrap().id;
    let pua = uffici
        .iter()
        .find(|u| u.nome.starts_with("PUA"))
        .unwrap()
        .id;
    let s = store.impostazioni_ufficio(centro).unwrap();
    assert!(s.vis_interventi && !s.req_servizi && s.template_invio.is_some());
    let s = store.impostazioni_ufficio(pua).unwrap();
    assert!(s.req_bisogni && s.req_servizi);
    let mese =
        sportello::domain::rapporto::Mese::of(common::fixture::lived_in_today()).precedente();
    let r = Service::new(&mut store)
        .rapporto_sportello(&resp, centro, mese)
        .unwrap();
    let riepilogo: Vec<i64> = r.tabelle[0]
        .rows
        .iter()
        .map(|row| match row[1] {
            sportello::export::Cell::Int(n) => n,
            _ => panic!("{row:?}"),
        })
        .collect();
    let [accessi, persone, richieste, minuti, operatori] = riepilogo[..] else {
        panic!("{riepilogo:?}");
    };
    assert!(accessi >= 10 && persone >= 5, "{riepilogo:?}");
    assert!(richieste >= accessi / 2, "{riepilogo:?}");
    assert!(minuti >= 60 * richieste / 4, "{riepilogo:?}");
    assert!(operatori >= 2, "{riepilogo:?}");
    let attivita = &r.tabelle[5];
    assert!(attivita.rows.len() >= 4, "{:?}", attivita.rows);
}
