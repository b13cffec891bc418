//! Retention end to end: `purge` removes login attempts, drafts, audit rows, recordings and crash
//! reports past their period, never what concerns a person or case under legal hold; the audit chain
//! still verifies across the removed runs; a dry run changes nothing; the CLI prints the counts.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use sportello::domain::retention::Retention;
use sportello::domain::{Actor, AuditRow};
use sportello::service::Service;
use sportello::service::retention::{Held, PurgeFiles};
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;
use sportello::store::{LoginAttempt, LoginResult};

use common::{Env, code, text};

fn audit(store: &dyn Store) -> Vec<AuditRow> {
    store.audit_tail(1_000_000).unwrap()
}

fn files(dir: &Path) -> PurgeFiles {
    PurgeFiles {
        recording_dir: dir.join("reg"),
        recording_days: 30,
        crash_dir: dir.join("crash"),
    }
}

/// A file in `dir` last written `days` days ago.
fn aged(dir: &Path, name: &str, days: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let f = std::fs::File::create(dir.join(name)).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(days * 86_400))
        .unwrap();
}

#[test]
fn purge_keeps_what_is_held_and_the_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::lived_in_db(dir.path(), 300);
    let mut store = SqliteStore::open(&path).unwrap();
    let sys = Actor::system(None, None);
    let resp = store
        .operatore_by_username("responsabile")
        .unwrap()
        .unwrap();
    let resp = Actor::operatore(&resp, None, None);
    // Reads of three persons (audited), a draft, a failed login; an old recording and crash report
    // beside new ones.
    let ids: Vec<i64> = rusqlite::Connection::open(&path)
        .unwrap()
        .prepare("SELECT id FROM soggetto ORDER BY id LIMIT 3")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut svc = Service::new(&mut store);
    for id in &ids {
        svc.read_soggetto(&resp, *id).unwrap();
    }
    svc.save_draft(&resp, "scheda", "", "{}").unwrap();
    svc.store_mut()
        .record_login(
            &LoginAttempt {
                at: sportello::domain::date::now_ms() / 1000,
                username: "nessuno".into(),
                result: LoginResult::Failed,
                os_user: None,
                ssh_client: None,
            },
            None,
        )
        .unwrap();
    aged(&dir.path().join("reg"), "vecchia.jsonl", 40);
    aged(&dir.path().join("reg"), "nuova.jsonl", 2);
    aged(&dir.path().join("crash"), "crash-1-1.txt", 100);
    aged(&dir.path().join("crash"), "crash-2-1.txt", 10);
    // The first person is under legal hold; the second is held through a case of theirs when the
    // demo gave them one.
    svc.set_legal_hold(&sys, Held::Soggetto(ids[0]), Some("procedimento 12/2026"))
        .unwrap();
    assert!(
        svc.set_legal_hold(&sys, Held::Soggetto(-5), Some("x"))
            .unwrap_err()
            .to_string()
            .starts_with("non trovato")
    );
    let policy = Retention::default();
    // Three years on, everything written today is past every period.
    let later = time::OffsetDateTime::now_utc() + time::Duration::days(3 * 365);

    // The nightly `check` anchors the head: rows after the anchor wait for the next one.
    assert_eq!(svc.check(&sys).unwrap(), Vec::<String>::new());
    let before = audit(svc.store());
    let dry = svc
        .purge(&sys, &policy, &files(dir.path()), later, true)
        .unwrap();
    assert!(dry.audit_rows > 100, "{dry:?}");
    assert_eq!((dry.drafts, dry.recordings, dry.crash_reports), (1, 2, 2));
    assert!(dry.login_attempts >= 1 && dry.audit_held >= 1, "{dry:?}");
    // The dry run removed nothing and says so in its audit row.
    let after_dry = audit(svc.store());
    assert_eq!(after_dry.len(), before.len() + 1);
    assert!(
        after_dry[0]
            .event
            .detail
            .as_deref()
            .unwrap()
            .starts_with("prova: ")
    );
    assert!(dir.path().join("reg/nuova.jsonl").exists());

    assert_eq!(svc.check(&sys).unwrap(), Vec::<String>::new());
    let done = svc
        .purge(&sys, &policy, &files(dir.path()), later, false)
        .unwrap();
    // The same rows as the dry run; the hold's own row, the head then, is now held too, and the
    // dry run's row is the head, which always stays.
    assert_eq!(done.audit_rows, dry.audit_rows);
    assert_eq!(done.audit_held, dry.audit_held + 1);
    assert!(
        std::fs::read_dir(dir.path().join("reg"))
            .unwrap()
            .next()
            .is_none()
    );
    assert!(
        std::fs::read_dir(dir.path().join("crash"))
            .unwrap()
            .next()
            .is_none()
    );
    let left = audit(svc.store());
    // Left: the held rows, the head before the purge, and the purge's own row.
    assert_eq!(left.len(), done.audit_held + 2, "{left:#?}");
    assert_eq!(left[0].event.action, "purga_dati");
    let held_reads = left
        .iter()
        .filter(|r| {
            r.event.entity.as_deref() == Some("soggetto") && r.event.entity_id == Some(ids[0])
        })
        .count();
    assert!(
        held_reads >= 2,
        "the read and the hold of the held person stay"
    );
    assert!(!left.iter().any(
        |r| r.event.entity_id == Some(ids[2]) && r.event.entity.as_deref() == Some("soggetto")
    ));
    assert!(
        svc.store()
            .list_drafts(resp.operatore_id.unwrap())
            .unwrap()
            .is_empty()
    );
    assert_eq!(svc.check(&sys).unwrap(), Vec::<String>::new());

    // New rows, a second purge later on: adjacent runs still bridge, the chain still verifies.
    svc.read_soggetto(&resp, ids[1]).unwrap();
    assert_eq!(svc.check(&sys).unwrap(), Vec::<String>::new());
    let again = svc
        .purge(
            &sys,
            &policy,
            &files(dir.path()),
            later + time::Duration::days(30),
            false,
        )
        .unwrap();
    assert!(again.audit_rows >= 2, "{again:?}");
    assert_eq!(svc.check(&sys).unwrap(), Vec::<String>::new());
    // Lifting the hold lets the next purge take the held rows.
    svc.set_legal_hold(&sys, Held::Soggetto(ids[0]), None)
        .unwrap();
    assert_eq!(svc.check(&sys).unwrap(), Vec::<String>::new());
    let last = svc
        .purge(
            &sys,
            &policy,
            &files(dir.path()),
            later + time::Duration::days(60),
            false,
        )
        .unwrap();
    assert_eq!(last.audit_held, 0);
    assert!(last.audit_rows >= held_reads);
    assert_eq!(svc.check(&sys).unwrap(), Vec::<String>::new());

    // Outside a recorded purge run a row still cannot be deleted; removed behind the triggers'
    // back it is reported.
    let head = audit(&store as &dyn Store)[0].id;
    let c = rusqlite::Connection::open(&path).unwrap();
    let err = c
        .execute("DELETE FROM audit_log WHERE id = ?1", [head - 1])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    c.execute_batch("DROP TRIGGER audit_log_no_delete").unwrap();
    c.execute("DELETE FROM audit_log WHERE id = ?1", [head - 1])
        .unwrap();
    let problems = store.check().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&format!("manca la riga {}", head - 1))),
        "{problems:?}"
    );
}

