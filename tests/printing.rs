//! Office printing on the real binary: a print goes to the ufficio's queue through `lp` (a fake one
//! on PATH records what it got), an operator's own queue from the configuration wins, without a
//! printer the PDF stays in the ufficio's folder under a name no colleague can take; the page is
//! headed with the record's ente and office whoever prints it.

mod common;
#[path = "common/pdf.rs"]
mod pdf;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{Env, code, text};
use serde_json::Value;
use sportello::domain::scheda::SchedaEdit;
use sportello::domain::{Actor, NewOperatore, Role, RoleSet};
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
}

fn edit(soggetto_id: i64, operatore: &str) -> SchedaEdit {
    let mut e = SchedaEdit {
        soggetto_id,
        data_accesso: "2026-11-02".into(),
        operatore: operatore.into(),
        esito: Some("consulenza".into()),
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
    e
}

/// A demo database with a scheda written at the Comune di Corciano by an operator of Corciano only;
/// returns the database and the scheda id.
fn db_with_a_corciano_scheda(env: &Env) -> (PathBuf, i64) {
    let db = env.dir.path().join("demo.db");
    common::fixture::demo_at(&db, 20);
    let mut s = SqliteStore::open(&db).unwrap();
    let sys = Actor::system(None, None);
    let corciano = s.ente_by_code("C990").unwrap().unwrap().id;
    let ufficio = s.list_uffici(corciano).unwrap()[0].id;
    let mut svc = Service::new(&mut s);
    svc.add_user(
        &sys,
        &NewOperatore {
            username: "corciano1".into(),
            nome: "Carla".into(),
            cognome: "Corcianese".into(),
            roles: RoleSet::from_roles(&[Role::Sportello]),
            enti: vec![corciano],
            ufficio_id: Some(ufficio),
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let op = svc
        .store()
        .operatore_by_username("corciano1")
        .unwrap()
        .unwrap();
    let a = Actor::operatore(&op, None, None);
    let id = svc
        .save_scheda(&a, &edit(2, "corciano1"), false, today())
        .unwrap()
        .saved
        .id;
    (db, id)
}

/// A fake `lp` in its own folder: it writes its arguments one per line and a copy of the file it
/// was given into `log`, and answers like CUPS.
fn fake_lp(env: &Env, log: &Path, exit: i32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = env.dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(log).unwrap();
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{log}/args'\nfor last; do :; done\ncp \"$last\" '{log}/received.pdf'\nif [ {exit} -ne 0 ]; then echo 'lp: The printer or class does not exist.' >&2; exit {exit}; fi\necho \"request id is $2-12 (1 file(s))\"\n",
        log = log.display()
    );
    let lp = bin.join("lp");
    std::fs::write(&lp, script).unwrap();
    std::fs::set_permissions(&lp, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// `sportello --db db args` with `bin` first on PATH.
fn run_with_path(env: &Env, bin: &Path, db: &Path, args: &[&str]) -> Output {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    env.cmd()
        .env("PATH", path)
        .env("SPORTELLO_OUTPUT_DIR", env.dir.path().join("default-out"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_print_is_headed_with_the_records_ente_and_office_whoever_prints_it() {
    let env = Env::new();
    let (db, id) = db_with_a_corciano_scheda(&env);
    let id_s = id.to_string();
    // `zona` works for Perugia (their office: Perugia's Centro) and Corciano, here in Corciano;
    // the system account for all.
    for who in [Some("zona@C990"), None] {
        let out_pdf = env.dir.path().join(format!("{who:?}.pdf"));
        let mut args = vec!["print", "scheda", &id_s, "--out", out_pdf.to_str().unwrap()];
        if let Some(w) = who {
            args.extend(["--operatore", w]);
        }
        let out = env.run_on(&db, &args, "");
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        let t = pdf::pdf_file_text(&out_pdf);
        assert!(t.contains("Comune di Corciano"), "{who:?}: {t}");
        assert!(t.contains("Servizi sociali · Segretariato sociale"), "{t}");
        assert!(!t.contains("Comune di Perugia"), "{who:?}: {t}");
        assert!(!t.contains("Centro"), "the printer's own office: {t}");
    }
}

#[test]
fn a_print_goes_to_the_ufficio_printer_through_lp_and_stays_in_its_folder() {
    let env = Env::new();
    let (db, id) = db_with_a_corciano_scheda(&env);
    let log = env.dir.path().join("lp-log");
    let bin = fake_lp(&env, &log, 0);
    let share = env.dir.path().join("samba/corciano");
    let out = env.run_on(
        &db,
        &[
            "ente",
            "ufficio",
            "C990",
            "segretariato sociale",
            "--stampante",
            "CORCIANO-PT",
            "--cartella",
            share.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("stampante: CORCIANO-PT"),
        "{}",
        text(&out.stdout)
    );

    let out = run_with_path(
        &env,
        &bin,
        &db,
        &[
            "print",
            "scheda",
            &id.to_string(),
            "--operatore",
            "corciano1",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("inviato alla stampante CORCIANO-PT (lavoro CORCIANO-PT-12)"),
        "{}",
        text(&out.stderr)
    );
    let saved = PathBuf::from(text(&out.stdout).trim());
    assert_eq!(saved.parent(), Some(share.as_path()));
    let name = saved.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!("scheda-{id}-corciano1-")) && name.ends_with(".pdf"),
        "{name}"
    );
    let args = std::fs::read_to_string(log.join("args")).unwrap();
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        ["-d", "CORCIANO-PT", saved.to_str().unwrap()]
    );
    let got = pdf::pdf_file_text(&log.join("received.pdf"));
    assert!(got.contains("Scheda di accesso n. 1"), "{got}");
    assert!(got.contains("Comune di Corciano"), "{got}");

    // The same print again in the same second: another file, the first one untouched.
    let again = run_with_path(
        &env,
        &bin,
        &db,
        &[
            "print",
            "scheda",
            &id.to_string(),
            "--operatore",
            "corciano1",
        ],
    );
    assert_eq!(code(&again), 0, "{}", text(&again.stderr));
    assert_ne!(text(&again.stdout).trim(), saved.to_str().unwrap());
    assert_eq!(std::fs::read_dir(&share).unwrap().count(), 2);

    // An operator's own queue in the configuration wins over the ufficio's.
    let etc = env.dir.path().join("etc");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::write(
        etc.join("config.toml"),
        "[operator_printers]\ncorciano1 = \"PIANO-2\"\n",
    )
    .unwrap();
    let out = run_with_path(
        &env,
        &bin,
        &db,
        &["print", "scheda-vuota", "--operatore", "corciano1"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let args = std::fs::read_to_string(log.join("args")).unwrap();
    assert_eq!(args.lines().nth(1), Some("PIANO-2"), "{args}");
    assert!(pdf::pdf_file_text(&log.join("received.pdf")).contains("Interlocutore"));
}

#[test]
fn without_a_printer_the_file_is_saved_and_a_failing_printer_says_where_it_is() {
    let env = Env::new();
    let (db, id) = db_with_a_corciano_scheda(&env);
    let log = env.dir.path().join("lp-log");
    let bin = fake_lp(&env, &log, 1);
    // No printer for the ufficio: the configured folder, lp never runs.
    let out = run_with_path(
        &env,
        &bin,
        &db,
        &[
            "print",
            "scheda",
            &id.to_string(),
            "--operatore",
            "corciano1",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let saved = PathBuf::from(text(&out.stdout).trim());
    assert_eq!(
        saved.parent(),
        Some(env.dir.path().join("default-out").as_path())
    );
    assert!(saved.exists());
    assert!(!log.join("args").exists(), "lp ran without a printer");
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));

    // A printer that refuses: exit 1, the message names the queue and the file kept.
    let out = env.run_on(
        &db,
        &[
            "ente",
            "ufficio",
            "C990",
            "Segretariato sociale",
            "--stampante",
            "SPENTA",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = run_with_path(
        &env,
        &bin,
        &db,
        &[
            "print",
            "scheda",
            &id.to_string(),
            "--operatore",
            "corciano1",
        ],
    );
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("stampa non inviata a SPENTA"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
    assert!(err.contains("default-out"), "{err}");

    // A relative folder is refused; an office the ente does not have is not found.
    let out = env.run_on(
        &db,
        &[
            "ente",
            "ufficio",
            "C990",
            "Segretariato sociale",
            "--cartella",
            "relativa",
        ],
        "",
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("percorso assoluto"),
        "{}",
        text(&out.stderr)
    );
    let out = env.run_on(
        &db,
        &["ente", "ufficio", "C990", "Nessuno", "--stampante", "X"],
        "",
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("non trovato"),
        "{}",
        text(&out.stderr)
    );
}
