//! The organisation: `ente add|list|edit`, `ufficio add|list|edit`, and the settings of an ente and
//! of its offices (`ente por`, `ente ufficio`). An ente is named by its Belfiore code, its id or
//! its exact name (an ambito has no Belfiore code).

use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::open_current;
use crate::domain::{Actor, Ente, NewEnte};
use crate::error::{AppError, AppResult};
use crate::sanitize::sanitize;
use crate::service::organisation::{ENTE_TIPI, UfficioUscita};
use crate::service::{Database, Service};

#[derive(Subcommand, Debug)]
pub(super) enum EnteCommand {
    /// Nuovo ente: comune, ambito (zona sociale che riunisce più comuni) o ente esterno
    Add {
        #[arg(long)]
        nome: String,
        #[arg(long, value_parser = ENTE_TIPI)]
        tipo: String,
        /// Codice catastale (comuni), es. G478
        #[arg(long)]
        belfiore: Option<String>,
        #[arg(long)]
        istat: Option<String>,
        /// L'ambito del comune (codice, id o nome)
        #[arg(long, value_name = "AMBITO")]
        ambito: Option<String>,
        /// Il comune è il capofila del suo ambito
        #[arg(long, requires = "ambito")]
        capofila: bool,
    },
    /// Elenco degli enti: id, tipo, nome, codice, ambito, capofila, stato
    List,
    /// Modifica un ente (tipo e codice catastale non cambiano)
    Edit {
        /// L'ente (codice, id o nome)
        ente: String,
        #[arg(long)]
        nome: Option<String>,
        #[arg(long)]
        istat: Option<String>,
        /// L'ambito del comune (codice, id o nome; «-» per nessuno)
        #[arg(long, value_name = "AMBITO")]
        ambito: Option<String>,
        #[arg(long, value_parser = ["si", "no"])]
        capofila: Option<String>,
        #[arg(long, value_parser = ["si", "no"])]
        attivo: Option<String>,
    },
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

/// What an ufficio shows the public and where its documents go.
#[derive(clap::Args, Debug)]
pub(super) struct UfficioArgs {
    #[arg(long)]
    indirizzo: Option<String>,
    #[arg(long)]
    telefono: Option<String>,
    #[arg(long)]
    email: Option<String>,
    /// Orari di apertura, es. "lun-ven 9-12"
    #[arg(long)]
    orari: Option<String>,
    /// Coda di stampa (vuota: nessuna)
    #[arg(long, value_name = "CODA")]
    stampante: Option<String>,
    /// Cartella di stampe ed esportazioni (percorso assoluto; vuota: quella della configurazione)
    #[arg(long, value_name = "CARTELLA")]
    cartella: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub(super) enum UfficioCommand {
    /// Nuovo ufficio di un ente, con il suo punto di contatto
    Add {
        /// L'ente (codice, id o nome)
        ente: String,
        nome: String,
        #[command(flatten)]
        args: UfficioArgs,
    },
    /// Uffici di un ente (o di tutti): punto di contatto, stampante, cartella
    List {
        /// L'ente (codice, id o nome)
        ente: Option<String>,
    },
    /// Modifica un ufficio (un valore vuoto cancella il dato)
    Edit {
        /// L'ente (codice, id o nome)
        ente: String,
        nome: String,
        /// Nuovo nome
        #[arg(long, value_name = "NOME")]
        rinomina: Option<String>,
        #[arg(long, value_parser = ["si", "no"])]
        attivo: Option<String>,
        #[command(flatten)]
        args: UfficioArgs,
    },
    /// Nuovo punto di contatto di un ufficio (dove riceve il pubblico), o elenco senza --nome
    Punto {
        /// L'ente (codice, id o nome)
        ente: String,
        /// L'ufficio
        ufficio: String,
        #[arg(long)]
        nome: Option<String>,
        #[arg(long)]
        indirizzo: Option<String>,
        #[arg(long)]
        telefono: Option<String>,
        #[arg(long)]
        orari: Option<String>,
    },
    /// Impostazioni di un ufficio: requisiti della scheda completa, interventi mostrati nella
    /// scheda, messaggio di invio (l'e-mail è quella di «ufficio edit --email»)
    Settings {
        /// L'ente (codice, id o nome)
        ente: String,
        nome: String,
        #[command(flatten)]
        args: super::report::SettingsArgs,
    },
}

/// The ente named `name`: Belfiore code, id or exact name (case-insensitive).
pub(super) fn find_ente(svc: &mut Service<'_>, actor: &Actor, name: &str) -> AppResult<Ente> {
    let name = name.trim();
    svc.enti(actor)?
        .into_iter()
        .find(|e| {
            e.id.to_string() == name
                || e.belfiore
                    .as_deref()
                    .is_some_and(|b| b.eq_ignore_ascii_case(name))
                || e.nome.eq_ignore_ascii_case(name)
        })
        .ok_or_else(|| AppError::Invalid(format!("ente «{}» non trovato", sanitize(name))))
}

fn yes(v: &str) -> bool {
    v == "si"
}

pub(super) fn ente(path: &Path, actor: &Actor, command: EnteCommand) -> AppResult<i32> {
    let mut db = open_current(path)?;
    let mut svc = db.service();
    match command {
        EnteCommand::Add {
            nome,
            tipo,
            belfiore,
            istat,
            ambito,
            capofila,
        } => {
            let ambito_id = match ambito {
                Some(a) => Some(find_ente(&mut svc, actor, &a)?.id),
                None => None,
            };
            let id = svc.create_ente(
                actor,
                &NewEnte {
                    nome,
                    belfiore,
                    istat,
                    tipo,
                    capofila,
                    ambito_id,
                },
            )?;
            println!("ente creato: {id}");
        }
        EnteCommand::List => {
            let enti = svc.enti(actor)?;
            let nome_di = |id: Option<i64>| {
                id.and_then(|a| enti.iter().find(|e| e.id == a))
                    .map(|e| sanitize(&e.nome))
                    .unwrap_or_else(|| "-".into())
            };
            for e in &enti {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    e.id,
                    e.tipo,
                    sanitize(&e.nome),
                    e.belfiore
                        .as_deref()
                        .map(sanitize)
                        .unwrap_or_else(|| "-".into()),
                    nome_di(e.ambito_id),
                    if e.capofila { "capofila" } else { "-" },
                    if e.attivo { "attivo" } else { "non attivo" }
                );
            }
        }
        EnteCommand::Edit {
            ente,
            nome,
            istat,
            ambito,
            capofila,
            attivo,
        } => {
            let mut e = find_ente(&mut svc, actor, &ente)?;
            if let Some(n) = nome {
                e.nome = n;
            }
            if let Some(i) = istat {
                e.istat = Some(i).filter(|i| !i.trim().is_empty());
            }
            match ambito.as_deref() {
                Some("-") => e.ambito_id = None,
                Some(a) => e.ambito_id = Some(find_ente(&mut svc, actor, a)?.id),
                None => {}
            }
            // Leaving the ambito ends being its capofila, unless asked otherwise (then refused).
            match capofila {
                Some(c) => e.capofila = yes(&c),
                None if e.ambito_id.is_none() => e.capofila = false,
                None => {}
            }
            if let Some(a) = attivo {
                e.attivo = yes(&a);
            }
            svc.edit_ente(actor, &e)?;
            println!("ente {} modificato", e.id);
        }
        EnteCommand::Ufficio {
            belfiore,
            ufficio,
            stampante,
            cartella,
        } => {
            let uscita = UfficioUscita {
                stampante,
                cartella,
            };
            let now = svc.configure_ufficio(actor, &belfiore, &ufficio, &uscita)?;
            print_uscita(&now);
        }
        EnteCommand::Por { belfiore, stato } => {
            svc.set_por(actor, &belfiore, stato == "si")?;
            println!(
                "dati POR {} per l'ente {}",
                if stato == "si" {
                    "abilitati"
                } else {
                    "disabilitati"
                },
                sanitize(&belfiore)
            );
        }
    }
    Ok(0)
}

fn print_uscita(now: &UfficioUscita) {
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
            .as_ref()
            .map(|c| sanitize(&c.to_string_lossy()))
            .unwrap_or_else(|| "quella della configurazione (output_dir)".into())
    );
}

