//! A throwaway PostgreSQL cluster for the PostgreSQL tests: one per test binary, started on first
//! use in a temporary directory (data, unix socket and log inside it) on a free TCP port of
//! 127.0.0.1, with one fresh database per test ([`database`]). It runs as the `postgres` OS user
//! when the tests run as root (PostgreSQL refuses root), as the current user otherwise; trust
//! authentication, superuser `postgres`, fsync off. It is stopped and removed when the test
//! process exits (an `atexit` hook), or, if the process is killed, by a small watchdog shell that
//! waits for the test process to end.
//!
//! Without PostgreSQL binaries (`initdb`, `pg_ctl`, `psql` on PATH or in /usr/lib/postgresql/*/bin)
//! [`database`] prints one line «PostgreSQL non disponibile: test saltato (…)» and returns None, and
//! the test returns early; with `SPORTELLO_PG_REQUIRED=1` (set by `.ci/run`) it panics instead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The OS user that runs the cluster when the tests run as root.
const OS_USER: &str = "postgres";
/// The cluster's superuser (trust authentication).
pub const SUPERUSER: &str = "postgres";
/// The one role that must give its password over TCP ([`PgDb::password_role`]).
pub const PASSWORD_ROLE: &str = "sportello_pw";

/// One database of the test cluster, dropped with the value.
pub struct PgDb {
    /// The unix socket directory (a `host` for libpq and the `postgres` crate).
    pub socket_dir: PathBuf,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    bin: PathBuf,
}

impl PgDb {
    /// `postgres://postgres@127.0.0.1:PORT/DB` (TCP; no password: trust authentication).
    pub fn url(&self) -> String {
        format!(
            "postgres://{}@127.0.0.1:{}/{}",
            self.user, self.port, self.dbname
        )
    }

    /// Makes [`PASSWORD_ROLE`] (password `password`) the owner of this database; its URL over
    /// TCP, which carries no password (the passfile does).
    #[allow(dead_code)]
    pub fn password_role(&self, password: &str) -> String {
        let out = self.run(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{PASSWORD_ROLE}') \
             THEN CREATE ROLE {PASSWORD_ROLE} LOGIN; END IF; END $$; \
             ALTER ROLE {PASSWORD_ROLE} PASSWORD '{password}'; \
             ALTER DATABASE {} OWNER TO {PASSWORD_ROLE};",
            self.dbname
        ));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!(
            "postgres://{PASSWORD_ROLE}@127.0.0.1:{}/{}",
            self.port, self.dbname
        )
    }

    /// libpq key-value parameters over the unix socket: `host=DIR port=N user=U dbname=D`.
    pub fn params(&self) -> String {
        format!(
            "host={} port={} user={} dbname={}",
            self.socket_dir.display(),
            self.port,
            self.user,
            self.dbname
        )
    }

    /// `psql` on this database: no psqlrc, stop on the first error, unaligned tuples only,
    /// fields separated by a tab.
    pub fn psql(&self) -> Command {
        psql_on(&self.bin, &self.socket_dir, self.port, &self.dbname)
    }

    /// Runs `sql` with psql in one transaction; the output, whatever the outcome.
    pub fn run(&self, sql: &str) -> Output {
        self.psql().arg("-1").arg("-c").arg(sql).output().unwrap()
    }

    /// Runs `sql` and returns its rows (tab-separated fields); panics on an error.
    pub fn query(&self, sql: &str) -> Vec<String> {
        let out = self.run(sql);
        assert!(
            out.status.success(),
            "psql: {sql}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Applies one SQL file in one transaction (`psql -1 -f`); the output, whatever the outcome.
    pub fn apply_file(&self, file: &Path) -> Output {
        self.psql().arg("-1").arg("-f").arg(file).output().unwrap()
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Some(Some(c)) = CLUSTER.get() {
            let _ = c
                .psql("postgres")
                .arg("-c")
                .arg(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.dbname
                ))
                .output();
        }
    }
}

struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
    next: AtomicU32,
}

impl Cluster {
    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn socket_dir(&self) -> PathBuf {
        self.dir.join("sock")
    }

    fn psql(&self, db: &str) -> Command {
        psql_on(&self.bin, &self.socket_dir(), self.port, db)
    }

