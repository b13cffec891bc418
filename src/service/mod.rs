//! The service layer: permission checks and auditing in front of the [`Store`].
//!
//! The CLI and the UI call these functions, never the store's writes directly, so that a denied call
//! is refused (and audited) whatever screen or command it came from.

pub mod documenti;
pub mod scheda;

use crate::auth;
use crate::domain::{Actor, AuditEvent, NewEnte, NewOperatore, Operatore, Outcome, Permission};
use crate::store::{Store, StoreError, StoreResult};

/// Refuses (and audits the refusal) when `actor` lacks `p`.
pub fn require(
    store: &mut dyn Store,
    actor: &Actor,
    p: Permission,
    action: &str,
) -> StoreResult<()> {
    if actor.can(p) {
        return Ok(());
    }
    store.audit(
        actor,
        &AuditEvent::new(action, Outcome::Denied).detail(format!("{p:?}")),
    )?;
    Err(StoreError::Denied(format!(
        "l'operatore {} non ha il permesso per «{action}»",
        actor.username
    )))
}

/// Creates an ente (comune, ambito or external body).
pub fn create_ente(store: &mut dyn Store, actor: &Actor, new: &NewEnte) -> StoreResult<i64> {
    require(store, actor, Permission::ManageConfig, "crea_ente")?;
    let mut new = new.clone();
    new.belfiore = new.belfiore.map(|b| b.trim().to_uppercase());
    if let Some(b) = &new.belfiore
        && !is_belfiore_syntax(b)
    {
        return Err(StoreError::Invalid(format!(
            "codice catastale «{b}» non valido: una lettera e tre cifre, es. H501"
        )));
    }
    store.create_ente(actor, &new)
}

/// A Belfiore (codice catastale) is one letter and three digits.
pub fn is_belfiore_syntax(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// Creates a front-desk office of an ente.
pub fn create_ufficio(
    store: &mut dyn Store,
    actor: &Actor,
    ente_id: i64,
    nome: &str,
) -> StoreResult<i64> {
    require(store, actor, Permission::ManageConfig, "crea_ufficio")?;
    store.create_ufficio(actor, ente_id, nome)
}

fn validate_username(u: &str) -> StoreResult<()> {
    let ok = !u.is_empty()
        && u.len() <= 64
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        && u.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "nome utente «{}» non valido: minuscole, cifre, punto, trattino; inizia con una lettera; max 64",
            crate::sanitize::sanitize(&u.chars().take(64).collect::<String>())
        )))
    }
}

/// Adds an operator account; the password (if given) must meet the policy.
pub fn add_user(
    store: &mut dyn Store,
    actor: &Actor,
    new: &NewOperatore,
    password: Option<&str>,
) -> StoreResult<i64> {
    require(store, actor, Permission::ManageAccounts, "crea_operatore")?;
    validate_username(&new.username)?;
    if new.nome.trim().is_empty() || new.cognome.trim().is_empty() {
        return Err(StoreError::Invalid(
            "nome e cognome dell'operatore sono obbligatori".into(),
        ));
    }
    if new.enti.is_empty() {
        return Err(StoreError::Invalid("indicare l'ente dell'operatore".into()));
    }
    let hash = match password {
        Some(p) => {
            auth::check_policy(p, new.roles).map_err(StoreError::Invalid)?;
            Some(auth::hash_password(p))
        }
        None => None,
    };
    store.create_operatore(actor, new, hash.as_deref())
}

fn user(store: &dyn Store, username: &str) -> StoreResult<Operatore> {
    store.operatore_by_username(username)?.ok_or_else(|| {
        StoreError::NotFound(format!(
            "operatore «{}»",
            crate::sanitize::sanitize(username)
        ))
    })
}

/// Sets a new password for `username`.
pub fn set_password(
    store: &mut dyn Store,
    actor: &Actor,
    username: &str,
    password: &str,
) -> StoreResult<()> {
    let op = user(store, username)?;
    if actor.operatore_id != Some(op.id) {
        require(store, actor, Permission::ManageAccounts, "cambia_password")?;
    }
    auth::check_policy(password, op.roles).map_err(StoreError::Invalid)?;
    store.set_password(actor, op.id, op.version, &auth::hash_password(password))?;
    Ok(())
}

/// Disables an account (accounts are never deleted: the audit trail refers to them).
pub fn disable_user(store: &mut dyn Store, actor: &Actor, username: &str) -> StoreResult<()> {
    require(
        store,
        actor,
        Permission::ManageAccounts,
        "disabilita_operatore",
    )?;
    let mut op = user(store, username)?;
    op.attivo = false;
    store.update_operatore(actor, &op)?;
    Ok(())
}

