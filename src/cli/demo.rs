//! `demo`: creates (once) a demo database in the data directory and opens it.

use std::path::PathBuf;
use std::time::Instant;

use super::env_error;
use super::tui::open_tui;
use crate::config::Config;
use crate::demo;
use crate::domain::Actor;
use crate::error::{AppError, AppResult};
use crate::service::Database;
use crate::store::location::DbLocation;

/// The demo database: `--db` if given, else `demo.db` in the data directory (never the production one).
fn demo_path(config: &Config, explicit_db: bool) -> PathBuf {
    if explicit_db || std::env::var_os("SPORTELLO_DB").is_some() {
        config.database.clone()
    } else {
        crate::config::data_dir().join("demo.db")
    }
}

pub(super) fn demo_cmd(
    config: &Config,
    explicit_db: bool,
    actor: &Actor,
    persons: usize,
    today: time::Date,
    no_tui: bool,
) -> AppResult<i32> {
    let path = demo_path(config, explicit_db);
    // A server database exists when it holds the schema (an empty one is filled).
    let exists = match DbLocation::of(&path).map_err(env_error)? {
        DbLocation::File(p) => p.exists(),
        DbLocation::Postgres(_) => {
            let mut db = Database::open(&path).map_err(env_error)?;
            db.service().schema_status().map_err(env_error)?.db_version > 0
        }
    };
    if exists {
        let mut db = Database::open(&path).map_err(env_error)?;
        let mut svc = db.service();
        if !svc.is_demo()? {
            return Err(AppError::Env(format!(
                "{} è un database reale, non dimostrativo: demo non lo modifica",
                path.display()
            )));
        }
        // A demo database made by an older version is brought up to date (it is disposable).
        let applied = svc.migrate(actor).map_err(env_error)?;
        if !applied.is_empty() {
            println!(
                "database dimostrativo aggiornato allo schema {}",
                crate::service::db::schema_version()
            );
        }
        println!("database dimostrativo esistente: {}", path.display());
    } else {
        let t = Instant::now();
        let mut db = Database::create(&path).map_err(env_error)?;
        let data_dir = crate::store::location::DbLocation::files_dir_of(&path);
        let summary = db
            .service()
            .create_demo(actor, persons, today, Some(&data_dir))?;
        let archivio =
            crate::service::casi_documenti::Archivio::of_database(&path, config.documenti_max_mb);
        db.service().demo_documenti(&archivio)?;
        println!(
            "database dimostrativo creato: {} ({} persone, {} schede di accesso fino al {} in {:.1} s)",
            path.display(),
            summary.persons,
            summary.schede,
            crate::domain::date::gg_mm_aaaa(today),
            t.elapsed().as_secs_f64()
        );
    }
    println!("account dimostrativi (password «{}»):", demo::DEMO_PASSWORD);
    for (user, role) in demo::accounts_lived_in() {
        println!("  {user:<20} {}", role.label());
    }
    println!("  {:<20} {}", demo::DEMO_TWO_ENTI, demo::two_enti_roles());
    if no_tui {
        return Ok(0);
    }
    let mut config = config.clone();
    config.database = path;
    open_tui(&config, true)
}
