//! The commands of the cartella sociale: `export casi` (the cases an operator may see, as CSV or
//! XLSX) and `audit accessi` (who accessed a person's data, GDPR art. 15, as a table or CSV).

use std::path::Path;

use clap::Subcommand;

use crate::domain::caso::FiltroCasi;
use crate::domain::{Actor, AuditRow};
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::sanitize::{sanitize, spreadsheet_text};

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Chi ha consultato o modificato i dati di una persona (richieste GDPR art. 15)
    Accessi {
        /// Codice fiscale della persona
        #[arg(long, value_name = "CODICE")]
        cf: String,
        /// Dalla data (AAAA-MM-GG)
        #[arg(long, value_name = "AAAA-MM-GG")]
        from: Option<String>,
        /// Alla data (AAAA-MM-GG)
        #[arg(long, value_name = "AAAA-MM-GG")]
        to: Option<String>,
        /// csv per un foglio di calcolo; altrimenti una tabella
        #[arg(long)]
        format: Option<String>,
    },
}

fn iso(s: Option<String>, flag: &str) -> AppResult<Option<String>> {
    match s {
        Some(s) if crate::domain::date::parse_iso(&s).is_none() => Err(AppError::Invalid(format!(
            "{flag}: data non valida «{}» (usare AAAA-MM-GG)",
            sanitize(&s)
        ))),
        other => Ok(other),
    }
}

/// `export casi --format csv|xlsx --out FILE [--stato S]`.
pub fn export_casi(
    db: &Path,
    system: &Actor,
    format: &str,
    out: &Path,
    stato: Option<String>,
    operatore: Option<&str>,
) -> AppResult<i32> {
    let format: Format = format
        .parse()
        .map_err(|e: crate::export::UnknownFormat| AppError::Invalid(e.to_string()))?;
    if format == Format::Pdf {
        return Err(AppError::Invalid(
            "i casi si esportano in csv o xlsx".into(),
        ));
    }
    let mut db = super::open_current(db)?;
    let a = super::acting(&mut db, system, operatore)?;
    let filtro = FiltroCasi {
        stato,
        ..Default::default()
    };
    let n = db.service().export_casi(&a, &filtro, format, out)?;
    eprintln!("{n} casi esportati");
    println!("{}", out.display());
    Ok(0)
}

fn columns(r: &AuditRow) -> [String; 8] {
    let e = &r.event;
    [
        r.at.clone(),
        r.username.clone(),
        r.os_user.clone().unwrap_or_default(),
        r.ssh_client.clone().unwrap_or_default(),
        e.action.clone(),
        format!(
            "{} {}",
            e.entity.as_deref().unwrap_or(""),
            e.entity_id.map(|i| i.to_string()).unwrap_or_default()
        )
        .trim()
        .to_string(),
        e.section.clone().unwrap_or_default(),
        e.outcome.as_str().to_string(),
    ]
}

const HEADER: [&str; 8] = [
    "Data e ora",
    "Operatore",
    "Utente di sistema",
    "Client SSH",
    "Azione",
    "Oggetto",
    "Sezione",
    "Esito",
];

pub fn audit(db: &Path, system: &Actor, cmd: AuditCommand) -> AppResult<i32> {
    let AuditCommand::Accessi {
        cf,
        from,
        to,
        format,
    } = cmd;
    let (from, to) = (iso(from, "--from")?, iso(to, "--to")?);
    let csv = match format.as_deref() {
        None => false,
        Some("csv") => true,
        Some(other) => {
            return Err(AppError::Invalid(format!(
                "formato «{}» non previsto: csv, oppure niente per una tabella",
                sanitize(other)
            )));
        }
    };
    let mut db = super::open_current(db)?;
    let rows = db
        .service()
        .audit_accessi(system, &cf, from.as_deref(), to.as_deref())?;
    let stdout = std::io::stdout();
    if csv {
        let io = |e: std::io::Error| AppError::Env(format!("scrittura non riuscita: {e}"));
        let mut w = crate::export::csv::excel_writer(stdout.lock()).map_err(io)?;
        w.write_record(HEADER).map_err(|e| io(e.into()))?;
        for r in &rows {
            w.write_record(columns(r).iter().map(|c| spreadsheet_text(c)))
                .map_err(|e| io(e.into()))?;
        }
        w.flush().map_err(io)?;
    } else {
        println!("{}", HEADER.join("\t"));
        for r in &rows {
            println!("{}", sanitize(&columns(r).join("\t")));
        }
        eprintln!("{} accessi", rows.len());
    }
    Ok(0)
}
