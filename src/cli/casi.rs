//! The commands of the cartella sociale: `export casi` (the cases an operator may see, as CSV or
//! XLSX), `audit accessi` (who accessed a person's data, GDPR art. 15, as a table or CSV),
//! `caso documento add|list|export` (the documenti individuali of a case), `caso categorie` (the
//! categorie sociali an ufficio manages) and `caso riservati` (the "dati riservati" grant).

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::config::Config;
use crate::domain::caso::{Documento, FiltroCasi, Sezione};
use crate::domain::{Actor, AuditRow};
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::sanitize::{sanitize, spreadsheet_text};
use crate::service::casi::Contenuto;
use crate::service::casi_documenti::{Archivio, NuovoDocumento};

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

#[derive(Subcommand, Debug)]
pub enum CasoCommand {
    /// Documenti individuali del fascicolo di un caso
    Documento {
        #[command(subcommand)]
        command: DocumentoCommand,
    },
    /// Le categorie sociali gestite da un ufficio (servono per prendere in carico); con --imposta le
    /// sostituisce
    Categorie {
        /// Codice catastale dell'ente, es. G478
        belfiore: String,
        /// Nome dell'ufficio, es. "Segretariato sociale"
        ufficio: String,
        /// Codici separati da virgola, es. anziani,disabili (vuoto: nessuna)
        #[arg(long, value_name = "CODICI")]
        imposta: Option<String>,
    },
    /// Concede (o revoca) a un operatore il permesso «dati riservati» in un ente
    Riservati {
        /// Nome utente dell'operatore
        utente: String,
        /// Codice catastale dell'ente, es. G478
        belfiore: String,
        #[arg(long)]
        revoca: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum DocumentoCommand {
    /// Importa un file del server come documento del caso
    Add {
        /// Identificativo interno del caso
        caso: i64,
        /// Il file da importare (un file normale, senza «..» nel percorso)
        file: PathBuf,
        #[arg(long)]
        titolo: String,
        /// Tipo di documento (es. relazione, certificato, decreto)
        #[arg(long, default_value = "documento")]
        tipo: String,
        /// Data del documento (AAAA-MM-GG); oggi se assente
        #[arg(long, value_name = "AAAA-MM-GG")]
        data: Option<String>,
        /// Documento privato: leggibile solo con il permesso «dati riservati»
        #[arg(long)]
        privato: bool,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// Elenca i documenti di un caso
    List {
        caso: i64,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
    /// Scrive il file di un documento
    Export {
        /// Numero del documento (da «list»)
        id: i64,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Sostituisce il file se esiste già
        #[arg(long)]
        force: bool,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
}

/// `caso documento add|list|export`.
pub fn caso(config: &Config, system: &Actor, cmd: CasoCommand) -> AppResult<i32> {
    let command = match cmd {
        CasoCommand::Documento { command } => command,
        CasoCommand::Categorie {
            belfiore,
            ufficio,
            imposta,
        } => {
            let set: Option<Vec<String>> = imposta.map(|l| {
                l.split(',')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty())
                    .collect()
            });
            let now = super::open_current(&config.database)?
                .service()
                .categorie_ufficio(system, &belfiore, &ufficio, set.as_deref())?;
            if now.is_empty() {
                println!("nessuna categoria sociale: l'ufficio non può prendere in carico");
            }
            for c in now {
                println!("{}", sanitize(&c));
            }
            return Ok(0);
        }
        CasoCommand::Riservati {
            utente,
            belfiore,
            revoca,
        } => {
            let mut db = super::open_current(&config.database)?;
            let ente = db
                .service()
                .ente_by_code(system, &belfiore)?
                .ok_or_else(|| {
                    AppError::Invalid(format!("ente {} sconosciuto", sanitize(&belfiore)))
                })?;
            db.service()
                .set_riservati(system, &utente, ente.id, !revoca)?;
            println!(
                "permesso «dati riservati» {} a {} nell'ente {}",
                if revoca { "revocato" } else { "concesso" },
                sanitize(&utente),
                sanitize(&ente.nome)
            );
            return Ok(0);
        }
    };
    let archivio = Archivio::of_database(&config.database, config.documenti_max_mb);
    let mut db = super::open_current(&config.database)?;
    match command {
        DocumentoCommand::Add {
            caso,
            file,
            titolo,
            tipo,
            data,
            privato,
            operatore,
        } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            let nuovo = NuovoDocumento {
                caso_id: caso,
                titolo,
                tipo,
                data: data
                    .unwrap_or_else(|| crate::domain::date::iso(crate::domain::date::today())),
                privato,
            };
            let id = db.service().add_documento(&a, &archivio, &nuovo, &file)?;
            eprintln!("documento n. {id} aggiunto al caso {caso}");
            println!("{id}");
        }
        DocumentoCommand::List { caso, operatore } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            let c = db
                .service()
                .read_cartella(&a, caso, Sezione::Documenti, true)?;
            let Contenuto::Documenti(rows) = c.contenuto else {
                return Ok(0);
            };
            print_documenti(&rows);
            eprintln!("{} documenti", rows.len());
        }
        DocumentoCommand::Export {
            id,
            out,
            force,
            operatore,
        } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            super::may_write(&out, force)?;
            db.service().export_documento(&a, &archivio, id, &out)?;
            println!("{}", out.display());
        }
    }
    Ok(0)
}

/// The documents as a tab-separated table on standard output (`caso`/`scheda documento list`).
pub(super) fn print_documenti(rows: &[Documento]) {
    println!("N.\tData\tTipo\tTitolo\tFile\tKB\tPrivato");
    for d in rows {
        let fields = [
            d.id.unwrap_or_default().to_string(),
            d.data.clone(),
            d.tipo.clone(),
            d.titolo.clone(),
            d.nome_file.clone(),
            ((d.size + 1023) / 1024).to_string(),
            if d.privato { "sì" } else { "no" }.to_string(),
        ];
        let fields: Vec<String> = fields.iter().map(|f| sanitize(f)).collect();
        println!("{}", fields.join("\t"));
    }
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
