//! The setgid deployment end to end, as the README installs it (run as root; skipped with one line
//! otherwise, and failing under `CI=true`): two unprivileged desk accounts share the database
//! through the setgid binary and cannot reach it by themselves.

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use common::deploy::{Deployment, as_root, gid, ids, readme_commands};
use common::pty::Pty;
use common::{code, text};

fn meta(p: &Path) -> (u32, u32, u32) {
    let m = std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    (m.uid(), m.gid(), m.mode() & 0o7777)
}

fn with_suffix(p: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

#[test]
fn the_readme_shows_the_commands_this_test_runs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let (install, person) = readme_commands();
    assert!(readme.contains(&install), "README must show:\n{install}");
    assert!(readme.contains(&person), "README must show:\n{person}");
}

#[test]
fn desk_accounts_reach_the_data_only_through_the_setgid_binary() {
    if !as_root("desk_accounts_reach_the_data_only_through_the_setgid_binary") {
        return;
    }
    let d = Deployment::install("s", &["a", "b"]);
    let (a, b) = (d.users[0].clone(), d.users[1].clone());
    let data = gid(&d.data_group);
    let db = d.db();
    // root's init made the data files 0660 in the data group, and so today's log.
    assert_eq!(meta(&d.lib()), (0, data, 0o2770));
    assert_eq!(meta(&db), (0, data, 0o660));
    assert_eq!(meta(&with_suffix(&db, ".audit-head")), (0, data, 0o660));
    assert_eq!(meta(&d.log_file()), (0, data, 0o660));
    assert!(!with_suffix(&db, "-wal").exists());

    // A opens a session: it logs in by its OS account and creates the -wal, 0660 in the data group.
    let mut pa = Pty::spawn(d.user(&a, &[]));
    assert!(pa.wait_for("Pagina iniziale", 20.0), "{}", pa.screen_text());
    let (uid_a, _) = ids(&a);
    let wal = with_suffix(&db, "-wal");
    assert_eq!(meta(&wal), (uid_a, data, 0o660));
    assert_eq!(meta(&with_suffix(&db, "-shm")).2, 0o660);

    // B works normally meanwhile, as its own operator: a search, a print into its home.
    let out = d.user(&b, &["search", "rossi"]).output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let pdf = d.home(&b).join("vuota.pdf");
    let out = d
        .user(
            &b,
            &["print", "scheda-vuota", "--out", pdf.to_str().unwrap()],
        )
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // Created with B's own identity, never the data group.
    let (uid_b, gid_b) = ids(&b);
    assert_eq!(meta(&pdf), (uid_b, gid_b, 0o600));
    // B may not export the schede: its operator's permissions apply, not the binary's.
    let out = d
        .user(
            &b,
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
                "schede.csv",
            ],
        )
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let c = rusqlite::Connection::open(&db).unwrap();
    let searched: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'cerca_soggetti' AND os_user = ?1 AND username = ?1",
            [&b],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(searched, 1);

    // Neither account can open the database, its -wal or the anchor by itself.
    for u in [&a, &b] {
        for f in [db.clone(), wal.clone(), with_suffix(&db, ".audit-head")] {
            assert!(!d.user_can_read(u, &f), "{u} reads {}", f.display());
        }
    }

    // --out into the data directory is refused, whatever the spelling.
    for target in [
        d.lib().join("copia.pdf"),
        d.lib().join("registrazioni/../copia.pdf"),
        db.clone(),
    ] {
        let out = d
            .user(
                &b,
                &[
                    "print",
                    "scheda-vuota",
                    "--force",
                    "--out",
                    target.to_str().unwrap(),
                ],
            )
            .output()
            .unwrap();
        assert_ne!(code(&out), 0, "{}", target.display());
        assert!(
            text(&out.stderr).contains("è nella cartella dei dati di sportello"),
            "{}",
            text(&out.stderr)
        );
    }
    assert!(!d.lib().join("copia.pdf").exists());
    assert!(
        rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("SELECT count(*) FROM operatore", [], |r| r.get::<_, i64>(0))
            .unwrap()
            >= 3
    );

    // Environment, user configuration and --db that would move the data paths are ignored.
    let elsewhere = d.home(&b).join("altrove");
    let config = d.home(&b).join(".config/sportello");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "database = \"{0}/utente.db\"\nlog_dir = \"{0}/log-utente\"\n",
            elsewhere.display()
        ),
    )
    .unwrap();
    let out = d
        .user(
            &b,
            &[
                "--db",
                elsewhere.join("flag.db").to_str().unwrap(),
                "search",
                "rossi",
            ],
        )
        .env("SPORTELLO_DB", elsewhere.join("env.db"))
        .env("SPORTELLO_LOG_DIR", elsewhere.join("log-env"))
        .env("SPORTELLO_ETC", &elsewhere)
        .env("XDG_CONFIG_HOME", d.home(&b).join(".config"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(!elsewhere.exists(), "a redirected path was used");
    let searched: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'cerca_soggetti' AND os_user = ?1",
            [&b],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(searched, 2, "the search ran on the deployment's database");

    // The operator's own files (keymap) are read without the data group: a keymap that is a
    // link to the database is refused, and nothing of the database is shown.
    std::fs::remove_file(config.join("config.toml")).unwrap();
    std::os::unix::fs::symlink(&db, config.join("keymap.toml")).unwrap();
    let out = d
        .user(&b, &[])
        .env("XDG_CONFIG_HOME", d.home(&b).join(".config"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("Permission denied")
            || text(&out.stderr).contains("Permesso negato"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).contains("SQLite"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_file(config.join("keymap.toml")).unwrap();

    // A's log lines carry its pid and operator id, and its hangup's lines are in the file.
    let pid_a = pa.child.id();
    pa.hang_up();
    let start = std::time::Instant::now();
    while pa.child.try_wait().unwrap().is_none() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = std::fs::read_to_string(d.log_file()).unwrap();
    let tag = format!("pid={pid_a} operatore={} ", d.operatore_id(&a));
    let lines: Vec<&str> = log.lines().filter(|l| l.starts_with(&tag)).collect();
    assert!(
        lines.iter().any(|l| l.contains("salvataggio bozze")),
        "{log}"
    );
    assert!(log.contains(&format!("pid={pid_a} ")), "{log}");

    // Today's log owned by root, 0644 (a command that bypassed the group): B's session still runs,
    // and says once that file logging is off.
    std::os::unix::fs::chown(d.log_file(), Some(0), Some(0)).unwrap();
    std::fs::set_permissions(
        d.log_file(),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let mut pb = Pty::spawn(d.user(&b, &[]));
    assert!(pb.wait_for("Pagina iniziale", 20.0), "{}", pb.screen_text());
    assert!(
        pb.wait_for("Registro su file disattivato", 5.0),
        "{}",
        pb.screen_text()
    );
    let screen = pb.screen_text();
    assert!(
        !screen.contains("panicked") && !screen.contains("Permission denied"),
        "{screen}"
    );
    pb.hang_up();
    let _ = pb.child.wait();
}

/// On PostgreSQL the deployment's service password sits in `/etc/sportello/pgpass`, 0640 root and
/// the data group: a desk account's sessions connect with it through the setgid binary, the account
/// cannot read it by itself, and its own `PGPASSFILE` or `~/.pgpass` are not consulted.
#[test]
fn on_postgres_the_service_password_is_reached_only_through_the_setgid_binary() {
    if !as_root("on_postgres_the_service_password_is_reached_only_through_the_setgid_binary") {
        return;
    }
    let Some(pgdb) = common::pg::database() else {
        return;
    };
    const PASSWORD: &str = "Servizio-Pw-2026";
    let url = pgdb.password_role(PASSWORD);
    let d = Deployment::install("p", &["a"]);
    let a = d.users[0].clone();
    let etc = Path::new("/etc/sportello");
    struct Remove(std::path::PathBuf);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    let pgpass = etc.join("pgpass");
    let _gone = Remove(pgpass.clone());
    std::fs::write(
        &pgpass,
        format!("127.0.0.1:*:*:{}:{PASSWORD}\n", common::pg::PASSWORD_ROLE),
    )
    .unwrap();
    common::deploy::sh(
        &format!(
            "chown root:{} {p} && chmod 0640 {p}",
            d.data_group,
            p = pgpass.display()
        ),
        "",
    );
    let config = std::fs::read_to_string(etc.join("config.toml"))
        .unwrap()
        .replace(
            &format!("database = \"{}\"", d.db().display()),
            &format!("database = \"{url}\""),
        );
    assert!(config.contains(&url), "{config}");
    std::fs::write(etc.join("config.toml"), config).unwrap();

    // root makes the database and the desk account's operator, through the setgid binary.
    let mut init = d.root(&[
        "init",
        "--ente",
        "Comune di Perugia",
        "--belfiore",
        "G478",
        "--admin",
        "admin",
        "--password-stdin",
    ]);
    let out = common::output_with_stdin(&mut init, "una-password-admin\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = d
        .root(&[
            "user",
            "add",
            &a,
            "--nome",
            "Maria",
            "--cognome",
            "Rossi",
            "--role",
            "sportello",
            "--ente",
            "G478",
            "--os-user",
            &a,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The account cannot read the service password by itself ...
    assert!(!d.user_can_read(&a, &pgpass));
    // ... its own password files are not consulted (a wrong password in each) ...
    let home = d.home(&a);
    let wrong = format!("*:*:*:*:Sbagliata-{PASSWORD}\n");
    for f in [home.join(".pgpass"), home.join("altro.pgpass")] {
        std::fs::write(&f, &wrong).unwrap();
        let (uid, gid) = ids(&a);
        std::os::unix::fs::chown(&f, Some(uid), Some(gid)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // ... and through sportello its sessions reach the data.
    let out = d
        .user(&a, &["search", "rossi"])
        .env("PGPASSFILE", home.join("altro.pgpass"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("Sbagliata"));
}
