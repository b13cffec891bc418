//! The recording directory: logs created with mode 0600 (the directory 0700), listed with their
//! header, deleted after the retention period.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::Header;

/// Days a recording is kept when the configuration says nothing.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;

/// File name extension of replay logs.
pub const EXT: &str = "jsonl";

/// Creates a new log file for `incident` in `dir`: mode 0600 (0660 in the deployment's setgid
/// data folder, so that the helpdesk's sessions read it through sportello), never an existing
/// file.
pub fn create(
    dir: &Path,
    incident: &str,
    stamp: &str,
) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let safe: String = incident
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(40)
        .collect();
    let path = dir.join(format!(
        "sessione-{stamp}-{safe}-{}.{EXT}",
        std::process::id()
    ));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(crate::setgid::private_mode(dir))
        .open(&path)?;
    Ok((path, file))
}

/// One log of the directory.
#[derive(Debug, Clone)]
pub struct Recording {
    pub path: PathBuf,
    pub bytes: u64,
    /// `None` when the first line is not a header.
    pub header: Option<Header>,
}

/// The logs in `dir`, oldest first (an absent directory has none).
pub fn list(dir: &Path) -> std::io::Result<Vec<Recording>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for e in entries {
        let path = e?.path();
        if path.extension().is_none_or(|x| x != EXT) {
            continue;
        }
        let bytes = std::fs::metadata(&path)?.len();
        let mut first = String::new();
        let header = std::fs::File::open(&path)
            .and_then(|f| BufReader::new(f).read_line(&mut first))
            .ok()
            .and_then(|_| serde_json::from_str(first.trim_end()).ok());
        out.push(Recording {
            path,
            bytes,
            header,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// How far into a log [`owner`] looks for the login.
const OWNER_LINES: usize = 2000;

/// The operator recorded in a log and their ente: from the header (recordings started at the
/// login by a helpdesk request), else from the first successful login in the log (`--record`
/// sessions start before it; older logs). The ente survives redaction (numbers are not masked),
/// the username does not. `None` when nobody logged in.
pub fn owner(path: &Path, header: &Header) -> (String, Option<i64>) {
    if header.ente.is_some() {
        return (header.operatore.clone(), header.ente);
    }
    let Ok(file) = std::fs::File::open(path) else {
        return (String::new(), None);
    };
    for line in BufReader::new(file).lines().skip(1).take(OWNER_LINES) {
        let Ok(line) = line else { break };
        if !line.contains("\"Login\"") {
            continue;
        }
        if let Ok(super::Entry {
            msg:
                crate::ui::app::Msg::Reply(
                    _,
                    crate::ui::app::Reply::Login(
                        crate::ui::login::Rep::Login(Ok(info))
                        | crate::ui::login::Rep::LoginRecorded(info, _),
                    ),
                ),
            ..
        }) = serde_json::from_str(&line)
        {
            let name = if header.redacted {
                String::new()
            } else {
                info.actor.username
            };
            return (name, info.actor.enti.first().copied());
        }
    }
    (String::new(), None)
}

/// Deletes the logs of `dir` last written more than `days` days before `now`; how many.
pub fn purge(dir: &Path, days: u32, now: SystemTime) -> std::io::Result<usize> {
    let limit = Duration::from_secs(u64::from(days) * 86_400);
    let mut n = 0;
    for r in list(dir)? {
        let modified = std::fs::metadata(&r.path)?.modified()?;
        if now.duration_since(modified).is_ok_and(|age| age > limit) {
            std::fs::remove_file(&r.path)?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn logs_are_private_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let rec = dir.path().join("registrazioni");
        let (path, _) = create(&rec, "42/2026", "20270115-0800").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&rec), 0o700);
        assert!(
            path.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .contains("42_2026")
        );
        assert_eq!(list(&rec).unwrap().len(), 1);
        let now = SystemTime::now();
        assert_eq!(purge(&rec, 30, now).unwrap(), 0);
        assert_eq!(
            purge(&rec, 30, now + Duration::from_secs(31 * 86_400)).unwrap(),
            1
        );
        assert!(list(&rec).unwrap().is_empty());
    }
}
