//! `export siuss` (the PS-PSA-SINA flow to INPS) and `export erogazioni` (the list of a period).

use std::path::{Path, PathBuf};

use super::{acting, open_current};
use crate::domain::Actor;
use crate::domain::erogazioni::FiltroErogazioni;
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::sanitize::sanitize;
use crate::service::siuss::RichiestaSiuss;

/// The arguments of `export siuss`.
#[derive(Debug)]
pub struct SiussArgs {
    pub from: String,
    pub to: String,
    pub out: PathBuf,
    pub check: bool,
    pub force: bool,
    pub ente: Option<String>,
    pub cf_operatore: Option<String>,
    pub operatore: Option<String>,
}

fn iso(s: &str, flag: &str) -> AppResult<String> {
    match crate::domain::date::parse_iso(s) {
        Some(d) => Ok(crate::domain::date::iso(d)),
        None => Err(AppError::Invalid(format!(
            "{flag}: data non valida «{}» (usare AAAA-MM-GG)",
            sanitize(s)
        ))),
    }
}

/// `export siuss --from --to --out FILE.xml [--check]`: writes the flow (or with `--check` only
/// reports), lists the records left out and why; exit 1 when some were left out or nothing was
/// sent.
pub fn export_siuss(db_path: &Path, system: &Actor, a: SiussArgs) -> AppResult<i32> {
    let (dal, al) = (iso(&a.from, "--from")?, iso(&a.to, "--to")?);
    if !a.check {
        super::may_write(&a.out, a.force)?;
    }
    let mut db = open_current(db_path)?;
    let actor = acting(&mut db, system, a.operatore.as_deref())?;
    let mut svc = db.service();
    let enti = svc.enti(&actor)?;
    let ente = match &a.ente {
        Some(code) => enti
            .iter()
            .find(|e| e.belfiore.as_deref() == Some(code.trim()))
            .ok_or_else(|| AppError::Invalid(format!("ente «{}» sconosciuto", sanitize(code))))?,
        None => {
            // The operator's first comune; the administrator's account works for every ente and
            // must name one when there are several.
            let comuni: Vec<_> = actor
                .enti
                .iter()
                .filter_map(|id| enti.iter().find(|e| e.id == *id && e.belfiore.is_some()))
                .collect();
            match comuni.as_slice() {
                [one] => *one,
                [first, ..] if actor.operatore_id.is_some() => *first,
                _ => {
                    return Err(AppError::Invalid(
                        "indicare l'ente con --ente CODICE".into(),
                    ));
                }
            }
        }
    };
    let archivio = db_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("siuss");
    let r = RichiestaSiuss {
        ente_id: Some(ente.id),
        dal,
        al,
        cf_operatore: a.cf_operatore.clone(),
        out: (!a.check).then(|| a.out.clone()),
        archivio: Some(archivio),
        giorno: crate::domain::date::today(),
    };
    let esito = svc.export_siuss(&actor, &r, &crate::progress::Progress::default())?;
    for x in &esito.esclusi {
        eprintln!(
            "escluso: erogazione {} di {}: {}",
            x.erogazione_id,
            sanitize(&x.beneficiario),
            sanitize(&x.motivi.join("; "))
        );
    }
    let verb = if a.check { "da inviare" } else { "inviati" };
    eprintln!(
        "beneficiari {verb}: {}, record: {}, cancellazioni: {}, esclusi: {}",
        esito.beneficiari,
        esito.record,
        esito.cancellazioni,
        esito.esclusi.len()
    );
    match &esito.nome {
        Some(nome) => {
            eprintln!(
                "flusso {nome} ({} byte, sha256 {})",
                esito.size, esito.sha256
            );
            println!("{}", a.out.display());
        }
        None if !a.check => eprintln!("nessun file scritto: nessuna erogazione da inviare"),
        None => {}
    }
    let nothing = esito.beneficiari == 0;
    Ok(if esito.esclusi.is_empty() && !nothing {
        0
    } else {
        1
    })
}

/// `export erogazioni --from --to --format csv|xlsx --out FILE`.
pub fn export_erogazioni(
    db_path: &Path,
    system: &Actor,
    (from, to): (&str, &str),
    format: &str,
    out: &Path,
    operatore: Option<&str>,
) -> AppResult<i32> {
    let format: Format = format
        .parse()
        .map_err(|e: crate::export::UnknownFormat| AppError::Invalid(e.to_string()))?;
    if format == Format::Pdf {
        return Err(AppError::Invalid(
            "le erogazioni si esportano in csv o xlsx".into(),
        ));
    }
    let filtro = FiltroErogazioni {
        dal: Some(iso(from, "--from")?),
        al: Some(iso(to, "--to")?),
        ..Default::default()
    };
    let mut db = open_current(db_path)?;
    let a = acting(&mut db, system, operatore)?;
    let n = db.service().export_erogazioni(&a, &filtro, format, out)?;
    eprintln!("{n} erogazioni esportate");
    println!("{}", out.display());
    Ok(0)
}
