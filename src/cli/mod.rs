//! The command line: argument parsing (clap), dispatch, and the helpers the commands share (opening
//! the database, reading a password, enti by code). One file per command group: [`setup`] (init,
//! migrate, check, backup), [`users`], [`ente`], [`anagrafe`] (search, import, codice fiscale),
//! [`codes`], [`documents`] (print, export), [`demo`] and [`tui`] (the terminal app).
//!
//! Exit codes: 0 ok, 1 problems found or invalid input, 2 usage or environment errors. Errors are one
//! Italian line on stderr; a backtrace only with `RUST_BACKTRACE` set.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::auth;
use crate::config::{Config, Flags};
use crate::domain::Actor;
use crate::error::{AppError, AppResult};
use crate::sanitize::sanitize;
use crate::service::{Database, Error as StoreError};

mod anagrafe;
mod codes;
mod demo;
mod documents;
mod ente;
mod setup;
mod tui;
mod users;

pub use tui::prepare_tui;

#[derive(Parser, Debug)]
#[command(
    name = "sportello",
    version,
    about = "Sportello sociale: front office dei servizi sociali da terminale"
)]
struct Cli {
    /// File del database (altrimenti SPORTELLO_DB, il file di configurazione o la cartella dati)
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Crea un nuovo database con il primo ente e l'amministratore
    Init {
        /// Nome dell'ente, es. "Comune di Perugia"
        #[arg(long)]
        ente: String,
        /// Codice catastale (Belfiore) dell'ente, es. G478
        #[arg(long)]
        belfiore: String,
        /// Nome utente dell'amministratore
        #[arg(long)]
        admin: String,
        /// Legge la password dell'amministratore dalla prima riga dello standard input
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long, default_value = "Amministratore")]
        nome: String,
        #[arg(long, default_value = "di sistema")]
        cognome: String,
    },
    /// Applica gli aggiornamenti di schema mancanti
    Migrate {
        /// Solo verifica: esce con 1 se ci sono aggiornamenti da applicare
        #[arg(long)]
        check: bool,
    },
    /// Gestione degli operatori
    User {
        #[command(subcommand)]
        command: users::UserCommand,
    },
    /// Crea (una volta) un database dimostrativo e lo apre
    Demo {
        /// Numero di persone sintetiche in anagrafe
        #[arg(long, default_value_t = 5000)]
        persons: usize,
        /// Non aprire l'interfaccia, solo creare il database
        #[arg(long)]
        no_tui: bool,
        /// Data di creazione (AAAA-MM-GG) a cui termina la cronologia dimostrativa; oggi se assente
        #[arg(long, value_parser = parse_iso_date)]
        today: Option<time::Date>,
    },
    /// Verifica integrità, chiavi esterne, versione dello schema e registro di audit
    Check,
    /// Copia di sicurezza a caldo del database, verificata
    Backup {
        /// File di destinazione (non deve esistere)
        dest: PathBuf,
    },
    /// Codice fiscale: verifica e decodifica (senza database)
    Cf {
        #[command(subcommand)]
        command: anagrafe::CfCommand,
    },
    /// Liste di codici: elenco, importazione ed esportazione CSV
    Codes {
        #[command(subcommand)]
        command: codes::CodesCommand,
    },
    /// Cerca persone in anagrafe: codice fiscale (anche solo l'inizio), cognome e nome in qualsiasi
    /// ordine, data (gg/mm/aaaa) o anno di nascita. Una riga per persona, separata da tabulazioni:
    /// codice fiscale, cognome, nome, data di nascita, comune di residenza
    Search {
        /// Numero massimo di risultati (al più 500)
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Codice catastale dell'ente dell'operatore: a parità, prima i suoi residenti
        #[arg(long, value_name = "CODICE")]
        ente: Option<String>,
        #[arg(required = true, value_name = "QUERY")]
        query: Vec<String>,
    },
    /// Impostazioni di un ente
    Ente {
        #[command(subcommand)]
        command: ente::EnteCommand,
    },
    /// Stampe in PDF: scheda di accesso, modulo privacy, scheda vuota
    Print {
        #[command(subcommand)]
        command: documents::PrintCommand,
    },
    /// Esportazioni in CSV, Excel o PDF
    Export {
        #[command(subcommand)]
        command: documents::ExportCommand,
    },
    /// Importazioni da altri sistemi
    Import {
        #[command(subcommand)]
        command: anagrafe::ImportCommand,
    },
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    // `sportello search … | head` ends quietly like any Unix tool instead of panicking on EPIPE.
    // SAFETY: resetting a signal disposition to its default at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let _ = color_eyre::config::HookBuilder::default()
        .display_env_section(false)
        .install();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sportello: {}", sanitize(&e.to_string()));
            if std::env::var_os("RUST_BACKTRACE").is_some() {
                eprintln!("{:?}", std::backtrace::Backtrace::force_capture());
            }
            e.exit_code()
        }
    }
}

