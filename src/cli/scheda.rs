//! `scheda documento add|list|export`: the documents attached to a scheda di accesso, as `caso
//! documento` does for a case's.

use std::path::PathBuf;

use clap::Subcommand;

use super::casi::print_documenti;
use crate::config::Config;
use crate::domain::Actor;
use crate::error::AppResult;
use crate::service::casi_documenti::{Archivio, NuovoDocumento};

#[derive(Subcommand, Debug)]
pub enum SchedaCommand {
    /// Documenti allegati a una scheda di accesso
    Documento {
        #[command(subcommand)]
        command: DocumentoSchedaCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum DocumentoSchedaCommand {
    /// Importa un file del server come documento della scheda
    Add {
        /// Identificativo interno della scheda
        scheda: i64,
        /// Il file da importare (un file normale, senza «..» nel percorso)
        file: PathBuf,
        #[arg(long)]
        titolo: String,
        /// Tipo di documento (es. certificato, contratto, documento d'identità)
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
    /// Elenca i documenti di una scheda
    List {
        scheda: i64,
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

pub fn scheda(config: &Config, system: &Actor, cmd: SchedaCommand) -> AppResult<i32> {
    let SchedaCommand::Documento { command } = cmd;
    let archivio = Archivio::of_database(&config.database, config.documenti_max_mb);
    let mut db = super::open_current(&config.database)?;
    match command {
        DocumentoSchedaCommand::Add {
            scheda,
            file,
            titolo,
            tipo,
            data,
            privato,
            operatore,
        } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            let nuovo = NuovoDocumento {
                caso_id: 0,
                titolo,
                tipo,
                data: data
                    .unwrap_or_else(|| crate::domain::date::iso(crate::domain::date::today())),
                privato,
            };
            let id = db
                .service()
                .add_documento_scheda(&a, &archivio, scheda, &nuovo, &file)?;
            eprintln!("documento n. {id} aggiunto alla scheda {scheda}");
            println!("{id}");
        }
        DocumentoSchedaCommand::List { scheda, operatore } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            let rows: Vec<_> = db
                .service()
                .documenti_scheda(&a, scheda)?
                .into_iter()
                .map(|d| d.documento)
                .collect();
            print_documenti(&rows);
            eprintln!("{} documenti", rows.len());
        }
        DocumentoSchedaCommand::Export {
            id,
            out,
            force,
            operatore,
        } => {
            let a = super::acting(&mut db, system, operatore.as_deref())?;
            super::may_write(&out, force)?;
            db.service()
                .export_documento_scheda(&a, &archivio, id, &out)?;
            println!("{}", out.display());
        }
    }
    Ok(0)
}
