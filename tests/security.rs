//! Security hardening end to end on the real binary: private files whatever the umask, backups
//! that keep the database's mode, the audit anchor that notices truncation and rewriting.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Output;

use common::deploy::as_root;
use common::{ADMIN_PASSWORD, Env, code, text};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().mode() & 0o7777
}

/// Runs `sportello --db <db> args` under `umask`.
fn run_umask(env: &Env, umask: u32, args: &[&str], stdin: &str) -> Output {
    let mut cmd = env.cmd();
    cmd.arg("--db").arg(env.db()).args(args);
    // SAFETY: umask is async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            libc::umask(umask as libc::mode_t);
            Ok(())
        });
    }
    common::output_with_stdin(&mut cmd, stdin)
}

#[test]
fn database_wal_shm_backups_exports_and_reports_are_private_under_umask_000_and_022() {
    for umask in [0o000, 0o022] {
        let env = Env::new();
        let init = run_umask(
            &env,
            umask,
            &[
                "init",
                "--ente",
                "Comune di Perugia",
                "--belfiore",
                "G478",
                "--admin",
                "admin",
                "--password-stdin",
            ],
            &format!("{ADMIN_PASSWORD}\n"),
        );
        assert_eq!(code(&init), 0, "{}", text(&init.stderr));
        assert_eq!(mode(&env.db()), 0o600, "database, umask {umask:o}");
        let anchor = format!("{}.audit-head", env.db().display());
        assert_eq!(mode(Path::new(&anchor)), 0o600, "anchor, umask {umask:o}");
        // SQLite gives the -wal and -shm the database's mode whatever the umask.
        let old = unsafe { libc::umask(umask as libc::mode_t) };
        let c = rusqlite::Connection::open(env.db()).unwrap();
        c.query_row("SELECT count(*) FROM operatore", [], |r| r.get::<_, i64>(0))
            .unwrap();
        unsafe { libc::umask(old) };
        for suffix in ["-wal", "-shm"] {
            let p = format!("{}{suffix}", env.db().display());
            assert_eq!(mode(Path::new(&p)), 0o600, "{suffix}, umask {umask:o}");
        }
        drop(c);
        let dest = env.dir.path().join("copia.db");
        let out = run_umask(&env, umask, &["backup", dest.to_str().unwrap()], "");
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        assert_eq!(mode(&dest), 0o600, "backup, umask {umask:o}");
        // A group-shared database (0660) keeps its mode in the backup.
        std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o660)).unwrap();
        let shared = env.dir.path().join("copia-gruppo.db");
        let out = run_umask(&env, umask, &["backup", shared.to_str().unwrap()], "");
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        assert_eq!(mode(&shared), 0o660, "group backup, umask {umask:o}");
        let names: Vec<_> = std::fs::read_dir(env.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains("partial"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
        // Exports, prints and import reports.
        let csv = env.dir.path().join("schede.csv");
        let out = run_umask(
            &env,
            umask,
            &[
                "export",
                "schede",
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
                "--format",
                "csv",
                "--out",
                csv.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        assert_eq!(mode(&csv), 0o600, "export, umask {umask:o}");
        let pdf = env.dir.path().join("vuota.pdf");
        let out = run_umask(
            &env,
            umask,
            &["print", "scheda-vuota", "--out", pdf.to_str().unwrap()],
            "",
        );
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        assert_eq!(mode(&pdf), 0o600, "print, umask {umask:o}");
        let input = env.dir.path().join("anagrafe.csv");
        std::fs::write(
            &input,
            "CODICE_FISCALE;COGNOME;NOME\nRSSMRA70A01G478Z;ROSSI;MARIO\nXX;;\n",
        )
        .unwrap();
        let report = env.dir.path().join("rapporto.csv");
        let out = run_umask(
            &env,
            umask,
            &[
                "import",
                "anagrafe",
                input.to_str().unwrap(),
                "--ente",
                "G478",
                "--report",
                report.to_str().unwrap(),
            ],
            "",
        );
        assert!(report.exists(), "{}", text(&out.stderr));
        assert_eq!(mode(&report), 0o600, "report, umask {umask:o}");
    }
}

/// The audit rows of the database, newest first: (id, hash).
fn audit_ids(db: &Path) -> Vec<i64> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut s = c
        .prepare("SELECT id FROM audit_log ORDER BY id DESC")
        .unwrap();
    s.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// What an attacker with write access to the file does: drops the append-only triggers and
/// deletes the newest `n` rows (the chain of the rest stays valid).
fn truncate_audit(db: &Path, n: i64) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch("DROP TRIGGER audit_log_no_delete").unwrap();
    c.execute(
        "DELETE FROM audit_log WHERE id > (SELECT max(id) FROM audit_log) - ?1",
        [n],
    )
    .unwrap();
}

fn check(env: &Env) -> (i32, String) {
    let out = env.run(&["check"], "");
    (
        code(&out),
        format!("{}{}", text(&out.stdout), text(&out.stderr)),
    )
}

#[test]
fn check_fails_when_the_newest_audit_rows_are_deleted() {
    let env = Env::new();
    env.init();
    for u in ["uno", "due", "tre"] {
        let out = env.run(
            &[
                "user",
                "add",
                u,
                "--nome",
                "N",
                "--cognome",
                "C",
                "--role",
                "sportello",
                "--ente",
                "G478",
            ],
            "",
        );
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    }
    assert_eq!(check(&env), (0, "ok\n".into()));
    let before = audit_ids(&env.db());
    truncate_audit(&env.db(), 3);
    assert_eq!(audit_ids(&env.db()).len(), before.len() - 3);
    let (rc, out) = check(&env);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("registro di audit troncato"), "{out}");
    assert!(out.contains(&format!("{} righe", before[0])), "{out}");
}

