//! The service layer: the one door to the data. The UI and the CLI hold a [`Service`], never a store;
//! every operation checks the actor's role **and** the ente scope of its target against the table in
//! [`rules`], and writes the audit row — refusals included. Reads of personal data are audited too.
//!
//! The actor is re-read from the database at every call ([`Service::guard`]): disabling an operator
//! or changing their roles takes effect at their next request, whatever their session copied at
//! login.
//!
//! Files by concern: [`db`] (opening a database), [`maintenance`] (migrate, check, demo), [`backup`]
//! (backups with rotation, restore), [`retention`] (purge, legal holds), [`anomalie`] (reads over
//! the hourly threshold),
//! [`session`] (login, home), [`drafts`], [`organisation`] (enti, uffici, operators, settings),
//! [`codes`], [`erogazioni`] (interventi, erogazioni) and [`siuss`] (the SIUSS flow), [`persona`] (the anagrafe), [`scheda`] (schede di accesso), [`richieste`] (the richieste of a scheda with their consuntivo, the office settings), [`rapporto`] (the desk's monthly report), [`casi`] (presa in carico
//! and cartella sociale, [`casi_documenti`] its documenti individuali), [`documenti`] (prints and exports), [`helpdesk`] (recordings,
//! pseudonymised copies), [`rules`] (the permission table).

pub mod anomalie;
pub mod backup;
pub mod cambi;
pub mod casi;
pub mod casi_amministrazione;
pub mod casi_documenti;
pub mod casi_operatori;
mod casi_stampe;
pub mod codes;
pub mod db;
pub mod documenti;
pub mod drafts;
pub mod erogazioni;
mod erogazioni_stampe;
pub mod helpdesk;
pub mod invii;
pub mod maintenance;
pub mod organisation;
pub mod organizzazioni;
pub mod persona;
mod por;
pub mod rapporto;
pub mod retention;
pub mod richieste;
pub mod rules;
pub mod scheda;
pub mod scheda_documenti;
pub mod scheda_sezioni;
pub mod session;
pub mod sessioni;
pub mod siuss;

pub use crate::store::{
    Contatori, Draft, Saved, SchedaSaved, StoreError as Error, StoreResult as Result,
};
pub use db::Database;
pub use persona::{PersonaCard, PersonaFormData, PersonaSaved, SEARCH_LIMIT};
pub use rules::Op;

use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::{Store, StoreError, StoreResult};

/// The door to the data, in front of a store. Cheap to make: the runtime makes one per request on
/// the store thread, the CLI one per command.
pub struct Service<'a> {
    store: &'a mut dyn Store,
}

