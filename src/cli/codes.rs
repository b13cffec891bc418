//! `codes list`, `codes import`, `codes export`: the code lists as `;` CSV; `codes relabel`,
//! `codes hide`: how one ente shows a shared code.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::ente::find_ente;
use super::open_current;
use crate::domain::Actor;
use crate::error::{AppError, AppResult};
use crate::sanitize::sanitize;
use crate::service::codes::CodeChange;

#[derive(Subcommand, Debug)]
pub(super) enum CodesCommand {
    /// Elenca le liste di codici con il numero di voci
    List,
    /// Importa (aggiunge o aggiorna) le voci di una lista da un CSV `codice;etichetta[;gruppo;attivo;ordine]`;
    /// la lista `prestazioni_siuss` (tabella INPS) da un CSV `codice;denominazione[;richiede_sina;solo_in_carico;non_esportare;attivo]`
    Import { lista: String, file: PathBuf },
    /// Esporta una lista in CSV sullo standard output
    Export { lista: String },
    /// Cambia l'etichetta di un codice per un solo ente (etichetta vuota: torna quella comune)
    Relabel {
        lista: String,
        codice: String,
        /// Ente: codice catastale, id o nome
        #[arg(long)]
        ente: String,
        etichetta: String,
    },
    /// Nasconde un codice per un solo ente (non più proposto; resta leggibile nelle schede che lo
    /// hanno); con --show lo propone di nuovo
    Hide {
        lista: String,
        codice: String,
        /// Ente: codice catastale, id o nome
        #[arg(long)]
        ente: String,
        #[arg(long)]
        show: bool,
    },
}

pub(super) fn codes(path: &Path, actor: &Actor, cmd: CodesCommand) -> AppResult<i32> {
    let mut db = open_current(path)?;
    let mut svc = db.service();
    match cmd {
        CodesCommand::List => {
            for (lista, n) in svc.code_lists(actor)? {
                println!("{lista}\t{n}");
            }
        }
        CodesCommand::Export { lista } => {
            let codes = svc.codes(actor, &lista)?;
            if codes.is_empty() {
                return Err(AppError::Invalid(format!(
                    "lista «{}» inesistente o vuota",
                    sanitize(&lista)
                )));
            }
            // Plain `;` CSV on standard output, the format `codes import` reads back.
            let cell = crate::sanitize::spreadsheet_text;
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(std::io::stdout().lock());
            let _ = w.write_record(["codice", "etichetta", "gruppo", "attivo", "ordine"]);
            for c in codes {
                let _ = w.write_record([
                    cell(&c.codice),
                    cell(&c.etichetta),
                    cell(c.gruppo.as_deref().unwrap_or("")),
                    (if c.attivo { "sì" } else { "no" }).to_string(),
                    c.ordine.to_string(),
                ]);
            }
            let _ = w.flush();
        }
        CodesCommand::Relabel {
            lista,
            codice,
            ente,
            etichetta,
        } => {
            let e = find_ente(&mut svc, actor, &ente)?;
            let change = CodeChange::Label(Some(etichetta));
            let now = svc.set_code_ente(actor, e.id, &lista, &codice, change)?;
            println!(
                "{}/{} nell'ente {}: {}",
                sanitize(&lista),
                sanitize(&codice),
                sanitize(&e.nome),
                match &now.etichetta {
                    Some(l) => format!("«{}»", sanitize(l)),
                    None => "etichetta comune".into(),
                }
            );
        }
        CodesCommand::Hide {
            lista,
            codice,
            ente,
            show,
        } => {
            let e = find_ente(&mut svc, actor, &ente)?;
            svc.set_code_ente(actor, e.id, &lista, &codice, CodeChange::Hidden(!show))?;
            println!(
                "{}/{} nell'ente {}: {}",
                sanitize(&lista),
                sanitize(&codice),
                sanitize(&e.nome),
                if show { "proposto" } else { "nascosto" }
            );
        }
        CodesCommand::Import { lista, file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                AppError::Env(format!("impossibile leggere {}: {e}", file.display()))
            })?;
            if lista == "prestazioni_siuss" {
                // The INPS table of SIUSS prestazioni: `codice;denominazione[;richiede_sina;...]`.
                let rows =
                    crate::service::erogazioni::parse_prestazioni_csv(&text).map_err(|errs| {
                        AppError::Invalid(format!("{}: {}", file.display(), errs.join("; ")))
                    })?;
                let c = svc.import_prestazioni_siuss(actor, &rows)?;
                println!(
                    "prestazioni SIUSS: inserite {}, aggiornate {}, invariate {}",
                    c.inserted, c.updated, c.unchanged
                );
                return Ok(0);
            }
            let rows = crate::domain::codici::parse_csv(&text).map_err(|errs| {
                AppError::Invalid(format!("{}: {}", file.display(), errs.join("; ")))
            })?;
            let c = svc.import_codes(actor, &lista, &rows)?;
            println!(
                "lista {}: inseriti {}, aggiornati {}, invariati {}",
                sanitize(&lista),
                c.inserted,
                c.updated,
                c.unchanged
            );
        }
    }
    Ok(0)
}