fn run(cli: Cli) -> AppResult<i32> {
    let config = Config::load(&Flags {
        database: cli.db.clone(),
    })?;
    let _log = crate::logging::init(&config.log_dir);
    let actor = Actor::system(auth::os_user(), auth::ssh_client());
    // Ids and actions only: never names, codici fiscali or notes.
    tracing::info!(command = ?cli.command.as_ref().map(command_name), "avvio");
    match cli.command {
        // Needs no database: keep it first.
        Some(Command::Cf { command }) => Ok(anagrafe::cf_cmd(command)),
        None => tui::open_tui(&config, cli.db.is_some()),
        Some(Command::Init {
            ente,
            belfiore,
            admin,
            password_stdin: _,
            nome,
            cognome,
        }) => setup::init(
            &config.database,
            &actor,
            &ente,
            &belfiore,
            &admin,
            &nome,
            &cognome,
        ),
        Some(Command::Migrate { check }) => setup::migrate(&config.database, &actor, check),
        Some(Command::User { command }) => users::user(&config.database, &actor, command),
        Some(Command::Demo {
            persons,
            no_tui,
            today,
        }) => {
            let today = today.unwrap_or_else(crate::domain::date::today);
            demo::demo_cmd(&config, cli.db.is_some(), &actor, persons, today, no_tui)
        }
        Some(Command::Check) => setup::check(&config.database, &actor),
        Some(Command::Backup { dest }) => setup::backup(&config.database, &actor, &dest),
        Some(Command::Codes { command }) => codes::codes(&config.database, &actor, command),
        Some(Command::Search { limit, ente, query }) => {
            anagrafe::search(&config.database, &actor, limit, ente.as_deref(), &query)
        }
        Some(Command::Ente {
            command: ente::EnteCommand::Por { belfiore, stato },
        }) => ente::por(&config.database, &actor, &belfiore, &stato),
        Some(Command::Print { command }) => documents::print(&config.database, &actor, command),
        Some(Command::Export { command }) => documents::export(&config.database, &actor, command),
        Some(Command::Import {
            command:
                anagrafe::ImportCommand::Anagrafe {
                    file,
                    ente,
                    dry_run,
                    report,
                    batch_rows,
                },
        }) => anagrafe::import_anagrafe(
            &config.database,
            &actor,
            &file,
            ente.as_deref(),
            dry_run,
            report.as_deref(),
            batch_rows,
        ),
    }
}

fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Init { .. } => "init",
        Command::Migrate { .. } => "migrate",
        Command::User { .. } => "user",
        Command::Demo { .. } => "demo",
        Command::Check => "check",
        Command::Backup { .. } => "backup",
        Command::Codes { .. } => "codes",
        Command::Search { .. } => "search",
        Command::Import { .. } => "import",
        Command::Print { .. } => "print",
        Command::Ente { .. } => "ente",
        Command::Export { .. } => "export",
        Command::Cf { .. } => "cf",
    }
}

/// Opens a database whose schema matches this binary exactly (every command but init/migrate/check).
pub fn open_current(path: &Path) -> AppResult<Database> {
    Database::open_current(path).map_err(env_error)
}

/// The actor of a command that reads records: the named operator (their permissions and enti), or
/// the OS account that can open the database, which already holds every record: it acts with the
/// responsabile's rights over every ente and is recorded as `sistema(<os user>)` in the audit log.
fn acting(db: &mut Database, system: &Actor, operatore: Option<&str>) -> AppResult<Actor> {
    let mut svc = db.service();
    match operatore {
        Some(u) => svc
            .operatore_actor(u, system.os_user.clone(), system.ssh_client.clone())?
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "operatore «{}» inesistente o disabilitato",
                    sanitize(u)
                ))
            }),
        None => {
            let mut a = system.clone();
            a.roles = crate::domain::RoleSet::from_roles(&[
                crate::domain::Role::Admin,
                crate::domain::Role::Responsabile,
            ]);
            a.enti = svc.enti(system)?.into_iter().map(|e| e.id).collect();
            Ok(a)
        }
    }
}

/// Errors opening a database are environment errors (exit 2) whatever their kind.
pub(crate) fn env_error(e: StoreError) -> AppError {
    AppError::Env(e.to_string())
}

fn read_password_stdin() -> AppResult<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        AppError::Env(format!(
            "impossibile leggere la password dallo standard input: {e}"
        ))
    })?;
    let pw = line.strip_suffix('\n').unwrap_or(&line);
    let pw = pw.strip_suffix('\r').unwrap_or(pw).to_string();
    if pw.is_empty() {
        return Err(AppError::Invalid(
            "password vuota sullo standard input".into(),
        ));
    }
    Ok(pw)
}

fn enti_by_codes(db: &mut Database, actor: &Actor, codes: &str) -> AppResult<Vec<i64>> {
    let mut svc = db.service();
    let mut ids = Vec::new();
    for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        match svc.ente_by_code(actor, code)? {
            Some(e) => ids.push(e.id),
            None => {
                return Err(AppError::Invalid(format!(
                    "ente con codice «{}» non trovato",
                    sanitize(code)
                )));
            }
        }
    }
    if ids.is_empty() {
        return Err(AppError::Invalid(
            "indicare l'ente con --ente CODICE".into(),
        ));
    }
    Ok(ids)
}

/// A date flag `AAAA-MM-GG`.
fn parse_iso_date(s: &str) -> Result<time::Date, String> {
    crate::domain::date::parse_iso(s)
        .ok_or_else(|| "data non valida (usare AAAA-MM-GG)".to_string())
}
