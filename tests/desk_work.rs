//! Long work and prints at the desk, through the real app (ui::harness): an export runs as long work
//! with a gauge while the list's search is still answered, Esc cancels it and no file stays; a
//! print goes to the ufficio's printer and the message names the printer and the job.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use sportello::demo;
use sportello::domain::Actor;
use sportello::domain::scheda::SchedaEdit;
use sportello::print::office::PrintConfig;
use sportello::service::Service;
use sportello::service::organisation::UfficioUscita;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::popup::Popup;
use sportello::ui::schede;

/// A demo database with three schede by `sportello`.
fn demo_db(dir: &Path) -> PathBuf {
    let path = common::fixture::demo_db(dir, 30);
    let mut s = SqliteStore::open(&path).unwrap();
    let op = s.operatore_by_username("sportello").unwrap().unwrap();
    let a = Actor::operatore(&op, None, None);
    let today = time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap();
    for soggetto in [2, 3, 4] {
        let mut e = SchedaEdit {
            soggetto_id: soggetto,
            data_accesso: "2026-11-02".into(),
            operatore: "sportello".into(),
            esito: Some("consulenza".into()),
            ..Default::default()
        };
        e.dati.insert("interlocutore".into(), Value::from("utente"));
        Service::new(&mut s)
            .save_scheda(&a, &e, false, today)
            .unwrap();
    }
    path
}

fn harness(path: &Path, config: AppConfig, user: &str) -> Harness {
    let mut h = Harness::new(Box::new(SqliteStore::open(path).unwrap()), config, 80, 24);
    h.login(user, demo::DEMO_PASSWORD);
    h
}

fn files(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(d) => d
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn message(h: &Harness) -> (String, bool) {
    match &h.app.popup {
        Some(Popup::Message { text, error }) => (text.clone(), *error),
        _ => panic!("expected a message:\n{}", h.text()),
    }
}

fn list_rows(h: &Harness) -> usize {
    match &h.app.screen {
        Screen::Schede(schede::State::List(l)) => l.rows.len(),
        _ => panic!("not the list of schede:\n{}", h.text()),
    }
}

#[test]
fn an_export_runs_beside_the_search_and_esc_cancels_it_leaving_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let out = dir.path().join("uscita");
    let config = AppConfig {
        output_dir: out.clone(),
        ..AppConfig::headless(false)
    };
    let mut h = harness(&path, config, "responsabile");
    h.hold_jobs = true;
    h.keys("2");
    assert_eq!(list_rows(&h), 3, "{}", h.text());
    // Export as XLSX: the work is held (still running) and the gauge shows in the status bar.
    h.keys("<C-x><Enter>");
    assert_eq!(h.held.len(), 1, "the export is long work");
    assert!(h.app.job.is_some());
    let bar = h.text().lines().last().unwrap().to_string();
    assert!(
        bar.contains("Esportazione") && bar.contains("Esc annulla"),
        "{bar}"
    );
    // The search box is answered meanwhile: the list narrows to one person.
    let soggetto = SqliteStore::open(&path)
        .unwrap()
        .soggetto(3)
        .unwrap()
        .unwrap();
    h.keys(soggetto.codice_fiscale.as_deref().unwrap());
    assert_eq!(list_rows(&h), 1, "{}", h.text());
    assert!(h.app.job.is_some(), "the export is still running");
    // Esc cancels it (the first Esc does not leave the list); the work stops and writes nothing.
    h.keys("<Esc>");
    assert!(matches!(
        h.app.screen,
        Screen::Schede(schede::State::List(_))
    ));
    assert!(h.text().contains("annullamento"), "{}", h.text());
    h.release();
    let (text, error) = message(&h);
    assert!(text.contains("annullata") && !error, "{text}");
    assert!(h.app.job.is_none());
    assert!(files(&out).is_empty(), "{:?}", files(&out));

    // Not cancelled: the file is there, named after the operator.
    h.keys("<Esc><C-u>");
    h.keys("<C-x><Enter>");
    h.release();
    let (text, error) = message(&h);
    assert!(!error && text.contains("3 schede"), "{text}");
    let names = files(&out);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(
        names[0].starts_with("schede-responsabile-") && names[0].ends_with(".xlsx"),
        "{names:?}"
    );
}

#[test]
fn a_print_from_the_desk_names_the_printer_and_the_job() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let share = dir.path().join("condivisa");
    let log = dir.path().join("log");
    std::fs::create_dir_all(&log).unwrap();
    let lp = dir.path().join("lp-finto");
    std::fs::write(
        &lp,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}/args'\necho \"request id is $2-7 (1 file(s))\"\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&lp, std::fs::Permissions::from_mode(0o755)).unwrap();
    {
        let mut s = SqliteStore::open(&path).unwrap();
        Service::new(&mut s)
            .configure_ufficio(
                &Actor::system(None, None),
                "G478",
                "Segretariato sociale - Centro",
                &UfficioUscita {
                    stampante: Some("CENTRO".into()),
                    cartella: Some(share.clone()),
                },
            )
            .unwrap();
    }
    let config = AppConfig {
        output_dir: dir.path().join("non-usata"),
        print: PrintConfig {
            command: format!("{} -d {{stampante}} {{file}}", lp.display()),
            ..PrintConfig::default()
        },
        ..AppConfig::headless(false)
    };
    let mut h = harness(&path, config, "sportello");
    h.keys("2<Enter>");
    assert!(h.app.form().is_some(), "{}", h.text());
    h.keys("<C-p>");
    let (text, error) = message(&h);
    assert!(!error, "{text}");
    assert!(
        text.contains("Inviato alla stampante CENTRO (lavoro CENTRO-7)"),
        "{text}"
    );
    let names = files(&share);
    assert_eq!(names.len(), 1, "{names:?}");
    let args = std::fs::read_to_string(log.join("args")).unwrap();
    assert_eq!(args.lines().nth(1), Some("CENTRO"));
    assert_eq!(
        args.lines().nth(2),
        Some(share.join(&names[0]).to_str().unwrap())
    );
}
