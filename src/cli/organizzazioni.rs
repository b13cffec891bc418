//! The organisations of the territory (`org list|add|import`) and the e-mail notices of the schede
//! sent to another office (`avvisi`, for cron: sends those still to go, `--riprova` the failed).

use std::path::Path;

use clap::Subcommand;

use super::open_current;
use crate::domain::Actor;
use crate::domain::organizzazione::{self, Organizzazione, Settore};
use crate::error::{AppError, AppResult};
use crate::sanitize::sanitize;

#[derive(Subcommand, Debug)]
pub(super) enum OrgCommand {
    /// Elenco delle organizzazioni con i loro settori (codice, nome, ruoli: I inviante,
    /// L interlocutore, E erogatore)
    List,
    /// Nuova organizzazione con uno o più settori
    Add {
        #[arg(long)]
        nome: String,
        /// comune, sanita, scuola, giudiziaria, forze_ordine, impiego, terzo_settore, patronato, altro
        #[arg(long)]
        tipo: String,
        /// La zona sociale, se diversa dalla nostra
        #[arg(long)]
        zona: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        pec: Option<String>,
        #[arg(long)]
        telefono: Option<String>,
        /// Un settore (ripetibile); senza, un settore con il nome dell'organizzazione
        #[arg(long = "settore", value_name = "NOME")]
        settori: Vec<String>,
    },
    /// Carica il registro da un file CSV: organizzazione;tipo;settore[;zona;codice;email;
    /// telefono;pec;inviante;interlocutore;erogatore]
    Import { file: std::path::PathBuf },
}

fn roles(s: &Settore) -> String {
    [
        (s.inviante, 'I'),
        (s.interlocutore, 'L'),
        (s.erogatore, 'E'),
    ]
    .iter()
    .map(|(on, c)| if *on { *c } else { '-' })
    .collect()
}

pub(super) fn org(path: &Path, actor: &Actor, command: OrgCommand) -> AppResult<i32> {
    let mut db = open_current(path)?;
    let mut svc = db.service();
    match command {
        OrgCommand::List => {
            for o in svc.organizzazioni(actor)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    o.id,
                    sanitize(&o.tipo),
                    sanitize(&o.nome),
                    o.zona
                        .as_deref()
                        .map(sanitize)
                        .unwrap_or_else(|| "-".into()),
                    if o.attivo { "attiva" } else { "disattivata" }
                );
                for s in &o.settori {
                    println!(
                        "\t{}\t{}\t{}\t{}",
                        sanitize(&s.codice),
                        sanitize(&s.nome),
                        roles(s),
                        if s.attivo { "attivo" } else { "disattivato" }
                    );
                }
            }
        }
        OrgCommand::Add {
            nome,
            tipo,
            zona,
            email,
            pec,
            telefono,
            settori,
        } => {
            let names = if settori.is_empty() {
                vec![nome.clone()]
            } else {
                settori
            };
            let o = Organizzazione {
                nome,
                tipo,
                zona,
                email,
                pec,
                telefono,
                attivo: true,
                settori: names
                    .into_iter()
                    .map(|nome| Settore {
                        nome,
                        inviante: true,
                        interlocutore: true,
                        erogatore: true,
                        attivo: true,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            };
            let id = svc.save_organizzazione(actor, &o)?;
            println!("organizzazione registrata: {id}");
        }
        OrgCommand::Import { file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                AppError::Invalid(format!(
                    "file «{}» illeggibile: {e}",
                    sanitize(&file.display().to_string())
                ))
            })?;
            let nuove = organizzazione::from_csv(&text)
                .map_err(|problems| AppError::Invalid(problems.join("; ")))?;
            let (added, completed) = svc.import_organizzazioni(actor, &nuove)?;
            println!("organizzazioni aggiunte: {added}; completate con nuovi settori: {completed}");
        }
    }
    Ok(0)
}

/// `sportello avvisi`: the notices still to go (and the failed ones with `riprova`).
pub(super) fn avvisi(
    config: &crate::config::Config,
    actor: &Actor,
    riprova: bool,
) -> AppResult<i32> {
    let Some(mailer) = &config.mail else {
        return Err(AppError::Invalid(
            "posta non configurata: aggiungere la sezione [mail] a config.toml".into(),
        ));
    };
    let mut db = open_current(&config.database)?;
    let esiti = db.service().consegna_avvisi(actor, mailer, riprova)?;
    let failed = esiti
        .iter()
        .filter(|(_, e)| e.starts_with(crate::store::ESITO_ERRORE))
        .count();
    for (id, esito) in &esiti {
        println!("invio {id}\t{}", sanitize(esito));
    }
    println!("avvisi: {} trattati, {failed} non inviati", esiti.len());
    Ok(if failed > 0 { 1 } else { 0 })
}