/// Applies the contact and output options given (an empty value clears one).
fn apply(
    svc: &mut Service<'_>,
    actor: &Actor,
    mut u: crate::domain::Ufficio,
    args: UfficioArgs,
) -> AppResult<()> {
    let c = &mut u.contatto;
    let contact = [
        (&mut c.indirizzo, args.indirizzo),
        (&mut c.telefono, args.telefono),
        (&mut c.email, args.email),
        (&mut c.orari, args.orari),
    ];
    let mut changed = false;
    for (field, value) in contact {
        if let Some(v) = value {
            *field = Some(v);
            changed = true;
        }
    }
    if changed {
        svc.edit_ufficio(actor, &u)?;
    }
    if args.stampante.is_some() || args.cartella.is_some() {
        svc.configure_ufficio_id(
            actor,
            u.id,
            &UfficioUscita {
                stampante: args.stampante,
                cartella: args.cartella,
            },
        )?;
    }
    Ok(())
}

fn find_ufficio(
    svc: &mut Service<'_>,
    actor: &Actor,
    ente: &Ente,
    nome: &str,
) -> AppResult<crate::domain::Ufficio> {
    svc.uffici_di(actor, ente.id)?
        .into_iter()
        .map(|(u, _)| u)
        .find(|u| u.nome.eq_ignore_ascii_case(nome.trim()))
        .ok_or_else(|| {
            AppError::Invalid(format!(
                "ufficio «{}» dell'ente {} non trovato",
                sanitize(nome),
                sanitize(&ente.nome)
            ))
        })
}