#[test]
fn check_fails_when_the_audit_log_is_rewritten_with_a_recomputed_chain() {
    let env = Env::new();
    env.init();
    assert_eq!(check(&env).0, 0);
    let head = audit_ids(&env.db())[0];
    truncate_audit(&env.db(), 2);
    // The app itself appends new, correctly chained rows over the deleted ones.
    for u in ["uno", "due", "tre", "quattro"] {
        let out = env.run(
            &[
                "user",
                "add",
                u,
                "--nome",
                "N",
                "--cognome",
                "C",
                "--role",
                "sportello",
                "--ente",
                "G478",
            ],
            "",
        );
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    }
    assert!(audit_ids(&env.db())[0] > head);
    let (rc, out) = check(&env);
    assert_eq!(rc, 1, "{out}");
    assert!(
        out.contains(&format!("registro di audit riscritto: la riga {head}")),
        "{out}"
    );
    // The evidence stays: a second check says the same.
    assert_eq!(check(&env).0, 1);
}

const NOBODY: u32 = 65534;

/// Runs `sportello --db <db> args` as the OS user `uid`.
fn run_as(env: &Env, uid: u32, args: &[&str]) -> Output {
    // A copy the user may execute (the build folder may be closed to them).
    let bin = env.dir.path().join("sportello");
    if !bin.exists() {
        std::fs::copy(env!("CARGO_BIN_EXE_sportello"), &bin).unwrap();
    }
    let d = env.dir.path();
    std::process::Command::new(&bin)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", d)
        .env("XDG_CONFIG_HOME", d.join("config"))
        .env("XDG_DATA_HOME", d.join("data"))
        .env("SPORTELLO_ETC", d.join("etc"))
        .env("SPORTELLO_LOG_DIR", d.join("log"))
        .arg("--db")
        .arg(env.db())
        .args(args)
        .uid(uid)
        .gid(uid)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn cli_commands_act_as_the_operator_of_the_os_account_unless_root() {
    if !as_root("cli_commands_act_as_the_operator_of_the_os_account_unless_root") {
        return;
    }
    let env = Env::new();
    env.init();
    let out = env.run(
        &[
            "user",
            "add",
            "mrossi",
            "--nome",
            "Maria",
            "--cognome",
            "Rossi",
            "--role",
            "sportello",
            "--ente",
            "G478",
            "--os-user",
            "nobody",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // The unprivileged user may reach the file (as in a deployment where the file is theirs).
    for p in [env.dir.path().to_path_buf(), env.db()] {
        std::os::unix::fs::chown(&p, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // Not an administrator: the operator's own permissions apply.
    let out = run_as(&env, NOBODY, &["user", "list"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("l'operatore mrossi non ha il permesso"),
        "{}",
        text(&out.stderr)
    );
    let out = run_as(&env, NOBODY, &["search", "rossi"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // --operatore is for root and the admin group only.
    let pdf = env.dir.path().join("v.pdf");
    let out = run_as(
        &env,
        NOBODY,
        &[
            "print",
            "scheda-vuota",
            "--out",
            pdf.to_str().unwrap(),
            "--operatore",
            "admin",
        ],
    );
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("--operatore è consentito solo a root"));
    // Root acting for an operator is recorded as such.
    let out = env.run(
        &[
            "print",
            "scheda-vuota",
            "--out",
            pdf.to_str().unwrap(),
            "--operatore",
            "mrossi",
        ],
        "",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // A read of records on behalf of an operator is audited as such (here refused: no permission).
    let csv = env.dir.path().join("s.csv");
    let out = env.run(
        &[
            "export",
            "schede",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
            "--operatore",
            "mrossi",
        ],
        "",
    );
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let c = rusqlite::Connection::open(env.db()).unwrap();
    let rows: Vec<(String, Option<String>, String, String)> = c
        .prepare("SELECT username, os_user, action, outcome FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        rows.contains(&(
            "mrossi".into(),
            Some("nobody".into()),
            "elenca_operatori".into(),
            "negato".into()
        )),
        "{rows:?}"
    );
    assert!(
        rows.contains(&(
            "mrossi".into(),
            Some("nobody".into()),
            "cerca_soggetti".into(),
            "ok".into()
        )),
        "{rows:?}"
    );
    assert!(
        rows.contains(&(
            "mrossi".into(),
            Some("root per conto di mrossi".into()),
            "esporta_schede".into(),
            "negato".into()
        )),
        "{rows:?}"
    );
    // An OS account whose operator is disabled gets nothing.
    let out = env.run(&["user", "disable", "mrossi"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = run_as(&env, NOBODY, &["search", "rossi"]);
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("«nobody» non corrisponde a nessun operatore attivo"),
        "{}",
        text(&out.stderr)
    );
}

/// `import anagrafe <file> --ente G478 --report <report>`, killed after 20 s (a hang is a failure).
fn import(env: &Env, file: &Path) -> (i32, String, String) {
    let report = env.dir.path().join("rapporto-import.csv");
    let _ = std::fs::remove_file(&report);
    let mut child = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .args(["import", "anagrafe"])
        .arg(file)
        .args(["--ente", "G478", "--report"])
        .arg(&report)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("import of {} hangs", file.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let report = std::fs::read_to_string(&report).unwrap_or_default();
    (code(&out), text(&out.stderr), report)
}

fn cognome(env: &Env, cf: &str) -> Option<String> {
    let c = rusqlite::Connection::open(env.db()).unwrap();
    c.query_row(
        "SELECT cognome || '|' || coalesce(luogo_nascita, '') FROM soggetto WHERE codice_fiscale = ?1",
        [cf],
        |r| r.get(0),
    )
    .ok()
}

#[test]
fn imports_refuse_fifos_and_devices_without_hanging() {
    let env = Env::new();
    env.init();
    let fifo = env.dir.path().join("anagrafe.fifo");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo on a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for file in [fifo.as_path(), Path::new("/dev/zero")] {
        let (rc, err, _) = import(&env, file);
        assert_eq!(rc, 2, "{err}");
        assert!(err.contains("non è un file normale"), "{err}");
    }
}

#[test]
fn imports_lose_nothing_to_encodings_controls_or_unknown_state_names() {
    use sportello::domain::cf::{Sesso, compute};
    let env = Env::new();
    env.init();
    let de_luca = compute("De Lucà", "Anna", Sesso::F, 1970, 3, 1, "G478");
    let broken = compute("Bianchi", "Ugo", Sesso::M, 1971, 4, 2, "G478");
    let trojan = compute("Verdi", "Ada", Sesso::F, 1972, 5, 3, "G478");
    let cina = compute("Wang", "Li", Sesso::M, 1980, 6, 4, "Z210");
    let ignoto = compute("Zhang", "Wei", Sesso::M, 1981, 7, 5, "Z210");
    let mut bytes = b"CODICE_FISCALE;COGNOME;NOME;LUOGO_NASCITA\n".to_vec();
    bytes.extend(format!("{de_luca};DE LUC\u{c0};ANNA;G478\n").as_bytes());
    bytes.extend(format!("{broken};BIANCH").as_bytes());
    bytes.extend(b"\xff;UGO;G478\n");
    bytes.extend(format!("{trojan};VERDI\u{202e}\x1b[2J;ADA\x00;G478\n").as_bytes());
    bytes.extend(format!("{cina};WANG;LI;CINA\n").as_bytes());
    bytes.extend(format!("{ignoto};ZHANG;WEI;REPUBBLICA DI NARNIA\n").as_bytes());
    let file = env.dir.path().join("anagrafe.csv");
    std::fs::write(&file, bytes).unwrap();
    let (_rc, err, report) = import(&env, &file);
    // One invalid byte no longer turns the whole file into Windows-1252 mojibake.
    assert_eq!(
        cognome(&env, &de_luca).as_deref(),
        Some("DE LUC\u{c0}|G478"),
        "{err}"
    );
    assert_eq!(cognome(&env, &broken), None);
    assert!(
        report.contains(&format!("3;{broken};campo COGNOME non valido in UTF-8")),
        "{report}"
    );
    // Control characters and bidi overrides are removed, with a warning.
    assert_eq!(cognome(&env, &trojan).as_deref(), Some("VERDI[2J|G478"));
    assert!(
        report.contains(&format!(
            "4;{trojan};avviso: caratteri di controllo rimossi da: COGNOME, NOME"
        )),
        "{report}"
    );
    // A common name of the state, or the code the codice fiscale carries.
    assert_eq!(cognome(&env, &cina).as_deref(), Some("WANG|Z210"));
    assert_eq!(cognome(&env, &ignoto).as_deref(), Some("ZHANG|Z210"));
    assert!(report.contains("usato Z210 dal codice fiscale"), "{report}");
}

/// A database with an active (`mrossi`) and a disabled (`spento`) operator, and `bloccato`
/// locked by five wrong passwords at `t`.
fn login_store(dir: &Path, t: i64) -> sportello::store::sqlite::SqliteStore {
    use sportello::domain::{Actor, NewEnte, NewOperatore, Role, RoleSet};
    use sportello::service::Service;
    let mut s = sportello::store::sqlite::SqliteStore::create(&dir.join("s.db")).unwrap();
    let actor = Actor::system(Some("test".into()), None);
    let ente = Service::new(&mut s)
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
    for u in ["mrossi", "spento", "bloccato"] {
        let new = NewOperatore {
            username: u.into(),
            nome: "Maria".into(),
            cognome: "Rossi".into(),
            roles: RoleSet::from_roles(&[Role::Sportello]),
            enti: vec![ente],
            ..Default::default()
        };
        Service::new(&mut s)
            .add_user(&actor, &new, Some(ADMIN_PASSWORD))
            .unwrap();
    }
    Service::new(&mut s).disable_user(&actor, "spento").unwrap();
    let origin = sportello::auth::Origin::default();
    for i in 0..5 {
        let _ = Service::new(&mut s).login("bloccato", "sbagliata-sbagliata", &origin, t + i);
    }
    s
}

/// The detail of the newest audit row.
fn last_login_detail(s: &sportello::store::sqlite::SqliteStore) -> String {
    use sportello::store::prelude::*;
    let row = s.audit_tail(1).unwrap().remove(0);
    assert_eq!(row.event.action, "login");
    row.event.detail.unwrap_or_default()
}

/// Unknown user, wrong password, locked account (with its right password) and disabled account
/// (with its right password): the operator reads one message, the audit says which.
const FAILED_LOGINS: [(&str, &str, &str); 4] = [
    ("nessuno", ADMIN_PASSWORD, "utente sconosciuto"),
    ("mrossi", "sbagliata-sbagliata", "password errata"),
    ("bloccato", ADMIN_PASSWORD, "utente bloccato"),
    ("spento", ADMIN_PASSWORD, "account disabilitato"),
];

#[test]
fn one_login_message_for_unknown_wrong_locked_and_disabled_through_the_service() {
    use sportello::service::Service;
    let dir = tempfile::tempdir().unwrap();
    let t = 1_800_000_000;
    let mut s = login_store(dir.path(), t);
    let origin = sportello::auth::Origin::default();
    for (user, password, why) in FAILED_LOGINS {
        let e = Service::new(&mut s)
            .login(user, password, &origin, t + 10)
            .unwrap_err();
        assert_eq!(e, sportello::auth::MSG_INVALID, "{user}");
        assert_eq!(last_login_detail(&s), why, "{user}");
    }
    assert!(
        Service::new(&mut s)
            .login("mrossi", ADMIN_PASSWORD, &origin, t + 10)
            .is_ok()
    );
}

#[test]
fn one_login_message_for_unknown_wrong_locked_and_disabled_on_the_login_screen() {
    use sportello::ui::app::{AppConfig, Screen};
    use sportello::ui::harness::Harness;
    let dir = tempfile::tempdir().unwrap();
    // The harness's clock: the lock of `bloccato` is in force then.
    let s = login_store(dir.path(), sportello::ui::harness::START_MS / 1000 - 60);
    let mut h = Harness::new(Box::new(s), AppConfig::headless(false), 80, 24);
    let mut seen = Vec::new();
    for (user, password, _) in FAILED_LOGINS {
        h.login(user, password);
        let Screen::Login(l) = &h.app.screen else {
            panic!("{user} logged in:\n{}", h.text());
        };
        seen.push(l.error.clone());
        let screen = h.text();
        assert!(
            screen.contains(sportello::auth::MSG_INVALID),
            "{user}:\n{screen}"
        );
        // The next attempt starts from an empty form.
        h.keys("<Tab>");
        for _ in 0..user.len() {
            h.keys("<Backspace>");
        }
        let Screen::Login(l) = &h.app.screen else {
            unreachable!()
        };
        assert_eq!((l.username.value(), l.focus), ("", 0));
    }
    assert!(
        seen.iter()
            .all(|e| e.as_deref() == Some(sportello::auth::MSG_INVALID)),
        "{seen:?}"
    );
}

#[test]
fn usage_errors_are_one_italian_line_with_exit_2_and_help_is_unchanged() {
    let env = Env::new();
    for (args, expected) in [
        (
            &["--frob"][..],
            "sportello: opzione sconosciuta «--frob» (vedere «sportello --help»)",
        ),
        (
            &["search", "--limit"][..],
            "sportello: manca il valore di --limit <LIMIT> (vedere «sportello search --help»)",
        ),
        (
            &["frob"][..],
            "sportello: comando sconosciuto «frob» (vedere «sportello --help»)",
        ),
        (
            &["backup"][..],
            "sportello: manca un argomento obbligatorio: <DEST> (vedere «sportello backup --help»)",
        ),
        (
            &["demo", "--persons", "molte"][..],
            "sportello: valore non valido «molte» per --persons <PERSONS>: serve un numero intero (vedere «sportello demo --help»)",
        ),
    ] {
        let out = env.cmd().args(args).output().unwrap();
        assert_eq!(code(&out), 2, "{args:?}");
        assert_eq!(text(&out.stderr), format!("{expected}\n"), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let help = env.cmd().arg("--help").output().unwrap();
    assert_eq!(code(&help), 0);
    let help = text(&help.stdout);
    assert!(help.starts_with("Sportello sociale"), "{help}");
    assert!(
        help.contains("Usage: sportello [OPTIONS] [COMMAND]"),
        "{help}"
    );
}

#[test]
fn existing_exports_prints_and_backups_are_replaced_only_with_force() {
    let env = Env::new();
    env.init();
    let d = env.dir.path();
    let csv = d.join("schede.csv");
    let pdf = d.join("vuota.pdf");
    let copy = d.join("copia.db");
    let export = |extra: &[&str]| {
        let mut a = vec![
            "export",
            "schede",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "csv",
            "--out",
        ];
        a.push(csv.to_str().unwrap());
        a.extend(extra);
        env.run(&a, "")
    };
    let print = |extra: &[&str]| {
        let mut a = vec!["print", "scheda-vuota", "--out", pdf.to_str().unwrap()];
        a.extend(extra);
        env.run(&a, "")
    };
    let backup = |extra: &[&str]| {
        let mut a = vec!["backup", copy.to_str().unwrap()];
        a.extend(extra);
        env.run(&a, "")
    };
    for (run, path) in [
        (&export as &dyn Fn(&[&str]) -> Output, &csv),
        (&print, &pdf),
        (&backup, &copy),
    ] {
        std::fs::write(path, "da tenere").unwrap();
        let out = run(&[]);
        assert_eq!(code(&out), 2, "{}", text(&out.stderr));
        assert_eq!(
            text(&out.stderr),
            format!(
                "sportello: «{}» esiste già: usare --force per sostituirlo\n",
                path.display()
            )
        );
        assert_eq!(std::fs::read(path).unwrap(), b"da tenere");
        let out = run(&["--force"]);
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        assert_ne!(std::fs::read(path).unwrap(), b"da tenere");
        assert_eq!(mode(path), 0o600, "{}", path.display());
    }
    // The replaced backup is a valid database; nothing is left beside it.
    let c = rusqlite::Connection::open(&copy).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM operatore", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    let names: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.') || n.contains("partial"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
    // --force never replaces what is not a regular file, and the message names it.
    let out = env.run(&["backup", "/dev/null", "--force"], "");
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("«/dev/null» è un dispositivo, non un file normale"),
        "{}",
        text(&out.stderr)
    );
}

/// A `size` tmpfs mounted on a new folder of `env`, unmounted on drop; `None` (with one line)
/// where mounting is not allowed.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(env: &Env, test: &str, size: &str) -> Option<Tmpfs> {
        if !as_root(test) {
            return None;
        }
        let dir = env.dir.path().join(format!("pieno-{size}"));
        std::fs::create_dir(&dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("{test}: skipped (cannot mount a tmpfs here)");
            return None;
        }
        Some(Tmpfs(dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
}

#[test]
fn init_and_backup_on_a_full_disk_leave_nothing_behind_and_name_the_file() {
    let test = "init_and_backup_on_a_full_disk_leave_nothing_behind_and_name_the_file";
    let env = Env::new();
    env.init();
    for size in ["64k", "256k"] {
        let Some(full) = Tmpfs::mount(&env, test, size) else {
            return;
        };
        let db = full.0.join("nuovo.db");
        let out = env.run_on(
            &db,
            &[
                "init",
                "--ente",
                "Comune di Perugia",
                "--belfiore",
                "G478",
                "--admin",
                "admin",
                "--password-stdin",
            ],
            &format!("{ADMIN_PASSWORD}\n"),
        );
        assert_eq!(code(&out), 2, "{size}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stderr),
            format!(
                "sportello: impossibile creare «{}»: disco pieno\n",
                db.display()
            )
        );
        assert_eq!(entries(&full.0), Vec::<String>::new(), "init, {size}");
        let dest = full.0.join("copia.db");
        let out = env.run(&["backup", dest.to_str().unwrap()], "");
        assert_eq!(code(&out), 2, "{size}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stderr),
            format!(
                "sportello: impossibile scrivere la copia «{}»: disco pieno\n",
                dest.display()
            )
        );
        assert_eq!(entries(&full.0), Vec::<String>::new(), "backup, {size}");
        // A copy that does not fit never replaces the old one.
        std::fs::write(&dest, "copia vecchia").unwrap();
        let out = env.run(&["backup", dest.to_str().unwrap(), "--force"], "");
        assert_eq!(code(&out), 2, "{size}: {}", text(&out.stderr));
        assert_eq!(std::fs::read(&dest).unwrap(), b"copia vecchia");
        assert_eq!(entries(&full.0), vec!["copia.db".to_string()], "{size}");
    }
}

/// `sportello demo` on a pseudo-terminal, logged in as `admin`.
fn demo_session(env: &Env) -> common::pty::Pty {
    let out = env
        .cmd()
        .args(["demo", "--persons", "10", "--no-tui"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let mut cmd = env.cmd();
    cmd.env("TERM", "xterm").env("LANG", "C.UTF-8").arg("demo");
    let mut p = common::pty::Pty::spawn(cmd);
    assert!(
        p.wait_for("Accesso a sportello", 10.0),
        "{}",
        p.screen_text()
    );
    p.write("admin\tsportello-demo\r");
    assert!(p.wait_for("Pagina iniziale", 10.0), "{}", p.screen_text());
    p
}

fn wait_exit(p: &mut common::pty::Pty) {
    let start = std::time::Instant::now();
    while p.child.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "still running"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn log_lines_carry_the_session_pid_and_operator_and_the_hangup_loses_none() {
    let env = Env::new();
    let mut p = demo_session(&env);
    let pid = p.child.id();
    p.hang_up();
    wait_exit(&mut p);
    let db = env.dir.path().join("data/sportello/demo.db");
    let admin: i64 = rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT id FROM operatore WHERE username = 'admin'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let logs: String = std::fs::read_dir(env.dir.path().join("log"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let session: Vec<&str> = logs
        .lines()
        .filter(|l| l.starts_with(&format!("pid={pid} ")))
        .collect();
    assert!(
        session.iter().any(|l| l.contains("sessione avviata")),
        "{logs}"
    );
    // The last line, written on the hangup path just before exit, names the operator.
    let last = session.last().unwrap();
    assert!(
        last.starts_with(&format!("pid={pid} operatore={admin} "))
            && last.contains("salvataggio bozze"),
        "{logs}"
    );
}

#[test]
fn a_log_that_cannot_be_opened_never_stops_the_session_and_is_said_once() {
    let env = Env::new();
    // The log folder's name is taken by a file: no log can be written.
    std::fs::write(env.dir.path().join("log"), "non una cartella").unwrap();
    let mut p = demo_session(&env);
    let screen = p.screen_text();
    assert!(screen.contains("Registro su file disattivato"), "{screen}");
    assert!(!screen.contains("panicked"), "{screen}");
    // The session works on: the operators' list opens and shows the accounts.
    p.write("1");
    assert!(p.wait_for("as.corciano", 10.0), "{}", p.screen_text());
    p.hang_up();
    wait_exit(&mut p);
}
