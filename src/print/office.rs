//! The office printer and the office's output folder: a PDF goes to a print queue through a command
//! (CUPS `lp -d QUEUE FILE` by default, another one on sites without CUPS), and prints and exports
//! get a file name in the output folder that no colleague's file can take (operator, timestamp and
//! a suffix, the file created with `create_new`).

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The default print command: `{stampante}` becomes the queue and `{file}` the PDF.
pub const DEFAULT_COMMAND: &str = "lp -d {stampante} {file}";

/// How documents reach a printer, from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintConfig {
    /// The print command (see [`DEFAULT_COMMAND`]).
    pub command: String,
    /// An operator's own queue (by username), instead of their ufficio's.
    pub operator_printers: BTreeMap<String, String>,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            command: DEFAULT_COMMAND.into(),
            operator_printers: BTreeMap::new(),
        }
    }
}

/// What the configuration says about documents made at the desk: the folder used when the
/// ufficio has none, and how they reach a printer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    pub dir: PathBuf,
    pub print: PrintConfig,
}

/// Where a document made by an operator goes: a folder, and a print queue when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub dir: PathBuf,
    pub printer: Option<String>,
    pub command: String,
}

impl Outputs {
    /// The destination of `operator`'s documents: their ufficio's folder (else the configured one),
    /// their own queue if the configuration names one, else their ufficio's.
    pub fn destination(
        &self,
        operator: &str,
        ufficio_dir: Option<PathBuf>,
        ufficio_printer: Option<String>,
    ) -> Destination {
        Destination {
            dir: ufficio_dir.unwrap_or_else(|| self.dir.clone()),
            printer: self
                .print
                .operator_printers
                .get(operator)
                .cloned()
                .or(ufficio_printer)
                .filter(|q| !q.trim().is_empty()),
            command: self.print.command.clone(),
        }
    }
}

/// A document delivered: the file written, a note (how many rows), and the print job if it was
/// sent to a printer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Delivered {
    pub path: PathBuf,
    pub note: String,
    pub sent: Option<Sent>,
}

/// Writes a document into a new file of `dest.dir` (see [`new_output_file`]) with `write`, which
/// returns a note; a PDF then goes to the printer when there is one. On any error the new file is
/// removed (no partial file stays) and the Italian message returned.
pub fn deliver<E: std::fmt::Display>(
    dest: &Destination,
    name: (&str, &str, &str),
    stamp: &str,
    write: impl FnOnce(&Path) -> Result<String, E>,
) -> Result<Delivered, String> {
    let (stem, operator, ext) = name;
    let path = new_output_file(&dest.dir, stem, operator, ext, stamp)
        .map_err(|e| format!("impossibile creare un file in {}: {e}", dest.dir.display()))?;
    let note = match write(&path) {
        Ok(note) => note,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(e.to_string());
        }
    };
    let sent = match &dest.printer {
        Some(queue) if ext == "pdf" => Some(
            send(&dest.command, queue, &path)
                .map_err(|e| format!("{e}; il documento è in {}", path.display()))?,
        ),
        _ => None,
    };
    Ok(Delivered { path, note, sent })
}

/// A document sent to a printer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sent {
    pub stampante: String,
    /// The job id the spooler gave (`lp`: `request id is UFFICIO-12 (1 file(s))`).
    pub job: Option<String>,
}

/// Sends `file` to `queue` with `command` (split on spaces; `{stampante}` and `{file}` replaced,
/// the file appended when the command does not name it). The error is the Italian message.
pub fn send(command: &str, queue: &str, file: &Path) -> Result<Sent, String> {
    let mut words = command.split_whitespace();
    let program = words
        .next()
        .ok_or_else(|| "comando di stampa vuoto nella configurazione".to_string())?;
    let mut args: Vec<std::ffi::OsString> = Vec::new();
    let mut named_file = false;
    for w in words {
        if w == "{file}" {
            named_file = true;
            args.push(file.as_os_str().to_owned());
        } else {
            args.push(w.replace("{stampante}", queue).into());
        }
    }
    if !named_file {
        args.push(file.as_os_str().to_owned());
    }
    let out = Command::new(program).args(&args).output().map_err(|e| {
        format!("stampa non inviata a {queue}: impossibile eseguire {program}: {e}")
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().next().unwrap_or_default().trim();
        return Err(format!(
            "stampa non inviata a {queue}: {program} ha risposto «{}»",
            crate::sanitize::sanitize(if first.is_empty() { "errore" } else { first })
        ));
    }
    Ok(Sent {
        stampante: queue.to_string(),
        job: job_id(&String::from_utf8_lossy(&out.stdout)),
    })
}

/// The job id in `lp`'s answer: `request id is UFFICIO-12 (1 file(s))` → `UFFICIO-12`.
pub fn job_id(stdout: &str) -> Option<String> {
    stdout.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("request id is ")?;
        let id = rest.split_whitespace().next()?;
        Some(crate::sanitize::sanitize(id))
    })
}

/// Creates a new empty file in `dir` for a print or an export:
/// `<stem>-<operator>-<aaaammgg-hhmmss>-<suffix>.<ext>`. The name is taken with `create_new`, so
/// two colleagues writing to the same shared folder in the same second never get the same file.
/// The folder is created when missing.
pub fn new_output_file(
    dir: &Path,
    stem: &str,
    operator: &str,
    ext: &str,
    stamp: &str,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let operator: String = operator
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default()
        ^ std::process::id().rotate_left(16);
    for attempt in 0u32..1000 {
        let suffix = seed.wrapping_add(attempt.wrapping_mul(0x9E37_79B9)) & 0xFFFF;
        let path = dir.join(format!("{stem}-{operator}-{stamp}-{suffix:04x}.{ext}"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        ErrorKind::AlreadyExists,
        "nessun nome di file libero nella cartella",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_id_from_lp() {
        assert_eq!(
            job_id("request id is UFFICIO-12 (1 file(s))\n").as_deref(),
            Some("UFFICIO-12")
        );
        assert_eq!(job_id("nothing useful"), None);
    }

    #[test]
    fn names_never_collide_in_the_same_second() {
        let dir = tempfile::tempdir().unwrap();
        let mut names = std::collections::BTreeSet::new();
        for _ in 0..50 {
            let p = new_output_file(dir.path(), "scheda-3", "m rossi", "pdf", "20270115-080000")
                .unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                name.starts_with("scheda-3-m_rossi-20270115-080000-"),
                "{name}"
            );
            assert!(names.insert(name));
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 50);
    }
}
