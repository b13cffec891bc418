//! `ente por`: the settings of an ente.

use std::path::Path;

use clap::Subcommand;

use super::open_current;
use crate::domain::Actor;
use crate::error::AppResult;
use crate::sanitize::sanitize;

#[derive(Subcommand, Debug)]
pub(super) enum EnteCommand {
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
