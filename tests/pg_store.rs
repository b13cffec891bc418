//! The store on PostgreSQL: the same operations as on SQLite, through the same service door and the
//! same command line, on a throwaway cluster (`common::pg`: skipped with one line where PostgreSQL
//! is missing, a failure under `SPORTELLO_PG_REQUIRED=1`). Also what `--db` refuses before any
//! server is involved.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Barrier};

use common::pg;
use sportello::domain::{Actor, NewEnte};
use sportello::service::db::Database;

const SEARCHES: &[&str] = &[
    "rossi",
    "maria",
    "ross mar",
    "bianchi",
    "rosi",
    "russo",
    "gallo",
    "d'angelo",
    "mario rossi",
];

fn system() -> Actor {
    Actor::system(Some("root".into()), None)
}

/// `sportello ARGS` in the empty folder `cwd`, with its own home and log folder; admin rights.
fn sportello(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sportello"))
        .args(args)
        .current_dir(cwd)
        .env("HOME", cwd.join("home"))
        .env("XDG_DATA_HOME", cwd.join("home/data"))
        .env("XDG_CONFIG_HOME", cwd.join("home/config"))
        .env("SPORTELLO_LOG_DIR", cwd.join("log"))
        .env("RUST_BACKTRACE", "0")
        .env_remove("SPORTELLO_DB")
        .env_remove("PGPASSFILE")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir`, as text (the logs), for what must never be written there.
fn all_text(dir: &Path) -> String {
    let mut out = String::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.push_str(&all_text(&p));
            } else if let Ok(b) = std::fs::read(&p) {
                out.push_str(&String::from_utf8_lossy(&b));
            }
        }
    }
    out
}

#[test]
fn a_url_is_never_a_file_path() {
    let dir = tempfile::tempdir().unwrap();
    for url in [
        "mysql://sportello@db/sportello",
        "sqlite://x.db",
        "http://example.org/x",
    ] {
        let out = sportello(dir.path(), &["--db", url, "check"]);
        assert_eq!(out.status.code(), Some(2), "{url}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("non è un tipo di database conosciuto"),
            "{url}: {}",
            stderr(&out)
        );
    }
    // Nothing was made where the URL would have been a path.
    let made: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "home" && n != "log")
        .collect();
    assert!(made.is_empty(), "{made:?}");
}

#[test]
fn a_password_in_the_url_is_refused_and_never_echoed() {
    let dir = tempfile::tempdir().unwrap();
    for url in [
        "postgres://sportello:Segreta-Xq42@db.zona.local/sportello",
        "postgresql://db.zona.local/sportello?user=s&password=Segreta-Xq42",
    ] {
        let out = sportello(dir.path(), &["--db", url, "check"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("contiene una password"),
            "{}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("Segreta"), "{}", stderr(&out));
        assert!(!stdout(&out).contains("Segreta"));
    }
    assert!(!all_text(&dir.path().join("log")).contains("Segreta"));
}

#[test]
fn a_server_that_is_down_at_start_is_a_clear_message_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://sportello@127.0.0.1:{port}/sportello");
    let t = std::time::Instant::now();
    let out = sportello(dir.path(), &["--db", &url, "check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("server PostgreSQL non raggiungibile"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("Backtrace"), "{}", stderr(&out));
    // Refused at once (the connect timeout, 5 s, is for a host that does not answer).
    assert!(t.elapsed().as_secs() < 30);
}

#[test]
fn init_migrates_an_empty_database_and_reopens_it_current() {
    let Some(db) = pg::database() else { return };
    let url = db.url();
    let mut created = Database::create(url.as_ref()).unwrap();
    let status = created.service().schema_status().unwrap();
    assert!(status.pending.is_empty(), "{status:?}");
    assert_eq!(status.db_version, sportello::service::db::schema_version());
    drop(created);
    // A second create refuses the database now holding tables; open_current accepts it, and a
    // second migrate applies nothing.
    let again = Database::create(url.as_ref()).err().unwrap().to_string();
    assert!(again.contains("non è vuoto"), "{again}");
    let mut reopened = Database::open_current(url.as_ref()).unwrap();
    assert!(reopened.service().migrate(&system()).unwrap().is_empty());
}

#[test]
fn the_password_comes_from_the_passfile_and_a_wrong_one_is_never_echoed() {
    let Some(db) = pg::database() else { return };
    let url = db.password_role("Giusta-Pw-77");
    let dir = tempfile::tempdir().unwrap();
    let passfile = dir.path().join("pgpass");
    let write = |password: &str| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(
            &passfile,
            format!("127.0.0.1:*:*:{}:{password}\n", pg::PASSWORD_ROLE),
        )
        .unwrap();
        std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    };
    let with_passfile = format!("{url}?passfile={}", passfile.display());
    write("Sbagliata-Pw-13");
    let out = sportello(dir.path(), &["--db", &with_passfile, "check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("rifiutato le credenziali"),
        "{}",
        stderr(&out)
    );
    for text in [
        stderr(&out),
        stdout(&out),
        all_text(&dir.path().join("log")),
    ] {
        assert!(!text.contains("Sbagliata"), "{text}");
    }
    // No passfile at all: the server's request for a password is explained.
    let out = sportello(dir.path(), &["--db", &url, "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("passfile"), "{}", stderr(&out));
    // The right password: the schema is created by the service role.
    write("Giusta-Pw-77");
    Database::create(with_passfile.as_ref()).unwrap();
    let out = sportello(dir.path(), &["--db", &with_passfile, "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The demo made with the same seed on both engines: `check` passes on PostgreSQL (audit chain
/// included) and the person search returns the same people in the same order.
#[test]
fn the_demo_runs_on_postgres_and_searches_answer_as_on_sqlite() {
    let Some(db) = pg::database() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.db");
    let file = file.to_str().unwrap();
    let url = db.url();
    for target in [file, url.as_str()] {
        let out = sportello(
            dir.path(),
            &[
                "--db",
                target,
                "demo",
                "--no-tui",
                "--persons",
                "600",
                "--today",
                "2026-11-30",
            ],
        );
        assert!(out.status.success(), "{target}: {}", stderr(&out));
    }
    let out = sportello(dir.path(), &["--db", &url, "check"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("ok"), "{}", stdout(&out));
    let mut found = 0;
    for q in SEARCHES {
        let args = |db: &str| -> Vec<String> {
            ["--db", db, "search", "--limit", "50", "--ente", "C990", q]
                .iter()
                .map(|s| s.to_string())
                .collect()
        };
        let on = |db: &str| {
            let a = args(db);
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            let out = sportello(dir.path(), &a);
            assert!(out.status.success(), "{q}: {}", stderr(&out));
            stdout(&out)
        };
        let (lite, pg) = (on(file), on(&url));
        assert_eq!(lite, pg, "«{q}»: SQLite and PostgreSQL differ");
        found += lite.lines().count();
    }
    assert!(found > 30, "the searches found only {found} people");
    // A second `demo` finds the database and only reopens it.
    let out = sportello(dir.path(), &["--db", &url, "demo", "--no-tui"]);
    assert!(
        stdout(&out).contains("database dimostrativo esistente"),
        "{}",
        stdout(&out)
    );
    // No folder named after the URL: the documents went to the data directory.
    assert!(!dir.path().join("postgres:").exists());
}

/// Live refresh's signal: another session's committed business change moves `data_version`
/// (LISTEN/NOTIFY); nothing else does.
#[test]
fn data_version_moves_when_another_session_commits_a_business_change() {
    let Some(db) = pg::database() else { return };
    let url = db.url();
    let mut a = Database::create(url.as_ref()).unwrap();
    let mut b = Database::open(url.as_ref()).unwrap();
    let first = a.service().cambi(&system(), None).unwrap().versione;
    assert_eq!(a.service().cambi(&system(), None).unwrap().versione, first);
    // An ente is not a business change (no modifiche trigger): nothing moves.
    b.service()
        .create_ente(&system(), &ente("G478", "Perugia"))
        .unwrap();
    let out = db.run(
        "INSERT INTO soggetto (cognome, nome, codice_fiscale, ente_id, fonte, created_at, created_by, updated_at, updated_by) \
         SELECT 'Rossi', 'Maria', 'RSSMRA80A41G478X', id, 'sportello', '2026-11-30', 't', '2026-11-30', 't' FROM ente LIMIT 1; \
         INSERT INTO scheda (numero, ente_id, soggetto_id, operatore, data_accesso, created_at, created_by, updated_at, updated_by) \
         SELECT 1, e.id, s.id, 'op', '2026-11-30', '2026-11-30', 't', '2026-11-30', 't' FROM ente e, soggetto s LIMIT 1;",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut moved = first;
    for _ in 0..50 {
        moved = a.service().cambi(&system(), None).unwrap().versione;
        if moved != first {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_ne!(
        moved, first,
        "the scheda written by another session was not signalled"
    );
    assert_eq!(a.service().cambi(&system(), None).unwrap().versione, moved);
}

fn ente(belfiore: &str, nome: &str) -> NewEnte {
    NewEnte {
        nome: nome.into(),
        belfiore: Some(belfiore.into()),
        tipo: "comune".into(),
        ..Default::default()
    }
}

/// 32 sessions writing at once (each write audited, so all of them append to the one hash
/// chain): every serialization failure is retried inside the store, none reaches the caller, every
/// write is there and the chain verifies.
#[test]
fn thirty_two_concurrent_writers_see_no_serialization_failure() {
    let Some(db) = pg::database() else { return };
    let url = db.url();
    let mut setup = Database::create(url.as_ref()).unwrap();
    let ente_id = setup
        .service()
        .create_ente(&system(), &ente("G478", "Perugia"))
        .unwrap();
    const WRITERS: usize = 32;
    const EACH: usize = 15;
    let start = Arc::new(Barrier::new(WRITERS));
    let handles: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (url, start) = (url.clone(), start.clone());
            std::thread::spawn(move || -> Vec<String> {
                let mut db = Database::open_current(url.as_ref()).unwrap();
                start.wait();
                (0..EACH)
                    .filter_map(|i| {
                        db.service()
                            .create_ufficio(&system(), ente_id, &format!("Ufficio {w}-{i}"))
                            .err()
                            .map(|e| e.to_string())
                    })
                    .collect()
            })
        })
        .collect();
    let errors: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert!(
        errors.is_empty(),
        "{} errori, il primo: {}",
        errors.len(),
        errors[0]
    );
    let uffici = setup.service().uffici_di(&system(), ente_id).unwrap();
    assert_eq!(uffici.len(), WRITERS * EACH);
    let problems = setup.service().check(&system()).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

/// `migrate-to`: an SQLite installation copied into an empty PostgreSQL database answers the same
/// searches, passes `check` there (audit chain included), and takes new records after the copied
/// ids; a database that is not empty is refused.
#[test]
fn migrate_to_copies_an_sqlite_installation_into_postgres() {
    let Some(db) = pg::database() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("zona.db");
    let file = file.to_str().unwrap();
    let url = db.url();
    let out = sportello(
        dir.path(),
        &[
            "--db",
            file,
            "demo",
            "--no-tui",
            "--persons",
            "400",
            "--today",
            "2026-11-30",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sportello(dir.path(), &["migrate-to", &url, "--from", file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("registro di audit verificato"),
        "{}",
        stderr(&out)
    );
    // Every table of the file, with its row count, is listed; the counts are the file's.
    let lite = rusqlite::Connection::open(file).unwrap();
    let copied: Vec<(String, i64)> = stdout(&out)
        .lines()
        .map(|l| {
            let (t, n) = l.split_once('\t').unwrap();
            (t.to_string(), n.parse().unwrap())
        })
        .collect();
    assert!(copied.len() > 40, "{copied:?}");
    for (table, n) in &copied {
        let there: i64 = lite
            .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(there, *n, "{table}");
    }
    assert!(copied.iter().any(|(t, n)| t == "audit_log" && *n > 100));
    let out = sportello(dir.path(), &["--db", &url, "check"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    for q in ["rossi", "maria"] {
        let on = |db: &str| stdout(&sportello(dir.path(), &["--db", db, "search", q]));
        assert_eq!(on(file), on(&url), "«{q}»");
    }
    // New records continue after the copied ids.
    let mut copy = Database::open_current(url.as_ref()).unwrap();
    let enti = copy.service().enti(&system()).unwrap();
    let id = copy
        .service()
        .create_ufficio(&system(), enti[0].id, "Nuovo sportello")
        .unwrap();
    let max_file: i64 = lite
        .query_row("SELECT max(id) FROM ufficio", [], |r| r.get(0))
        .unwrap();
    assert!(id > max_file);
    // A second copy into the same database is refused.
    let out = sportello(dir.path(), &["migrate-to", &url, "--from", file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("non è vuoto"), "{}", stderr(&out));
}

/// `backup` on PostgreSQL: a `pg_dump` archive, private, read back before it counts.
#[test]
fn backup_on_postgres_is_a_verified_pg_dump_archive() {
    use std::os::unix::fs::PermissionsExt;
    let Some(db) = pg::database() else { return };
    let url = db.url();
    Database::create(url.as_ref()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("zona.dump");
    let out = sportello(
        dir.path(),
        &["--db", &url, "backup", dest.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let list = Command::new("pg_restore")
        .arg("--list")
        .arg(&dest)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("audit_log"));
    // Restoring over a server database is the cluster's job: a clear refusal.
    let out = sportello(
        dir.path(),
        &["--db", &url, "restore", dest.to_str().unwrap()],
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("pg_restore"), "{}", stderr(&out));
}

/// The server drops the session (a restart, a network cut): the next read and the next write
/// open the connection again by themselves, and the session goes on.
#[test]
fn a_session_recovers_by_itself_when_its_connection_is_dropped() {
    let Some(db) = pg::database() else { return };
    let url = db.url();
    let mut s = Database::create(url.as_ref()).unwrap();
    s.service()
        .create_ente(&system(), &ente("G478", "Perugia"))
        .unwrap();
    let kill = || {
        let out = db.run(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE application_name = 'sportello' AND datname = current_database()",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    kill();
    assert_eq!(s.service().enti(&system()).unwrap().len(), 1);
    kill();
    let ente_id = s.service().enti(&system()).unwrap()[0].id;
    kill();
    s.service()
        .create_ufficio(&system(), ente_id, "Sportello di via Roma")
        .unwrap();
    assert!(s.service().check(&system()).unwrap().is_empty());
}

/// `openssl` with `args` in `dir`, which must succeed.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A certificate authority in `dir` (`NAME.pem`, `NAME.key`).
fn make_ca(dir: &Path, name: &str) {
    let (pem, key) = (format!("{name}.pem"), format!("{name}.key"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &pem,
            "-days",
            "2",
            "-subj",
            &format!("/CN=sportello test {name}"),
        ],
    );
}

/// TLS with certificate checks: the server's certificate signed by the CA given with
/// `sslrootcert` is accepted (and the session is encrypted); signed by another CA it is refused
/// with a clear message, before any query.
#[test]
fn tls_checks_the_servers_certificate_against_the_given_authority() {
    if Command::new("openssl").arg("version").output().is_err() {
        assert!(
            std::env::var("SPORTELLO_PG_REQUIRED").is_err(),
            "openssl non disponibile: richiesto in CI"
        );
        eprintln!("openssl non disponibile: test saltato");
        return;
    }
    let Some(db) = pg::database() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    make_ca(d, "ca");
    make_ca(d, "altra");
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(d.join("ext"), "subjectAltName=DNS:localhost\n").unwrap();
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "ext",
        ],
    );
    let data = db.query("SHOW data_directory")[0].trim().to_string();
    for f in ["server.crt", "server.key"] {
        let to = Path::new(&data).join(format!("test-{f}"));
        std::fs::copy(d.join(f), &to).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
        let _ = Command::new("chown").arg("postgres:").arg(&to).output();
    }
    for stmt in [
        format!("ALTER SYSTEM SET ssl_cert_file = '{data}/test-server.crt'"),
        format!("ALTER SYSTEM SET ssl_key_file = '{data}/test-server.key'"),
        "ALTER SYSTEM SET ssl = on".into(),
        "SELECT pg_reload_conf()".into(),
    ] {
        let out = db.psql().arg("-c").arg(&stmt).output().unwrap();
        assert!(
            out.status.success(),
            "{stmt}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let url = |ca: &str| {
        format!(
            "postgres://{}@localhost:{}/{}?sslmode=verify-full&sslrootcert={}",
            db.user,
            db.port,
            db.dbname,
            d.join(ca).display()
        )
    };
    let s = Database::create(url("ca.pem").as_ref()).unwrap();
    let encrypted = db.query(
        "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
         WHERE a.application_name = 'sportello' AND s.ssl",
    );
    assert_ne!(encrypted[0].trim(), "0", "the session is not encrypted");
    drop(s);
    let refused = Database::open(url("altra.pem").as_ref())
        .err()
        .unwrap()
        .to_string();
    assert!(refused.contains("non verificata"), "{refused}");
}

/// Nothing typed is lost while the server is away: a draft saved then waits in a private spool
/// file, is what the form reads back meanwhile, and is written to the database by the first draft
/// operation once the server is reachable again.
#[test]
fn drafts_saved_while_the_server_is_away_wait_in_a_private_spool() {
    use sportello::store::prelude::*;
    use sportello::store::sqlite::SqliteStore;
    use std::os::unix::fs::PermissionsExt;
    let Some(db) = pg::database() else { return };
    let url = db.url();
    drop(Database::create(url.as_ref()).unwrap());
    let operatore = db.query(
        "INSERT INTO operatore (username, nome, cognome, roles, created_at, created_by, updated_at, updated_by) \
         VALUES ('anna', 'Anna', 'Ferri', 1, 'x', 'x', 'x', 'x') RETURNING id",
    )[0]
    .trim()
    .parse::<i64>()
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open_postgres(&url).unwrap();
    store.set_spool_dir(&dir.path().join("spool"));
    store
        .save_draft(operatore, "scheda", "", "{\"note\":\"prima\"}")
        .unwrap();
    // The server goes away: the session is dropped and new connections are refused.
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
    psql(&format!(
        "ALTER DATABASE {} ALLOW_CONNECTIONS false",
        db.dbname
    ));
    psql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}'",
        db.dbname
    ));
    store
        .save_draft(
            operatore,
            "scheda",
            "",
            "{\"note\":\"scritta senza server\"}",
        )
        .unwrap();
    let spooled: Vec<_> = std::fs::read_dir(dir.path().join("spool"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(spooled.len(), 1);
    let mode = spooled[0].metadata().unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let back = store.load_draft(operatore, "scheda", "").unwrap().unwrap();
    assert!(back.content.contains("senza server"));
    // Other work says what happened, in the operator's words.
    let e = store.list_drafts(operatore).unwrap_err().to_string();
    assert!(e.contains("connessione al database persa"), "{e}");
    // The server returns: the next draft operation writes the spooled draft.
    psql(&format!(
        "ALTER DATABASE {} ALLOW_CONNECTIONS true",
        db.dbname
    ));
    store.save_draft(operatore, "diario", "7", "{}").unwrap();
    assert_eq!(
        std::fs::read_dir(dir.path().join("spool")).unwrap().count(),
        0
    );
    let stored = db.query("SELECT content FROM bozza WHERE form = 'scheda'");
    assert!(stored[0].contains("senza server"), "{stored:?}");
}
