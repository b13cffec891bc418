//! Store rules through the library API: optimistic locking, login and lockout, append-only audit.

mod common;

use sportello::auth::{self, LoginError, Origin};
use sportello::domain::{Actor, NewEnte, NewOperatore, Outcome, Role, RoleSet};
use sportello::store::StoreError;
use sportello::store::prelude::*;
use sportello::store::sqlite::SqliteStore;

const PW: &str = "password-corretta";

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut s = SqliteStore::create(&path).unwrap();
    let actor = Actor::system(Some("test".into()), None);
    let ente = sportello::service::Service::new(&mut s)
        .create_ente(
            &actor,
            &NewEnte {
                nome: "Comune".into(),
                belfiore: Some("G478".into()),
                tipo: "comune".into(),
                ..Default::default()
            },
        )
        .unwrap();
    for (u, attivo) in [("mrossi", true), ("spento", false)] {
        let new = NewOperatore {
            username: u.into(),
            nome: "Maria".into(),
            cognome: "Rossi".into(),
            roles: RoleSet::from_roles(&[Role::Sportello]),
            enti: vec![ente],
            ..Default::default()
        };
        sportello::service::Service::new(&mut s)
            .add_user(&actor, &new, Some(PW))
            .unwrap();
        if !attivo {
            sportello::service::Service::new(&mut s)
                .disable_user(&actor, u)
                .unwrap();
        }
    }
    (dir, path)
}

#[test]
fn second_session_updating_the_same_record_gets_a_conflict() {
    let (_d, path) = setup();
    let actor = Actor::system(None, None);
    let mut a = SqliteStore::open(&path).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    let mut op_a = a.operatore_by_username("mrossi").unwrap().unwrap();
    let mut op_b = b.operatore_by_username("mrossi").unwrap().unwrap();
    op_a.nome = "Maria Grazia".into();
    op_b.nome = "Mariella".into();
    a.update_operatore(&actor, &op_a).unwrap();
    let err = b.update_operatore(&actor, &op_b).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                entity: "operatore",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("modificato da un altro operatore"));
    let now = a.operatore_by_username("mrossi").unwrap().unwrap();
    assert_eq!(now.nome, "Maria Grazia");
    assert_eq!(now.version, op_a.version + 1);
}

fn login(s: &mut SqliteStore, u: &str, p: &str, now: i64) -> Result<String, LoginError> {
    auth::login(
        s,
        u,
        p,
        &Origin {
            os_user: Some("thin01".into()),
            ssh_client: Some("10.0.0.7".into()),
        },
        now,
    )
    .map(|o| o.username)
}

#[test]
fn login_cases_give_the_right_italian_messages_and_are_audited() {
    let (_d, path) = setup();
    let mut s = SqliteStore::open(&path).unwrap();
    let t = 1_800_000_000;
    assert_eq!(login(&mut s, "mrossi", PW, t).unwrap(), "mrossi");
    let wrong = login(&mut s, "mrossi", "sbagliata-sbagliata", t).unwrap_err();
    let unknown = login(&mut s, "nessuno", PW, t).unwrap_err();
    assert_eq!(
        wrong, unknown,
        "same message for unknown user and wrong password"
    );
    assert_eq!(wrong.to_string(), "Nome utente o password non validi");
    assert_eq!(
        login(&mut s, "mrossi", "", t).unwrap_err(),
        LoginError::Invalid
    );
    assert_eq!(
        login(&mut s, "mrossi", &"x".repeat(10_000), t).unwrap_err(),
        LoginError::Invalid
    );
    // A disabled account is not confirmed by its right password.
    assert_eq!(
        login(&mut s, "spento", PW, t).unwrap_err(),
        LoginError::Invalid
    );
    assert_eq!(
        login(&mut s, "spento", "sbagliata-sbagliata", t).unwrap_err(),
        LoginError::Invalid
    );
    let audit = s.audit_tail(6).unwrap();
    assert!(audit.iter().all(|r| r.event.action == "login"));
    // The audit says which failure it was; the operator is told the same thing every time.
    let why: Vec<_> = audit.iter().map(|r| r.event.detail.as_deref()).collect();
    assert_eq!(
        why,
        [
            Some("account disabilitato"),
            Some("account disabilitato"),
            Some("nome utente o password vuoti o troppo lunghi"),
            Some("nome utente o password vuoti o troppo lunghi"),
            Some("utente sconosciuto"),
            Some("password errata"),
        ]
    );
    assert_eq!(
        audit
            .iter()
            .filter(|r| r.event.outcome == Outcome::Failed)
            .count(),
        6
    );
    assert!(
        audit
            .iter()
            .all(|r| r.ssh_client.as_deref() == Some("10.0.0.7"))
    );
    assert!(s.check().unwrap().is_empty());
}

#[test]
fn twenty_parallel_wrong_logins_verify_at_most_five_passwords() {
    let (_d, path) = setup();
    let t = 1_800_000_000;
    let start = std::sync::Arc::new(std::sync::Barrier::new(20));
    let threads: Vec<_> = (0..20)
        .map(|_| {
            let (path, start) = (path.clone(), start.clone());
            std::thread::spawn(move || {
                let mut s = SqliteStore::open(&path).unwrap();
                start.wait();
                login(&mut s, "mrossi", "sbagliata-sbagliata", t).unwrap_err()
            })
        })
        .collect();
    let results: Vec<LoginError> = threads.into_iter().map(|h| h.join().unwrap()).collect();
    let invalid = results
        .iter()
        .filter(|e| **e == LoginError::Invalid)
        .count();
    let locked = results.iter().filter(|e| **e == LoginError::Locked).count();
    assert_eq!((invalid, locked), (5, 15), "{results:?}");
    // The audit agrees: five verified (failed) attempts, fifteen refused before verification.
    let s = SqliteStore::open(&path).unwrap();
    let audit: Vec<_> = s
        .audit_tail(20)
        .unwrap()
        .into_iter()
        .filter(|r| r.event.action == "login")
        .collect();
    let failed = audit.iter().filter(|r| r.event.outcome == Outcome::Failed);
    assert_eq!(failed.clone().count(), 5);
    assert!(
        failed
            .clone()
            .all(|r| r.event.detail.as_deref() == Some("password errata"))
    );
    assert_eq!(
        audit
            .iter()
            .filter(|r| r.event.outcome == Outcome::Denied)
            .count(),
        15
    );
}

