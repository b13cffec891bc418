//! The `print` and `export` commands: a scheda, the privacy form or the blank scheda as PDF, and the
//! list of schede of a period as CSV, XLSX or PDF.
//!
//! They run as an operator given with `--operatore` (their permissions and enti apply), or else as
//! the OS account that can open the database, which already holds every record: it acts with the
//! responsabile's rights over every ente and is recorded as `sistema(<os user>)` in the audit log.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::domain::Actor;
use crate::domain::scheda::Filtro;
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::forms::Screens;

#[derive(Subcommand, Debug)]
pub enum PrintCommand {
    /// Stampa una scheda di accesso in PDF
    Scheda {
        /// Identificativo interno della scheda
        id: i64,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Agisce come questo operatore (permessi ed enti suoi)
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// Stampa il modulo privacy di una persona in PDF
    Privacy {
        /// Identificativo interno della persona
        soggetto: i64,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// Stampa la scheda di accesso vuota, da compilare a mano
    SchedaVuota {
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
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

pub fn print(db: &Path, system: &Actor, cmd: PrintCommand) -> AppResult<i32> {
    let mut db = super::open_current(db)?;
    let now = crate::domain::date::now();
    match cmd {
        PrintCommand::Scheda { id, out, operatore } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            db.service()
                .print_scheda(&a, id, &scheda_def()?, &out, now)?;
            Ok(done(&out))
        }
        PrintCommand::Privacy {
            soggetto,
            out,
            operatore,
        } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            db.service().print_privacy(&a, soggetto, &out, now)?;
            Ok(done(&out))
        }
        PrintCommand::SchedaVuota { out, operatore } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            db.service().print_blank(&a, &scheda_def()?, &out)?;
            Ok(done(&out))
        }
    }
}

pub fn export(db: &Path, system: &Actor, cmd: ExportCommand) -> AppResult<i32> {
    let ExportCommand::Schede {
        from,
        to,
        format,
        out,
        operatore,
    } = cmd;
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
