//! Connecting to PostgreSQL: the URL, the password from a passfile, TLS with certificate checks.
//!
//! The password never travels in the URL (see [`crate::store::location`]): it is read from a
//! passfile in libpq's format (`host:port:database:user:password`, `*` matches anything, `\:` and
//! `\\` escape), the first that exists of: the URL's `passfile=` parameter, `PGPASSFILE` (not when
//! running setgid), `/etc/sportello/pgpass` (the deployment's, readable by the data group only),
//! `~/.pgpass`. A passfile readable by others is refused.
//!
//! TLS: a server reached over the network (not a Unix socket, not loopback) is always reached over
//! TLS, its certificate verified against `sslrootcert=` (a PEM file) or the system's CA bundle, and
//! its name against the certificate. `sslmode=verify-full` (or `require`, `verify-ca`) asks for the
//! same on loopback; `sslmode=disable` is refused for a remote server.

use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::config::{Host, SslMode};

use super::pg::PgSession;
use crate::store::{StoreError, StoreResult};

/// How long a connection attempt waits for the server before the operator is told.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const SYSTEM_PASSFILE: &str = "/etc/sportello/pgpass";
const SYSTEM_CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// What sportello reads from the URL besides what the driver understands.
#[derive(Debug, Default, PartialEq, Eq)]
struct Extra {
    passfile: Option<PathBuf>,
    sslrootcert: Option<PathBuf>,
    /// `require`, `verify-ca` or `verify-full` (all verify the certificate and the name).
    tls_required: bool,
    tls_disabled: bool,
}

/// Opens a session on the server at `url`.
pub fn connect(url: &str) -> StoreResult<PgSession> {
    let session = PgSession::new(connect_client(url)?, url);
    session.listen()?;
    Ok(session)
}

/// A connection to the server at `url`.
pub(super) fn connect_client(url: &str) -> StoreResult<postgres::Client> {
    let (driver_url, extra) = split_url(url)?;
    let mut config: postgres::Config = driver_url
        .parse()
        .map_err(|e| StoreError::Unavailable(format!("indirizzo del database non valido: {e}")))?;
    if config.get_user().is_none() {
        config.user(crate::auth::os_user().as_deref().unwrap_or("sportello"));
    }
    if config.get_dbname().is_none() {
        let user = config.get_user().unwrap_or_default().to_string();
        config.dbname(&user);
    }
    if config.get_hosts().is_empty() {
        config.host_path("/var/run/postgresql");
    }
    config.connect_timeout(CONNECT_TIMEOUT);
    config.application_name("sportello");
    config.keepalives_idle(Duration::from_secs(60));
    if let Some(password) = passfile_password(&config, extra.passfile.as_deref())? {
        config.password(password);
    }
    let remote = config.get_hosts().iter().any(|h| match h {
        Host::Tcp(name) => !is_loopback(name),
        #[cfg(unix)]
        Host::Unix(_) => false,
    });
    if remote && extra.tls_disabled {
        return Err(StoreError::Unavailable(
            "sslmode=disable non è ammesso verso un server remoto: i dati viaggerebbero in chiaro"
                .into(),
        ));
    }
    let client = if remote || extra.tls_required {
        config.ssl_mode(SslMode::Require);
        let tls = tls_connector(extra.sslrootcert.as_deref())?;
        config.connect(tls)
    } else {
        config.ssl_mode(SslMode::Disable);
        config.connect(postgres::NoTls)
    };
    client.map_err(|e| connect_error(&e))
}

