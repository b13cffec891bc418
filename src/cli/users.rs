//! `user add`, `user passwd`, `user disable`, `user list`, `user enti`, `user role`: the operators
//! and the roles they hold in each ente.

use std::io::Write;
use std::path::Path;

use clap::Subcommand;

use super::ente::find_ente;
use super::{enti_by_codes, open_current, read_password_stdin};
use crate::domain::{Actor, NewOperatore, RoleSet};
use crate::error::{AppError, AppResult};
use crate::sanitize::sanitize;

#[derive(Subcommand, Debug)]
pub(super) enum UserCommand {
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
    /// Gli enti di un operatore, il predefinito per primo: id, tipo, nome, codice, ruoli nell'ente
    Enti { username: String },
    /// Imposta i ruoli di un operatore in un ente (aggiungendo l'ente all'operatore se manca)
    Role {
        username: String,
        /// Ente: codice catastale, id o nome
        #[arg(long)]
        ente: String,
        /// Ruolo (ripetibile, o più ruoli separati da virgola): sportello, assistente_sociale,
        /// amministrativo, responsabile, helpdesk, admin
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
}

pub(super) fn user(path: &Path, actor: &Actor, cmd: UserCommand) -> AppResult<i32> {
    let mut db = open_current(path)?;
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
            let enti = enti_by_codes(&mut db, actor, &ente)?;
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
            db.service().add_user(actor, &new, password.as_deref())?;
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
            db.service().set_password(actor, &username, &password)?;
            println!("password di {} aggiornata", sanitize(&username));
        }
        UserCommand::Disable { username } => {
            db.service().disable_user(actor, &username)?;
            println!("operatore {} disabilitato", sanitize(&username));
        }
        UserCommand::Enti { username } => {
            let enti = db.service().enti(actor)?;
            let op = db
                .service()
                .list_users(actor)?
                .into_iter()
                .find(|o| o.username == username)
                .ok_or_else(|| {
                    AppError::Invalid(format!("operatore «{}» non trovato", sanitize(&username)))
                })?;
            for (i, (id, roles)) in op.ruoli.iter().enumerate() {
                let Some(e) = enti.iter().find(|e| e.id == *id) else {
                    continue;
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}{}",
                    e.id,
                    e.tipo,
                    sanitize(&e.nome),
                    e.belfiore
                        .as_deref()
                        .map(sanitize)
                        .unwrap_or_else(|| "-".into()),
                    roles.codes(),
                    if i == 0 { "\tpredefinito" } else { "" }
                );
            }
        }
        UserCommand::Role {
            username,
            ente,
            roles,
        } => {
            let roles = RoleSet::parse_list(&roles.join(",")).map_err(AppError::Invalid)?;
            let mut svc = db.service();
            let e = find_ente(&mut svc, actor, &ente)?;
            svc.set_ruoli(actor, &username, e.id, roles)?;
            println!(
                "ruoli di {} nell'ente {}: {}",
                sanitize(&username),
                sanitize(&e.nome),
                roles.codes()
            );
        }
        UserCommand::List => {
            let enti = db.service().enti(actor)?;
            let code = |id: &i64| {
                enti.iter()
                    .find(|e| e.id == *id)
                    .map(|e| e.belfiore.clone().unwrap_or_else(|| format!("#{}", e.id)))
                    .unwrap_or_default()
            };
            let mut out = std::io::stdout().lock();
            for op in db.service().list_users(actor)? {
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
