//! Returning clients first: the home screen and the empty search offer the persons this operator
//! and this office followed last (one key reopens one), and the search puts the desk's returning
//! clients first within a match class. Driven on the lived-in demo through the real app.

mod common;

use std::path::Path;

use serde_json::Value;
use sportello::domain::Actor;
use sportello::domain::scheda::SchedaEdit;
use sportello::domain::search::SearchHit;
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::{AppConfig, Screen};
use sportello::ui::harness::Harness;
use sportello::ui::{anagrafe, home};

const USER: &str = "sportello.pua";

fn actor(store: &SqliteStore, user: &str) -> Actor {
    let op = store.operatore_by_username(user).unwrap().unwrap();
    Actor::operatore(&op, None, None)
}

fn harness(path: &Path) -> Harness {
    let mut h = Harness::new(
        Box::new(SqliteStore::open(path).unwrap()),
        AppConfig::headless(false),
        80,
        24,
    );
    h.login(USER, sportello::demo::DEMO_PASSWORD);
    h
}

/// The persons of the operator's or the office's latest schede, newest first, each once: read
/// straight from the table.
fn latest_persons(path: &Path, user: &str, n: usize) -> Vec<i64> {
    let c = rusqlite::Connection::open(path).unwrap();
    let (ente, ufficio): (i64, Option<i64>) = c
        .query_row(
            "SELECT oe.ente_id, o.ufficio_id FROM operatore o JOIN operatore_ente oe ON oe.operatore_id = o.id
             WHERE o.username = ?1 ORDER BY oe.ordine LIMIT 1",
            [user],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut stmt = c
        .prepare(
            "SELECT soggetto_id FROM scheda WHERE ente_id = ?1 AND (operatore = ?2 OR ufficio_id = ?3)
             AND deleted_at IS NULL ORDER BY data_accesso DESC, id DESC",
        )
        .unwrap();
    let mut ids = Vec::new();
    for id in stmt
        .query_map(rusqlite::params![ente, user, ufficio], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
    {
        let id = id.unwrap();
        if !ids.contains(&id) {
            ids.push(id);
        }
        if ids.len() == n {
            break;
        }
    }
    ids
}

fn home_recent(h: &Harness) -> Vec<SearchHit> {
    match &h.app.screen {
        Screen::Home(home::State::Menu(m)) => m.data.as_ref().unwrap().recenti.clone(),
        _ => panic!("not the home screen:\n{}", h.text()),
    }
}

fn card_id(h: &Harness) -> i64 {
    match &h.app.screen {
        Screen::Anagrafe(anagrafe::State::Persona(p)) => p.soggetto.id,
        _ => panic!("not a person card:\n{}", h.text()),
    }
}

#[test]
fn the_home_screen_offers_the_persons_followed_last_and_one_key_reopens_each() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::lived_in_db(dir.path(), 400);
    let expected = latest_persons(&path, USER, 5);
    assert_eq!(expected.len(), 5, "the demo gives this desk some history");
    let mut h = harness(&path);
    let shown: Vec<i64> = home_recent(&h).iter().map(|p| p.id).collect();
    assert_eq!(shown, expected);
    let text = h.text();
    assert!(text.contains("Persone seguite di recente"), "{text}");
    for (key, p) in ['a', 'b', 'c', 'd', 'e'].iter().zip(home_recent(&h)) {
        let row = text
            .lines()
            .find(|l| l.contains(&format!(" {key}  ")) && l.contains(&p.cognome))
            .unwrap_or_else(|| panic!("no row {key} for {}:\n{text}", p.cognome));
        assert!(row.chars().count() <= 80, "{row}");
    }
    // One key reopens a person.
    h.keys("c");
    assert_eq!(card_id(&h), expected[2]);
    // The highlight stays on the person reopened; from the first module the arrows run past the
    // modules into the persons, Enter opens.
    h.keys("<Esc>");
    assert!(h.text().lines().any(|l| l.contains(" c  ")), "{}", h.text());
    h.keys("1<Esc>");
    let roles = h.app.session.as_ref().unwrap().actor.roles;
    let modules = home::Module::visible(roles).len();
    h.keys(&"<Down>".repeat(modules)).keys("<Enter>");
    assert_eq!(card_id(&h), expected[0]);
}

#[test]
fn a_person_just_seen_comes_first_at_home_and_in_the_empty_search() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::lived_in_db(dir.path(), 400);
    let mut store = SqliteStore::open(&path).unwrap();
    let a = actor(&store, USER);
    let today = common::fixture::lived_in_today();
    let followed = latest_persons(&path, USER, 1000);
    // A person this desk never saw.
    let new = (1..400)
        .find(|id| !followed.contains(id) && store.soggetto(*id).unwrap().is_some())
        .unwrap();
    let mut e = SchedaEdit {
        soggetto_id: new,
        data_accesso: "2026-11-30".into(),
        operatore: USER.into(),
        esito: Some("consulenza".into()),
        ..Default::default()
    };
    e.dati.insert("interlocutore".into(), Value::from("utente"));
    Service::new(&mut store)
        .save_scheda(&a, &e, false, today)
        .unwrap();
    let empty = Service::new(&mut store)
        .search(&a, "", None, 20, today)
        .unwrap();
    assert_eq!(empty.first().map(|p| p.id), Some(new));
    assert_eq!(
        empty.iter().map(|p| p.id).collect::<Vec<_>>(),
        latest_persons(&path, USER, 10)
    );
    drop(store);
    let h = harness(&path);
    assert_eq!(home_recent(&h).first().map(|p| p.id), Some(new));
    // Another comune's desk does not see Perugia's visitors offered.
    let store = SqliteStore::open(&path).unwrap();
    let other = actor(&store, "sportello.corciano");
    let mut store = store;
    let theirs = Service::new(&mut store)
        .search(&other, "", None, 20, today)
        .unwrap();
    assert!(!theirs.iter().any(|p| p.id == new));
}

