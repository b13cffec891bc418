//! Integration with the municipal registry (anagrafe comunale), SISO-DOMAIN §6: the import of a
//! registry export (`sportello import anagrafe FILE`).
//!
//! - [`import`]: reads the CSV (encoding, delimiter, quoting) and validates and maps each record;
//! - [`places`]: Belfiore codes from codes or names of comuni and states;
//! - [`report`]: the CSV of rejected rows and warnings;
//! - [`run`]: drives the batches through [`Store::upsert_soggetti`].
//!
//! No SQL here: the store does the writes.

pub mod import;
pub mod places;
pub mod report;

use std::path::Path;

pub use import::{AnagrafeFile, Encoding, Issue, MAX_FIELD_CHARS};

use crate::domain::belfiore::Date;
use crate::domain::soggetto::UpsertCounts;
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::error::{AppError, AppResult};
use crate::store::Store;

/// Rows per transaction. Each commit writes every page it dirtied to the WAL, and inserts with random
/// codici fiscali, names and dates dirty pages all over the five indexes of `soggetto`: at a million
/// persons a batch rewrites most index leaves whatever its size, so fewer, larger batches write far
/// less (`cargo bench --bench import`, 1,000,000 new rows: 52 s with 10,000-row batches, 34 s with
/// 25,000). 25,000 keeps each write lock to about a second on this machine, far below the sessions'
/// 10 s busy timeout.
pub const BATCH_ROWS: usize = 25_000;

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// Compute everything, write nothing.
    pub dry_run: bool,
    pub batch_rows: usize,
    /// Dates after today are refused.
    pub today: Date,
    /// Bytes of the file read and rows done, after each batch (a progress bar reads them).
    pub progress: crate::progress::Progress,
}

impl Options {
    pub fn new(dry_run: bool) -> Options {
        Options {
            dry_run,
            batch_rows: BATCH_ROWS,
            today: crate::domain::date::ymd(crate::domain::date::today()),
            progress: Default::default(),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub counts: UpsertCounts,
    /// Records read (header excluded).
    pub records: u64,
    pub rejected: u64,
    pub warnings: u64,
}

impl Summary {
    /// `inseriti N, aggiornati N, invariati N, scartati N`.
    pub fn line(&self) -> String {
        format!(
            "inseriti {}, aggiornati {}, invariati {}, scartati {}",
            self.counts.inserted, self.counts.updated, self.counts.unchanged, self.rejected
        )
    }
}

/// Opens `path` (see [`AnagrafeFile::open`]) with today's date; the ente of its rows is set later
/// ([`AnagrafeFile::set_ente_id`]), once the database is open.
pub fn open(path: &Path, opts: &Options) -> AppResult<AnagrafeFile> {
    AnagrafeFile::open(path, None, opts.today)
}

/// A batch of `rows` rows is done: the bytes of the file read so far and the rows.
fn advance(progress: &crate::progress::Progress, file: &AnagrafeFile, rows: u64) {
    progress.set_done(file.bytes_read());
    progress.add_items(rows);
}

/// Imports every record of `file`: batches of `opts.batch_rows` rows, each one store transaction.
/// `on_issue` receives the header warnings, then each rejection and warning in line order. A store
/// error stops the import; the batches before it stay written (the message says how many rows).
/// Ends with one audit row for the whole import (not in a dry run). The permission is checked by
/// [`crate::service::Service::import_anagrafe`], the way in.
pub fn run(
    store: &mut dyn Store,
    actor: &Actor,
    file: &mut AnagrafeFile,
    opts: &Options,
    on_issue: &mut dyn FnMut(&Issue) -> AppResult<()>,
) -> AppResult<Summary> {
    let mut summary = Summary::default();
    for issue in file.header_issues() {
        summary.warnings += 1;
        on_issue(issue)?;
    }
    while let Some(batch) = file.next_batch(opts.batch_rows.max(1))? {
        summary.records += batch.rows.len() as u64 + batch.rejected;
        summary.rejected += batch.rejected;
        for issue in &batch.issues {
            summary.warnings += u64::from(issue.warning);
            on_issue(issue)?;
        }
        let read = batch.rows.len() as u64 + batch.rejected;
        if batch.rows.is_empty() {
            advance(&opts.progress, file, read);
            continue;
        }
        let counts = store
            .upsert_soggetti(actor, &batch.rows, opts.dry_run)
            .map_err(|e| {
                let first = batch.rows.first().map(|r| r.line).unwrap_or_default();
                let done = summary.counts;
                context(
                    AppError::from(e),
                    &format!(
                        "importazione interrotta al lotto che inizia alla riga {first}{}",
                        if opts.dry_run {
                            String::new()
                        } else {
                            format!(
                                " (già salvati: inseriti {}, aggiornati {})",
                                done.inserted, done.updated
                            )
                        }
                    ),
                )
            })?;
        summary.counts.add(counts);
        advance(&opts.progress, file, read);
    }
    if !opts.dry_run {
        let name = file_name(file.path());
        store.audit(
            actor,
            &AuditEvent::new("importa_anagrafe", Outcome::Ok)
                .on("soggetto", None)
                .detail(format!(
                    "file={name} righe={} inseriti={} aggiornati={} invariati={} scartati={} modifiche={}",
                    summary.records,
                    summary.counts.inserted,
                    summary.counts.updated,
                    summary.counts.unchanged,
                    summary.rejected,
                    summary.counts.history
                )),
        )?;
    }
    Ok(summary)
}

/// Prefixes the message of `e` with `ctx`, keeping its exit code.
fn context(e: AppError, ctx: &str) -> AppError {
    match e {
        AppError::Invalid(m) => AppError::Invalid(format!("{ctx}: {m}")),
        AppError::Env(m) => AppError::Env(format!("{ctx}: {m}")),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
