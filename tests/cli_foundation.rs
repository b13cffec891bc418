//! The foundation CLI end to end on the real binary: init, migrate, user, check, backup, bad input.

mod common;

use common::{ADMIN_PASSWORD, Env, code, snapshot, text};

#[test]
fn init_creates_db_ente_and_admin_and_check_is_ok() {
    let env = Env::new();
    env.init();
    let out = env.run(&["check"], "");
    assert_eq!(
        (code(&out), text(&out.stdout).trim()),
        (0, "ok"),
        "{}",
        text(&out.stderr)
    );
    let out = env.run(&["user", "list"], "");
    assert_eq!(code(&out), 0);
    let list = text(&out.stdout);
    assert!(
        list.starts_with("admin\tAmministratore di sistema\tadmin\tG478\tattivo"),
        "{list}"
    );
    let out = env.run(&["migrate", "--check"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stdout));
}

#[test]
fn init_refuses_an_existing_db_and_changes_nothing() {
    let env = Env::new();
    env.init();
    let before = snapshot(&env.db());
    let out = env.run(
        &[
            "init",
            "--ente",
            "Altro",
            "--belfiore",
            "H501",
            "--admin",
            "root",
            "--password-stdin",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("esiste già"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(snapshot(&env.db()), before);
}

#[test]
fn init_validates_before_creating_anything() {
    let env = Env::new();
    // Admin password shorter than 14 characters.
    let out = env.run(
        &[
            "init",
            "--ente",
            "Comune",
            "--belfiore",
            "G478",
            "--admin",
            "admin",
            "--password-stdin",
        ],
        "corta-12-car\n",
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("almeno 14 caratteri"),
        "{}",
        text(&out.stderr)
    );
    assert!(!env.db().exists());
    // Bad Belfiore syntax.
    let out = env.run(
        &[
            "init",
            "--ente",
            "Comune",
            "--belfiore",
            "XX1",
            "--admin",
            "admin",
            "--password-stdin",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert_eq!(code(&out), 1);
    assert!(!env.db().exists());
}

#[test]
fn db_on_a_directory_or_unwritable_path_is_an_environment_error() {
    let env = Env::new();
    let dir = env.dir.path().join("cartella");
    std::fs::create_dir(&dir).unwrap();
    let out = env.run_on(&dir, &["check"], "");
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("è una cartella"),
        "{}",
        text(&out.stderr)
    );
    let out = env.run_on(
        &dir,
        &[
            "init",
            "--ente",
            "C",
            "--belfiore",
            "G478",
            "--admin",
            "admin",
            "--password-stdin",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert_eq!(code(&out), 2);
    // A path under a file cannot be created.
    let file = env.dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let out = env.run_on(
        &file.join("sotto.db"),
        &[
            "init",
            "--ente",
            "C",
            "--belfiore",
            "G478",
            "--admin",
            "admin",
            "--password-stdin",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line, no backtrace: {stderr}"
    );
    // Missing database for a normal command.
    let out = env.run(&["user", "list"], "");
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("non trovato"));
}

#[test]
fn corrupt_or_foreign_file_is_refused_untouched() {
    let env = Env::new();
    let corrupt = env.dir.path().join("rotto.db");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend(std::iter::repeat_n(0xA5u8, 8192));
    std::fs::write(&corrupt, &bytes).unwrap();
    for args in [
        &["check"][..],
        &["migrate"],
        &["user", "list"],
        &["backup", "/tmp/x-never.db"],
    ] {
        let out = env.run_on(&corrupt, args, "");
        assert_eq!(code(&out), 2, "{args:?}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("danneggiato"),
            "{}",
            text(&out.stderr)
        );
    }
    assert_eq!(std::fs::read(&corrupt).unwrap(), bytes);
    // A valid SQLite database of another program.
    let other = env.dir.path().join("altro.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    let before = snapshot(&other);
    let out = env.run_on(&other, &["migrate"], "");
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("non è un database di sportello"));
    assert_eq!(snapshot(&other), before);
}

#[test]
fn newer_schema_is_refused_for_writes_and_nothing_is_modified() {
    let env = Env::new();
    env.init();
    {
        let c = rusqlite::Connection::open(env.db()).unwrap();
        c.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_futuro', 'x')", [])
            .unwrap();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    let before = snapshot(&env.db());
    for args in [
        &["user", "disable", "admin"][..],
        &["migrate"],
        &["user", "list"],
    ] {
        let out = env.run(args, "");
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(
            text(&out.stderr).contains("aggiornare sportello"),
            "{}",
            text(&out.stderr)
        );
    }
    let out = env.run(&["check"], "");
    assert_eq!(code(&out), 1);
    assert!(text(&out.stdout).contains("schema 999"));
    assert_eq!(snapshot(&env.db()), before);
}

#[test]
fn migrate_check_reports_pending_and_migrate_applies_them() {
    let env = Env::new();
    env.init();
    {
        let c = rusqlite::Connection::open(env.db()).unwrap();
        // Simulate a database made by an older binary: forget the last migration (and its table).
        c.execute_batch("DELETE FROM schema_migrations WHERE version = 7; DROP TABLE soggetto_parola; DROP TABLE soggetto_parola_variante; DROP INDEX soggetto_cerca_cognome; DROP INDEX soggetto_cerca_nome; CREATE INDEX soggetto_cognome_key ON soggetto(cognome_key, nome_key); CREATE INDEX soggetto_nome_key ON soggetto(nome_key);")
            .unwrap();
    }
    let out = env.run(&["migrate", "--check"], "");
    assert_eq!(code(&out), 1);
    assert!(text(&out.stdout).contains("0007_ricerca_soggetti"));
    let out = env.run(&["user", "list"], "");
    assert_eq!(code(&out), 2, "sessions refuse an outdated schema");
    assert!(text(&out.stderr).contains("sportello migrate"));
    let out = env.run(&["migrate"], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("applicati: 7"));
    assert_eq!(code(&env.run(&["migrate", "--check"], "")), 0);
    assert_eq!(code(&env.run(&["check"], "")), 0);
}

#[test]
fn user_commands_add_passwd_disable_with_validation() {
    let env = Env::new();
    env.init();
    let add = |user: &str, role: &str, ente: &str, pw: &str| {
        let mut args = vec![
            "user",
            "add",
            user,
            "--nome",
            "Maria",
            "--cognome",
            "Rossi",
            "--role",
            role,
            "--ente",
            ente,
        ];
        if !pw.is_empty() {
            args.push("--password-stdin");
        }
        env.run(&args, &format!("{pw}\n"))
    };
    let out = add(
        "mrossi",
        "sportello,responsabile",
        "G478",
        "password-di-maria",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = add("mrossi", "sportello", "G478", "password-di-maria");
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("esiste già"));
    let out = add("altro", "sportelo", "G478", "");
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("ruoli validi"),
        "{}",
        text(&out.stderr)
    );
    let out = add("altro", "sportello", "Z999", "");
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("non trovato"));
    let out = add("altro", "sportello", "G478", "corta");
    assert_eq!(code(&out), 1);
    assert!(text(&out.stderr).contains("almeno 12"));
    let out = add("Bad User!", "sportello", "G478", "");
    assert_eq!(code(&out), 1);
    let out = env.run(
        &["user", "passwd", "mrossi", "--password-stdin"],
        "una-nuova-password\n",
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = env.run(
        &["user", "passwd", "nessuno", "--password-stdin"],
        "una-nuova-password\n",
    );
    assert_eq!(code(&out), 1);
    let out = env.run(&["user", "disable", "mrossi"], "");
    assert_eq!(code(&out), 0);
    let list = text(&env.run(&["user", "list"], "").stdout);
    assert!(
        list.contains("mrossi\tMaria Rossi\tsportello,responsabile\tG478\tdisabilitato"),
        "{list}"
    );
    // Usage error: unknown flag.
    assert_eq!(code(&env.run(&["user", "add", "--bogus"], "")), 2);
}

#[test]
fn backup_copies_and_verifies() {
    let env = Env::new();
    env.init();
    let dest = env.dir.path().join("copia.db");
    let out = env.run(&["backup", dest.to_str().unwrap()], "");
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let out = env.run_on(&dest, &["check"], "");
    assert_eq!(text(&out.stdout).trim(), "ok");
    let list = text(&env.run_on(&dest, &["user", "list"], "").stdout);
    assert!(list.starts_with("admin\t"));
    // Never overwrites.
    assert_eq!(code(&env.run(&["backup", dest.to_str().unwrap()], "")), 2);
}

#[test]
fn config_file_supplies_the_database_path() {
    let env = Env::new();
    env.init();
    let etc = env.dir.path().join("etc");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::write(
        etc.join("config.toml"),
        format!("database = {:?}\n", env.db()),
    )
    .unwrap();
    let out = env.cmd().args(["user", "list"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // SPORTELLO_DB beats the file.
    let out = env
        .cmd()
        .env("SPORTELLO_DB", env.dir.path().join("nessuno.db"))
        .args(["user", "list"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    // A broken config file names file and line.
    std::fs::write(etc.join("config.toml"), "database = \n").unwrap();
    let out = env.cmd().args(["check"]).output().unwrap();
    assert_eq!(code(&out), 2);
    let err = text(&out.stderr);
    assert!(
        err.contains("config.toml") && err.contains("riga 1"),
        "{err}"
    );
}

#[test]
fn a_panic_writes_a_crash_report_and_shows_one_italian_line() {
    let env = Env::new();
    let out = env.test_tools().arg("crash-test").output().unwrap();
    assert_eq!(code(&out), 101);
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line, no backtrace: {stderr}"
    );
    assert!(
        stderr.starts_with("sportello si è chiuso per un errore interno. Segnalazione "),
        "{stderr}"
    );
    let dir = env.dir.path().join("log/crash");
    let report = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let id = report
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .trim_start_matches("crash-")
        .to_string();
    assert!(stderr.contains(&id));
    let body = std::fs::read_to_string(&report).unwrap();
    assert!(body.contains("schermata: prova"));
    assert!(
        body.contains("  *\n  *\n  <Tab>\n  <C-s>"),
        "typed characters redacted: {body}"
    );
    assert!(body.contains("errore simulato") && body.contains("backtrace:"));
}

#[test]
fn broken_keymap_or_screen_file_stops_the_tui_with_file_and_line() {
    let env = Env::new();
    env.init();
    let etc = env.dir.path().join("etc");
    std::fs::create_dir_all(etc.join("screens")).unwrap();
    std::fs::write(
        etc.join("keymap.toml"),
        "[global]\nkeymap = [\n  { on = \"<C-s>\", run = \"salva\" },\n]\n",
    )
    .unwrap();
    let out = env.run(&[], "");
    assert_eq!(code(&out), 2);
    let err = text(&out.stderr);
    assert!(
        err.contains("keymap.toml") && err.contains("riga 3") && err.contains("save"),
        "{err}"
    );
    std::fs::remove_file(etc.join("keymap.toml")).unwrap();
    std::fs::write(
        etc.join("screens/operatore.toml"),
        "[form]\nid = \"operatore\"\ntitle = \"Operatore\"\ntheme = \"accoglienza\"\n\n[[section]]\nid = \"a\"\ntitle = \"A\"\n\n[[section.field]]\nid = \"username\"\nlabel = \"Utente\"\nkind = \"testo\"\n",
    )
    .unwrap();
    let out = env.run(&[], "");
    assert_eq!(code(&out), 2);
    let err = text(&out.stderr);
    assert!(
        err.contains("operatore.toml") && err.contains("riga 13"),
        "{err}"
    );
}

#[test]
fn commands_log_to_a_file_in_the_log_dir_not_the_terminal() {
    let env = Env::new();
    env.init();
    let out = env.run(&["user", "list"], "");
    assert!(!text(&out.stdout).contains("avvio") && !text(&out.stderr).contains("avvio"));
    let log_dir = env.dir.path().join("log");
    let logs: String = std::fs::read_dir(&log_dir)
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .collect();
    assert!(
        logs.contains("avvio") && logs.contains("\"init\"") && logs.contains("\"user\""),
        "{logs}"
    );
    assert!(!logs.contains(ADMIN_PASSWORD));
}
