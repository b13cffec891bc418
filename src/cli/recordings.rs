//! Helpdesk commands on session recordings and crash reports: `recordings list` (expired logs are
//! deleted first), `replay FILE` (headless, divergence check, re-execution on a copy, asciicast
//! export), `crash list` / `crash show ID`. Opening a log of the server's recording directory is
//! audited through the service.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use clap::Subcommand;

use super::open_current;
use crate::config::Config;
use crate::domain::Actor;
use crate::error::{AppError, AppResult};
use crate::record::files;
use crate::record::replay::{Mode, Stop, replay};
use crate::record::viewer::Viewer;
use crate::sanitize::sanitize;

#[derive(Subcommand, Debug)]
pub enum RecordingsCommand {
    /// Elenca le registrazioni (dopo aver eliminato quelle scadute)
    List,
    /// Chiede di registrare la prossima sessione dell'operatore (avviso all'accesso, poi ● REG)
    Request {
        /// Nome utente dell'operatore da registrare
        #[arg(long)]
        operatore: String,
        /// Numero della segnalazione
        #[arg(long)]
        segnalazione: String,
        /// Registrazione oscurata (testi e dati mascherati)
        #[arg(long)]
        redact: bool,
        /// Giorni di validità della richiesta
        #[arg(long, default_value_t = crate::service::helpdesk::DEFAULT_REQUEST_DAYS)]
        giorni: u32,
    },
    /// Elenca le richieste di registrazione
    Requests,
    /// Annulla una richiesta di registrazione ancora in attesa
    Cancel { id: i64 },
}

#[derive(Subcommand, Debug)]
pub enum CrashCommand {
    /// Elenca le segnalazioni di errore
    List,
    /// Mostra una segnalazione di errore
    Show { id: String },
}

/// What `sportello replay` was asked.
#[derive(clap::Args, Debug)]
pub struct ReplayArgs {
    /// Il file della registrazione
    pub file: PathBuf,
    /// Senza terminale: stampa la schermata finale come testo
    #[arg(long)]
    pub headless: bool,
    /// Stampa ogni schermata, non solo l'ultima
    #[arg(long)]
    pub frames: bool,
    /// Si ferma dopo il messaggio N
    #[arg(long, value_name = "N")]
    pub to: Option<u64>,
    /// Esporta la replica in formato asciicast v2
    #[arg(long, value_name = "OUT.cast")]
    pub cast: Option<PathBuf>,
    /// Ripete solo i tasti contro una copia del database (--db COPIA.db)
    #[arg(long)]
    pub reexecute: bool,
    /// Visore interattivo: un messaggio alla volta avanti e indietro (→/←, Spazio), salto a un
    /// messaggio (g e il numero, Home/Fine), riproduzione (p, +/-), q o Esc per uscire
    #[arg(long, conflicts_with_all = ["headless", "frames", "cast", "reexecute"])]
    pub step: bool,
    /// Con --step: parte riproducendo a questa velocità (2 = il doppio)
    #[arg(long, value_name = "X", requires = "step", value_parser = parse_speed)]
    pub speed: Option<f64>,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    s.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && (0.0625..=64.0).contains(x))
        .ok_or_else(|| "velocità non valida (un numero tra 0.0625 e 64, es. 2)".into())
}

pub(super) fn recordings(
    config: &Config,
    actor: &Actor,
    command: RecordingsCommand,
) -> AppResult<i32> {
    match command {
        RecordingsCommand::Request {
            operatore,
            segnalazione,
            redact,
            giorni,
        } => {
            let mut db = open_current(&config.database)?;
            let now = crate::domain::date::now_ms();
            let id = db.service().request_recording(
                actor,
                &operatore,
                &segnalazione,
                redact || config.recording_redact,
                giorni,
                now,
            )?;
            println!(
                "richiesta {id}: la prossima sessione di {} sarà registrata per la segnalazione {} (valida {giorni} giorni)",
                sanitize(&operatore),
                sanitize(&segnalazione)
            );
            Ok(0)
        }
        RecordingsCommand::Requests => {
            let mut db = open_current(&config.database)?;
            for r in db.service().recording_requests(actor)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\tscade {}\t{}",
                    r.id,
                    sanitize(&r.operatore),
                    sanitize(&r.segnalazione),
                    sanitize(&r.stato),
                    if r.oscurata { "oscurata" } else { "in chiaro" },
                    sanitize(&crate::domain::date::stored_local(&r.scade_at)),
                    sanitize(&r.created_by)
                );
            }
            Ok(0)
        }
        RecordingsCommand::Cancel { id } => {
            let mut db = open_current(&config.database)?;
            db.service().cancel_recording_request(actor, id)?;
            println!("richiesta {id} annullata");
            Ok(0)
        }
        RecordingsCommand::List => {
            let dir = &config.recording_dir;
            let removed = files::purge(dir, config.recording_days, std::time::SystemTime::now())
                .map_err(|e| AppError::Env(format!("cartella {}: {e}", dir.display())))?;
            if removed > 0 {
                eprintln!("{removed} registrazioni scadute eliminate");
            }
            let list = files::list(dir)
                .map_err(|e| AppError::Env(format!("cartella {}: {e}", dir.display())))?;
            for r in list {
                let name = r.path.file_name().unwrap_or_default().to_string_lossy();
                let (incident, redacted, start) = r
                    .header
                    .map(|h| {
                        (
                            h.incident,
                            if h.redacted { "oscurata" } else { "in chiaro" },
                            h.start_ms,
                        )
                    })
                    .unwrap_or_else(|| (String::new(), "illeggibile", 0));
                println!(
                    "{}\t{}\t{}\t{}\t{} byte",
                    sanitize(&name),
                    sanitize(&incident),
                    stamp(start),
                    redacted,
                    r.bytes
                );
            }
            Ok(0)
        }
    }
}

