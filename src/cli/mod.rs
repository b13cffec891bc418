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
mod anonymize;
mod casi;
mod codes;
mod demo;
mod documents;
mod ente;
mod erogazioni;
mod organizzazioni;
mod progress;
mod recordings;
mod report;
mod retention;
mod scheda;
mod sessioni;
mod setup;
mod support;
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
    /// File del database, o indirizzo postgres://utente@server/database (altrimenti SPORTELLO_DB, il file di configurazione o la cartella dati)
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Registra la sessione per l'assistenza (nel file indicato o nella cartella delle registrazioni)
    #[arg(long, value_name = "FILE", num_args = 0..=1, requires = "segnalazione")]
    record: Option<Option<PathBuf>>,
    /// Numero della segnalazione a cui è legata la registrazione
    #[arg(long, value_name = "N")]
    segnalazione: Option<String>,
    /// Registra i testi digitati e i dati mostrati come caratteri oscurati della stessa larghezza
    #[arg(long, requires = "record")]
    redact: bool,
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
    /// Applica gli aggiornamenti di schema mancanti (rifiuta se ci sono sessioni aperte)
    Migrate {
        /// Solo verifica: esce con 1 se ci sono aggiornamenti da applicare
        #[arg(long)]
        check: bool,
        /// Procede anche con sessioni aperte, dopo un avviso (broadcast) dell'ultima ora
        #[arg(long)]
        force: bool,
    },
    /// Sessioni aperte: operatore, ente, da quando, client SSH, schermata
    Sessions {
        /// Chiede la chiusura della sessione ID (le bozze vengono salvate prima)
        #[arg(long, value_name = "ID")]
        end: Option<i64>,
    },
    /// Avviso mostrato nella barra di stato di ogni sessione (es. "aggiornamento alle 13:00")
    Broadcast {
        /// Il testo dell'avviso
        #[arg(required_unless_present = "clear")]
        text: Option<String>,
        /// Per quanti minuti resta visibile
        #[arg(long, default_value_t = 60)]
        minutes: i64,
        /// Ritira l'avviso in corso
        #[arg(long, conflicts_with = "text")]
        clear: bool,
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
    Backup(setup::BackupArgs),
    /// Sostituisce il database con una copia, dopo averla verificata; il database sostituito resta
    /// accanto (FILE.sostituito-AAAAMMGG-HHMMSS.db)
    Restore {
        /// Copia da ripristinare (fatta con «sportello backup»)
        file: PathBuf,
    },
    /// Elimina i dati oltre il periodo di conservazione della configurazione ([retention])
    Purge {
        /// Solo conta cosa verrebbe eliminato
        #[arg(long)]
        dry_run: bool,
    },
    /// Registra le anomalie di accesso: chi ha letto in un'ora più persone, schede o casi della soglia
    Anomalies {
        /// Letture distinte in un'ora oltre le quali è un'anomalia (altrimenti anomaly_reads_per_hour)
        #[arg(long, value_name = "N")]
        soglia: Option<u32>,
    },
    /// Blocchi legali: persone e casi esclusi dalla conservazione limitata
    LegalHold {
        #[command(subcommand)]
        command: retention::HoldCommand,
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
    /// Enti: comuni, ambiti (con i loro comuni e il capofila), enti esterni; loro impostazioni
    Ente {
        #[command(subcommand)]
        command: ente::EnteCommand,
    },
    /// Uffici degli enti: punto di contatto, stampante, cartella
    Ufficio {
        #[command(subcommand)]
        command: ente::UfficioCommand,
    },
    /// Organizzazioni del territorio e loro settori («inviato da», ente/servizio, erogatori)
    Org {
        #[command(subcommand)]
        command: organizzazioni::OrgCommand,
    },
    /// Avvisi e-mail delle schede inviate ad altro ufficio ancora da spedire (per cron)
    Avvisi {
        /// Riprova anche gli avvisi non spediti per un errore
        #[arg(long)]
        riprova: bool,
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
    /// Rapporti: attività dello sportello di un ufficio in un mese (xlsx o pdf)
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Casi della cartella sociale: documenti individuali
    Caso {
        #[command(subcommand)]
        command: casi::CasoCommand,
    },
    /// Schede di accesso: documenti allegati
    Scheda {
        #[command(subcommand)]
        command: scheda::SchedaCommand,
    },
    /// Registro di audit: chi ha consultato i dati di una persona
    Audit {
        #[command(subcommand)]
        command: casi::AuditCommand,
    },
    /// Importazioni da altri sistemi
    Import {
        #[command(subcommand)]
        command: anagrafe::ImportCommand,
    },
    /// Registrazioni delle sessioni per l'assistenza
    Recordings {
        #[command(subcommand)]
        command: recordings::RecordingsCommand,
    },
    /// Copia un'installazione SQLite in un database PostgreSQL vuoto (tutte le tabelle, registro di audit verificato)
    MigrateTo {
        /// Indirizzo del database di destinazione: postgres://utente@server/database (senza password)
        #[arg(value_name = "URL")]
        url: String,
        /// File SQLite da copiare
        #[arg(long, value_name = "FILE.db")]
        from: PathBuf,
    },
    /// Copia pseudonimizzata del database per assistenza e formazione
    Anonymize {
        /// File della copia (non deve esistere)
        #[arg(long, value_name = "COPIA.db")]
        out: PathBuf,
    },
    /// Pacchetto per l'assistenza
    Support {
        #[command(subcommand)]
        command: SupportCommand,
    },
    /// Ripete una sessione registrata e ne verifica le schermate
    Replay(recordings::ReplayArgs),
    /// Segnalazioni di errore (crash)
    Crash {
        #[command(subcommand)]
        command: recordings::CrashCommand,
    },
}

#[derive(Subcommand, Debug)]
enum SupportCommand {
    /// Versione, configurazione, verifica, segnalazioni di errore e ultime righe del log, senza dati personali
    Bundle {
        /// File .tar.gz da scrivere (non deve esistere)
        #[arg(long, value_name = "FILE.tar.gz")]
        out: PathBuf,
        /// Aggiunge una registrazione
        #[arg(long, value_name = "FILE")]
        registrazione: Option<PathBuf>,
    },
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    crate::setgid::init();
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
        // --help and --version as clap prints them, and the help of a group named without its
        // command (`sportello user`).
        Err(e)
            if !e.use_stderr()
                || e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
        Err(e) => {
            eprintln!("sportello: {}", sanitize(&usage_error(&e)));
            return 2;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sportello: {}", sanitize(&e.to_string()));
            if std::env::var("RUST_BACKTRACE").is_ok_and(|v| !v.is_empty() && v != "0") {
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
    crate::logging::init(&config.log_dir);
    crate::setgid::set_data_dir(&crate::store::location::DbLocation::files_dir_of(
        &config.database,
    ));
    let system = Actor::system(auth::os_user(), auth::ssh_client());
    // The full-rights system account exists only for root and the admin group; anybody else acts
    // as the operator mapped to their OS account (commands without a database need no actor).
    let admin = crate::setgid::is_admin(config.admin_group.as_deref());
    let actor = match &cli.command {
        _ if admin => system,
        None | Some(Command::Cf { .. }) | Some(Command::Demo { .. }) => system,
        Some(Command::Init { .. }) => {
            return Err(AppError::Env(
                "init è riservato a root o al gruppo degli amministratori".into(),
            ));
        }
        Some(_) => os_operator(&config.database, &system)?,
    };
    crate::logging::set_operator(actor.operatore_id);
    // Ids and actions only: never names, codici fiscali or notes.
    tracing::info!(command = ?cli.command.as_ref().map(command_name), "avvio");
    match cli.command {
        // Needs no database: keep it first.
        Some(Command::Cf { command }) => Ok(anagrafe::cf_cmd(command)),
        None => {
            let record = cli.record.map(|file| crate::record::Request {
                incident: cli.segnalazione.unwrap_or_default(),
                file,
                dir: config.recording_dir.clone(),
                redact: cli.redact || config.recording_redact,
                retention_days: config.recording_days,
            });
            tui::open_recorded(&config, cli.db.is_some(), record.as_ref())
        }
        Some(Command::Recordings { command }) => recordings::recordings(&config, &actor, command),
        Some(Command::Replay(args)) => {
            recordings::replay_cmd(&config, &actor, cli.db.as_deref(), args)
        }
        Some(Command::Crash { command }) => recordings::crash(&config, command),
        Some(Command::Anonymize { out }) => anonymize::anonymize(&config.database, &actor, &out),
        Some(Command::MigrateTo { url, from }) => setup::migrate_to(&from, &actor, &url),
        Some(Command::Support {
            command: SupportCommand::Bundle { out, registrazione },
        }) => support::bundle(&config, &actor, &out, registrazione.as_deref()),
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
        Some(Command::Migrate { check, force }) => {
            setup::migrate(&config.database, &actor, check, force)
        }
        Some(Command::Sessions { end }) => sessioni::sessions(&config.database, &actor, end),
        Some(Command::Broadcast {
            text,
            minutes,
            clear,
        }) => sessioni::broadcast(&config.database, &actor, text.as_deref(), minutes, clear),
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
        Some(Command::Backup(args)) => setup::backup(&config.database, &actor, args),
        Some(Command::Purge { dry_run }) => retention::purge(&config, &actor, dry_run),
        Some(Command::Anomalies { soglia }) => retention::anomalies(&config, &actor, soglia),
        Some(Command::LegalHold { command }) => retention::legal_hold(&config, &actor, command),
        Some(Command::Restore { file }) => setup::restore(&config.database, &actor, &file),
        Some(Command::Codes { command }) => codes::codes(&config.database, &actor, command),
        Some(Command::Search { limit, ente, query }) => {
            anagrafe::search(&config.database, &actor, limit, ente.as_deref(), &query)
        }
        Some(Command::Ente { command }) => ente::ente(&config.database, &actor, command),
        Some(Command::Ufficio { command }) => ente::ufficio(&config.database, &actor, command),
        Some(Command::Org { command }) => organizzazioni::org(&config.database, &actor, command),
        Some(Command::Avvisi { riprova }) => organizzazioni::avvisi(&config, &actor, riprova),
        Some(Command::Print { command }) => documents::print(&config, &actor, command),
        Some(Command::Export { command }) => documents::export(&config.database, &actor, command),
        Some(Command::Audit { command }) => casi::audit(&config.database, &actor, command),
        Some(Command::Report { command }) => report::report(&config.database, &actor, command),
        Some(Command::Caso { command }) => casi::caso(&config, &actor, command),
        Some(Command::Scheda { command }) => scheda::scheda(&config, &actor, command),
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
        Command::Sessions { .. } => "sessions",
        Command::Broadcast { .. } => "broadcast",
        Command::User { .. } => "user",
        Command::Demo { .. } => "demo",
        Command::Check => "check",
        Command::Backup(_) => "backup",
        Command::Restore { .. } => "restore",
        Command::Purge { .. } => "purge",
        Command::LegalHold { .. } => "legal-hold",
        Command::Anomalies { .. } => "anomalies",
        Command::Codes { .. } => "codes",
        Command::Search { .. } => "search",
        Command::Import { .. } => "import",
        Command::Print { .. } => "print",
        Command::Ente { .. } => "ente",
        Command::Ufficio { .. } => "ufficio",
        Command::Org { .. } => "org",
        Command::Avvisi { .. } => "avvisi",
        Command::Export { .. } => "export",
        Command::Audit { .. } => "audit",
        Command::Report { .. } => "report",
        Command::Caso { .. } => "caso",
        Command::Scheda { .. } => "scheda",
        Command::Cf { .. } => "cf",
        Command::Recordings { .. } => "recordings",
        Command::Replay(_) => "replay",
        Command::Crash { .. } => "crash",
        Command::Anonymize { .. } => "anonymize",
        Command::MigrateTo { .. } => "migrate-to",
        Command::Support { .. } => "support",
    }
}

/// A usage error as one Italian line: what is wrong, and where the usage is explained.
fn usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ErrorKind};
    let ctx = |k| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let what = match e.kind() {
        ErrorKind::UnknownArgument => {
            format!("opzione sconosciuta «{}»", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidSubcommand => {
            format!(
                "comando sconosciuto «{}»",
                ctx(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::MissingRequiredArgument => {
            format!(
                "manca un argomento obbligatorio: {}",
                ctx(ContextKind::InvalidArg)
            )
        }
        ErrorKind::MissingSubcommand => format!(
            "manca il comando di «{}»",
            ctx(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::InvalidValue if ctx(ContextKind::InvalidValue).is_empty() => {
            format!("manca il valore di {}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let why = match std::error::Error::source(e) {
                Some(s) if s.is::<std::num::ParseIntError>() => ": serve un numero intero".into(),
                Some(s) => format!(": {s}"),
                None => String::new(),
            };
            format!(
                "valore non valido «{}» per {}{why}",
                ctx(ContextKind::InvalidValue),
                ctx(ContextKind::InvalidArg)
            )
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("troppi valori per {}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::TooFewValues | ErrorKind::NoEquals => {
            format!("valori mancanti per {}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::ArgumentConflict
            if ctx(ContextKind::InvalidArg) == ctx(ContextKind::PriorArg) =>
        {
            format!("{} indicato più volte", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::ArgumentConflict => format!(
            "{} non si può usare insieme a {}",
            ctx(ContextKind::InvalidArg),
            ctx(ContextKind::PriorArg)
        ),
        ErrorKind::InvalidUtf8 => "argomento non valido in UTF-8".to_string(),
        _ => "uso non valido".to_string(),
    };
    // The (sub)commands named on the command line, where the usage is explained.
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut command = vec!["sportello".to_string()];
    for a in std::env::args().skip(1) {
        if let Some(sub) = cmd.find_subcommand(&a).cloned() {
            command.push(sub.get_name().to_string());
            cmd = sub;
        }
    }
    let command = command.join(" ");
    format!("{what} (vedere «{command} --help»)")
}

/// Opens a database whose schema matches this binary exactly (every command but init/migrate/check).
pub fn open_current(path: &Path) -> AppResult<Database> {
    Database::open_current(path).map_err(env_error)
}

/// The operator mapped to the OS account of this process (`user add --os-user`), for a user who
/// is neither root nor in the admin group: their roles and enti apply.
fn os_operator(path: &Path, system: &Actor) -> AppResult<Actor> {
    let os = system.os_user.clone().unwrap_or_default();
    let mut db = Database::open(path).map_err(env_error)?;
    db.service()
        .os_operatore_actor(&os, system.ssh_client.clone())?
        .ok_or_else(|| {
            AppError::Env(format!(
                "l'utente di sistema «{}» non corrisponde a nessun operatore attivo: rivolgersi all'amministratore",
                sanitize(&os)
            ))
        })
}

/// The actor of a command that reads records. An operator (mapped from the OS account) acts as
/// themselves. Root or the admin group act as the operator named with `--operatore`, recorded as
/// "<os user> per conto di <operatore>" (in their first ente, or in ENTE with `UTENTE@ENTE`: a
/// Belfiore code, id or name), or else with the responsabile's rights over every ente, recorded as
/// `sistema(<os user>)`. `--operatore` is refused to anybody else.
pub(crate) fn acting(
    db: &mut Database,
    caller: &Actor,
    operatore: Option<&str>,
) -> AppResult<Actor> {
    if caller.operatore_id.is_some() {
        return match operatore {
            Some(_) => Err(AppError::Invalid(
                "--operatore è consentito solo a root o al gruppo degli amministratori".into(),
            )),
            None => Ok(caller.clone()),
        };
    }
    let mut svc = db.service();
    match operatore {
        Some(spec) => {
            let (u, ente) = match spec.split_once('@') {
                Some((u, e)) => (u, Some(e)),
                None => (spec, None),
            };
            let on_behalf = format!(
                "{} per conto di {}",
                caller.os_user.as_deref().unwrap_or("?"),
                u.chars().take(64).collect::<String>()
            );
            let actor = svc
                .operatore_actor(u, Some(on_behalf), caller.ssh_client.clone())?
                .ok_or_else(|| {
                    AppError::Invalid(format!(
                        "operatore «{}» inesistente o disabilitato",
                        sanitize(u)
                    ))
                })?;
            match ente {
                None => Ok(actor),
                Some(e) => {
                    let e = ente::find_ente(&mut svc, &actor, e)?;
                    Ok(svc.cambia_ente(&actor, e.id)?.actor)
                }
            }
        }
        None => {
            let mut a = caller.clone();
            a.roles = crate::domain::RoleSet::from_roles(&[
                crate::domain::Role::Admin,
                crate::domain::Role::Responsabile,
            ]);
            a.enti = svc.enti(caller)?.into_iter().map(|e| e.id).collect();
            Ok(a)
        }
    }
}

/// Refuses an output file that exists unless `--force` (checked with the operator's own identity,
/// outside the data directory); says whether it exists.
pub(crate) fn may_write(out: &Path, force: bool) -> AppResult<bool> {
    let exists = crate::files::as_operator(out, || Ok(out.symlink_metadata().is_ok()))
        .map_err(|e| AppError::Env(e.to_string()))?;
    if exists && !force {
        return Err(AppError::Env(format!(
            "«{}» esiste già: usare --force per sostituirlo",
            sanitize(&out.display().to_string())
        )));
    }
    Ok(exists)
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