/// `pg_dump` of the database at `url` into the new file `dest` (custom format, created 0600),
/// with the same passfile and TLS settings as the session; the archive is then read back with
/// `pg_restore --list` before it counts as made.
pub fn pg_dump(url: &str, dest: &Path) -> StoreResult<()> {
    let (driver_url, extra) = split_url(url)?;
    let file = crate::files::create_with_mode(dest, crate::files::PRIVATE)
        .map_err(|e| StoreError::Output(format!("impossibile scrivere {}: {e}", dest.display())))?;
    let mut cmd = std::process::Command::new("pg_dump");
    cmd.args(["--format=custom", "--no-owner", "--dbname", &driver_url])
        .stdin(std::process::Stdio::null())
        .stdout(file)
        .stderr(std::process::Stdio::piped());
    if let Some(p) = &extra.passfile {
        cmd.env("PGPASSFILE", p);
    }
    if let Some(p) = &extra.sslrootcert {
        cmd.env("PGSSLROOTCERT", p);
    }
    if extra.tls_required {
        cmd.env("PGSSLMODE", "verify-full");
    }
    let run = |cmd: &mut std::process::Command, what: &str| -> StoreResult<()> {
        let out = cmd.output().map_err(|e| {
            StoreError::Unavailable(format!(
                "{what} non eseguibile ({e}): installare il client PostgreSQL (postgresql-client)"
            ))
        })?;
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr);
            return Err(StoreError::Unavailable(format!(
                "{what} non riuscito: {}",
                crate::sanitize::sanitize(why.trim())
            )));
        }
        Ok(())
    };
    run(&mut cmd, "pg_dump")?;
    run(
        std::process::Command::new("pg_restore")
            .arg("--list")
            .arg(dest)
            .stdout(std::process::Stdio::null()),
        "pg_restore --list",
    )
}

/// The operator's message for a failed connection: what went wrong, never the password.
fn connect_error(e: &postgres::Error) -> StoreError {
    use postgres::error::SqlState;
    let text = match e.code() {
        Some(c) if *c == SqlState::INVALID_PASSWORD => {
            "il server PostgreSQL ha rifiutato le credenziali (utente o password del passfile errati)"
                .to_string()
        }
        Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            "il server PostgreSQL non riconosce l'utente o non ammette questa connessione".into()
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
            "il database indicato non esiste sul server PostgreSQL".into()
        }
        Some(_) => format!(
            "il server PostgreSQL ha rifiutato la connessione: {}",
            e.as_db_error().map_or("", |d| d.message())
        ),
        None => {
            let detail = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default();
            if detail.to_ascii_lowercase().contains("password") {
                "il server PostgreSQL chiede una password: scriverla nel passfile (vedere il README)"
                    .into()
            } else if detail.contains("certificate") || detail.contains("tls") {
                format!("connessione cifrata al server PostgreSQL non verificata: {detail}")
            } else {
                format!("server PostgreSQL non raggiungibile ({detail})")
            }
        }
    };
    StoreError::Unavailable(text)
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The URL without sportello's own parameters, and those parameters.
fn split_url(url: &str) -> StoreResult<(String, Extra)> {
    let mut extra = Extra::default();
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), extra));
    };
    let mut kept = Vec::new();
    for kv in query.split('&').filter(|kv| !kv.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        match k {
            "passfile" => extra.passfile = Some(PathBuf::from(v)),
            "sslrootcert" => extra.sslrootcert = Some(PathBuf::from(v)),
            "sslmode" => match v {
                "disable" => extra.tls_disabled = true,
                "prefer" | "allow" => {}
                "require" | "verify-ca" | "verify-full" => extra.tls_required = true,
                other => {
                    return Err(StoreError::Unavailable(format!(
                        "sslmode={} non valido (ammessi disable, prefer, require, verify-ca, verify-full)",
                        crate::sanitize::sanitize(other)
                    )));
                }
            },
            _ => kept.push(kv),
        }
    }
    let driver = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((driver, extra))
}

/// The password for this connection from the first passfile that exists, if any line matches.
fn passfile_password(
    config: &postgres::Config,
    explicit: Option<&Path>,
) -> StoreResult<Option<String>> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = explicit {
        candidates.push(p.to_path_buf());
    } else {
        if !crate::setgid::active()
            && let Some(p) = std::env::var_os("PGPASSFILE")
        {
            candidates.push(PathBuf::from(p));
        }
        candidates.push(PathBuf::from(SYSTEM_PASSFILE));
        if !crate::setgid::active()
            && let Some(home) = std::env::var_os("HOME")
        {
            candidates.push(Path::new(&home).join(".pgpass"));
        }
    }
    let Some(file) = candidates.into_iter().find(|p| p.exists()) else {
        if let Some(p) = explicit {
            return Err(StoreError::Unavailable(format!(
                "passfile {} non trovato",
                p.display()
            )));
        }
        return Ok(None);
    };
    check_passfile_mode(&file)?;
    let text = std::fs::read_to_string(&file).map_err(|e| {
        StoreError::Unavailable(format!("passfile {} non leggibile: {e}", file.display()))
    })?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(_)) | None => "localhost".into(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let db = config.get_dbname().unwrap_or_default();
    let user = config.get_user().unwrap_or_default();
    Ok(lookup(&text, [&host, &port, db, user]))
}