fn stamp(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .map(crate::domain::date::file_stamp)
        .unwrap_or_default()
}

/// Audits the opening when the log is one of the server's recordings.
fn audit_opening(config: &Config, actor: &Actor, file: &Path) -> AppResult<()> {
    let inside = match (file.canonicalize(), config.recording_dir.canonicalize()) {
        (Ok(f), Ok(d)) => f.starts_with(d),
        _ => false,
    };
    if inside {
        let mut db = open_current(&config.database)?;
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let dir = file.parent().unwrap_or(Path::new("."));
        db.service().open_recording(actor, dir, &name)?;
    }
    Ok(())
}

pub(super) fn replay_cmd(
    config: &Config,
    actor: &Actor,
    copy: Option<&Path>,
    args: ReplayArgs,
) -> AppResult<i32> {
    audit_opening(config, actor, &args.file)?;
    if args.step {
        let mut viewer = Viewer::open(&args.file).map_err(AppError::Invalid)?;
        if let Some(n) = args.to {
            viewer.seek(n as usize);
        }
        let (site, user) = crate::ui::keymap::Keymap::default_paths();
        let keymap = crate::ui::keymap::Keymap::load_files(&site, user.as_deref())
            .map_err(|e| AppError::Env(e.to_string()))?;
        crate::ui::runtime::install_crash_hook(config.log_dir.join("crash"));
        crate::record::viewer::run_terminal(viewer, args.speed, keymap)
            .map_err(|e| AppError::Env(format!("terminale non utilizzabile: {e}")))?;
        return Ok(0);
    }
    if let Some(out) = &args.cast {
        let mut f = std::fs::File::create(out)
            .map_err(|e| AppError::Env(format!("impossibile scrivere {}: {e}", out.display())))?;
        let report = crate::record::cast::export(&args.file, &mut f).map_err(AppError::Invalid)?;
        eprintln!("{}", report.summary());
        return Ok(if matches!(report.stop, Stop::Divergence { .. }) {
            1
        } else {
            0
        });
    }
    let input = std::fs::File::open(&args.file)
        .map(BufReader::new)
        .map_err(|e| AppError::Env(format!("impossibile aprire {}: {e}", args.file.display())))?;
    let frames = args.frames;
    let on_frame = |e: &crate::record::Entry, buf: &ratatui::buffer::Buffer| {
        if frames {
            println!("--- messaggio {} ---", e.seq);
            print!("{}", crate::ui::harness::buffer_text(buf));
        }
    };
    let report = if args.reexecute {
        let Some(copy) = copy else {
            return Err(AppError::Invalid(
                "--reexecute richiede la copia del database con --db COPIA.db".into(),
            ));
        };
        let mut db = open_current(copy)?;
        let mut svc = db.service();
        replay(input, Mode::Reexecute(&mut svc), args.to, on_frame)
    } else {
        replay(input, Mode::Exact, args.to, on_frame)
    }
    .map_err(AppError::Invalid)?;
    for w in &report.warnings {
        eprintln!("attenzione: {w}");
    }
    if !frames {
        print!("{}", report.screen);
    }
    eprintln!("{}", report.summary());
    Ok(match report.stop {
        Stop::Divergence { .. } | Stop::Truncated { .. } => 1,
        _ => 0,
    })
}

pub(super) fn crash(config: &Config, command: CrashCommand) -> AppResult<i32> {
    let dir = config.log_dir.join("crash");
    match command {
        CrashCommand::List => {
            for (id, path) in crate::crash::reports(&dir) {
                let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                println!("{}\t{bytes} byte", sanitize(&id));
            }
            Ok(0)
        }
        CrashCommand::Show { id } => {
            let Some((_, path)) = crate::crash::reports(&dir)
                .into_iter()
                .find(|(i, _)| *i == id)
            else {
                return Err(AppError::Invalid(format!(
                    "segnalazione «{}» non trovata",
                    sanitize(&id)
                )));
            };
            let text = std::fs::read_to_string(&path).map_err(|e| {
                AppError::Env(format!("impossibile leggere {}: {e}", path.display()))
            })?;
            print!("{}", crate::sanitize::sanitize_multiline(&text));
            Ok(0)
        }
    }
}