impl<'a> Service<'a> {
    pub fn new(store: &'a mut dyn Store) -> Service<'a> {
        Service { store }
    }

    /// The store behind the door, for the runtime's wiring, the demo generator and tests (which
    /// prepare and inspect data). Screens and commands never use it.
    pub fn store(&self) -> &dyn Store {
        self.store
    }

    /// See [`Service::store`].
    pub fn store_mut(&mut self) -> &mut dyn Store {
        self.store
    }

    /// The actor as the database knows them now, in the session's ente: roles there, enti and
    /// office re-read, so that a disabled account, a removed role or a removed ente stops working
    /// at once. The CLI's system actor is taken as given.
    pub fn live(&mut self, actor: &Actor, op: Op) -> StoreResult<Actor> {
        let Some(id) = actor.operatore_id else {
            return Ok(actor.clone());
        };
        let op_now = self
            .store
            .operatore_by_username(&actor.username)?
            .filter(|o| o.id == id && o.attivo);
        let Some(op_now) = op_now else {
            self.audit_denied(actor, op, "account disabilitato o rimosso")?;
            return Err(StoreError::Denied(ACCOUNT_DISABLED.into()));
        };
        let (os_user, ssh) = (actor.os_user.clone(), actor.ssh_client.clone());
        match Actor::operatore_in(&op_now, actor.ente(), os_user, ssh) {
            Some(live) => Ok(live),
            None => {
                self.audit_denied(actor, op, "ente della sessione non più assegnato")?;
                Err(StoreError::Denied(ENTE_REVOKED.into()))
            }
        }
    }

    /// Checks `op` for `actor` before it runs: the account is still active, its roles allow the
    /// operation, and (for an operation on a record of an ente) the record's `ente` is the session's
    /// (for the organisation, [`rules::Scope::Administered`]: one where the actor holds the
    /// permission too). Refusals are audited and return an Italian message; a record out of scope is
    /// reported exactly like a missing one (`what`, e.g. "scheda 12"). Returns the live actor.
    pub fn guard(
        &mut self,
        actor: &Actor,
        op: Op,
        ente: Option<i64>,
        what: &str,
    ) -> StoreResult<Actor> {
        let actor = self.live(actor, op)?;
        let rule = op.rule();
        if !rule.need.allows(&actor) {
            self.audit_denied(&actor, op, "permesso mancante")?;
            return Err(StoreError::Denied(format!(
                "l'operatore {} non ha il permesso per «{}»",
                actor.username, rule.label
            )));
        }
        let in_scope = |e| match rule.scope {
            rules::Scope::Installation => true,
            rules::Scope::Administered => rules::holds(&actor, op, e),
            rules::Scope::Ente | rules::Scope::Own => rules::in_ente(&actor, e),
        };
        if let Some(e) = ente
            && !in_scope(e)
        {
            self.audit_denied(&actor, op, "fuori dagli enti dell'operatore")?;
            return Err(StoreError::NotFound(what.to_string()));
        }
        Ok(actor)
    }

    /// A record of another ente (or one the actor may not see) found after the guard: refused like
    /// a missing record, and audited.
    pub(crate) fn out_of_scope(&mut self, actor: &Actor, op: Op, what: &str) -> StoreError {
        if let Err(e) = self.audit_denied(actor, op, "fuori dagli enti dell'operatore") {
            return e;
        }
        StoreError::NotFound(what.to_string())
    }

    fn audit_denied(&mut self, actor: &Actor, op: Op, why: &str) -> StoreResult<()> {
        self.store.audit(
            actor,
            &AuditEvent::new(op.rule().action, Outcome::Denied).detail(why),
        )
    }

    /// Writes the audit row of a successful read.
    pub(crate) fn audit_ok(&mut self, actor: &Actor, event: AuditEvent) -> StoreResult<()> {
        self.store.audit(actor, &event)
    }
}

/// What a disabled operator is told (their session then ends).
pub const ACCOUNT_DISABLED: &str =
    "account disabilitato o rimosso: la sessione viene chiusa, rivolgersi all'amministratore";

/// What an operator is told when the ente of their session was taken from them (the session ends).
pub const ENTE_REVOKED: &str = "l'operatore non lavora più per l'ente della sessione: la sessione viene chiusa, accedere di nuovo";

/// The ente of the operator's session: where their records go.
pub fn ente_of(actor: &Actor) -> StoreResult<i64> {
    actor
        .ente()
        .ok_or_else(|| StoreError::Invalid("l'operatore non è associato a nessun ente".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewEnte, NewOperatore, Role, RoleSet};
    use crate::store::sqlite::SqliteStore;

    /// An ente and an operator `username` with `roles` in it, added by the system account.
    fn operator(svc: &mut Service<'_>, username: &str, roles: &[Role]) -> Actor {
        let sys = Actor::system(None, None);
        let ente = match svc.store().ente_by_code("G478").unwrap() {
            Some(e) => e.id,
            None => svc
                .create_ente(
                    &sys,
                    &NewEnte {
                        nome: "Comune di Prova".into(),
                        belfiore: Some("G478".into()),
                        tipo: "comune".into(),
                        ..Default::default()
                    },
                )
                .unwrap(),
        };
        let new = NewOperatore {
            username: username.into(),
            nome: "N".into(),
            cognome: "C".into(),
            roles: RoleSet::from_roles(roles),
            enti: vec![ente],
            ..Default::default()
        };
        svc.add_user(&sys, &new, None).unwrap();
        let op = svc.store().operatore_by_username(username).unwrap();
        Actor::operatore(&op.unwrap(), None, None)
    }

    #[test]
    fn denied_call_is_refused_and_audited() {
        let mut store = SqliteStore::in_memory().unwrap();
        let mut svc = Service::new(&mut store);
        let actor = operator(&mut svc, "mrossi", &[Role::Sportello]);
        let mut new = NewOperatore {
            username: "nuovo".into(),
            nome: "N".into(),
            cognome: "C".into(),
            roles: RoleSet::from_roles(&[Role::Admin]),
            ..Default::default()
        };
        new.enti = actor.enti.clone();
        let err = svc.add_user(&actor, &new, None).unwrap_err();
        assert!(matches!(err, StoreError::Denied(_)), "{err}");
        let nuovo = svc.store().operatore_by_username("nuovo").unwrap();
        assert!(nuovo.is_none());
        let last = &svc.store().audit_tail(1).unwrap()[0];
        assert_eq!(last.event.action, "crea_operatore");
        assert_eq!(last.event.outcome, Outcome::Denied);
        assert_eq!(last.username, "mrossi");
    }

    #[test]
    fn a_disabled_operator_is_refused_at_the_next_call() {
        let mut store = SqliteStore::in_memory().unwrap();
        let mut svc = Service::new(&mut store);
        let session = operator(&mut svc, "admin2", &[Role::Admin]);
        assert!(svc.list_users(&session).is_ok());
        svc.disable_user(&Actor::system(None, None), "admin2")
            .unwrap();
        let err = svc.list_users(&session).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("operazione non consentita: {ACCOUNT_DISABLED}")
        );
        let last = &svc.store().audit_tail(1).unwrap()[0];
        assert_eq!(
            (last.event.action.as_str(), last.event.outcome),
            ("elenca_operatori", Outcome::Denied)
        );
    }
}
