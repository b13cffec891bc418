//! The committed recordings: every log under `tests/replays/` (only redacted logs or logs of demo
//! or pseudonymised databases enter the repository) is replayed and must reach its expected final
//! screen (`NAME.txt` beside `NAME.jsonl`) with every frame identical. A fixed bug that has a
//! recording adds its log here. `SPORTELLO_BLESS_REPLAYS=1` records the built-in session again
//! (after a deliberate change of the screens).

use std::io::BufReader;
use std::path::Path;

use sportello::demo;
use sportello::domain::Actor;
use sportello::record::replay::{Mode, Stop, replay};
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::ui::app::AppConfig;
use sportello::ui::harness::Harness;

const DIR: &str = "tests/replays";

/// A demo session: login, a person found by codice fiscale, a new scheda saved in sospeso.
fn record_scheda_in_sospeso(dir: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("d.db");
    let mut s = SqliteStore::create(&path).unwrap();
    demo::create(&mut s, &Actor::system(None, None), 30).unwrap();
    let cf = (1..30)
        .filter_map(|id| s.soggetto(id).unwrap())
        .find(|p| p.data_nascita.as_deref().is_some_and(|d| d < "1990"))
        .and_then(|p| p.codice_fiscale)
        .unwrap();
    drop(s);
    let log = dir.join("scheda-in-sospeso.jsonl");
    let _ = std::fs::remove_file(&log);
    let file = std::fs::File::create(&log).unwrap();
    let config = AppConfig {
        recording: Some("demo".into()),
        ..AppConfig::headless(false)
    };
    let store = Box::new(SqliteStore::open(&path).unwrap());
    let mut h = Harness::recorded(store, config, 80, 24, Box::new(file), false).unwrap();
    h.keys("<Enter>").login("sportello", demo::DEMO_PASSWORD);
    h.keys("1").keys(&cf).keys("<Enter><C-n>");
    h.keys("<C-s>");
    std::fs::write(dir.join("scheda-in-sospeso.txt"), h.text()).unwrap();
}

#[test]
fn committed_replays_reach_their_final_screen() {
    let dir = Path::new(DIR);
    if std::env::var_os("SPORTELLO_BLESS_REPLAYS").is_some() {
        record_scheda_in_sospeso(dir);
    }
    let mut replayed = 0;
    let mut logs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    logs.sort();
    for log in logs {
        let input = BufReader::new(std::fs::File::open(&log).unwrap());
        let report = replay(input, Mode::Exact, None, |_, _| {}).unwrap();
        assert!(
            report.header.redacted || report.header.demo,
            "{}: only redacted or demo logs in the repository",
            log.display()
        );
        assert_eq!(
            report.stop,
            Stop::End,
            "{}: {}",
            log.display(),
            report.summary()
        );
        let expected = std::fs::read_to_string(log.with_extension("txt")).unwrap();
        assert_eq!(report.screen, expected, "{}", log.display());
        replayed += 1;
    }
    assert!(replayed >= 1, "no recording under {DIR}");
}
