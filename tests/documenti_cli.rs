//! `sportello print` and `sportello export` on the real binary.

mod common;
#[path = "common/pdf.rs"]
mod pdf;

use common::{Env, code, text};
use serde_json::Value;
use sportello::domain::Actor;
use sportello::domain::scheda::SchedaEdit;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

/// A demo database with one complete scheda; returns the database path and the scheda id.
fn db_with_a_scheda(env: &Env) -> (std::path::PathBuf, i64) {
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
        bisogni: vec!["b102".into(), "b105".into()],
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "utente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "telefono"),
        ("telefono", "075 0000000"),
        ("descrizione", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ] {
        e.dati.insert(k.into(), Value::from(v));
    }
    let today = time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap();
    let out = sportello::service::Service::new(&mut s)
        .save_scheda(&a, &e, false, today)
        .unwrap();
    (db, out.saved.id)
}

#[test]
fn print_scheda_privacy_and_blank_scheda() {
    let env = Env::new();
    let (db, id) = db_with_a_scheda(&env);
    let out_pdf = env.dir.path().join("stampe/scheda.pdf");
    let id_s = id.to_string();
    let out = env.run_on(
        &db,
        &["print", "scheda", &id_s, "--out", out_pdf.to_str().unwrap()],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("scheda.pdf"));
    let t = pdf::pdf_file_text(&out_pdf);
    assert!(
        t.contains("Scheda di accesso n. 1") && t.contains("Segnalazione telefonica"),
        "{t}"
    );
    let last = SqliteStore::open(&db)
        .unwrap()
        .audit_tail(1)
        .unwrap()
        .remove(0);
    assert_eq!(last.event.action, "leggi_scheda");
    assert!(last.username.starts_with("sistema"));

    // As a named operator of another role: refused.
    let out = env.run_on(
        &db,
        &[
            "print",
            "scheda",
            &id_s,
            "--out",
            "x.pdf",
            "--operatore",
            "helpdesk",
        ],
        "",
    );
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("non consentita"),
        "{}",
        text(&out.stderr)
    );
    let out = env.run_on(&db, &["print", "scheda", "999", "--out", "x.pdf"], "");
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("non trovato"));

    let privacy = env.dir.path().join("privacy.pdf");
    let out = env.run_on(
        &db,
        &["print", "privacy", "2", "--out", privacy.to_str().unwrap()],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(pdf::pdf_file_text(&privacy).contains("Regolamento UE 2016/679"));
    let blank = env.dir.path().join("vuota.pdf");
    let out = env.run_on(
        &db,
        &["print", "scheda-vuota", "--out", blank.to_str().unwrap()],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(pdf::pdf_file_text(&blank).contains("Interlocutore"));
}

#[test]
fn export_schede_of_a_period_in_each_format() {
    let env = Env::new();
    let (db, _) = db_with_a_scheda(&env);
    for format in ["csv", "xlsx", "pdf"] {
        let out_file = env.dir.path().join(format!("schede.{format}"));
        let out = env.run_on(
            &db,
            &[
                "export",
                "schede",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--format",
                format,
                "--out",
                out_file.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(code(&out), 0, "{format}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("1 schede esportate"));
        assert!(out_file.exists());
    }
    let csv = std::fs::read_to_string(env.dir.path().join("schede.csv")).unwrap();
    assert!(csv.contains("Segnalazione telefonica"), "{csv}");
    assert!(
        csv.contains("Fisiologici: Alloggio; Fisiologici: Reddito insufficiente"),
        "{csv}"
    );
    // Bad arguments: one Italian line, exit 1.
    for (args, msg) in [
        (
            vec![
                "--from",
                "2026-13-01",
                "--to",
                "2026-11-30",
                "--format",
                "csv",
            ],
            "data non valida",
        ),
        (
            vec![
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--format",
                "ods",
            ],
            "formato",
        ),
        (
            vec![
                "--from",
                "2026-12-01",
                "--to",
                "2026-11-30",
                "--format",
                "csv",
            ],
            "successiva",
        ),
    ] {
        let mut a = vec!["export", "schede"];
        a.extend(args);
        a.extend(["--out", "x.csv"]);
        let out = env.run_on(&db, &a, "");
        assert_eq!(code(&out), 1, "{a:?}");
        assert!(text(&out.stderr).contains(msg), "{}", text(&out.stderr));
    }
}

#[test]
fn por_fields_are_enabled_per_ente() {
    let env = Env::new();
    let (db, _) = db_with_a_scheda(&env);
    let out = env.run_on(&db, &["ente", "por", "G478", "si"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("dati POR abilitati"));
    let s = SqliteStore::open(&db).unwrap();
    let ente = s.ente_by_code("G478").unwrap().unwrap();
    assert_eq!(
        s.setting(&format!("por_abilitato:{}", ente.id))
            .unwrap()
            .as_deref(),
        Some("1")
    );
    let out = env.run_on(&db, &["ente", "por", "Z999", "si"], "");
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("non trovato"));
}
