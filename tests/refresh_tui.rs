//! Live refresh (issue 17 point 5) on one SQLite file shared by two sessions: what session A shows
//! follows, within its next tick (500 ms), what session B commits — a new scheda in the list, a
//! scheda open read-only edited — while a form with unsaved changes is never overwritten and says
//! that the record moved.

mod common;

use sportello::demo;
use sportello::domain::Actor;
use sportello::domain::scheda::SchedaEdit;
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Effect, Request, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::schede;

fn today() -> time::Date {
    time::Date::from_calendar_date(2027, time::Month::January, 15).unwrap()
}

fn harness(path: &std::path::Path, user: &str) -> Harness {
    let mut h = Harness::new(
        Box::new(SqliteStore::open(path).unwrap()),
        AppConfig::headless(false),
        100,
        30,
    );
    h.login(user, demo::DEMO_PASSWORD);
    h
}

/// Session B: its own connection to the file, acting as `user`.
fn session_b(path: &std::path::Path, user: &str) -> (SqliteStore, Actor) {
    let s = SqliteStore::open(path).unwrap();
    let op = s.operatore_by_username(user).unwrap().unwrap();
    (s, Actor::operatore(&op, None, None))
}

/// Session B changes field `descrizione` of scheda `id`.
fn b_edits(path: &std::path::Path, id: i64, descrizione: &str) {
    let (mut s, a) = session_b(path, "sportello");
    let mut edit = s.scheda(id).unwrap().unwrap().edit;
    edit.dati
        .insert("descrizione".into(), serde_json::Value::from(descrizione));
    Service::new(&mut s)
        .save_scheda(&a, &edit, true, today())
        .unwrap();
}

fn list(h: &Harness) -> &schede::SchedeState {
    match &h.app.screen {
        Screen::Schede(schede::State::List(l)) => l,
        _ => panic!("not the list of schede:\n{}", h.text()),
    }
}

fn list_queries(h: &Harness, from: usize) -> usize {
    h.effects[from..]
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Request(_, Request::Schede(schede::Req::List { .. }))
            )
        })
        .count()
}

fn audit_rows(path: &std::path::Path) -> i64 {
    SqliteStore::open(path).unwrap().audit_tail(1).unwrap()[0].id
}

#[test]
fn a_scheda_saved_by_another_session_appears_in_the_open_list_at_the_next_tick() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = common::fixture::scheda_di_oggi(dir.path());
    let mut a = harness(&path, "sportello");
    a.keys("2");
    let before = list(&a).rows.len();
    assert!(before >= 1, "{}", a.text());
    let selected = list(&a).selected().unwrap().id;
    a.advance(500);

    // Nothing committed: ticking on asks for no list.
    let mark = a.effects.len();
    a.advance(500).advance(500).advance(500);
    assert_eq!(list_queries(&a, mark), 0, "no change, no query");

    // Session B receives another person.
    let (mut s, op) = session_b(&path, "sportello");
    let soggetto = s.soggetto(7).unwrap().unwrap();
    let mut e = SchedaEdit {
        soggetto_id: 7,
        data_accesso: "2027-01-15".into(),
        operatore: "sportello".into(),
        ..Default::default()
    };
    e.dati
        .insert("interlocutore".into(), serde_json::Value::from("utente"));
    let numero = Service::new(&mut s)
        .save_scheda(&op, &e, false, today())
        .unwrap()
        .saved
        .numero;
    drop(s);
    let audited = audit_rows(&path);
    assert!(
        !a.text().contains(&soggetto.cognome),
        "not shown before the tick:\n{}",
        a.text()
    );

    a.advance(500);
    let screen = a.text();
    assert_eq!(list(&a).rows.len(), before + 1, "{screen}");
    assert!(
        screen
            .lines()
            .any(|l| l.contains(&soggetto.cognome) && l.contains(&format!("│{numero} "))),
        "the new row, with its number:\n{screen}"
    );
    assert_eq!(
        list(&a).selected().unwrap().id,
        selected,
        "the selection stays on the scheda the operator chose"
    );
    assert_ne!(
        list(&a).table.selected,
        0,
        "which is no longer the first row: the new one came above it"
    );
    assert_eq!(
        audit_rows(&path),
        audited,
        "a refresh is not a new (audited) read of the list"
    );
}

#[test]
fn a_scheda_open_read_only_follows_the_other_operators_save() {
    let dir = tempfile::tempdir().unwrap();
    let (path, id) = common::fixture::scheda_di_oggi(dir.path());
    // The assistente sociale reads the front desk's scheda (read-only for her).
    let mut a = harness(&path, "assistente_sociale");
    a.keys("2<Enter>");
    let f = a.app.form_screen().expect("the scheda form");
    assert!(f.readonly, "{}", a.text());
    assert_eq!(f.record_key, id.to_string());
    assert_eq!(a.app.form().unwrap().value("descrizione"), "");
    a.advance(500);

    b_edits(&path, id, "Chiede il contributo affitto");
    a.advance(500);
    assert_eq!(
        a.app.form().unwrap().value("descrizione"),
        "Chiede il contributo affitto",
        "{}",
        a.text()
    );
    assert!(a.text().contains("Scheda aggiornata"), "{}", a.text());
    // Still the same, read-only form; a second change follows as well.
    assert!(a.app.form_screen().unwrap().readonly);
    b_edits(&path, id, "Contributo affitto e bollette");
    a.advance(500);
    assert_eq!(
        a.app.form().unwrap().value("descrizione"),
        "Contributo affitto e bollette"
    );
}

#[test]
fn a_form_with_unsaved_changes_is_not_overwritten_and_says_the_scheda_moved() {
    let dir = tempfile::tempdir().unwrap();
    let (path, id) = common::fixture::scheda_di_oggi(dir.path());
    let mut a = harness(&path, "sportello");
    a.keys("2<Enter>");
    assert!(!a.app.form_screen().unwrap().readonly, "{}", a.text());
    a.advance(500);
    common::form::fill(&mut a, "motivo_desc", "Sfratto esecutivo");

    b_edits(&path, id, "Scritto da un collega");
    a.advance(500);
    let form = a.app.form().unwrap();
    assert_eq!(form.value("motivo_desc"), "Sfratto esecutivo", "kept");
    assert_eq!(
        form.value("descrizione"),
        "",
        "not reloaded under the operator"
    );
    let footer = a.text().lines().last().unwrap().to_string();
    assert!(
        footer.contains("Modificata da un altro operatore"),
        "{footer}"
    );
    // The notice stays while typing on.
    a.keys(" in corso");
    let footer = a.text().lines().last().unwrap().to_string();
    assert!(
        footer.contains("Modificata da un altro operatore"),
        "{footer}"
    );

    // The save goes through the conflict flow as always: the other operator's change and this
    // operator's are both there, to check and save again.
    a.keys("<C-s>");
    assert!(
        a.text().contains("Un altro operatore ha salvato"),
        "{}",
        a.text()
    );
    a.keys("<Enter>");
    let form = a.app.form().unwrap();
    assert_eq!(form.value("motivo_desc"), "Sfratto esecutivo in corso");
    assert_eq!(form.value("descrizione"), "Scritto da un collega");
}
