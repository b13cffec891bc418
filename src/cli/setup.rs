//! Setting up and looking after a database: `init`, `migrate`, `check`, `backup`, `restore`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{env_error, open_current, read_password_stdin};
use crate::auth;
use crate::domain::{Actor, NewEnte, NewOperatore, Role, RoleSet, date};
use crate::error::{AppError, AppResult};
use crate::sanitize::sanitize;
use crate::service;
use crate::service::{Database, Error as StoreError};

pub(super) fn init(
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
    if !service::organisation::is_belfiore_syntax(&belfiore) {
        return Err(AppError::Invalid(format!(
            "codice catastale «{}» non valido: una lettera e tre cifre, es. G478",
            sanitize(&belfiore)
        )));
    }
    let roles = RoleSet::from_roles(&[Role::Admin]);
    let password = read_password_stdin()?;
    auth::check_policy(&password, roles).map_err(AppError::Invalid)?;
    let mut db = Database::create(path).map_err(|e| creating(path, e))?;
    let result = (|| -> Result<(), StoreError> {
        let ente_id = db.service().create_ente(
            actor,
            &NewEnte {
                nome: ente.into(),
                belfiore: Some(belfiore.clone()),
                tipo: "comune".into(),
                ..Default::default()
            },
        )?;
        db.service().add_user(
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
        drop(db);
        for suffix in ["", "-wal", "-shm", ".audit-head"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        return Err(creating(path, e));
    }
    println!("database creato: {}", path.display());
    println!(
        "ente: {} ({belfiore}); amministratore: {admin}",
        sanitize(ente)
    );
    Ok(0)
}

/// An error creating the database at `path` (a full disk, a read-only folder), naming the file.
fn creating(path: &Path, e: StoreError) -> AppError {
    match e {
        StoreError::Unavailable(m) | StoreError::Db(m) => {
            let p = path.display().to_string();
            AppError::Env(if m.contains(&p) {
                sanitize(&m)
            } else {
                format!("impossibile creare «{}»: {m}", sanitize(&p))
            })
        }
        other => other.into(),
    }
}

pub(super) fn migrate(path: &Path, actor: &Actor, check_only: bool, force: bool) -> AppResult<i32> {
    let mut db = Database::open(path).map_err(env_error)?;
    let mut svc = db.service();
    let status = svc.schema_status()?;
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
    if !status.pending.is_empty() {
        svc.migrate_allowed(force, crate::domain::date::now_ms())?;
    }
    let applied = svc.migrate(actor).map_err(env_error)?;
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

/// `migrate-to URL --from FILE.db`: the file copied into the empty PostgreSQL database.
pub(super) fn migrate_to(from: &Path, actor: &Actor, url: &str) -> AppResult<i32> {
    let t = std::time::Instant::now();
    let mut db = super::open_current(from)?;
    let copied = db.service().migrate_to(actor, url).map_err(|e| match e {
        crate::store::StoreError::Invalid(_) | crate::store::StoreError::Denied(_) => e.into(),
        e => env_error(e),
    })?;
    let rows: i64 = copied.iter().map(|(_, n)| n).sum();
    for (table, n) in &copied {
        println!("{table}\t{n}");
    }
    eprintln!(
        "copiate {} tabelle, {rows} righe, in {:.1} s; registro di audit verificato",
        copied.len(),
        t.elapsed().as_secs_f64()
    );
    Ok(0)
}

pub(super) fn check(path: &Path, actor: &Actor) -> AppResult<i32> {
    let mut db = Database::open(path).map_err(env_error)?;
    let problems = db.service().check(actor)?;
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

/// `backup`'s arguments: one file (`DEST` or `--out`), or a rotated copy in `--dir`.
#[derive(clap::Args, Debug)]
pub(super) struct BackupArgs {
    /// File di destinazione
    #[arg(required_unless_present_any = ["out", "dir"], conflicts_with_all = ["out", "dir"])]
    dest: Option<PathBuf>,
    /// File di destinazione (come DEST)
    #[arg(long, value_name = "FILE", conflicts_with = "dir")]
    out: Option<PathBuf>,
    /// Cartella delle copie a rotazione: scrive sportello-AAAAMMGG-HHMMSS.db e rimuove le copie
    /// che --keep-daily e --keep-monthly non tengono più
    #[arg(long, value_name = "CARTELLA")]
    dir: Option<PathBuf>,
    /// Con --dir: giorni di cui tenere l'ultima copia (7 se non indicato)
    #[arg(long, value_name = "N", requires = "dir", conflicts_with_all = ["dest", "out"])]
    keep_daily: Option<usize>,
    /// Con --dir: mesi di cui tenere l'ultima copia (12 se non indicato)
    #[arg(long, value_name = "M", requires = "dir", conflicts_with_all = ["dest", "out"])]
    keep_monthly: Option<usize>,
    /// Sostituisce la destinazione se esiste già (dopo aver verificato la nuova copia)
    #[arg(long, conflicts_with = "dir")]
    force: bool,
}

/// `backup`: an online copy, verified; an existing file is replaced only with `--force`. With
/// `--dir`, a new copy named after the time and the rotation of the older ones.
pub(super) fn backup(path: &Path, actor: &Actor, args: BackupArgs) -> AppResult<i32> {
    let t = Instant::now();
    if let Some(dir) = args.dir {
        let mut db = open_current(path)?;
        let keep = service::backup::Keep {
            daily: args.keep_daily.unwrap_or(7),
            monthly: args.keep_monthly.unwrap_or(12),
        };
        let stamp = date::file_stamp(date::local(date::now()));
        let done = db.service().backup_rotated(actor, &dir, keep, &stamp)?;
        println!(
            "copia verificata scritta in {} ({} ms)",
            sanitize(&done.file.display().to_string()),
            t.elapsed().as_millis()
        );
        for old in &done.removed {
            println!(
                "rimossa la copia scaduta {}",
                sanitize(&old.display().to_string())
            );
        }
        return Ok(0);
    }
    let dest = args
        .dest
        .or(args.out)
        .expect("clap requires DEST, --out or --dir");
    let replace = super::may_write(&dest, args.force)?;
    let mut db = open_current(path)?;
    db.service().backup(actor, &dest, replace)?;
    println!(
        "copia verificata scritta in {} ({} ms)",
        dest.display(),
        t.elapsed().as_millis()
    );
    Ok(0)
}

/// `restore FILE`: verifies the copy, keeps the current database beside it as
/// `<db>.sostituito-<aaaammgg-hhmmss>.db`, then replaces its content.
pub(super) fn restore(path: &Path, actor: &Actor, file: &Path) -> AppResult<i32> {
    let t = Instant::now();
    let mut db = Database::open(path).map_err(env_error)?;
    let stamp = date::file_stamp(date::local(date::now()));
    let aside = PathBuf::from(format!("{}.sostituito-{stamp}.db", path.display()));
    db.service().restore(actor, file, &aside)?;
    println!(
        "database ripristinato da {} ({} ms)",
        sanitize(&file.display().to_string()),
        t.elapsed().as_millis()
    );
    println!(
        "il database sostituito è conservato in {}",
        sanitize(&aside.display().to_string())
    );
    Ok(0)
}
