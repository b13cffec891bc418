//! `sportello support bundle --out FILE.tar.gz`: what the helpdesk needs to look at an
//! installation, without personal data: version, configuration (paths and settings; no secrets
//! are kept there), schema version, the `check` result, the last crash reports (no personal data
//! by design), the last 1,000 log lines (ids and actions only by design), optionally one named
//! recording (its opening audited).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::open_current;
use crate::config::Config;
use crate::domain::Actor;
use crate::error::{AppError, AppResult};

/// Crash reports and log lines in a bundle.
const CRASH_REPORTS: usize = 5;
const LOG_LINES: usize = 1000;

pub(super) fn bundle(
    config: &Config,
    actor: &Actor,
    out: &Path,
    recording: Option<&Path>,
) -> AppResult<i32> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push((
        "versione.txt".into(),
        format!(
            "sportello {}\ncommit {}\n",
            env!("CARGO_PKG_VERSION"),
            option_env!("SPORTELLO_COMMIT").unwrap_or("sconosciuto")
        )
        .into_bytes(),
    ));
    files.push((
        "configurazione.txt".into(),
        format!(
            "database = {}\nauth = {:?}\nidle_lock_minutes = {}\nlog_dir = {}\nrecording_dir = {}\nrecording_days = {}\noutput_dir = {}\ntick_ms = {}\nfile letti = {:?}\n",
            config.database.display(),
            config.auth,
            config.idle_lock_minutes,
            config.log_dir.display(),
            config.recording_dir.display(),
            config.recording_days,
            config.output_dir.display(),
            config.tick_ms,
            config.sources
        )
        .into_bytes(),
    ));
    let check = match open_current(&config.database) {
        Ok(mut db) => {
            let mut svc = db.service();
            let schema = svc
                .schema_status()
                .map(|s| format!("schema {} (binario {})\n", s.db_version, s.binary_version))
                .unwrap_or_else(|e| format!("schema: {e}\n"));
            let check = match svc.check(actor) {
                Ok(p) if p.is_empty() => "verifica: nessun problema\n".to_string(),
                Ok(p) => format!("verifica:\n{}\n", p.join("\n")),
                Err(e) => format!("verifica non eseguita: {e}\n"),
            };
            if let Some(r) = recording {
                let name = r.file_name().unwrap_or_default().to_string_lossy();
                let dir = r.parent().unwrap_or(std::path::Path::new("."));
                svc.open_recording(actor, dir, &name)?;
            }
            schema + &check
        }
        Err(e) => format!("database non aperto: {e}\n"),
    };
    files.push(("verifica.txt".into(), check.into_bytes()));
    let crashes = crate::crash::reports(&config.log_dir.join("crash"));
    for (id, path) in crashes.iter().rev().take(CRASH_REPORTS) {
        if let Ok(b) = std::fs::read(path) {
            files.push((format!("crash/crash-{id}.txt"), b));
        }
    }
    files.push((
        "log/ultime-righe.log".into(),
        last_log_lines(&config.log_dir),
    ));
    if let Some(r) = recording {
        let b = std::fs::read(r)
            .map_err(|e| AppError::Env(format!("impossibile leggere {}: {e}", r.display())))?;
        let name = r.file_name().unwrap_or_default().to_string_lossy();
        files.push((format!("registrazioni/{name}"), b));
    }
    write_tar_gz(out, &files)
        .map_err(|e| AppError::Env(format!("impossibile scrivere {}: {e}", out.display())))?;
    eprintln!("Pacchetto per l'assistenza scritto in {}", out.display());
    Ok(0)
}

/// The last lines of the newest log files, oldest first.
fn last_log_lines(dir: &Path) -> Vec<u8> {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("sportello.log"))
        })
        .collect();
    logs.sort();
    let mut lines: Vec<String> = Vec::new();
    for p in logs.iter().rev() {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let mut these: Vec<String> = text.lines().map(String::from).collect();
        these.append(&mut lines);
        lines = these;
        if lines.len() >= LOG_LINES {
            break;
        }
    }
    let start = lines.len().saturating_sub(LOG_LINES);
    let mut out = lines[start..].join("\n");
    out.push('\n');
    out.into_bytes()
}

/// A gzip-compressed ustar archive of `files` (name, content), each mode 0600.
pub fn write_tar_gz(out: &Path, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(out)?;
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    for (name, data) in files {
        gz.write_all(&tar_header(name, data.len() as u64, mtime))?;
        gz.write_all(data)?;
        let pad = (512 - data.len() % 512) % 512;
        gz.write_all(&vec![0u8; pad])?;
    }
    gz.write_all(&[0u8; 1024])?;
    gz.finish()?.sync_all()
}

fn tar_header(name: &str, size: u64, mtime: u64) -> [u8; 512] {
    let mut h = [0u8; 512];
    let put = |h: &mut [u8; 512], at: usize, s: &[u8]| h[at..at + s.len()].copy_from_slice(s);
    let name = format!("sportello-assistenza/{name}");
    put(&mut h, 0, &name.as_bytes()[..name.len().min(99)]);
    put(&mut h, 100, b"0000600\0");
    put(&mut h, 108, b"0000000\0");
    put(&mut h, 116, b"0000000\0");
    put(&mut h, 124, format!("{size:011o}\0").as_bytes());
    put(&mut h, 136, format!("{mtime:011o}\0").as_bytes());
    put(&mut h, 148, b"        ");
    h[156] = b'0';
    put(&mut h, 257, b"ustar\0");
    put(&mut h, 263, b"00");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    put(&mut h, 148, format!("{sum:06o}\0 ").as_bytes());
    h
}
