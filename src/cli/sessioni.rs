//! `sportello sessions` (who is logged in; `--end ID` asks a session to end) and
//! `sportello broadcast TEXT` (a notice in every session's status bar; `--clear` withdraws it).
//! Both work on a database with migrations still to apply: that is when an administrator warns the
//! sessions of the previous binary before `sportello migrate --force`.

use std::path::Path;

use super::env_error;
use crate::domain::Actor;
use crate::domain::date::{gg_mm_aaaa_hh_mm, local_ms, now_ms};
use crate::error::AppResult;
use crate::sanitize::sanitize;
use crate::service::Database;

/// `sessions [--end ID]`.
pub(super) fn sessions(path: &Path, actor: &Actor, end: Option<i64>) -> AppResult<i32> {
    let mut db = Database::open(path).map_err(env_error)?;
    let mut svc = db.service();
    let now = now_ms();
    if let Some(id) = end {
        svc.termina_sessione(actor, id, now)?;
        println!(
            "sessione {id}: chiusura richiesta (le bozze dell'operatore vengono salvate, poi la sessione termina)"
        );
        return Ok(0);
    }
    let open = svc.sessioni_attive(actor, now)?;
    if open.is_empty() {
        println!("nessuna sessione aperta");
        return Ok(0);
    }
    println!("id\toperatore\tente\tdal\tclient SSH\tschermata\tultimo segnale");
    for s in &open {
        println!(
            "{}\t{} ({} {})\t{}\t{}\t{}\t{}{}\t{} s fa",
            s.id,
            sanitize(&s.username),
            sanitize(&s.cognome),
            sanitize(&s.nome),
            sanitize(&s.ente),
            gg_mm_aaaa_hh_mm(local_ms(s.inizio_ms)),
            sanitize(s.ssh_client.as_deref().unwrap_or("locale")),
            sanitize(&s.schermata),
            if s.in_chiusura { " (in chiusura)" } else { "" },
            (now - s.segnale_ms).max(0) / 1000
        );
    }
    Ok(0)
}

/// `broadcast TEXT [--minutes N]` or `broadcast --clear`.
pub(super) fn broadcast(
    path: &Path,
    actor: &Actor,
    text: Option<&str>,
    minutes: i64,
    clear: bool,
) -> AppResult<i32> {
    let mut db = Database::open(path).map_err(env_error)?;
    let mut svc = db.service();
    let now = now_ms();
    if clear {
        let had = svc.revoca_avviso(actor, now)?;
        println!(
            "{}",
            if had {
                "avviso ritirato"
            } else {
                "nessun avviso in corso"
            }
        );
        return Ok(0);
    }
    let a = svc.invia_avviso(actor, text.unwrap_or_default(), minutes, now)?;
    println!(
        "avviso inviato a tutte le sessioni fino alle {}: {}",
        gg_mm_aaaa_hh_mm(local_ms(a.al_ms)),
        sanitize(&a.testo)
    );
    Ok(0)
}
