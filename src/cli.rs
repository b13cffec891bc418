//! The command line: argument parsing (clap) and one function per command.
//!
//! Exit codes: 0 ok, 1 problems found or invalid input, 2 usage or environment errors. Errors are one
//! Italian line on stderr; a backtrace only with `RUST_BACKTRACE` set.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::auth;
use crate::config::{Config, Flags};
use crate::demo;
use crate::domain::{Actor, NewEnte, NewOperatore, Role, RoleSet, cf};
use crate::error::{AppError, AppResult};
use crate::sanitize::sanitize;
use crate::service;
use crate::store::sqlite::SqliteStore;
use crate::store::{Store, StoreError};

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
        command: UserCommand,
    },
    /// Crea (una volta) un database dimostrativo e lo apre
    Demo {
        /// Numero di persone sintetiche in anagrafe
        #[arg(long, default_value_t = 5000)]
        persons: usize,
        /// Non aprire l'interfaccia, solo creare il database
        #[arg(long)]
        no_tui: bool,
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
        command: CfCommand,
    },
    /// Liste di codici: elenco, importazione ed esportazione CSV
    Codes {
        #[command(subcommand)]
        command: CodesCommand,
    },
    /// Simula un errore interno con il gestore dei crash installato (test)
    #[command(hide = true)]
    CrashTest,
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
        command: EnteCommand,
    },
    /// Stampe in PDF: scheda di accesso, modulo privacy, scheda vuota
    Print {
        #[command(subcommand)]
        command: crate::cli_documenti::PrintCommand,
    },
    /// Esportazioni in CSV, Excel o PDF
    Export {
        #[command(subcommand)]
        command: crate::cli_documenti::ExportCommand,
    },
    /// Importazioni da altri sistemi
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Scritture di prova in parallelo (test di concorrenza)
    #[command(hide = true)]
    StressWrite {
        #[arg(long)]
        count: usize,
        #[arg(long)]
        tag: String,
    },
}

#[derive(Subcommand, Debug)]
enum EnteCommand {
    /// Mostra o nasconde i dati POR / FSE nella scheda di accesso dell'ente
    Por {
        /// Codice catastale dell'ente, es. G478
        belfiore: String,
        #[arg(value_parser = ["si", "no"])]
        stato: String,
    },
}