/// Lists accounts.
pub fn list_users(store: &mut dyn Store, actor: &Actor) -> StoreResult<Vec<Operatore>> {
    require(store, actor, Permission::ManageAccounts, "elenca_operatori")?;
    store.list_operatori()
}

/// Code lists (admin): import a CSV into `lista`.
pub fn import_codes(
    store: &mut dyn Store,
    actor: &Actor,
    lista: &str,
    rows: &[crate::domain::codici::NewCodice],
) -> StoreResult<crate::domain::codici::ImportCounts> {
    require(store, actor, Permission::ManageCodes, "importa_codici")?;
    if !crate::domain::codici::valid_id(lista) {
        return Err(StoreError::Invalid(format!(
            "nome di lista «{}» non valido (minuscole, cifre e _)",
            crate::sanitize::sanitize(lista)
        )));
    }
    store.import_codes(actor, lista, rows)
}

/// Code lists (admin): relabel, disable or enable one code.
pub fn update_code(
    store: &mut dyn Store,
    actor: &Actor,
    code: &crate::domain::codici::Codice,
    etichetta: &str,
    attivo: bool,
) -> StoreResult<i64> {
    require(store, actor, Permission::ManageCodes, "modifica_codice")?;
    store.update_code(actor, code.id, code.version, etichetta, attivo)
}

/// The operator's ente (the first of theirs): where their records go.
pub fn ente_of(actor: &Actor) -> StoreResult<i64> {
    actor
        .ente()
        .ok_or_else(|| StoreError::Invalid("l'operatore non è associato a nessun ente".into()))
}

/// Enables or disables the POR / FSE fields of the scheda for an ente (by Belfiore code).
pub fn set_por(store: &mut dyn Store, actor: &Actor, belfiore: &str, on: bool) -> StoreResult<()> {
    require(store, actor, Permission::ManageConfig, "configura_por")?;
    let ente = store
        .ente_by_code(belfiore)?
        .ok_or_else(|| StoreError::NotFound(format!("ente con codice {belfiore}")))?;
    store.set_setting(
        &format!("por_abilitato:{}", ente.id),
        if on { "1" } else { "0" },
    )?;
    store.audit(
        actor,
        &AuditEvent::new("configura_por", Outcome::Ok)
            .on("ente", Some(ente.id))
            .detail(if on { "abilitato" } else { "disabilitato" }),
    )
}

/// What the person card shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonaCard {
    pub soggetto: crate::domain::persona::Soggetto,
    pub storia: Vec<crate::domain::persona::Modifica>,
    pub privacy: Vec<crate::domain::persona::Consenso>,
    /// The person's schede di accesso the actor may see, newest first.
    pub schede: Vec<crate::domain::scheda::SchedaRiga>,
}

/// The person card: the person, their history and consents. Every read is written to the audit log.
pub fn read_soggetto(store: &mut dyn Store, actor: &Actor, id: i64) -> StoreResult<PersonaCard> {
    require(store, actor, Permission::ReadAnagrafe, "leggi_soggetto")?;
    let soggetto = store
        .soggetto(id)?
        .ok_or_else(|| StoreError::NotFound(format!("persona {id}")))?;
    let storia = store.soggetto_storia(id)?;
    let privacy = store.privacy(id)?;
    let schede = if actor.can(Permission::ReadSchede) {
        let filtro = crate::domain::scheda::Filtro {
            soggetti: Some(vec![id]),
            ..Default::default()
        };
        store.list_schede(&actor.enti, &filtro, 200)?
    } else {
        Vec::new()
    };
    store.audit(
        actor,
        &AuditEvent::new("leggi_soggetto", Outcome::Ok)
            .on("soggetto", Some(id))
            .section("scheda persona"),
    )?;
    Ok(PersonaCard {
        soggetto,
        storia,
        privacy,
        schede,
    })
}

/// What saving a person at the desk did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonaSaved {
    Saved(crate::store::Saved),
    /// Not saved: persons with the same name and birth date exist; save again with
    /// `allow_homonym` once the operator confirms they are someone else.
    Homonyms(Vec<crate::domain::search::SearchHit>),
}

