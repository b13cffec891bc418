//! `purge` (the retention policy of the configuration applied, audited), `legal-hold` (persons
//! and cases a purge never touches) and `anomalies` (reads over the hourly threshold recorded).

use clap::Subcommand;

use super::open_current;
use crate::config::Config;
use crate::domain::Actor;
use crate::error::AppResult;
use crate::sanitize::sanitize;
use crate::service::retention::{Held, PurgeFiles};

#[derive(Subcommand, Debug)]
pub(super) enum HoldCommand {
    /// Mette una persona o un caso sotto blocco legale: nulla che li riguardi viene eliminato
    Add {
        #[arg(value_parser = ["persona", "caso"])]
        cosa: String,
        id: i64,
        /// Motivo (es. numero del procedimento)
        #[arg(long)]
        motivo: String,
    },
    /// Toglie il blocco legale
    Remove {
        #[arg(value_parser = ["persona", "caso"])]
        cosa: String,
        id: i64,
    },
    /// Elenca i blocchi legali
    List,
}

fn held(cosa: &str, id: i64) -> Held {
    if cosa == "caso" {
        Held::Caso(id)
    } else {
        Held::Soggetto(id)
    }
}

/// `purge [--dry-run]`: what the policy removes, by class.
pub(super) fn purge(config: &Config, actor: &Actor, dry_run: bool) -> AppResult<i32> {
    let mut db = open_current(&config.database)?;
    let files = PurgeFiles {
        recording_dir: config.recording_dir.clone(),
        recording_days: config.recording_days,
        crash_dir: config.log_dir.join("crash"),
    };
    let now = crate::domain::date::now();
    let p = db
        .service()
        .purge(actor, &config.retention, &files, now, dry_run)?;
    let r = &config.retention;
    println!(
        "{}",
        if dry_run {
            "prova: niente viene eliminato; da eliminare:"
        } else {
            "eliminati:"
        }
    );
    println!(
        "tentativi di accesso (oltre {} giorni): {}",
        r.login_days, p.login_attempts
    );
    println!("bozze (oltre {} giorni): {}", r.draft_days, p.drafts);
    println!(
        "righe di audit (oltre {} mesi): {} ({} conservate per blocco legale)",
        r.audit_months, p.audit_rows, p.audit_held
    );
    println!(
        "registrazioni (oltre {} giorni): {}",
        config.recording_days, p.recordings
    );
    println!(
        "segnalazioni di errore (oltre {} giorni): {}",
        r.crash_days, p.crash_reports
    );
    Ok(0)
}

pub(super) fn legal_hold(config: &Config, actor: &Actor, command: HoldCommand) -> AppResult<i32> {
    let mut db = open_current(&config.database)?;
    let mut svc = db.service();
    match command {
        HoldCommand::Add { cosa, id, motivo } => {
            svc.set_legal_hold(actor, held(&cosa, id), Some(&motivo))?;
            println!("blocco legale posto su {cosa} {id}");
        }
        HoldCommand::Remove { cosa, id } => {
            svc.set_legal_hold(actor, held(&cosa, id), None)?;
            println!("blocco legale tolto da {cosa} {id}");
        }
        HoldCommand::List => {
            for b in svc.legal_holds(actor)? {
                let cosa = if b.entity == "caso" {
                    "caso"
                } else {
                    "persona"
                };
                println!(
                    "{cosa}\t{}\t{}\t{}\t{}",
                    b.entity_id,
                    sanitize(&b.motivo),
                    crate::domain::date::stored_local(&b.created_at),
                    sanitize(&b.created_by)
                );
            }
        }
    }
    Ok(0)
}

/// `anomalies [--soglia N]`: records and prints the operators who read more than the threshold
/// in an hour of the last two days (each operator and hour once).
pub(super) fn anomalies(config: &Config, actor: &Actor, soglia: Option<u32>) -> AppResult<i32> {
    let mut db = open_current(&config.database)?;
    let threshold = soglia.unwrap_or(config.anomaly_reads_per_hour);
    let found = db
        .service()
        .scan_anomalies(actor, threshold, crate::domain::date::now())?;
    for l in &found {
        println!(
            "{}\t{}:00 UTC\t{} letture (soglia {threshold})",
            sanitize(&l.username),
            l.ora.replace('T', " "),
            l.n
        );
    }
    if found.is_empty() {
        println!("nessuna nuova anomalia (soglia {threshold} letture in un'ora)");
    }
    Ok(0)
}