#[derive(Subcommand, Debug)]
enum CodesCommand {
    /// Elenca le liste di codici con il numero di voci
    List,
    /// Importa (aggiunge o aggiorna) le voci di una lista da un CSV `codice;etichetta[;gruppo;attivo;ordine]`
    Import { lista: String, file: PathBuf },
    /// Esporta una lista in CSV sullo standard output
    Export { lista: String },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Aggiunge un operatore
    Add {
        username: String,
        #[arg(long)]
        nome: String,
        #[arg(long)]
        cognome: String,
        /// Ruoli separati da virgola: sportello, assistente_sociale, amministrativo, responsabile, helpdesk, admin
        #[arg(long)]
        role: String,
        /// Codice catastale dell'ente (anche più d'uno separati da virgola)
        #[arg(long)]
        ente: String,
        /// Account di sistema associato (per auth = "system")
        #[arg(long)]
        os_user: Option<String>,
        /// Legge la password dalla prima riga dello standard input
        #[arg(long)]
        password_stdin: bool,
    },
    /// Cambia la password di un operatore (letta dallo standard input)
    Passwd {
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disabilita un operatore
    Disable { username: String },
    /// Elenca gli operatori
    List,
}

#[derive(Subcommand, Debug)]
enum ImportCommand {
    /// Importa o aggiorna le persone da un'esportazione CSV dell'anagrafe comunale
    Anagrafe {
        /// File CSV con intestazione (separatore «;» o «,», UTF-8 o Windows-1252)
        file: PathBuf,
        /// Codice catastale dell'ente a cui appartiene l'anagrafe, es. G478
        #[arg(long, value_name = "CODICE")]
        ente: Option<String>,
        /// Calcola il riepilogo senza scrivere nulla nel database
        #[arg(long)]
        dry_run: bool,
        /// Scrive le righe scartate e gli avvisi in questo file CSV (riga;codice_fiscale;motivo)
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Righe per transazione (prove di prestazione)
        #[arg(long, hide = true, default_value_t = crate::anagrafe::BATCH_ROWS)]
        batch_rows: usize,
    },
}

#[derive(Subcommand, Debug)]
enum CfCommand {
    /// Verifica i codici: una riga per codice, «valido» o il motivo
    Check {
        #[arg(required = true, value_name = "CODICE")]
        codes: Vec<String>,
    },
    /// Decodifica i codici: sesso, data e luogo di nascita
    Decode {
        #[arg(required = true, value_name = "CODICE")]
        codes: Vec<String>,
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
        Some(Command::Cf { command }) => Ok(cf_cmd(command)),
        None => open_tui(&config, cli.db.is_some()),
        Some(Command::Init {
            ente,
            belfiore,
            admin,
            password_stdin: _,
            nome,
            cognome,
        }) => init(
            &config.database,
            &actor,
            &ente,
            &belfiore,
            &admin,
            &nome,
            &cognome,
        ),
        Some(Command::Migrate { check }) => migrate(&config.database, check),
        Some(Command::User { command }) => user(&config.database, &actor, command),
        Some(Command::Demo { persons, no_tui }) => {
            demo_cmd(&config, cli.db.is_some(), &actor, persons, no_tui)
        }
        Some(Command::Check) => check(&config.database),
        Some(Command::Backup { dest }) => {
            let store = open_current(&config.database)?;
            let t = Instant::now();
            store.backup_to(&dest)?;
            println!(
                "copia verificata scritta in {} ({} ms)",
                dest.display(),
                t.elapsed().as_millis()
            );
            Ok(0)
        }
        Some(Command::Codes { command }) => codes(&config.database, &actor, command),
        Some(Command::CrashTest) => {
            crate::ui::runtime::install_crash_hook(config.log_dir.join("crash"));
            crate::crash::set_screen("prova");
            for k in ["m", "r", "<Tab>", "<C-s>"] {
                crate::crash::record_event(crate::crash::redact_key(k));
            }
            panic!("errore simulato per la prova del gestore dei crash");
        }
        Some(Command::Search { limit, ente, query }) => {
            search(&config.database, limit, ente.as_deref(), &query)
        }
        Some(Command::Ente {
            command: EnteCommand::Por { belfiore, stato },
        }) => {
            let mut store = open_current(&config.database)?;
            crate::service::set_por(&mut store, &actor, &belfiore, stato == "si")?;
            println!(
                "dati POR {} per l'ente {}",
                if stato == "si" {
                    "abilitati"
                } else {
                    "disabilitati"
                },
                sanitize(&belfiore)
            );
            Ok(0)
        }
        Some(Command::Print { command }) => {
            crate::cli_documenti::print(&config.database, &actor, command)
        }
        Some(Command::Export { command }) => {
            crate::cli_documenti::export(&config.database, &actor, command)
        }
        Some(Command::Import {
            command:
                ImportCommand::Anagrafe {
                    file,
                    ente,
                    dry_run,
                    report,
                    batch_rows,
                },
        }) => import_anagrafe(
            &config.database,
            &actor,
            &file,
            ente.as_deref(),
            dry_run,
            report.as_deref(),
            batch_rows,
        ),
        Some(Command::StressWrite { count, tag }) => {
            stress_write(&config.database, &actor, count, &tag)
        }
    }
}

/// `cf check` / `cf decode`: one line per code; exit 1 if any is invalid.
fn cf_cmd(command: CfCommand) -> i32 {
    let now = time::OffsetDateTime::now_utc();
    let today = (now.year(), u8::from(now.month()), now.day());
    let (codes, decode) = match command {
        CfCommand::Check { codes } => (codes, false),
        CfCommand::Decode { codes } => (codes, true),
    };
    let mut out = std::io::stdout().lock();
    let mut all_valid = true;
    for code in &codes {
        let (text, valid) = if decode {
            cf::cli_line(code, today)
        } else {
            cf::check_line(code, today)
        };
        all_valid &= valid;
        let _ = writeln!(out, "{text}");
    }
    if all_valid { 0 } else { 1 }
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
        Command::CrashTest => "crash-test",
        Command::Search { .. } => "search",
        Command::Import { .. } => "import",
        Command::Print { .. } => "print",
        Command::Ente { .. } => "ente",
        Command::Export { .. } => "export",
        Command::StressWrite { .. } => "stress-write",
        Command::Cf { .. } => "cf",
    }
}

