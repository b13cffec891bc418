//! The registry of persons from the command line: `search`, `import anagrafe`, and `cf check` /
//! `cf decode` (codice fiscale, no database).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{acting, enti_by_codes, open_current};
use crate::domain::{Actor, cf};
use crate::error::{AppError, AppResult};
use crate::sanitize::sanitize;

#[derive(Subcommand, Debug)]
pub(super) enum ImportCommand {
    /// Importa o aggiorna le persone da un'esportazione CSV dell'anagrafe comunale
    Anagrafe {
        /// File CSV con intestazione (separatore «;» o «,», UTF-8 o Windows-1252)
        file: PathBuf,
        /// Codice catastale dell'ente a cui appartiene l'anagrafe, es. G478
        #[arg(long, value_name = "CODICE")]
        ente: Option<String>,
        /// Calcola il riepilogo senza scrivere nulla nel database
        #[arg(long)]
        dry_run: bool,
        /// Scrive le righe scartate e gli avvisi in questo file CSV (riga;codice_fiscale;motivo)
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Righe per transazione (prove di prestazione)
        #[arg(long, hide = true, default_value_t = crate::anagrafe::BATCH_ROWS)]
        batch_rows: usize,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum CfCommand {
    /// Verifica i codici: una riga per codice, «valido» o il motivo
    Check {
        #[arg(required = true, value_name = "CODICE")]
        codes: Vec<String>,
    },
    /// Decodifica i codici: sesso, data e luogo di nascita
    Decode {
        #[arg(required = true, value_name = "CODICE")]
        codes: Vec<String>,
    },
}

/// `cf check` / `cf decode`: one line per code; exit 1 if any is invalid.
pub(super) fn cf_cmd(command: CfCommand) -> i32 {
    let today = crate::domain::date::ymd(crate::domain::date::today());
    let (codes, decode) = match command {
        CfCommand::Check { codes } => (codes, false),
        CfCommand::Decode { codes } => (codes, true),
    };
    let mut out = std::io::stdout().lock();
    let mut all_valid = true;
    for code in &codes {
        let (text, valid) = if decode {
            cf::cli_line(code, today)
        } else {
            cf::check_line(code, today)
        };
        all_valid &= valid;
        let _ = writeln!(out, "{text}");
    }
    if all_valid { 0 } else { 1 }
}

/// `search`: one tab-separated line per person, best first; exit 0 also when nothing is found.
/// The read is audited like the desk's: the ids of the persons printed, never the query.
pub(super) fn search(
    path: &Path,
    system: &Actor,
    limit: usize,
    ente: Option<&str>,
    words: &[String],
) -> AppResult<i32> {
    use crate::domain::belfiore;
    let mut db = open_current(path)?;
    let actor = acting(&mut db, system, None)?;
    let today = crate::domain::date::today();
    let hits = db
        .service()
        .search(&actor, &words.join(" "), ente, limit.min(500), today)?;
    let mut out = std::io::stdout().lock();
    for h in hits {
        let nascita = h.data_nascita.unwrap_or_default();
        let comune = h.res_comune.unwrap_or_default();
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            sanitize(h.codice_fiscale.as_deref().unwrap_or("")),
            sanitize(&h.cognome),
            sanitize(&h.nome),
            sanitize(&crate::domain::date::italian(&nascita)),
            sanitize(belfiore::current_name(&comune).unwrap_or(&comune)),
        );
    }
    Ok(0)
}

/// Issues shown on stderr when there is no `--report`.
const ISSUES_ON_STDERR: usize = 20;

/// `import anagrafe`: exit 0, or 1 when a row was rejected (or the file is unusable).
pub(super) fn import_anagrafe(
    db: &Path,
    actor: &Actor,
    file: &Path,
    ente: Option<&str>,
    dry_run: bool,
    report_path: Option<&Path>,
    batch_rows: usize,
) -> AppResult<i32> {
    use crate::anagrafe::{self, report};
    let opts = anagrafe::Options {
        batch_rows,
        ..anagrafe::Options::new(dry_run)
    };
    // The file first: a bad header stops here, before the database is opened.
    let mut source = anagrafe::open(file, &opts)?;
    let mut db = open_current(db)?;
    let ente_id = match ente {
        Some(code) => Some(enti_by_codes(&mut db, actor, code)?[0]),
        None => None,
    };
    source.set_ente_id(ente_id);
    let mut report = match report_path {
        Some(p) => Some(report::Report::create(p).map_err(|e| {
            AppError::Env(format!(
                "impossibile scrivere il rapporto {}: {e}",
                p.display()
            ))
        })?),
        None => None,
    };
    let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or_default();
    let bar = super::progress::Bar::start(len, &opts.progress);
    let mut shown = 0usize;
    let mut hidden = 0usize;
    let mut on_issue = |issue: &anagrafe::Issue| -> AppResult<()> {
        match report.as_mut() {
            Some(r) => r
                .write(issue)
                .map_err(|e| AppError::Env(format!("impossibile scrivere il rapporto: {e}"))),
            None => {
                if shown < ISSUES_ON_STDERR {
                    shown += 1;
                    let code = report::shown_code(&issue.codice_fiscale);
                    let line = format!(
                        "riga {}: {}{}",
                        issue.line,
                        if code.is_empty() {
                            String::new()
                        } else {
                            format!("{}: ", sanitize(&code))
                        },
                        sanitize(&report::motivo(issue))
                    );
                    super::progress::eprintln_above(bar.as_ref(), &line);
                } else {
                    hidden += 1;
                }
                Ok(())
            }
        }
    };
    let summary = db
        .service()
        .import_anagrafe(actor, &mut source, &opts, &mut on_issue);
    drop(bar);
    let summary = summary?;
    if let Some(r) = report {
        r.finish()
            .map_err(|e| AppError::Env(format!("impossibile scrivere il rapporto: {e}")))?;
    }
    if hidden > 0 {
        eprintln!("... e altre {hidden} righe: usare --report FILE per l'elenco completo");
    }
    println!(
        "file {}: {}, separatore «{}», {} righe",
        sanitize(&file.display().to_string()),
        source.encoding().label(),
        source.delimiter(),
        summary.records
    );
    if dry_run {
        println!("simulazione (--dry-run): nessuna modifica scritta nel database");
    } else if summary.records == 0 {
        println!("nessuna riga da importare");
    } else if summary.counts.inserted + summary.counts.updated == 0 {
        println!("nessuna modifica: l'anagrafe era già aggiornata");
    }
    println!("{}", summary.line());
    if let Some(p) = report_path {
        println!(
            "rapporto: {} ({} righe scartate, {} avvisi)",
            sanitize(&p.display().to_string()),
            summary.rejected,
            summary.warnings
        );
    }
    Ok(if summary.rejected > 0 { 1 } else { 0 })
}
