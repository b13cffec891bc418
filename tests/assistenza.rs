//! Helpdesk-started recording and the Assistenza module, headless: a request for an operator is
//! consumed by their next login (notice, ● REG, a 0600 log naming them and their ente, replaying
//! exactly), never on without one, not after it expires; redaction forced by configuration; the
//! helpdesk opens the log in the in-app viewer and steps through it (the opening audited).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use sportello::demo;
use sportello::domain::Actor;
use sportello::record::replay::{Mode, Stop, replay};
use sportello::record::{Header, OnRequest};
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::AppConfig;
use sportello::ui::harness::{Harness, START_MS};
use sportello::ui::popup::Popup;

fn demo_db(dir: &Path) -> PathBuf {
    common::fixture::demo_db(dir, 20)
}

fn request(db: &Path, giorni: u32, at_ms: i64) -> i64 {
    let mut store = SqliteStore::open(db).unwrap();
    Service::new(&mut store)
        .request_recording(
            &Actor::system(Some("helpdesk-os".into()), None),
            "sportello",
            "42/2026",
            false,
            giorni,
            at_ms,
        )
        .unwrap()
}

fn on(dir: &Path, force_redact: bool) -> OnRequest {
    OnRequest {
        dir: dir.to_path_buf(),
        retention_days: 30,
        force_redact,
        schema: 18,
        size: (80, 24),
        start_ms: START_MS,
    }
}

fn session(db: &Path, reg: &Path, force_redact: bool) -> Harness {
    let config = AppConfig {
        recording_dir: reg.to_path_buf(),
        ..AppConfig::headless(false)
    };
    Harness::requestable(
        Box::new(SqliteStore::open(db).unwrap()),
        config,
        80,
        24,
        on(reg, force_redact),
    )
}

fn logs(reg: &Path) -> Vec<PathBuf> {
    sportello::record::files::list(reg)
        .unwrap()
        .into_iter()
        .map(|r| r.path)
        .collect()
}

#[test]
fn a_requested_recording_starts_at_the_next_login_and_replays_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let reg = dir.path().join("registrazioni");
    request(&db, 7, START_MS - 3_600_000);
    let mut h = session(&db, &reg, false);
    assert!(
        !h.text().contains("REG"),
        "nothing said before the login:\n{}",
        h.text()
    );
    h.keys("sportel");
    h.login("lo", demo::DEMO_PASSWORD);
    assert!(
        matches!(&h.app.popup, Some(Popup::Message { text, .. })
            if text == "Questa sessione viene registrata per la segnalazione 42/2026"),
        "{}",
        h.text()
    );
    h.keys("<Enter>");
    assert!(h.text().contains("● REG 42/2026"), "{}", h.text());
    h.keys("1ros").advance(600);
    assert!(h.text().contains("● REG 42/2026"));
    let screen = h.text();
    let files = logs(&reg);
    assert_eq!(files.len(), 1);
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(!text.contains(demo::DEMO_PASSWORD));
    let header: Header = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(
        (header.operatore.as_str(), header.incident.as_str()),
        ("sportello", "42/2026")
    );
    assert!(header.requested && header.ente.is_some() && !header.redacted);
    // The log starts from the first message: it replays to the same screen, every frame equal.
    let report = replay(std::io::Cursor::new(text), Mode::Exact, None, |_, _| {}).unwrap();
    assert_eq!(report.stop, Stop::End, "{}", report.summary());
    assert_eq!(report.screen, screen);
    // Consumed by this session, audited with who asked and who was recorded.
    let store = SqliteStore::open(&db).unwrap();
    let r = &store.recording_requests().unwrap()[0];
    assert_eq!(r.stato, "avviata");
    let audit = store.audit_tail(50).unwrap();
    let started = audit
        .iter()
        .find(|a| a.event.action == "avvia_registrazione_richiesta")
        .unwrap();
    assert_eq!(started.username, "sportello");
    assert!(
        started
            .event
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("helpdesk-os")
    );
    // The next session of the same operator is not recorded.
    let mut again = session(&db, &reg, false);
    again.login("sportello", demo::DEMO_PASSWORD);
    assert!(again.app.popup.is_none() && !again.text().contains("REG"));
    assert_eq!(logs(&reg).len(), 1);
}

#[test]
fn never_without_a_request_nor_after_it_expires_and_redacted_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let reg = dir.path().join("registrazioni");
    let mut h = session(&db, &reg, false);
    h.login("sportello", demo::DEMO_PASSWORD);
    assert!(!h.text().contains("REG"));
    assert!(logs(&reg).is_empty());
    // A request made 2 days before, valid 1 day: expired.
    request(&db, 1, START_MS - 2 * 86_400_000);
    let mut h = session(&db, &reg, false);
    h.login("sportello", demo::DEMO_PASSWORD);
    assert!(!h.text().contains("REG") && logs(&reg).is_empty());
    // recording_redact = true: the requested recording is redacted.
    request(&db, 7, START_MS);
    let mut h = session(&db, &reg, true);
    h.login("sportello", demo::DEMO_PASSWORD).keys("<Enter>");
    let text = std::fs::read_to_string(&logs(&reg)[0]).unwrap();
    let header: Header = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert!(header.redacted);
    assert!(
        !text.contains("Giulia"),
        "the operator's name is masked in replies"
    );
}

#[test]
fn the_helpdesk_opens_a_recording_in_assistenza_and_steps_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let reg = dir.path().join("registrazioni");
    request(&db, 7, START_MS);
    let mut h = session(&db, &reg, false);
    h.login("sportello", demo::DEMO_PASSWORD)
        .keys("<Enter>1ros");
    let mut hd = session(&db, &reg, false);
    hd.login("helpdesk", demo::DEMO_PASSWORD);
    hd.keys("1");
    assert!(
        hd.text().contains("Registrazioni delle sessioni"),
        "{}",
        hd.text()
    );
    hd.keys("1");
    let list = hd.text();
    assert!(
        list.contains("42/2026") && list.contains("sportello") && list.contains("no"),
        "{list}"
    );
    hd.keys("<Enter>");
    let screen = hd.text();
    assert!(screen.contains("Messaggio 0/"), "{screen}");
    hd.keys("<End>");
    let end = hd.text();
    assert!(
        end.contains("Messaggio ") && !end.contains("diversa"),
        "{end}"
    );
    hd.keys("<Left><Left>g3<Enter>");
    assert!(hd.text().contains("Messaggio 3/"), "{}", hd.text());
    let store = SqliteStore::open(&db).unwrap();
    let opened = store
        .audit_tail(20)
        .unwrap()
        .into_iter()
        .find(|a| a.event.action == "apri_registrazione")
        .unwrap();
    assert_eq!(opened.username, "helpdesk");
    // The request from the screen: Ctrl+N, operator, incident, redacted.
    hd.keys("q<Esc>3<C-n>");
    hd.keys("amministrativo<Enter>77<Enter>2");
    let store = SqliteStore::open(&db).unwrap();
    let r = &store.recording_requests().unwrap()[0];
    assert_eq!(
        (r.operatore.as_str(), r.segnalazione.as_str(), r.oscurata),
        ("amministrativo", "77", true)
    );
    assert!(hd.text().contains("77"), "{}", hd.text());
}