/// Opens a database whose schema matches this binary exactly (every command but init/migrate/check).
pub fn open_current(path: &Path) -> AppResult<SqliteStore> {
    let store = SqliteStore::open(path).map_err(env_error)?;
    store.ensure_current().map_err(env_error)?;
    Ok(store)
}

/// Errors opening a database are environment errors (exit 2) whatever their kind.
fn env_error(e: StoreError) -> AppError {
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

fn init(
    path: &Path,
    actor: &Actor,
    ente: &str,
    belfiore: &str,
    admin: &str,
    nome: &str,
    cognome: &str,
) -> AppResult<i32> {
    if path.exists() {
        return Err(AppError::Env(format!(
            "{} esiste già: init non sovrascrive un database",
            path.display()
        )));
    }
    let belfiore = belfiore.trim().to_uppercase();
    if !service::is_belfiore_syntax(&belfiore) {
        return Err(AppError::Invalid(format!(
            "codice catastale «{}» non valido: una lettera e tre cifre, es. G478",
            sanitize(&belfiore)
        )));
    }
    let roles = RoleSet::from_roles(&[Role::Admin]);
    let password = read_password_stdin()?;
    auth::check_policy(&password, roles).map_err(AppError::Invalid)?;
    let mut store = SqliteStore::create(path).map_err(env_error)?;
    let result = (|| -> AppResult<()> {
        let ente_id = service::create_ente(
            &mut store,
            actor,
            &NewEnte {
                nome: ente.into(),
                belfiore: Some(belfiore.clone()),
                tipo: "comune".into(),
                ..Default::default()
            },
        )?;
        service::add_user(
            &mut store,
            actor,
            &NewOperatore {
                username: admin.into(),
                nome: nome.into(),
                cognome: cognome.into(),
                roles,
                enti: vec![ente_id],
                ..Default::default()
            },
            Some(&password),
        )?;
        Ok(())
    })();
    if let Err(e) = result {
        drop(store);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        return Err(e);
    }
    println!("database creato: {}", path.display());
    println!(
        "ente: {} ({belfiore}); amministratore: {admin}",
        sanitize(ente)
    );
    Ok(0)
}

fn migrate(path: &Path, check_only: bool) -> AppResult<i32> {
    let mut store = SqliteStore::open(path).map_err(env_error)?;
    let status = store.schema_status()?;
    if status.db_version > status.binary_version {
        return Err(env_error(StoreError::SchemaTooNew {
            db: status.db_version,
            binary: status.binary_version,
        }));
    }
    if check_only {
        if status.pending.is_empty() {
            println!("schema aggiornato (versione {})", status.db_version);
            return Ok(0);
        }
        for (v, name) in &status.pending {
            println!("da applicare: {v} {name}");
        }
        return Ok(1);
    }
    let applied = store.migrate().map_err(env_error)?;
    store.checkpoint()?;
    if applied.is_empty() {
        println!(
            "nessun aggiornamento da applicare (versione {})",
            status.db_version
        );
    } else {
        println!(
            "applicati: {}",
            applied
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(0)
}

fn enti_by_codes(store: &dyn Store, codes: &str) -> AppResult<Vec<i64>> {
    let mut ids = Vec::new();
    for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        match store.ente_by_code(code)? {
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

fn user(path: &Path, actor: &Actor, cmd: UserCommand) -> AppResult<i32> {
    let mut store = open_current(path)?;
    match cmd {
        UserCommand::Add {
            username,
            nome,
            cognome,
            role,
            ente,
            os_user,
            password_stdin,
        } => {
            let roles = RoleSet::parse_list(&role).map_err(AppError::Invalid)?;
            let enti = enti_by_codes(&store, &ente)?;
            let password = if password_stdin {
                Some(read_password_stdin()?)
            } else {
                None
            };
            let new = NewOperatore {
                username: username.clone(),
                nome,
                cognome,
                roles,
                enti,
                ufficio_id: None,
                os_user,
                extra: String::new(),
            };
            service::add_user(&mut store, actor, &new, password.as_deref())?;
            println!(
                "operatore {} creato ({})",
                sanitize(&username),
                roles.codes()
            );
            if password.is_none() {
                println!(
                    "nessuna password impostata: usare «sportello user passwd {}»",
                    sanitize(&username)
                );
            }
        }
        UserCommand::Passwd { username, .. } => {
            let password = read_password_stdin()?;
            service::set_password(&mut store, actor, &username, &password)?;
            println!("password di {} aggiornata", sanitize(&username));
        }
        UserCommand::Disable { username } => {
            service::disable_user(&mut store, actor, &username)?;
            println!("operatore {} disabilitato", sanitize(&username));
        }
        UserCommand::List => {
            let enti = store.list_enti()?;
            let code = |id: &i64| {
                enti.iter()
                    .find(|e| e.id == *id)
                    .map(|e| e.belfiore.clone().unwrap_or_else(|| format!("#{}", e.id)))
                    .unwrap_or_default()
            };
            let mut out = std::io::stdout().lock();
            for op in service::list_users(&mut store, actor)? {
                let _ = writeln!(
                    out,
                    "{}\t{} {}\t{}\t{}\t{}",
                    sanitize(&op.username),
                    sanitize(&op.nome),
                    sanitize(&op.cognome),
                    op.roles.codes(),
                    op.enti.iter().map(code).collect::<Vec<_>>().join(","),
                    if op.attivo { "attivo" } else { "disabilitato" }
                );
            }
        }
    }
    Ok(0)
}

fn codes(path: &Path, actor: &Actor, cmd: CodesCommand) -> AppResult<i32> {
    let mut store = open_current(path)?;
    match cmd {
        CodesCommand::List => {
            for (lista, n) in store.code_lists()? {
                println!("{lista}\t{n}");
            }
        }
        CodesCommand::Export { lista } => {
            let codes = store.codes(&lista)?;
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
        CodesCommand::Import { lista, file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| {
                AppError::Env(format!("impossibile leggere {}: {e}", file.display()))
            })?;
            let rows = crate::domain::codici::parse_csv(&text).map_err(|errs| {
                AppError::Invalid(format!("{}: {}", file.display(), errs.join("; ")))
            })?;
            let c = service::import_codes(&mut store, actor, &lista, &rows)?;
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

fn check(path: &Path) -> AppResult<i32> {
    let store = SqliteStore::open(path).map_err(env_error)?;
    let problems = store.check()?;
    if problems.is_empty() {
        println!("ok");
        Ok(0)
    } else {
        for p in &problems {
            println!("{}", sanitize(p));
        }
        Ok(1)
    }
}

/// The demo database: `--db` if given, else `demo.db` in the data directory (never the production one).
fn demo_path(config: &Config, explicit_db: bool) -> PathBuf {
    if explicit_db || std::env::var_os("SPORTELLO_DB").is_some() {
        config.database.clone()
    } else {
        crate::config::data_dir().join("demo.db")
    }
}

fn demo_cmd(
    config: &Config,
    explicit_db: bool,
    actor: &Actor,
    persons: usize,
    no_tui: bool,
) -> AppResult<i32> {
    let path = demo_path(config, explicit_db);
    if path.exists() {
        let mut store = SqliteStore::open(&path).map_err(env_error)?;
        if !store.is_demo()? {
            return Err(AppError::Env(format!(
                "{} è un database reale, non dimostrativo: demo non lo modifica",
                path.display()
            )));
        }
        // A demo database made by an older version is brought up to date (it is disposable).
        let applied = store.migrate().map_err(env_error)?;
        if !applied.is_empty() {
            println!(
                "database dimostrativo aggiornato allo schema {}",
                crate::store::migrations::latest()
            );
        }
        println!("database dimostrativo esistente: {}", path.display());
    } else {
        let t = Instant::now();
        let mut store = SqliteStore::create(&path).map_err(env_error)?;
        let summary = demo::create(&mut store, actor, persons)?;
        store.checkpoint()?;
        println!(
            "database dimostrativo creato: {} ({} persone in {:.1} s)",
            path.display(),
            summary.persons,
            t.elapsed().as_secs_f64()
        );
    }
    println!("account dimostrativi (password «{}»):", demo::DEMO_PASSWORD);
    for (user, role) in demo::accounts() {
        println!("  {user:<20} {}", role.label());
    }
    if no_tui {
        return Ok(0);
    }
    let mut config = config.clone();
    config.database = path;
    open_tui(&config, true)
}

/// Everything the TUI needs before the first frame: the store, keymap, screens and the app.
pub fn prepare_tui(
    config: &Config,
) -> AppResult<(
    crate::ui::app::App,
    Vec<crate::ui::app::Effect>,
    SqliteStore,
)> {
    let store = open_current(&config.database)?;
    let (site_keys, user_keys) = crate::ui::keymap::Keymap::default_paths();
    let keymap = crate::ui::keymap::Keymap::load_files(&site_keys, user_keys.as_deref())
        .map_err(|e| AppError::Env(e.to_string()))?;
    let (forms, defs) =
        crate::ui::load_screens(Some(&crate::forms::Screens::default_override_dir()))
            .map_err(AppError::Env)?;
    let app_config = crate::ui::app::AppConfig {
        auth: config.auth,
        idle_lock_minutes: config.idle_lock_minutes,
        demo: store.is_demo()?,
        theme: crate::ui::theme::Theme::detect(&|k| std::env::var(k).ok()),
        keymap,
        origin: auth::origin(),
        forms,
        defs,
        output_dir: config.output_dir.clone(),
    };
    let (app, initial) = crate::ui::app::App::new(app_config);
    Ok((app, initial, store))
}

fn open_tui(config: &Config, _explicit: bool) -> AppResult<i32> {
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return Err(AppError::Env(
            "terminale «dumb» non supportato: impostare TERM (es. xterm o linux)".into(),
        ));
    }
    let (app, initial, store) = prepare_tui(config)?;
    crate::ui::runtime::run(app, initial, Box::new(store), config)
        .map_err(|e| AppError::Env(format!("terminale non utilizzabile: {e}")))?;
    Ok(0)
}

/// `search`: one tab-separated line per person, best first; exit 0 also when nothing is found.
fn search(path: &Path, limit: usize, ente: Option<&str>, words: &[String]) -> AppResult<i32> {
    use crate::domain::{belfiore, search_query};
    let store = open_current(path)?;
    let now = time::OffsetDateTime::now_utc();
    let today = (now.year(), u8::from(now.month()), now.day());
    let query = search_query::SearchQuery::parse(&words.join(" "), today);
    let mut out = std::io::stdout().lock();
    for h in store.search_soggetti(&query, ente, limit.min(500))? {
        let nascita = h.data_nascita.unwrap_or_default();
        let comune = h.res_comune.unwrap_or_default();
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            sanitize(h.codice_fiscale.as_deref().unwrap_or("")),
            sanitize(&h.cognome),
            sanitize(&h.nome),
            sanitize(&search_query::gg_mm_aaaa(&nascita).unwrap_or(nascita)),
            sanitize(belfiore::current_name(&comune).unwrap_or(&comune)),
        );
    }
    Ok(0)
}

/// Issues shown on stderr when there is no `--report`.
const ISSUES_ON_STDERR: usize = 20;

/// `import anagrafe`: exit 0, or 1 when a row was rejected (or the file is unusable).
fn import_anagrafe(
    db: &Path,
    actor: &Actor,
    file: &Path,
    ente: Option<&str>,
    dry_run: bool,
    report_path: Option<&Path>,
    batch_rows: usize,
) -> AppResult<i32> {
    use crate::anagrafe::{self, report};
    let opts = anagrafe::Options {
        batch_rows,
        ..anagrafe::Options::new(dry_run)
    };
    // The file first: a bad header stops here, before the database is opened.
    let mut source = anagrafe::open(file, &opts)?;
    let mut store = open_current(db)?;
    let ente_id = match ente {
        Some(code) => Some(enti_by_codes(&store, code)?[0]),
        None => None,
    };
    source.set_ente_id(ente_id);
    let mut report = match report_path {
        Some(p) => Some(report::Report::create(p).map_err(|e| {
            AppError::Env(format!(
                "impossibile scrivere il rapporto {}: {e}",
                p.display()
            ))
        })?),
        None => None,
    };
    let mut shown = 0usize;
    let mut hidden = 0usize;
    let mut on_issue = |issue: &anagrafe::Issue| -> AppResult<()> {
        match report.as_mut() {
            Some(r) => r
                .write(issue)
                .map_err(|e| AppError::Env(format!("impossibile scrivere il rapporto: {e}"))),
            None => {
                if shown < ISSUES_ON_STDERR {
                    shown += 1;
                    let code = report::shown_code(&issue.codice_fiscale);
                    eprintln!(
                        "riga {}: {}{}",
                        issue.line,
                        if code.is_empty() {
                            String::new()
                        } else {
                            format!("{}: ", sanitize(&code))
                        },
                        sanitize(&report::motivo(issue))
                    );
                } else {
                    hidden += 1;
                }
                Ok(())
            }
        }
    };
    let summary = anagrafe::run(&mut store, actor, &mut source, &opts, &mut on_issue)?;
    if let Some(r) = report {
        r.finish()
            .map_err(|e| AppError::Env(format!("impossibile scrivere il rapporto: {e}")))?;
    }
    if hidden > 0 {
        eprintln!("... e altre {hidden} righe: usare --report FILE per l'elenco completo");
    }
    println!(
        "file {}: {}, separatore «{}», {} righe",
        sanitize(&file.display().to_string()),
        source.encoding().label(),
        source.delimiter(),
        summary.records
    );
    if dry_run {
        println!("simulazione (--dry-run): nessuna modifica scritta nel database");
    } else if summary.records == 0 {
        println!("nessuna riga da importare");
    } else if summary.counts.inserted + summary.counts.updated == 0 {
        println!("nessuna modifica: l'anagrafe era già aggiornata");
    }
    println!("{}", summary.line());
    if let Some(p) = report_path {
        println!(
            "rapporto: {} ({} righe scartate, {} avvisi)",
            sanitize(&p.display().to_string()),
            summary.rejected,
            summary.warnings
        );
    }
    Ok(if summary.rejected > 0 { 1 } else { 0 })
}

/// Test helper: `count` writes, each its own transaction (an ufficio row plus its audit row);
/// prints `ack N` after each commit so that a killer knows what was acknowledged.
fn stress_write(path: &Path, actor: &Actor, count: usize, tag: &str) -> AppResult<i32> {
    let mut store = open_current(path)?;
    let ente = store
        .list_enti()?
        .first()
        .map(|e| e.id)
        .ok_or_else(|| AppError::Invalid("nessun ente".into()))?;
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        service::create_ufficio(&mut store, actor, ente, &format!("{tag}-{i}"))?;
        let _ = writeln!(out, "ack {i}");
        let _ = out.flush();
    }
    Ok(0)
}