#[test]
fn five_failures_lock_the_account_for_fifteen_minutes() {
    let (_d, path) = setup();
    let mut s = SqliteStore::open(&path).unwrap();
    let t = 1_800_000_000;
    for i in 0..5 {
        assert_eq!(
            login(&mut s, "mrossi", "sbagliata-sbagliata", t + i * 60).unwrap_err(),
            LoginError::Invalid
        );
    }
    // The right password is refused while locked.
    let locked = login(&mut s, "mrossi", PW, t + 5 * 60).unwrap_err();
    assert_eq!(locked, LoginError::Locked);
    // The same message as a wrong password: the lock does not confirm the account either.
    assert_eq!(locked.to_string(), "Nome utente o password non validi");
    // Unknown users lock the same way: the lock does not reveal which accounts exist.
    for i in 0..5 {
        let _ = login(&mut s, "fantasma", "x-x-x-x-x-x-x", t + i);
    }
    assert_eq!(
        login(&mut s, "fantasma", "x-x-x-x-x-x-x", t + 10).unwrap_err(),
        LoginError::Locked
    );
    // 15 minutes after the fifth failure the lock is over.
    assert_eq!(
        login(&mut s, "mrossi", PW, t + 4 * 60 + 15 * 60).unwrap(),
        "mrossi"
    );
    // A success resets the count.
    assert_eq!(
        login(&mut s, "mrossi", "sbagliata-sbagliata", t + 20 * 60).unwrap_err(),
        LoginError::Invalid
    );
    assert_eq!(
        login(&mut s, "mrossi", PW, t + 20 * 60 + 1).unwrap(),
        "mrossi"
    );
}

#[test]
fn system_login_maps_os_account_and_refuses_unknown() {
    let (_d, path) = setup();
    let mut s = SqliteStore::open(&path).unwrap();
    let actor = Actor::system(None, None);
    let mut op = s.operatore_by_username("mrossi").unwrap().unwrap();
    op.os_user = Some("mrossi_os".into());
    s.update_operatore(&actor, &op).unwrap();
    let origin = |u: &str| Origin {
        os_user: Some(u.into()),
        ssh_client: None,
    };
    assert_eq!(
        auth::login_system(&mut s, &origin("mrossi_os"), 1)
            .unwrap()
            .username,
        "mrossi"
    );
    assert_eq!(
        auth::login_system(&mut s, &origin("intruso"), 2).unwrap_err(),
        LoginError::Invalid
    );
}

#[test]
fn audit_log_rejects_update_and_delete_and_check_reports_tampering() {
    let (_d, path) = setup();
    let c = rusqlite::Connection::open(&path).unwrap();
    let upd = c
        .execute("UPDATE audit_log SET username = 'x' WHERE id = 1", [])
        .unwrap_err();
    assert!(upd.to_string().contains("append-only"), "{upd}");
    let del = c
        .execute("DELETE FROM audit_log WHERE id = 1", [])
        .unwrap_err();
    assert!(del.to_string().contains("append-only"));
    assert!(
        SqliteStore::open(&path)
            .unwrap()
            .check()
            .unwrap()
            .is_empty()
    );
    // Someone with file access drops the trigger and rewrites history.
    c.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'ruoli=admin' WHERE id = 3;")
        .unwrap();
    let problems = SqliteStore::open(&path).unwrap().check().unwrap();
    assert_eq!(
        problems,
        vec!["registro di audit: la riga 3 è stata alterata".to_string()]
    );
    // Deleting a row in the middle is caught too.
    c.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2;")
        .unwrap();
    let problems = SqliteStore::open(&path).unwrap().check().unwrap();
    assert!(
        problems.iter().any(|p| p.contains("manca la riga 2")),
        "{problems:?}"
    );
}

/// The WAL of 500 small commits, with room to spare; 3,000 commits without checkpoints are several
/// times larger.
const WAL_BOUND: u64 = 16 * 1024 * 1024;

#[test]
fn wal_file_stays_bounded_under_many_small_writes() {
    let (_d, path) = setup();
    let mut s = SqliteStore::open(&path).unwrap();
    // SQLite's own autocheckpoint (1,000 pages) would bound the WAL by itself: off, so that only
    // the store's periodic passive checkpoints keep it small.
    s.set_wal_autocheckpoint(0).unwrap();
    let actor = Actor::system(None, None);
    for i in 0..3000 {
        sportello::service::Service::new(&mut s)
            .create_ufficio(&actor, 1, &format!("U{i}"))
            .unwrap();
    }
    let wal = std::fs::metadata(format!("{}-wal", path.display()))
        .map(|m| m.len())
        .unwrap_or(0);
    // A checkpoint every 500 commits: the WAL never holds more than 500 commits' pages.
    assert!(wal < WAL_BOUND, "WAL grew to {wal} bytes");
}
