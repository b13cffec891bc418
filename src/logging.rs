//! Logging with `tracing` to a daily file in the log dir (`sportello.log.AAAA-MM-GG`, UTC day),
//! never to the terminal.
//!
//! Log lines carry ids, actions and timings, never personal data (names, codici fiscali, notes);
//! each one starts with the session's pid and, once known, the operator's id ([`set_operator`]).
//! A log that cannot be opened never stops a session: [`init`] says so and the desk tells the
//! operator once ([`OFF_NOTICE`]). Each line is appended with one `write` as it is logged (no
//! buffer, no worker thread), so that a hangup loses nothing and several sessions share a file.
//! Files are created 0660 in a setgid group folder (the deployment's log directory: every desk
//! account appends through the data group) and 0600 elsewhere, whatever the umask.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

/// What the status bar says once when the session runs without its log file.
pub const OFF_NOTICE: &str = "Registro su file disattivato: la sessione prosegue normalmente";

/// The operator of this process, 0 until known.
static OPERATOR: AtomicI64 = AtomicI64::new(0);
/// Whether [`init`] opened the log file.
static ON: AtomicBool = AtomicBool::new(false);

/// From now on log lines name `operatore` (the session's or the CLI's operator).
pub fn set_operator(operatore: Option<i64>) {
    OPERATOR.store(operatore.unwrap_or(0), Ordering::Relaxed);
}

/// Whether this process logs to its file (after [`init`]).
pub fn on() -> bool {
    ON.load(Ordering::Relaxed)
}

/// Starts file logging in `log_dir`. `false` when the folder or today's file cannot be opened
/// (another account's file, a read-only folder): the process goes on without a log.
pub fn init(log_dir: &Path) -> bool {
    let Ok(daily) = Daily::open(log_dir) else {
        return false;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SPORTELLO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let started = tracing_subscriber::fmt()
        .with_writer(daily)
        .with_ansi(false)
        .event_format(Session(tracing_subscriber::fmt::format().with_ansi(false)))
        .with_env_filter(filter)
        .try_init()
        .is_ok();
    ON.store(started, Ordering::Relaxed);
    started
}

/// The file of `day` in `dir`.
fn file_of(dir: &Path, day: time::Date) -> PathBuf {
    dir.join(format!("sportello.log.{day}"))
}

/// Today's file, appended to; reopened when the (UTC) day changes.
struct Daily {
    dir: PathBuf,
    mode: u32,
    current: Mutex<(time::Date, File)>,
}

impl Daily {
    fn open(dir: &Path) -> io::Result<Daily> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        let mode = crate::setgid::private_mode(dir);
        let day = time::OffsetDateTime::now_utc().date();
        let file = append(&file_of(dir, day), mode)?;
        Ok(Daily {
            dir: dir.to_path_buf(),
            mode,
            current: Mutex::new((day, file)),
        })
    }

    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let day = time::OffsetDateTime::now_utc().date();
        if current.0 != day {
            // A new day: a file that cannot be opened loses lines, never the session.
            *current = (day, append(&file_of(&self.dir, day), self.mode)?);
        }
        current.1.write_all(line)
    }
}

/// Opens `path` for appending; a file this call creates gets `mode` exactly (the umask never
/// widens or narrows it). Symlinks are not followed.
fn append(path: &Path, mode: u32) -> io::Result<File> {
    let flags = libc::O_NOFOLLOW | libc::O_CLOEXEC;
    match OpenOptions::new()
        .append(true)
        .create_new(true)
        .custom_flags(flags)
        .mode(mode)
        .open(path)
    {
        Ok(f) => {
            f.set_permissions(std::fs::Permissions::from_mode(mode))?;
            Ok(f)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => OpenOptions::new()
            .append(true)
            .custom_flags(flags)
            .open(path),
        Err(e) => Err(e),
    }
}

/// One event's line, written whole.
struct Line<'a>(&'a Daily);

impl Write for Line<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_line(buf).map(|()| buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Daily {
    type Writer = Line<'a>;
    fn make_writer(&'a self) -> Line<'a> {
        Line(self)
    }
}

/// The default line format behind `pid=N operatore=M`.
struct Session<F>(F);

impl<S, N, F> FormatEvent<S, N> for Session<F>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        write!(writer, "pid={} ", std::process::id())?;
        match OPERATOR.load(Ordering::Relaxed) {
            0 => {}
            id => write!(writer, "operatore={id} ")?,
        }
        self.0.format_event(ctx, writer, event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn new_files_are_private_or_group_shared_whatever_the_umask_and_existing_ones_are_appended() {
        let dir = tempfile::tempdir().unwrap();
        // SAFETY: umask only changes this process's creation mask (restored below).
        let old = unsafe { libc::umask(0) };
        let a = append(&dir.path().join("a"), 0o600);
        let b = append(&dir.path().join("b"), 0o660);
        unsafe { libc::umask(old) };
        a.unwrap().write_all(b"uno\n").unwrap();
        drop(b.unwrap());
        let mode = |n: &str| std::fs::metadata(dir.path().join(n)).unwrap().mode() & 0o777;
        assert_eq!((mode("a"), mode("b")), (0o600, 0o660));
        append(&dir.path().join("a"), 0o600)
            .unwrap()
            .write_all(b"due\n")
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a")).unwrap(),
            "uno\ndue\n"
        );
        // A planted symlink is not followed.
        let victim = dir.path().join("vittima");
        std::fs::write(&victim, "intatto").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("link")).unwrap();
        assert!(append(&dir.path().join("link"), 0o600).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "intatto");
    }

    #[test]
    fn an_unwritable_folder_is_reported_not_fatal() {
        assert!(Daily::open(Path::new("/proc/sportello-non-esiste")).is_err());
    }
}
