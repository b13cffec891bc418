//! The helpdesk commands on the real binary: `anonymize` (checked per person, then by grep),
//! `support bundle`, `recordings list` and `replay` (its opening audited), `crash list/show`.

mod common;

use std::collections::BTreeMap;
use std::io::Read;

use common::{Env, code, text};
use sportello::demo;
use sportello::domain::cf;
use sportello::store::sqlite::SqliteStore;

fn demo_env(persons: usize) -> Env {
    let env = Env::new();
    common::fixture::demo_at(&env.db(), persons);
    env
}

type Person = (
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn persons(db: &std::path::Path) -> BTreeMap<i64, Person> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT id, codice_fiscale, cognome, nome, telefono, cellulare FROM soggetto")
        .unwrap();
    st.query_map([], |r| {
        Ok((
            r.get(0)?,
            (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn counts(db: &std::path::Path) -> Vec<(String, i64)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .filter(|t| !t.starts_with("soggetto_parola"))
        .map(|t| {
            let n = c
                .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect()
}

#[test]
fn anonymize_replaces_every_person_and_keeps_the_database_whole() {
    let env = demo_env(200);
    let db = env.db();
    // A surname inside free text: a note and a deletion reason that name the person.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "UPDATE soggetto SET deleted_reason = 'Doppione di ' || cognome || ' ' || nome WHERE id = 3;
         UPDATE soggetto SET struttura_accoglienza = 'Ospite presso la famiglia ' || cognome WHERE id = 4;
         UPDATE soggetto SET telefono = '075' || (5000000 + id) WHERE telefono IS NULL;",
    )
    .unwrap();
    drop(conn);
    let before = persons(&db);
    let tables = counts(&db);
    let copy = env.dir.path().join("pseudo.db");
    let out = env.run(&["anonymize", "--out", copy.to_str().unwrap()], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let after = persons(&copy);
    assert_eq!(before.len(), after.len());
    assert_eq!(tables, counts(&copy), "every count kept");
    let today = time::Date::from_calendar_date(2026, time::Month::December, 1).unwrap();
    for (id, (cf0, cognome0, nome0, tel0, cell0)) in &before {
        let (cf1, cognome1, nome1, tel1, cell1) = &after[id];
        if let Some(c0) = cf0 {
            let c1 = cf1.as_ref().expect("codice fiscale kept as a column");
            assert_ne!(c0, c1, "person {id}: original codice fiscale survived");
            if !cf::is_temporary(c1) && c1.len() == 16 {
                assert!(cf::validate(c1).is_ok(), "person {id}: invalid {c1}");
                let base = &c1[..6];
                assert_eq!(
                    base,
                    format!("{}{}", cf::surname_code(cognome1), cf::name_code(nome1)),
                    "person {id}: codice fiscale not consistent with the pseudonym"
                );
                let _ = today;
            }
        }
        assert_ne!(
            (cognome0, nome0),
            (cognome1, nome1),
            "person {id}: surname and name survived"
        );
        assert_ne!(cognome0, cognome1, "person {id}: surname survived");
        for (p0, p1) in [(tel0, tel1), (cell0, cell1)] {
            if p0.is_some() {
                assert_ne!(p0, p1, "person {id}: phone survived");
            }
        }
    }
    // Grep over the whole file: no original codice fiscale or phone number anywhere.
    let mut bytes = Vec::new();
    std::fs::File::open(&copy)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    let hay = String::from_utf8_lossy(&bytes);
    for (id, (cf0, cognome0, _, tel0, cell0)) in &before {
        for needle in [cf0, tel0, cell0].into_iter().flatten() {
            assert!(
                !hay.contains(needle.as_str()),
                "person {id}: {needle} in the copy"
            );
        }
        if *id == 3 || *id == 4 {
            let c = rusqlite::Connection::open(&copy).unwrap();
            let (reason, host): (Option<String>, Option<String>) = c
                .query_row(
                    "SELECT deleted_reason, struttura_accoglienza FROM soggetto WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            let free = reason.or(host).unwrap();
            assert!(
                !free.contains(cognome0.as_str()),
                "surname in free text: {free}"
            );
        }
    }
    // The copy passes the integrity check, and password hashes did not travel.
    let out = env.run_on(&copy, &["check"], "");
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    let c = rusqlite::Connection::open(&copy).unwrap();
    let hashes: i64 = c
        .query_row(
            "SELECT count(*) FROM operatore WHERE password_hash IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hashes, 0);
    // Refused over an existing file.
    let again = env.run(&["anonymize", "--out", copy.to_str().unwrap()], "");
    assert_eq!(code(&again), 2, "{}", text(&again.stderr));
}

#[test]
fn support_bundle_recordings_and_crash_reports() {
    let env = demo_env(5);
    // A crash report as the panic hook writes it.
    let crash = env.dir.path().join("log").join("crash");
    std::fs::create_dir_all(&crash).unwrap();
    std::fs::write(
        crash.join("crash-1800000000-42.txt"),
        "segnalazione: 1800000000-42\n",
    )
    .unwrap();
    let out = env.run(&["crash", "list"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("1800000000-42\t"));
    let out = env.run(&["crash", "show", "1800000000-42"], "");
    assert_eq!(text(&out.stdout), "segnalazione: 1800000000-42\n");
    let out = env.run(&["crash", "show", "nessuno"], "");
    assert_eq!(code(&out), 1);

    let bundle = env.dir.path().join("assistenza.tar.gz");
    let out = env.run(
        &["support", "bundle", "--out", bundle.to_str().unwrap()],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&bundle).unwrap())
        .read_to_end(&mut tar)
        .unwrap();
    // Walk the ustar entries.
    let mut names = Vec::new();
    let mut at = 0;
    while at + 512 <= tar.len() && tar[at] != 0 {
        let h = &tar[at..at + 512];
        let name = String::from_utf8_lossy(&h[..100])
            .trim_end_matches('\0')
            .to_string();
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&h[124..135]).trim_end_matches('\0'),
            8,
        )
        .unwrap();
        let sum: u32 = h[..148]
            .iter()
            .chain([b' '; 8].iter())
            .chain(&h[156..])
            .map(|&b| u32::from(b))
            .sum();
        let stored =
            u32::from_str_radix(String::from_utf8_lossy(&h[148..154]).as_ref(), 8).unwrap();
        assert_eq!(sum, stored, "checksum of {name}");
        names.push((
            name,
            String::from_utf8_lossy(&tar[at + 512..at + 512 + size]).into_owned(),
        ));
        at += 512 + size.div_ceil(512) * 512;
    }
    let get = |n: &str| {
        names
            .iter()
            .find(|(x, _)| x == &format!("sportello-assistenza/{n}"))
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| {
                panic!(
                    "{n} missing: {:?}",
                    names.iter().map(|x| &x.0).collect::<Vec<_>>()
                )
            })
    };
    assert!(get("versione.txt").contains(env!("CARGO_PKG_VERSION")));
    assert!(get("configurazione.txt").contains("recording_days = 30"));
    assert!(
        get("verifica.txt").contains("nessun problema"),
        "{}",
        get("verifica.txt")
    );
    assert!(get("crash/crash-1800000000-42.txt").contains("1800000000-42"));
    get("log/ultime-righe.log");
    assert!(
        !tar.windows(demo::DEMO_PASSWORD.len())
            .any(|w| w == demo::DEMO_PASSWORD.as_bytes())
    );
}

#[test]
fn replay_from_the_recording_dir_is_audited_and_listed() {
    use sportello::ui::app::AppConfig;
    use sportello::ui::harness::Harness;
    let env = demo_env(5);
    let dir = env
        .dir
        .path()
        .join("data")
        .join("sportello")
        .join("registrazioni");
    // A session recorded into the recording dir through the harness.
    let (path, file) = sportello::record::files::create(&dir, "99", "20270115-0800").unwrap();
    let config = AppConfig {
        recording: Some("99".into()),
        ..AppConfig::headless(false)
    };
    let store = Box::new(SqliteStore::open(&env.db()).unwrap());
    let mut h = Harness::recorded(store, config, 80, 24, Box::new(file), false).unwrap();
    h.keys("<Enter>").login("sportello", demo::DEMO_PASSWORD);
    let screen = h.text();
    drop(h);

    let out = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .args(["recordings", "list"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(
        listed.contains("\t99\t") && listed.contains("in chiaro"),
        "{listed}"
    );

    let out = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .args(["replay", "--headless"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), screen);
    assert!(text(&out.stderr).contains("Replica completa"));
    let c = rusqlite::Connection::open(env.db()).unwrap();
    let audited: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'apri_registrazione'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1, "each opening audited");

    let cast = env.dir.path().join("s.cast");
    let out = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .arg("replay")
        .arg(&path)
        .arg("--cast")
        .arg(&cast)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let first = std::fs::read_to_string(&cast).unwrap();
    assert!(first.starts_with("{\"version\":2") || first.contains("\"version\":2"));
}
