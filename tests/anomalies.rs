//! Access anomalies: an operator reading more persons than the hourly threshold is recorded once in
//! the audit log and shown to whoever reads the audit log on the home screen; reads under the
//! threshold, repeated reads of one person and refused reads are not anomalies.

mod common;

use sportello::domain::Actor;
use sportello::service::Service;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

use common::{Env, code, text};

#[test]
fn reads_over_the_threshold_are_recorded_once_and_shown_to_the_admin() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    let mut store = SqliteStore::open(&path).unwrap();
    let actor = |s: &SqliteStore, u: &str| {
        Actor::operatore(&s.operatore_by_username(u).unwrap().unwrap(), None, None)
    };
    let (resp, front, admin) = (
        actor(&store, "responsabile"),
        actor(&store, "sportello"),
        actor(&store, "admin"),
    );
    let sys = Actor::system(None, None);
    let now = time::OffsetDateTime::now_utc();
    let today = sportello::domain::date::today();
    let mut svc = Service::new(&mut store);
    // The responsabile reads six persons; the front desk one person six times.
    for id in 1..=6 {
        svc.read_soggetto(&resp, id).unwrap();
        svc.read_soggetto(&front, 1).unwrap();
    }
    assert!(
        svc.scan_anomalies(&sys, 6, now).unwrap().is_empty(),
        "six is not over six"
    );
    let found = svc.scan_anomalies(&sys, 5, now).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].username.as_str(), found[0].n),
        ("responsabile", 6)
    );
    // Recorded once: the next scan finds nothing new.
    assert!(svc.scan_anomalies(&sys, 5, now).unwrap().is_empty());
    let row = &svc.store().audit_tail(1).unwrap()[0];
    assert_eq!(row.event.action, "anomalia_letture");
    assert_eq!(row.event.entity_id, resp.operatore_id);
    assert!(
        row.event
            .detail
            .as_deref()
            .unwrap()
            .starts_with("responsabile: 6 persone, schede o casi letti in un'ora (soglia 5)")
    );
    // The admin sees it on the home screen; the front desk does not.
    let home = svc.home(&admin, today).unwrap();
    assert_eq!(home.anomalie.len(), 1, "{:?}", home.anomalie);
    assert!(home.anomalie[0].contains("responsabile: 6 persone"));
    assert!(svc.home(&front, today).unwrap().anomalie.is_empty());
}

#[test]
fn anomalies_on_the_command_line() {
    let env = Env::new();
    env.init();
    let out = env.run(&["anomalies"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "nessuna nuova anomalia (soglia 100 letture in un'ora)"
    );
    let out = env.run(&["anomalies", "--soglia", "3"], "");
    assert!(text(&out.stdout).contains("soglia 3"));
}
