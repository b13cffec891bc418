//! `report sportello`: the monthly report "attività dello sportello" of an office as XLSX or PDF,
//! and `ufficio settings`: the switches and the message template of an office. An ufficio is named
//! by its id or its name (with `--ente` when two enti have an office of that name).

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::{acting, may_write, open_current};
use crate::domain::Actor;
use crate::domain::impostazioni::ImpostazioniUfficio;
use crate::domain::rapporto::Mese;
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::sanitize::sanitize;
use crate::service::Service;

#[derive(Subcommand, Debug)]
pub(super) enum ReportCommand {
    /// Attività dello sportello di un ufficio in un mese: accessi per motivo, bisogno ed esito,
    /// richieste per servizio, ore per tipo di attività, operatori
    Sportello {
        /// Il mese, es. 2026-11
        #[arg(long, value_name = "AAAA-MM")]
        mese: String,
        /// L'ufficio (id o nome)
        #[arg(long, value_name = "UFFICIO")]
        ufficio: String,
        /// L'ente dell'ufficio (codice, id o nome), se più enti hanno un ufficio con quel nome
        #[arg(long, value_name = "ENTE")]
        ente: Option<String>,
        /// xlsx o pdf (altrimenti dall'estensione del file, xlsx se non è .pdf)
        #[arg(long)]
        format: Option<String>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Sostituisce il file se esiste già
        #[arg(long)]
        force: bool,
        #[arg(long, value_name = "UTENTE")]
        operatore: Option<String>,
    },
}

/// The options of `ufficio settings` (each one left out keeps its value).
#[derive(clap::Args, Debug)]
pub(super) struct SettingsArgs {
    /// Una scheda completa richiede almeno un bisogno
    #[arg(long, value_parser = ["on", "off"])]
    req_bisogni: Option<String>,
    /// Una scheda completa richiede almeno una richiesta di servizio
    #[arg(long, value_parser = ["on", "off"])]
    req_servizi: Option<String>,
    /// Una scheda completa di una persona straniera richiede la sezione stranieri
    #[arg(long, value_parser = ["on", "off"])]
    req_stranieri: Option<String>,
    /// La scheda mostra gli interventi già erogati alla persona e lo stato della cartella
    #[arg(long, value_parser = ["on", "off"])]
    vis_interventi: Option<String>,
    /// Testo del messaggio di invio, con i segnaposto {ufficio}, {ente}, {data}, {numero},
    /// {telefono}, {email} (vuoto: nessuno)
    #[arg(long, value_name = "TESTO")]
    template: Option<String>,
}

/// The office named `name` (id or name, in `ente` when given) among those the actor sees.
pub(super) fn find_ufficio(
    svc: &mut Service<'_>,
    actor: &Actor,
    name: &str,
    ente: Option<&str>,
) -> AppResult<(crate::domain::Ente, crate::domain::Ufficio)> {
    let enti = match ente {
        Some(e) => vec![super::ente::find_ente(svc, actor, e)?],
        None => svc.enti(actor)?,
    };
    let mut found = Vec::new();
    for e in enti {
        for (u, _) in svc.uffici_di(actor, e.id)? {
            if u.id.to_string() == name.trim() || u.nome.eq_ignore_ascii_case(name.trim()) {
                found.push((e.clone(), u));
            }
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(AppError::Invalid(format!(
            "ufficio «{}» non trovato",
            sanitize(name)
        ))),
        _ => Err(AppError::Invalid(format!(
            "più uffici si chiamano «{}»: indicare l'ente con --ente",
            sanitize(name)
        ))),
    }
}

pub(super) fn report(db_path: &Path, system: &Actor, command: ReportCommand) -> AppResult<i32> {
    let ReportCommand::Sportello {
        mese,
        ufficio,
        ente,
        format,
        out,
        force,
        operatore,
    } = command;
    let mese = Mese::parse(&mese).map_err(AppError::Invalid)?;
    let format = match format {
        Some(f) => f
            .parse::<Format>()
            .map_err(|e| AppError::Invalid(e.to_string()))?,
        None if out
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("pdf")) =>
        {
            Format::Pdf
        }
        None => Format::Xlsx,
    };
    if format == Format::Csv {
        return Err(AppError::Invalid(
            "il rapporto si esporta in xlsx o pdf".into(),
        ));
    }
    may_write(&out, force)?;
    let mut db = open_current(db_path)?;
    let actor = acting(&mut db, system, operatore.as_deref())?;
    let mut svc = db.service();
    let (e, u) = find_ufficio(&mut svc, &actor, &ufficio, ente.as_deref())?;
    let titolo = svc.export_rapporto_sportello(
        &actor,
        (u.id, mese),
        format,
        &out,
        crate::domain::date::now(),
    )?;
    eprintln!(
        "{} · {} · {}",
        sanitize(&titolo),
        sanitize(&e.nome),
        sanitize(&u.nome)
    );
    println!("{}", out.display());
    Ok(0)
}

/// `ufficio settings ENTE NOME [--req-bisogni on|off] …`: applies the options given and prints the
/// settings as they are.
pub(super) fn settings(
    svc: &mut Service<'_>,
    actor: &Actor,
    (ente, nome): (&str, &str),
    args: SettingsArgs,
) -> AppResult<()> {
    let (_, u) = find_ufficio(svc, actor, nome, Some(ente))?;
    let mut s = svc.impostazioni_ufficio(actor, u.id)?;
    let on = |v: &Option<String>, old: bool| v.as_deref().map_or(old, |v| v == "on");
    let changed = ImpostazioniUfficio {
        req_bisogni: on(&args.req_bisogni, s.req_bisogni),
        req_servizi: on(&args.req_servizi, s.req_servizi),
        req_stranieri: on(&args.req_stranieri, s.req_stranieri),
        vis_interventi: on(&args.vis_interventi, s.vis_interventi),
        template_invio: args.template.clone().or(s.template_invio.clone()),
        ..s.clone()
    };
    if changed != s {
        svc.save_impostazioni_ufficio(actor, &changed)?;
        s = svc.impostazioni_ufficio(actor, u.id)?;
    }
    let show = |b: bool| if b { "on" } else { "off" };
    println!("ufficio: {} ({})", sanitize(&u.nome), u.id);
    println!("req_bisogni: {}", show(s.req_bisogni));
    println!("req_servizi: {}", show(s.req_servizi));
    println!("req_stranieri: {}", show(s.req_stranieri));
    println!("vis_interventi: {}", show(s.vis_interventi));
    println!(
        "email: {}",
        u.contatto
            .email
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| "-".into())
    );
    println!(
        "template: {}",
        s.template_invio
            .as_deref()
            .map(sanitize)
            .unwrap_or_else(|| "-".into())
    );
    Ok(())
}