#[test]
fn returning_clients_come_first_among_persons_found_alike() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::lived_in_db(dir.path(), 400);
    let mut store = SqliteStore::open(&path).unwrap();
    let a = actor(&store, USER);
    let today = common::fixture::lived_in_today();
    let c = rusqlite::Connection::open(&path).unwrap();
    // A surname borne by several persons, some of them seen by a Perugia desk this year, some not.
    let ente: i64 = c
        .query_row(
            "SELECT ente_id FROM operatore_ente oe JOIN operatore o ON o.id = oe.operatore_id
             WHERE o.username = ?1 ORDER BY oe.ordine LIMIT 1",
            [USER],
            |r| r.get(0),
        )
        .unwrap();
    let returning = |id: i64| -> bool {
        c.query_row(
            "SELECT EXISTS (SELECT 1 FROM scheda WHERE soggetto_id = ?1 AND ente_id = ?2
               AND data_accesso >= ?3 AND deleted_at IS NULL)
             OR EXISTS (SELECT 1 FROM presa_in_carico WHERE soggetto_id = ?1 AND ente_id = ?2
               AND stato = 'aperta')",
            rusqlite::params![id, ente, "2025-11-30"],
            |r| r.get(0),
        )
        .unwrap()
    };
    let surnames: Vec<String> = c
        .prepare("SELECT cognome FROM soggetto GROUP BY cognome HAVING count(*) >= 3 ORDER BY count(*) DESC")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut checked = 0;
    for surname in surnames {
        let hits = Service::new(&mut store)
            .search(&a, &surname, None, 50, today)
            .unwrap();
        let same: Vec<&SearchHit> = hits
            .iter()
            .filter(|h| h.cognome.eq_ignore_ascii_case(&surname))
            .collect();
        let flags: Vec<bool> = same.iter().map(|h| returning(h.id)).collect();
        if !flags.contains(&true) || !flags.contains(&false) {
            continue;
        }
        // The persons found by the surname alone: every returning client before the others.
        let first_other = flags.iter().position(|r| !r).unwrap();
        assert!(
            flags[first_other..].iter().all(|r| !r),
            "{surname}: {:?}",
            same.iter()
                .zip(&flags)
                .map(|(h, r)| format!("{} {} {r}", h.cognome, h.nome))
                .collect::<Vec<_>>()
        );
        checked += 1;
    }
    assert!(
        checked >= 3,
        "only {checked} surnames mix returning and new persons"
    );
}
