//! The `print` and `export` commands: a scheda, its POR / FSE form, the privacy form or the blank
//! scheda as PDF, and the list of schede of a period as CSV, XLSX or PDF.
//!
//! They run as an operator given with `--operatore` (their permissions and enti apply), or else as
//! the OS account that can open the database, which already holds every record: it acts with the
//! responsabile's rights over every ente and is recorded as `sistema(<os user>)` in the audit log.
//!
//! A print without `--out` goes where the TUI's would: a new file in the operator's ufficio folder
//! (else the configured `output_dir`), sent to the ufficio's (or the operator's) printer.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::config::Config;
use crate::domain::Actor;
use crate::domain::scheda::Filtro;
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::forms::Screens;
use crate::print::office::Outputs;
use crate::service::{Database, Result as ServiceResult, Service};

#[derive(Subcommand, Debug)]
pub enum PrintCommand {
    /// Stampa una scheda di accesso in PDF
    Scheda {
        /// Identificativo interno della scheda
        id: i64,
        /// Il file da scrivere; senza, il PDF va nella cartella dell'ufficio e alla sua stampante
        #[arg(long, value_name = "FILE.pdf")]
        out: Option<PathBuf>,
        /// Sostituisce il file indicato con --out se esiste già
        #[arg(long, requires = "out")]
        force: bool,
        /// Agisce come questo operatore (permessi ed enti suoi)
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// Stampa il modulo privacy di una persona in PDF
    Privacy {
        /// Identificativo interno della persona
        soggetto: i64,
        /// Il file da scrivere; senza, il PDF va nella cartella dell'ufficio e alla sua stampante
        #[arg(long, value_name = "FILE.pdf")]
        out: Option<PathBuf>,
        /// Sostituisce il file indicato con --out se esiste già
        #[arg(long, requires = "out")]
        force: bool,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// Stampa la scheda di accesso vuota, da compilare a mano
    SchedaVuota {
        /// Il file da scrivere; senza, il PDF va nella cartella dell'ufficio e alla sua stampante
        #[arg(long, value_name = "FILE.pdf")]
        out: Option<PathBuf>,
        /// Sostituisce il file indicato con --out se esiste già
        #[arg(long, requires = "out")]
        force: bool,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// Il modulo POR / FSE (domanda di iscrizione all'intervento) di un'erogazione
    Por {
        id: i64,
        /// Il file da scrivere; senza, il PDF va nella cartella dell'ufficio e alla sua stampante
        #[arg(long, value_name = "FILE.pdf")]
        out: Option<PathBuf>,
        /// Sostituisce il file indicato con --out se esiste già
        #[arg(long, requires = "out")]
        force: bool,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// La domanda di iscrizione POR / FSE dai dati POR di una scheda di accesso
    PorScheda {
        /// Identificativo interno della scheda
        id: i64,
        /// Il file da scrivere; senza, il PDF va nella cartella dell'ufficio e alla sua stampante
        #[arg(long, value_name = "FILE.pdf")]
        out: Option<PathBuf>,
        /// Sostituisce il file indicato con --out se esiste già
        #[arg(long, requires = "out")]
        force: bool,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Esporta le schede di accesso di un periodo (date di accesso comprese)
    Schede {
        /// Dalla data (AAAA-MM-GG)
        #[arg(long, value_name = "AAAA-MM-GG")]
        from: String,
        /// Alla data (AAAA-MM-GG)
        #[arg(long, value_name = "AAAA-MM-GG")]
        to: String,
        /// csv, xlsx o pdf
        #[arg(long)]
        format: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Sostituisce il file se esiste già
        #[arg(long)]
        force: bool,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// Esporta la lista dei casi (quelli visibili all'operatore) in CSV o Excel
    Casi {
        /// csv o xlsx
        #[arg(long)]
        format: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Sostituisce il file se esiste già
        #[arg(long)]
        force: bool,
        /// Solo i casi in questo stato (es. preso_in_carico, chiuso)
        #[arg(long, value_name = "STATO")]
        stato: Option<String>,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// Flusso SIUSS PS-PSA-SINA per l'INPS (XML) delle erogazioni di un periodo
    Siuss {
        /// Dalla data (AAAA-MM-GG)
        #[arg(long, value_name = "AAAA-MM-GG")]
        from: String,
        /// Alla data (AAAA-MM-GG)
        #[arg(long, value_name = "AAAA-MM-GG")]
        to: String,
        #[arg(long, value_name = "FILE.xml")]
        out: PathBuf,
        /// Solo verifica: elenca cosa sarebbe inviato e cosa escluso, senza scrivere né registrare
        #[arg(long)]
        check: bool,
        /// Sostituisce il file se esiste già
        #[arg(long)]
        force: bool,
        /// Codice catastale dell'ente che invia (altrimenti il primo dell'operatore)
        #[arg(long, value_name = "CODICE")]
        ente: Option<String>,
        /// Codice fiscale dell'operatore che invia (altrimenti l'impostazione siuss.cf_operatore)
        #[arg(long, value_name = "CF")]
        cf_operatore: Option<String>,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// Esporta le erogazioni di un periodo in CSV o Excel, con i totali
    Erogazioni {
        /// Dalla data (AAAA-MM-GG)
        #[arg(long, value_name = "AAAA-MM-GG")]
        from: String,
        /// Alla data (AAAA-MM-GG)
        #[arg(long, value_name = "AAAA-MM-GG")]
        to: String,
        /// csv o xlsx
        #[arg(long)]
        format: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Sostituisce il file se esiste già
        #[arg(long)]
        force: bool,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
}

fn scheda_def() -> AppResult<crate::forms::FormDef> {
    let screens = Screens::load(&Screens::default_override_dir())
        .map_err(|e| AppError::Env(e.to_string()))?;
    screens
        .get("scheda")
        .cloned()
        .ok_or_else(|| AppError::Env("modulo «scheda» mancante".into()))
}

fn iso_date(s: &str, flag: &str) -> AppResult<String> {
    if crate::domain::date::parse_iso(s).is_some() {
        Ok(s.to_string())
    } else {
        Err(AppError::Invalid(format!(
            "{flag}: data non valida «{}» (usare AAAA-MM-GG)",
            crate::sanitize::sanitize(s)
        )))
    }
}

fn done(path: &Path) -> i32 {
    println!("{}", path.display());
    0
}

/// Writes a PDF with `write`: to `out` when given, else delivered as from the TUI (the ufficio's
/// folder and printer); prints the path, and the printer and job on stderr.
fn pdf(
    db: &mut Database,
    actor: &Actor,
    config: &Config,
    (out, force): (Option<PathBuf>, bool),
    stem: &str,
    write: impl FnOnce(&mut Service<'_>, &Path, time::OffsetDateTime) -> ServiceResult<()>,
) -> AppResult<i32> {
    if let Some(out) = out {
        super::may_write(&out, force)?;
        write(&mut db.service(), &out, crate::domain::date::now())?;
        return Ok(done(&out));
    }
    let outputs = Outputs {
        dir: config.output_dir.clone(),
        print: config.print.clone(),
    };
    let now_ms = crate::domain::date::now_ms();
    let d = db
        .service()
        .deliver(actor, &outputs, (stem, "pdf"), now_ms, |svc, out, at| {
            write(svc, out, at).map(|()| String::new())
        })
        .map_err(AppError::Invalid)?;
    if let Some(sent) = &d.sent {
        eprintln!(
            "inviato alla stampante {}{}",
            sent.stampante,
            sent.job
                .as_deref()
                .map(|j| format!(" (lavoro {j})"))
                .unwrap_or_default()
        );
    }
    Ok(done(&d.path))
}

pub fn print(config: &Config, system: &Actor, cmd: PrintCommand) -> AppResult<i32> {
    let mut db = super::open_current(&config.database)?;
    match cmd {
        PrintCommand::Scheda {
            id,
            out,
            force,
            operatore,
        } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            let def = scheda_def()?;
            pdf(
                &mut db,
                &a,
                config,
                (out, force),
                &format!("scheda-{id}"),
                |svc, out, at| svc.print_scheda(&a, id, &def, out, at),
            )
        }
        PrintCommand::Privacy {
            soggetto,
            out,
            force,
            operatore,
        } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            pdf(
                &mut db,
                &a,
                config,
                (out, force),
                "modulo-privacy",
                |svc, out, at| svc.print_privacy(&a, soggetto, out, at),
            )
        }
        PrintCommand::SchedaVuota {
            out,
            force,
            operatore,
        } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            let def = scheda_def()?;
            pdf(
                &mut db,
                &a,
                config,
                (out, force),
                "scheda-vuota",
                |svc, out, _| svc.print_blank(&a, &def, out),
            )
        }
        PrintCommand::Por {
            id,
            out,
            force,
            operatore,
        } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            pdf(
                &mut db,
                &a,
                config,
                (out, force),
                &format!("por-{id}"),
                |svc, out, at| svc.print_por(&a, id, out, at),
            )
        }
        PrintCommand::PorScheda {
            id,
            out,
            force,
            operatore,
        } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            let def = scheda_def()?;
            pdf(
                &mut db,
                &a,
                config,
                (out, force),
                &format!("por-scheda-{id}"),
                |svc, out, at| svc.print_por_scheda(&a, id, &def, out, at),
            )
        }
    }
}

pub fn export(db: &Path, system: &Actor, cmd: ExportCommand) -> AppResult<i32> {
    let (from, to, format, out, operatore) = match cmd {
        ExportCommand::Schede {
            from,
            to,
            format,
            out,
            force,
            operatore,
        } => {
            super::may_write(&out, force)?;
            (from, to, format, out, operatore)
        }
        ExportCommand::Casi {
            format,
            out,
            force,
            stato,
            operatore,
        } => {
            super::may_write(&out, force)?;
            return super::casi::export_casi(
                db,
                system,
                &format,
                &out,
                stato,
                operatore.as_deref(),
            );
        }
        ExportCommand::Siuss {
            from,
            to,
            out,
            check,
            force,
            ente,
            cf_operatore,
            operatore,
        } => {
            let args = super::erogazioni::SiussArgs {
                from,
                to,
                out,
                check,
                force,
                ente,
                cf_operatore,
                operatore,
            };
            return super::erogazioni::export_siuss(db, system, args);
        }
        ExportCommand::Erogazioni {
            from,
            to,
            format,
            out,
            force,
            operatore,
        } => {
            super::may_write(&out, force)?;
            return super::erogazioni::export_erogazioni(
                db,
                system,
                (&from, &to),
                &format,
                &out,
                operatore.as_deref(),
            );
        }
    };
    let format: Format = format
        .parse()
        .map_err(|e: crate::export::UnknownFormat| AppError::Invalid(e.to_string()))?;
    let filtro = Filtro {
        dal: Some(iso_date(&from, "--from")?),
        al: Some(iso_date(&to, "--to")?),
        ..Default::default()
    };
    if filtro.dal > filtro.al {
        return Err(AppError::Invalid(
            "--from è successiva a --to: nessuna scheda nel periodo".into(),
        ));
    }
    let mut db = super::open_current(db)?;
    let a = super::acting(&mut db, system, operatore.as_deref())?;
    let n = db
        .service()
        .export_schede(&a, &filtro, &scheda_def()?, format, &out)?;
    eprintln!("{n} schede esportate");
    Ok(done(&out))
}
