//! Test-only commands, kept out of the shipped `sportello` binary:
//! - `stress-write`: many short writes from one process (the concurrency tests and benchmarks run
//!   several at once and kill them mid-stream);
//! - `crash-test`: a panic under the crash hook that the TUI installs, as the TUI would hit it.
//!
//! Built only with the `test-tools` feature, which the package's dev-dependency on itself turns on for
//! `cargo test` and `cargo bench` (see Cargo.toml); `cargo build` and `cargo install` leave it out.
//! Configuration (`--db`, `SPORTELLO_*`, the config files) is read as by `sportello`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use sportello::auth;
use sportello::config::{Config, Flags};
use sportello::domain::Actor;
use sportello::error::{AppError, AppResult};

#[derive(Parser, Debug)]
#[command(name = "sportello-test-tools")]
struct Cli {
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scritture di prova in parallelo (test di concorrenza)
    StressWrite {
        #[arg(long)]
        count: usize,
        #[arg(long)]
        tag: String,
    },
    /// Simula un errore interno con il gestore dei crash installato (test)
    CrashTest,
}

fn main() {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sportello-test-tools: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}

fn run(cli: Cli) -> AppResult<i32> {
    let config = Config::load(&Flags { database: cli.db })?;
    let _log = sportello::logging::init(&config.log_dir);
    match cli.command {
        Command::StressWrite { count, tag } => {
            let actor = Actor::system(auth::os_user(), auth::ssh_client());
            stress_write(&config.database, &actor, count, &tag)
        }
        Command::CrashTest => {
            sportello::ui::runtime::install_crash_hook(config.log_dir.join("crash"));
            sportello::crash::set_screen("prova");
            for k in ["m", "r", "<Tab>", "<C-s>"] {
                sportello::crash::record_event(sportello::crash::redact_key(k));
            }
            panic!("errore simulato per la prova del gestore dei crash");
        }
    }
}

/// `count` writes, each its own transaction (an ufficio row plus its audit row); prints `ack N`
/// after each commit so that a killer knows what was acknowledged.
fn stress_write(path: &Path, actor: &Actor, count: usize, tag: &str) -> AppResult<i32> {
    let mut db = sportello::cli::open_current(path)?;
    let ente = db
        .service()
        .enti(actor)?
        .first()
        .map(|e| e.id)
        .ok_or_else(|| AppError::Invalid("nessun ente".into()))?;
    let mut out = std::io::stdout().lock();
    for i in 0..count {
        db.service()
            .create_ufficio(actor, ente, &format!("{tag}-{i}"))?;
        let _ = writeln!(out, "ack {i}");
        let _ = out.flush();
    }
    Ok(0)
}
