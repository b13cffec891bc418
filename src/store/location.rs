//! Where the database is: an SQLite file (a path) or a PostgreSQL server (a `postgres://` URL).
//!
//! `--db`, `SPORTELLO_DB` and `database =` in the configuration all take either. A URL is never a
//! file path: a string with a scheme is a URL, an unknown scheme is refused, and a URL that carries
//! a password is refused too (it would be visible in `ps`, in the shell history and in logs: the
//! password belongs in the passfile, see [`crate::store::sql`]'s connection).

use std::path::{Path, PathBuf};

use crate::sanitize::sanitize;
use crate::store::{StoreError, StoreResult};

/// A database location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    File(PathBuf),
    /// A `postgres://` or `postgresql://` URL without a password.
    Postgres(String),
}

impl DbLocation {
    /// Reads a location as given by the operator or the configuration.
    pub fn of(p: &Path) -> StoreResult<DbLocation> {
        let Some(s) = p.to_str() else {
            return Ok(DbLocation::File(p.to_path_buf()));
        };
        let Some(scheme) = scheme(s) else {
            return Ok(DbLocation::File(p.to_path_buf()));
        };
        if !matches!(
            scheme.to_ascii_lowercase().as_str(),
            "postgres" | "postgresql"
        ) {
            return Err(StoreError::Unavailable(format!(
                "«{}» non è un tipo di database conosciuto: indicare il percorso di un file SQLite \
                 oppure un indirizzo postgres://utente@server/database",
                sanitize(scheme)
            )));
        }
        if has_password(s) {
            return Err(StoreError::Unavailable(
                "l'indirizzo del database contiene una password: toglierla (resterebbe visibile \
                 in ps, nella cronologia e nei log) e scriverla nel file delle password \
                 (passfile, vedere il README)"
                    .into(),
            ));
        }
        Ok(DbLocation::Postgres(s.to_string()))
    }

    /// The folder of the files kept beside the database (documents, demo files): the file's
    /// folder, or for a server `/var/lib/sportello` in the setgid deployment and the user's data
    /// directory otherwise (several terminal servers share it only if it is a shared mount: see
    /// the README).
    pub fn files_dir(&self) -> PathBuf {
        match self {
            DbLocation::File(p) => p
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
            DbLocation::Postgres(_) if crate::setgid::active() => {
                PathBuf::from("/var/lib/sportello")
            }
            DbLocation::Postgres(_) => crate::config::data_dir(),
        }
    }

    /// [`DbLocation::files_dir`] of `db` as configured (an unreadable location counts as a file).
    pub fn files_dir_of(db: &Path) -> PathBuf {
        DbLocation::of(db)
            .unwrap_or_else(|_| DbLocation::File(db.to_path_buf()))
            .files_dir()
    }
}

/// The scheme of `s` when it starts like a URL (`name:` followed by `//`, or a PostgreSQL scheme
/// with or without slashes).
fn scheme(s: &str) -> Option<&str> {
    let (head, rest) = s.split_once(':')?;
    let well_formed = !head.is_empty()
        && head.starts_with(|c: char| c.is_ascii_alphabetic())
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !well_formed {
        return None;
    }
    let pg = matches!(
        head.to_ascii_lowercase().as_str(),
        "postgres" | "postgresql"
    );
    (rest.starts_with("//") || pg).then_some(head)
}

/// Whether the URL has `user:password@` or a `password=` parameter.
fn has_password(url: &str) -> bool {
    let after = url.split_once("://").map_or("", |(_, r)| r);
    let authority = after.split(['/', '?']).next().unwrap_or("");
    let userinfo_password = authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'));
    let query_password = url.split_once('?').is_some_and(|(_, q)| {
        q.split('&').any(|kv| {
            kv.split('=')
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case("password"))
        })
    });
    userinfo_password || query_password
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(s: &str) -> StoreResult<DbLocation> {
        DbLocation::of(Path::new(s))
    }

    #[test]
    fn paths_are_files() {
        for s in [
            "demo.db",
            "/var/lib/sportello/sportello.db",
            "./a:b.db",
            "C:/x.db",
        ] {
            assert_eq!(of(s).unwrap(), DbLocation::File(PathBuf::from(s)), "{s}");
        }
    }

    #[test]
    fn postgres_urls_are_servers() {
        for s in [
            "postgres://sportello@db.zona.local/sportello",
            "postgresql://sportello@127.0.0.1:5433/sportello?sslmode=verify-full",
            "postgres:///sportello?host=/run/postgresql",
            "POSTGRES://u@h/d",
        ] {
            assert_eq!(of(s).unwrap(), DbLocation::Postgres(s.into()), "{s}");
        }
    }

    #[test]
    fn unknown_schemes_are_refused_not_made_into_folders() {
        for s in ["mysql://u@h/d", "http://example.org/x.db", "sqlite://x.db"] {
            let e = of(s).unwrap_err().to_string();
            assert!(
                e.contains("non è un tipo di database conosciuto"),
                "{s}: {e}"
            );
        }
    }

    #[test]
    fn passwords_in_urls_are_refused_without_echo() {
        for s in [
            "postgres://sportello:Segreta42@db/sportello",
            "postgres://db/sportello?user=s&password=Segreta42",
        ] {
            let e = of(s).unwrap_err().to_string();
            assert!(e.contains("contiene una password"), "{e}");
            assert!(!e.contains("Segreta42"), "{e}");
        }
        // An '@' in the path or a colon in the host:port is not a password.
        assert!(of("postgres://u@h:5432/d").is_ok());
    }
}
