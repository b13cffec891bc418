//! `ente por`, `ente ufficio`: the settings of an ente and of its offices.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::open_current;
use crate::domain::Actor;
use crate::error::AppResult;
use crate::sanitize::sanitize;
use crate::service::organisation::UfficioUscita;

#[derive(Subcommand, Debug)]
pub(super) enum EnteCommand {
    /// Stampante (coda CUPS) e cartella dei documenti di un ufficio
    Ufficio {
        /// Codice catastale dell'ente, es. G478
        belfiore: String,
        /// Nome dell'ufficio, es. "Segretariato sociale"
        ufficio: String,
        /// Coda di stampa (vuota: nessuna stampante, i PDF restano nella cartella)
        #[arg(long, value_name = "CODA")]
        stampante: Option<String>,
        /// Cartella condivisa dove vanno stampe ed esportazioni (percorso assoluto; vuota: quella
        /// della configurazione)
        #[arg(long, value_name = "CARTELLA")]
        cartella: Option<PathBuf>,
    },
    /// Mostra o nasconde i dati POR / FSE nella scheda di accesso dell'ente
    Por {
        /// Codice catastale dell'ente, es. G478
        belfiore: String,
        #[arg(value_parser = ["si", "no"])]
        stato: String,
    },
}

/// `ente por`: shows or hides the POR / FSE data in the scheda of the ente.
pub(super) fn por(path: &Path, actor: &Actor, belfiore: &str, stato: &str) -> AppResult<i32> {
    open_current(path)?
        .service()
        .set_por(actor, belfiore, stato == "si")?;
    println!(
        "dati POR {} per l'ente {}",
        if stato == "si" {
            "abilitati"
        } else {
            "disabilitati"
        },
        sanitize(belfiore)
    );
    Ok(0)
}

/// `ente ufficio`: the print queue and the output folder of an ufficio; shows them as they are now.
pub(super) fn ufficio(
    path: &Path,
    actor: &Actor,
    belfiore: &str,
    ufficio: &str,
    uscita: UfficioUscita,
) -> AppResult<i32> {
    let now = open_current(path)?
        .service()
        .configure_ufficio(actor, belfiore, ufficio, &uscita)?;
    println!(
        "stampante: {}",
        now.stampante
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| "nessuna".into())
    );
    println!(
        "cartella: {}",
        now.cartella
            .map(|c| sanitize(&c.to_string_lossy()))
            .unwrap_or_else(|| "quella della configurazione (output_dir)".into())
    );
    Ok(0)
}