#[cfg(unix)]
fn check_passfile_mode(file: &Path) -> StoreResult<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file)
        .map_err(|e| StoreError::Unavailable(format!("passfile {}: {e}", file.display())))?
        .permissions()
        .mode();
    if mode & 0o007 != 0 {
        return Err(StoreError::Unavailable(format!(
            "il passfile {} è leggibile da tutti: toglierne i permessi (chmod o-rwx)",
            file.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_passfile_mode(_: &Path) -> StoreResult<()> {
    Ok(())
}

/// The password of the first line matching `want` (host, port, database, user).
fn lookup(text: &str, want: [&str; 4]) -> Option<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .find_map(|line| {
            let fields = split_fields(line);
            if fields.len() != 5 {
                return None;
            }
            let matches = fields[..4]
                .iter()
                .zip(want)
                .all(|(f, w)| f == "*" || f == w);
            matches.then(|| fields[4].clone())
        })
}

/// A passfile line's fields, `\:` and `\\` unescaped.
fn split_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    fields.last_mut().unwrap().push(n);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// A rustls connector trusting `root` (PEM) or the system's CA bundle.
fn tls_connector(root: Option<&Path>) -> StoreResult<tokio_postgres_rustls::MakeRustlsConnect> {
    let file = root.map_or_else(|| PathBuf::from(SYSTEM_CA_BUNDLE), Path::to_path_buf);
    let pem = std::fs::read(&file).map_err(|e| {
        StoreError::Unavailable(format!(
            "certificati per la connessione cifrata non leggibili ({}): {e}",
            file.display()
        ))
    })?;
    let mut roots = rustls::RootCertStore::empty();
    use rustls::pki_types::pem::PemObject;
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem).flatten() {
        let _ = roots.add(cert);
    }
    if roots.is_empty() {
        return Err(StoreError::Unavailable(format!(
            "nessun certificato valido in {}",
            file.display()
        )));
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Unavailable(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passfile_lines_match_like_libpq() {
        let text = "# comment\n\
                    db1:5432:altro:sportello:no\n\
                    *:5432:sportello:sportello:pa\\:ss\\\\w\n\
                    *:*:*:*:fallback\n";
        assert_eq!(
            lookup(text, ["db1", "5432", "sportello", "sportello"]).as_deref(),
            Some("pa:ss\\w")
        );
        assert_eq!(
            lookup(text, ["db1", "5432", "altro", "sportello"]).as_deref(),
            Some("no")
        );
        assert_eq!(
            lookup(text, ["x", "1", "y", "z"]).as_deref(),
            Some("fallback")
        );
        assert_eq!(lookup("a:b:c\n", ["a", "b", "c", "d"]), None);
    }

    #[test]
    fn sportello_parameters_are_taken_out_of_the_url() {
        let (url, extra) = split_url(
            "postgres://s@db/sportello?sslmode=verify-full&sslrootcert=/etc/ca.pem&passfile=/etc/p&application_name=x",
        )
        .unwrap();
        assert_eq!(url, "postgres://s@db/sportello?application_name=x");
        assert!(extra.tls_required);
        assert_eq!(extra.sslrootcert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(extra.passfile, Some(PathBuf::from("/etc/p")));
        assert!(split_url("postgres://s@db/x?sslmode=bogus").is_err());
    }

    #[test]
    fn a_world_readable_passfile_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pgpass");
        std::fs::write(&p, "*:*:*:*:x\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = check_passfile_mode(&p).unwrap_err().to_string();
        assert!(e.contains("leggibile da tutti"), "{e}");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        check_passfile_mode(&p).unwrap();
    }

    #[test]
    fn a_remote_server_without_tls_is_refused() {
        let e = connect("postgres://s@db.example.org/x?sslmode=disable")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("sslmode=disable non è ammesso"), "{e}");
    }
}