    fn stop(&self) {
        let _ = server_command(&self.bin, "pg_ctl", self.as_postgres, &self.dir)
            .arg("stop")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();

/// A fresh database (`t_N`, collation C, UTF-8) on this test binary's cluster, or None (after one
/// line on stderr) when PostgreSQL is not installed and `SPORTELLO_PG_REQUIRED` is not `1`.
pub fn database() -> Option<PgDb> {
    let c = CLUSTER.get_or_init(start).as_ref()?;
    let n = c.next.fetch_add(1, Ordering::SeqCst);
    let dbname = format!("t_{n}");
    let out = c
        .psql("postgres")
        .arg("-c")
        .arg(format!(
            "CREATE DATABASE {dbname} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "CREATE DATABASE {dbname}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(PgDb {
        socket_dir: c.socket_dir(),
        port: c.port,
        user: SUPERUSER.to_string(),
        dbname,
        bin: c.bin.clone(),
    })
}

fn required() -> bool {
    std::env::var("SPORTELLO_PG_REQUIRED").is_ok_and(|v| v == "1")
}

/// Skips (one line on stderr, not captured by the test harness) or, when required, panics.
fn unavailable(why: &str) -> Option<Cluster> {
    if required() {
        panic!("PostgreSQL richiesto (SPORTELLO_PG_REQUIRED=1) ma non disponibile: {why}");
    }
    let _ = writeln!(
        std::io::stderr(),
        "PostgreSQL non disponibile: test saltato ({why})"
    );
    None
}

/// The directory holding `initdb`, `pg_ctl` and `psql`: PATH first, then the newest
/// /usr/lib/postgresql/*/bin.
fn find_bin() -> Option<PathBuf> {
    let has_all = |d: &Path| {
        ["initdb", "pg_ctl", "psql"]
            .iter()
            .all(|b| d.join(b).is_file())
    };
    let from_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p).find_map(|d| {
            // Resolve symlinks (Debian's /usr/bin/psql is a wrapper; /usr/local/bin may link).
            let initdb = std::fs::canonicalize(d.join("initdb")).ok()?;
            let dir = initdb.parent()?.to_path_buf();
            has_all(&dir).then_some(dir)
        })
    });
    from_path.or_else(|| {
        let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| {
                let e = e.ok()?;
                let version = e.file_name().to_str()?.parse::<u32>().ok()?;
                let bin = e.path().join("bin");
                has_all(&bin).then_some((version, bin))
            })
            .collect();
        dirs.sort();
        dirs.pop().map(|(_, d)| d)
    })
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// `bin/program`, as the `postgres` OS user when `as_postgres` (via runuser), run in `cwd`.
fn server_command(bin: &Path, program: &str, as_postgres: bool, cwd: &Path) -> Command {
    let path = bin.join(program);
    let mut c = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", OS_USER, "--"]).arg(path);
        c
    } else {
        Command::new(path)
    };
    c.current_dir(cwd).env_remove("PGDATA").stdin(Stdio::null());
    c
}

fn psql_on(bin: &Path, socket_dir: &Path, port: u16, db: &str) -> Command {
    let mut c = Command::new(bin.join("psql"));
    c.arg("-X")
        .arg("-q")
        .args(["-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "\t"])
        .arg("-h")
        .arg(socket_dir)
        .arg("-p")
        .arg(port.to_string())
        .args(["-U", SUPERUSER, "-d", db])
        .env_remove("PGPASSWORD")
        .env_remove("PGSERVICE")
        .env("PGCONNECT_TIMEOUT", "10")
        .stdin(Stdio::null());
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("nessuna porta TCP libera su 127.0.0.1")
}

fn must(what: &str, out: std::io::Result<Output>) -> Output {
    let out = out.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} non riuscito: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn start() -> Option<Cluster> {
    let Some(bin) = find_bin() else {
        return unavailable(
            "initdb, pg_ctl e psql non trovati nel PATH né in /usr/lib/postgresql/*/bin",
        );
    };
    let as_postgres = is_root();
    let user_exists = || {
        Command::new("id")
            .arg("-u")
            .arg(OS_USER)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if as_postgres && !user_exists() {
        return unavailable("utente di sistema postgres mancante");
    }
    let dir = tempfile::Builder::new()
        .prefix("sportello-pg-")
        .tempdir()
        .unwrap()
        .keep();
    std::fs::create_dir(dir.join("sock")).unwrap();
    if as_postgres {
        must(
            "chown",
            Command::new("chown")
                .arg("-R")
                .arg(format!("{OS_USER}:"))
                .arg(&dir)
                .output(),
        );
    }
    let mut cluster = Cluster {
        dir: dir.clone(),
        bin: bin.clone(),
        port: 0,
        as_postgres,
        next: AtomicU32::new(1),
    };
    must(
        "initdb",
        server_command(&bin, "initdb", as_postgres, &dir)
            .arg("-D")
            .arg(cluster.data())
            .args(["-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C"])
            .arg("--no-sync")
            .output(),
    );
    // One role must give a password over TCP (the passfile tests); everybody else is trusted.
    let hba = cluster.data().join("pg_hba.conf");
    let trusted = std::fs::read_to_string(&hba).unwrap();
    std::fs::write(
        &hba,
        format!("host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n{trusted}"),
    )
    .unwrap();
    // The port is free when probed; another process may take it before the server binds it.
    let mut started = false;
    let mut last = String::new();
    for _ in 0..5 {
        cluster.port = free_port();
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200",
            cluster.port,
            cluster.socket_dir().display()
        );
        let out = server_command(&bin, "pg_ctl", as_postgres, &dir)
            .arg("start")
            .arg("-D")
            .arg(cluster.data())
            .arg("-l")
            .arg(dir.join("server.log"))
            .args(["-w", "-t", "60", "-o", &options])
            .output()
            .unwrap();
        if out.status.success() {
            started = true;
            break;
        }
        last = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    }
    assert!(
        started,
        "avvio del cluster PostgreSQL non riuscito:\n{last}"
    );
    watchdog(&cluster);
    // SAFETY: registering a plain extern "C" function with no captured state.
    unsafe {
        libc::atexit(stop_at_exit);
    }
    Some(cluster)
}

extern "C" fn stop_at_exit() {
    if let Some(Some(c)) = CLUSTER.get() {
        c.stop();
    }
}

/// If the test process dies without running its exit hooks, a shell that outlives it stops the
/// cluster and removes its directory.
fn watchdog(c: &Cluster) {
    let pg_ctl = c.bin.join("pg_ctl");
    let stop = if c.as_postgres {
        format!(
            "runuser -u {OS_USER} -- '{}' stop -D '{}' -m immediate",
            pg_ctl.display(),
            c.data().display()
        )
    } else {
        format!(
            "'{}' stop -D '{}' -m immediate",
            pg_ctl.display(),
            c.data().display()
        )
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; if [ -d '{data}' ]; then {stop}; rm -rf '{dir}'; fi",
        pid = std::process::id(),
        data = c.data().display(),
        dir = c.dir.display(),
    );
    let _ = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}
