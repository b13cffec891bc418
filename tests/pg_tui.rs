//! The terminal app on PostgreSQL, driven headlessly: live refresh through LISTEN/NOTIFY (what
//! another session commits shows at the next tick), and a session whose connection is lost says so
//! in the operator's words and recovers by itself when the server is back.

mod common;

use common::pg;
use sportello::demo;
use sportello::domain::Actor;
use sportello::domain::scheda::SchedaEdit;
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::AppConfig;
use sportello::ui::harness::Harness;

fn today() -> time::Date {
    time::Date::from_calendar_date(2027, time::Month::January, 15).unwrap()
}

/// A demo database on the server, with one scheda of today.
fn demo_on(url: &str) {
    let mut s = SqliteStore::create_postgres(url).unwrap();
    demo::create(&mut s, &Actor::system(None, None), 30).unwrap();
    new_scheda(url, 3);
}

/// Another session (its own connection) receives person `soggetto` today; the new scheda's number.
fn new_scheda(url: &str, soggetto: i64) -> i64 {
    let mut s = SqliteStore::open_postgres(url).unwrap();
    let op = s.operatore_by_username("sportello").unwrap().unwrap();
    let a = Actor::operatore(&op, None, None);
    let mut e = SchedaEdit {
        soggetto_id: soggetto,
        data_accesso: "2027-01-15".into(),
        operatore: "sportello".into(),
        ..Default::default()
    };
    for (k, v) in [
        ("interlocutore", "utente"),
        ("motivo_accesso", "spontaneo"),
        ("modalita_accesso", "persona"),
    ] {
        e.dati.insert(k.into(), serde_json::Value::from(v));
    }
    Service::new(&mut s)
        .save_scheda(&a, &e, false, today())
        .unwrap()
        .saved
        .numero
}

fn desk(url: &str) -> Harness {
    let mut h = Harness::new(
        Box::new(SqliteStore::open_postgres(url).unwrap()),
        AppConfig::headless(false),
        100,
        30,
    );
    h.login("sportello", demo::DEMO_PASSWORD);
    h.keys("2");
    // The watch's first answer is its baseline.
    h.advance(500).advance(500);
    h
}

/// Ticks (500 ms each) until `what` is on screen; how many it took.
fn ticks_until(h: &mut Harness, what: &str, most: usize) -> Option<usize> {
    for n in 1..=most {
        h.advance(500);
        if h.text().contains(what) {
            return Some(n);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    None
}

#[test]
fn a_scheda_saved_by_another_session_appears_at_the_next_tick() {
    let Some(db) = pg::database() else { return };
    let url = db.url();
    demo_on(&url);
    let mut a = desk(&url);
    assert!(a.text().contains("Schede di accesso"), "{}", a.text());
    let cognome = {
        let s = SqliteStore::open_postgres(&url).unwrap();
        s.soggetto(7).unwrap().unwrap().cognome
    };
    assert!(!a.text().contains(&cognome), "{}", a.text());
    let numero = new_scheda(&url, 7);
    let took = ticks_until(&mut a, &cognome, 6);
    assert!(
        matches!(took, Some(1 | 2)),
        "scheda {numero} of {cognome} not shown within 1 s ({took:?} ticks):\n{}",
        a.text()
    );
}

#[test]
fn a_lost_connection_is_said_in_italian_and_the_session_recovers_by_itself() {
    let Some(db) = pg::database() else { return };
    let url = db.url();
    demo_on(&url);
    let mut a = desk(&url);
    let psql = |sql: &str| {
        let out = db
            .psql()
            .args(["-d", "postgres", "-c", sql])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // The server goes away for this database: the session is dropped, no new one is accepted.
    psql(&format!(
        "ALTER DATABASE {} ALLOW_CONNECTIONS false",
        db.dbname
    ));
    psql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}'",
        db.dbname
    ));
    let said = ticks_until(&mut a, "connessione al database persa", 4).or_else(|| {
        // A key that reads (the list again) if the tick alone said nothing.
        a.keys("<Esc>2");
        ticks_until(&mut a, "connessione al database persa", 2)
    });
    assert!(said.is_some(), "{}", a.text());
    // The server is back: nothing to press, the next ticks reconnect and the list comes back
    // with what was committed meanwhile.
    psql(&format!(
        "ALTER DATABASE {} ALLOW_CONNECTIONS true",
        db.dbname
    ));
    let cognome = {
        let s = SqliteStore::open_postgres(&url).unwrap();
        s.soggetto(9).unwrap().unwrap().cognome
    };
    new_scheda(&url, 9);
    let back = ticks_until(&mut a, &cognome, 6);
    assert!(back.is_some(), "{}", a.text());
    assert!(
        !a.text().contains("connessione al database persa"),
        "{}",
        a.text()
    );
}