#[test]
fn purge_and_legal_hold_on_the_command_line() {
    let env = Env::new();
    env.init();
    let out = env.run(
        &["legal-hold", "add", "persona", "999", "--motivo", "esposto"],
        "",
    );
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("non trovato"),
        "{}",
        text(&out.stderr)
    );
    let out = env.run(&["purge", "--dry-run"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("prova: niente viene eliminato"),
        "{stdout}"
    );
    for line in [
        "tentativi di accesso (oltre 180 giorni): 0",
        "bozze (oltre 30 giorni): 0",
        "righe di audit (oltre 24 mesi): 0 (0 conservate per blocco legale)",
        "registrazioni (oltre 30 giorni): 0",
        "segnalazioni di errore (oltre 90 giorni): 0",
    ] {
        assert!(stdout.contains(line), "{line}\n{stdout}");
    }
    // The policy comes from the configuration; the audit period never goes below 24 months.
    let etc = env.dir.path().join("etc");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::write(
        etc.join("config.toml"),
        "[retention]\ndraft_days = 10\naudit_months = 6\n",
    )
    .unwrap();
    let out = env.run(&["purge"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("eliminati:"), "{stdout}");
    assert!(stdout.contains("bozze (oltre 10 giorni): 0"), "{stdout}");
    assert!(
        stdout.contains("righe di audit (oltre 24 mesi)"),
        "{stdout}"
    );
    let out = env.run(&["check"], "");
    assert_eq!(text(&out.stdout).trim(), "ok");
}

/// The home screen tells the operator which drafts the purge removes within the warning period
/// (the harness's today is 15/01/2027; drafts are kept 30 days, the warning comes 7 days before).
#[test]
fn the_home_screen_warns_before_a_draft_expires() {
    use sportello::ui::app::AppConfig;
    use sportello::ui::harness::Harness;
    let dir = tempfile::tempdir().unwrap();
    let path = common::fixture::demo_db(dir.path(), 30);
    let mut store = SqliteStore::open(&path).unwrap();
    let op = store.operatore_by_username("sportello").unwrap().unwrap();
    store.save_draft(op.id, "scheda", "", "{}").unwrap();
    store.save_draft(op.id, "persona", "12", "{}").unwrap();
    let c = rusqlite::Connection::open(&path).unwrap();
    for (form, at) in [
        ("scheda", "2026-12-20T10:00:00.000Z"),
        ("persona", "2027-01-10T10:00:00.000Z"),
    ] {
        c.execute("UPDATE bozza SET saved_at = ?2 WHERE form = ?1", [form, at])
            .unwrap();
    }
    let mut h = Harness::new(Box::new(store), AppConfig::headless(false), 100, 30);
    h.login("sportello", sportello::demo::DEMO_PASSWORD);
    let screen = h.text();
    assert!(screen.contains("Bozze non salvate: 2"), "{screen}");
    assert!(
        screen.contains("Bozza «scheda» eliminata il 19/01/2027 se non ripresa"),
        "{screen}"
    );
    assert!(!screen.contains("Bozza «persona»"), "{screen}");
}