pub(super) fn ufficio(path: &Path, actor: &Actor, command: UfficioCommand) -> AppResult<i32> {
    let mut db: Database = open_current(path)?;
    let mut svc = db.service();
    match command {
        UfficioCommand::Add { ente, nome, args } => {
            let ente = find_ente(&mut svc, actor, &ente)?;
            let id = svc.create_ufficio(actor, ente.id, &nome)?;
            let u = find_ufficio(&mut svc, actor, &ente, &nome)?;
            let has_contact = [&args.indirizzo, &args.telefono, &args.email, &args.orari]
                .iter()
                .any(|v| v.is_some());
            if has_contact || args.stampante.is_some() || args.cartella.is_some() {
                apply(&mut svc, actor, u, args)?;
            }
            println!("ufficio creato: {id}");
        }
        UfficioCommand::Punto {
            ente,
            ufficio,
            nome,
            indirizzo,
            telefono,
            orari,
        } => {
            let ente = find_ente(&mut svc, actor, &ente)?;
            let u = find_ufficio(&mut svc, actor, &ente, &ufficio)?;
            if let Some(nome) = nome {
                let p = crate::domain::organizzazione::PuntoContatto {
                    ufficio_id: u.id,
                    nome,
                    indirizzo,
                    telefono,
                    orari,
                    attivo: true,
                    ..Default::default()
                };
                println!(
                    "punto di contatto registrato: {}",
                    svc.save_punto_contatto(actor, &p)?
                );
            }
            for p in svc.punti_contatto(actor, u.id)? {
                let show =
                    |v: &Option<String>| v.as_deref().map(sanitize).unwrap_or_else(|| "-".into());
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    p.id,
                    sanitize(&p.nome),
                    show(&p.indirizzo),
                    show(&p.telefono),
                    show(&p.orari)
                );
            }
        }
        UfficioCommand::List { ente } => {
            let enti = match ente {
                Some(e) => vec![find_ente(&mut svc, actor, &e)?],
                None => svc.enti(actor)?,
            };
            for e in enti {
                for (u, uscita) in svc.uffici_di(actor, e.id)? {
                    let c = &u.contatto;
                    let show = |v: &Option<String>| {
                        v.as_deref().map(sanitize).unwrap_or_else(|| "-".into())
                    };
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        u.id,
                        sanitize(&e.nome),
                        sanitize(&u.nome),
                        show(&c.indirizzo),
                        show(&c.telefono),
                        show(&c.email),
                        show(&c.orari),
                        show(&uscita.stampante),
                        uscita
                            .cartella
                            .map(|p| sanitize(&p.to_string_lossy()))
                            .unwrap_or_else(|| "-".into()),
                        if u.attivo { "attivo" } else { "non attivo" }
                    );
                }
            }
        }
        UfficioCommand::Edit {
            ente,
            nome,
            rinomina,
            attivo,
            args,
        } => {
            let ente = find_ente(&mut svc, actor, &ente)?;
            let mut u = find_ufficio(&mut svc, actor, &ente, &nome)?;
            let renamed = rinomina.is_some() || attivo.is_some();
            if let Some(n) = rinomina {
                u.nome = n;
            }
            if let Some(a) = attivo {
                u.attivo = yes(&a);
            }
            if renamed {
                u.version = svc.edit_ufficio(actor, &u)?;
            }
            apply(&mut svc, actor, u.clone(), args)?;
            println!("ufficio {} modificato", u.id);
        }
        UfficioCommand::Settings { ente, nome, args } => {
            super::report::settings(&mut svc, actor, (&ente, &nome), args)?;
        }
    }
    Ok(0)
}