/// Saves a person entered or edited at the desk, after the same checks as the form (a client that
/// skipped them is refused with the first problem). A new person is registered for the operator's
/// ente; with `allow_homonym` false, persons with the same name and birth date stop the save.
pub fn save_persona(
    store: &mut dyn Store,
    actor: &Actor,
    edit: &crate::domain::persona::PersonaEdit,
    today: time::Date,
) -> StoreResult<PersonaSaved> {
    require(store, actor, Permission::WriteAnagrafe, "salva_soggetto")?;
    let mut edit = edit.clone();
    if let Some(cf) = edit.get("codice_fiscale") {
        let cf = crate::domain::cf::normalize(cf);
        edit.set("codice_fiscale", Some(&cf));
    }
    if let Some((campo, msg)) = crate::domain::persona::validate(&edit, today)
        .into_iter()
        .next()
    {
        return Err(StoreError::Invalid(format!("{campo}: {msg}")));
    }
    if edit.id.is_none() && !edit.allow_homonym {
        let (c, n, d) = (
            edit.get("cognome").unwrap_or_default(),
            edit.get("nome").unwrap_or_default(),
            edit.get("data_nascita").unwrap_or_default(),
        );
        let same = store.homonyms(c, n, d, None)?;
        if !same.is_empty() {
            return Ok(PersonaSaved::Homonyms(same));
        }
    }
    let ente = actor.ente();
    store
        .save_persona(actor, &edit, ente)
        .map(PersonaSaved::Saved)
}

/// Registers an anonymous user for the operator's ente.
pub fn register_anonymous(
    store: &mut dyn Store,
    actor: &Actor,
    sesso: Option<&str>,
) -> StoreResult<i64> {
    require(
        store,
        actor,
        Permission::WriteAnagrafe,
        "crea_soggetto_anonimo",
    )?;
    let ente = ente_of(actor)?;
    store.register_anonymous(actor, ente, sesso)
}

/// Records the privacy consent of a person towards the operator's ente. A signed consent needs its
/// date (not in the future).
pub fn set_privacy(
    store: &mut dyn Store,
    actor: &Actor,
    soggetto_id: i64,
    stato: crate::domain::persona::Privacy,
    data_firma: Option<&str>,
    version: Option<i64>,
    today: time::Date,
) -> StoreResult<()> {
    use crate::domain::persona::Privacy;
    require(store, actor, Permission::WriteAnagrafe, "consenso_privacy")?;
    let ente = ente_of(actor)?;
    let data = match (stato, data_firma) {
        (Privacy::Firmato, None) => {
            return Err(StoreError::Invalid(
                "indicare la data di firma del consenso".into(),
            ));
        }
        (Privacy::Firmato, Some(d)) => {
            if d > crate::domain::date::iso(today).as_str() {
                return Err(StoreError::Invalid(
                    "la data di firma non può essere successiva a oggi".into(),
                ));
            }
            Some(d)
        }
        _ => None,
    };
    store.set_privacy(actor, soggetto_id, ente, stato, data, version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, RoleSet};
    use crate::store::prelude::*;
    use crate::store::sqlite::SqliteStore;

    fn operator_actor(roles: &[Role]) -> Actor {
        Actor {
            operatore_id: Some(99),
            username: "mrossi".into(),
            roles: RoleSet::from_roles(roles),
            enti: vec![1],
            ufficio_id: None,
            os_user: None,
            ssh_client: None,
        }
    }

    #[test]
    fn denied_call_is_refused_and_audited() {
        let mut s = SqliteStore::in_memory().unwrap();
        let actor = operator_actor(&[Role::Sportello]);
        let new = NewOperatore {
            username: "nuovo".into(),
            nome: "N".into(),
            cognome: "C".into(),
            roles: RoleSet::from_roles(&[Role::Admin]),
            enti: vec![1],
            ..Default::default()
        };
        let err = add_user(&mut s, &actor, &new, None).unwrap_err();
        assert!(matches!(err, StoreError::Denied(_)), "{err}");
        assert!(s.operatore_by_username("nuovo").unwrap().is_none());
        let last = &s.audit_tail(1).unwrap()[0];
        assert_eq!(last.event.action, "crea_operatore");
        assert_eq!(last.event.outcome, Outcome::Denied);
        assert_eq!(last.username, "mrossi");
    }

    #[test]
    fn belfiore_syntax() {
        assert!(is_belfiore_syntax("H501"));
        assert!(!is_belfiore_syntax("h501"));
        assert!(!is_belfiore_syntax("H50"));
        assert!(!is_belfiore_syntax("1501"));
    }
}
