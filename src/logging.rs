//! Logging with `tracing` to a daily file in the log dir, never to the terminal.
//!
//! Log lines carry ids, actions and timings, never personal data (names, codici fiscali, notes).

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;

/// Starts file logging; keep the guard alive until exit. Falls back to no logging when the dir is not
/// writable (the operator is not bothered; the audit log is in the database anyway).
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    std::fs::create_dir_all(log_dir).ok()?;
    // A log file that cannot be opened (another account's file of the day) never stops a session:
    // `build` reports it where `rolling::daily` would panic.
    let appender = tracing_appender::rolling::RollingFileAppender::builder()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("sportello.log")
        .build(log_dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("SPORTELLO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
