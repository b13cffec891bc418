//! Backups with restore on the real binary: the restore drill (a backup taken while another process
//! writes, restored: every write acknowledged before the backup is there, `check` is ok, the
//! replaced database is kept aside), a damaged copy refused without touching anything, and the
//! rotation of `backup --dir`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use common::{Env, code, text};

fn count_uffici(db: &Path, prefix: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT count(*) FROM ufficio WHERE nome LIKE ?1 || '-%'",
        [prefix],
        |r| r.get(0),
    )
    .unwrap()
}

fn last_action(db: &Path) -> (String, String) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT action, coalesce(detail, '') FROM audit_log ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

fn check_ok(env: &Env, db: &Path) {
    let out = env.run_on(db, &["check"], "");
    assert_eq!(
        (code(&out), text(&out.stdout).trim().to_string()),
        (0, "ok".to_string()),
        "{}",
        text(&out.stderr)
    );
}

/// The files beside the database whose name starts with `prefix`.
fn beside(env: &Env, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    v.sort();
    v
}

#[test]
fn restore_drill_backup_during_writes_then_restore() {
    let env = Env::new();
    env.init();
    let mut writer = env
        .test_tools()
        .arg("--db")
        .arg(env.db())
        .args(["stress-write", "--count", "1000000", "--tag", "R"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = writer.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("ack ") && tx.send(()).is_err() {
                break;
            }
        }
    });
    let mut before = 0;
    while before < 50 {
        rx.recv().unwrap();
        before += 1;
    }
    let copy = env.dir.path().join("copia.db");
    let out = env.run(&["backup", "--out", copy.to_str().unwrap()], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // The writer goes on after the backup: these writes are in the live database only.
    let mut after = before + rx.try_iter().count();
    let target = after + 20;
    while after < target {
        rx.recv().unwrap();
        after += 1;
    }
    assert!(
        writer.try_wait().unwrap().is_none(),
        "the writer ended early"
    );
    writer.kill().unwrap();
    writer.wait().unwrap();
    drop(rx);
    reader.join().unwrap();
    let live = count_uffici(&env.db(), "R") as usize;
    assert!(live >= after, "live {live}, acknowledged {after}");

    let out = env.run(&["restore", copy.to_str().unwrap()], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("database ripristinato da "), "{stdout}");

    // Every write acknowledged before the backup started is back, none written after it ended.
    let restored = count_uffici(&env.db(), "R") as usize;
    assert!(
        (before..after).contains(&restored),
        "restored {restored}; acknowledged {before} before the backup, {after} at the end"
    );
    check_ok(&env, &env.db());
    let (action, detail) = last_action(&env.db());
    assert_eq!(action, "ripristina_database");
    assert!(detail.contains("copia.db"), "{detail}");

    // The replaced database is kept aside, whole, with its own audit anchor, and says where.
    let aside = beside(&env, "sportello.db.sostituito-");
    let aside_db: Vec<&String> = aside.iter().filter(|n| n.ends_with(".db")).collect();
    assert_eq!(aside_db.len(), 1, "{aside:?}");
    assert!(
        aside.iter().any(|n| n.ends_with(".db.audit-head")),
        "{aside:?}"
    );
    assert!(stdout.contains(aside_db[0].as_str()), "{stdout}");
    let aside_path = env.dir.path().join(aside_db[0]);
    assert_eq!(count_uffici(&aside_path, "R") as usize, live);
    check_ok(&env, &aside_path);
    // Nothing of the verification is left behind.
    assert!(!aside.iter().any(|n| n.contains("verifica")), "{aside:?}");

    // The restored database works: new writes, and `check` still ok.
    let out = env.run(
        &[
            "user",
            "add",
            "mrossi",
            "--nome",
            "Mario",
            "--cognome",
            "Rossi",
            "--role",
            "sportello",
            "--ente",
            "G478",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    check_ok(&env, &env.db());
}

#[test]
fn a_damaged_copy_is_refused_and_nothing_is_replaced() {
    let env = Env::new();
    env.init();
    // A name SQLite URIs must escape.
    let good = env.dir.path().join("buona #1 è?.db");
    assert_eq!(code(&env.run(&["backup", good.to_str().unwrap()], "")), 0);
    // A copy whose audit chain was rewritten, and a file that is not a database.
    let tampered = env.dir.path().join("alterata.db");
    std::fs::copy(&good, &tampered).unwrap();
    rusqlite::Connection::open(&tampered)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'ritoccato' WHERE id = 1",
        )
        .unwrap();
    let garbage = env.dir.path().join("rotta.db");
    std::fs::write(&garbage, vec![0x5a; 8192]).unwrap();
    let missing = env.dir.path().join("manca.db");
    // A change after the backup, which a refused restore must leave in place.
    let out = env.run(
        &[
            "user",
            "add",
            "mrossi",
            "--nome",
            "Mario",
            "--cognome",
            "Rossi",
            "--role",
            "sportello",
            "--ente",
            "G478",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let listed = || text(&env.run(&["user", "list"], "").stdout);
    assert!(listed().contains("mrossi"));
    let before = common::snapshot(&env.db());
    for (copy, why) in [
        (&tampered, "registro di audit"),
        (&garbage, "non è un database valido"),
        (&missing, "non è un file"),
    ] {
        let out = env.run(&["restore", copy.to_str().unwrap()], "");
        let err = text(&out.stderr);
        assert_eq!(code(&out), 1, "{err}");
        assert!(
            err.contains("copia non utilizzabile") && err.contains(why),
            "{err}"
        );
        assert!(beside(&env, "sportello.db.sostituito-").is_empty());
    }
    assert!(listed().contains("mrossi"));
    assert_eq!(common::snapshot(&env.db()), before);
    check_ok(&env, &env.db());
    // The good copy restores: the operator added after it is gone.
    let out = env.run(&["restore", good.to_str().unwrap()], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(!listed().contains("mrossi"));
    check_ok(&env, &env.db());
}

#[test]
fn backup_dir_keeps_the_newest_copies_of_the_last_days_and_months() {
    let env = Env::new();
    env.init();
    let dir = env.dir.path().join("copie");
    std::fs::create_dir(&dir).unwrap();
    for old in [
        "sportello-20200101-020000.db",
        "sportello-20200102-020000.db",
        "sportello-20200103-020000.db",
        "appunti.txt",
    ] {
        std::fs::write(dir.join(old), "vecchia").unwrap();
    }
    let out = env.run(
        &[
            "backup",
            "--dir",
            dir.to_str().unwrap(),
            "--keep-daily",
            "2",
            "--keep-monthly",
            "1",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    // Today's new copy and the newest of another day stay; older copies go; other files stay.
    assert_eq!(left.len(), 3, "{left:?}");
    assert_eq!(left[0], "appunti.txt");
    assert_eq!(left[1], "sportello-20200103-020000.db");
    assert!(
        left[2].starts_with("sportello-20") && left[2] > left[1],
        "{left:?}"
    );
    assert!(stdout.contains(&left[2]), "{stdout}");
    assert_eq!(
        stdout.matches("rimossa la copia scaduta").count(),
        2,
        "{stdout}"
    );
    check_ok(&env, &dir.join(&left[2]));
    let (action, detail) = last_action(&env.db());
    assert_eq!(action, "copia_database");
    assert!(detail.ends_with("copie scadute rimosse: 2"), "{detail}");
}
