//! Sessions: login (password or OS account), unlock after the idle lock, logout, the periodic check
//! that the account is still active (roles and enti as they are now), the switch to another of the
//! operator's enti, and the home screen's data.

use super::Service;
use super::rules::Op;
use crate::auth::{self, Origin};
use crate::domain::{Actor, AuditEvent, Operatore, Outcome, Permission};
use crate::store::{Contatori, StoreResult};

/// The logged-in operator's context.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionInfo {
    pub actor: Actor,
    pub nome: String,
    pub cognome: String,
    pub ente: String,
    /// Belfiore code of the operator's ente (its residents come first in searches).
    pub ente_belfiore: Option<String>,
    pub ufficio: String,
    /// The enti the operator works for, (id, name), in their order: more than one and the login
    /// asks which; the session may switch to another ([`Service::cambia_ente`]). Absent in logs
    /// recorded before it existed.
    #[serde(default)]
    pub enti: Vec<(i64, String)>,
}

/// What the home screen shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HomeData {
    /// Drafts of this operator: (form, record, saved at).
    pub drafts: Vec<(String, String, String)>,
    pub soggetti: i64,
    /// The office counters (for the responsabile).
    pub contatori: Option<Contatori>,
    /// The social worker's counters (cases, PAI, ISEE) and the operator's refused proposals.
    pub casi: Option<crate::domain::caso::ContatoriCasi>,
    /// The persons this operator and this office followed last, most recent first (empty for
    /// roles that may not search the anagrafe). Absent in logs recorded before it existed.
    #[serde(default)]
    pub recenti: Vec<crate::domain::search::SearchHit>,
    /// For the amministrativo: rows of this month still to confirm and the last SIUSS flow.
    #[serde(default)]
    pub erogazioni: Option<HomeErogazioni>,
    /// Drafts `sportello purge` removes soon unless taken up: (form, record, day ISO). Filled by
    /// the home screen from the retention policy; absent in logs recorded before it existed.
    #[serde(default)]
    pub in_scadenza: Vec<(String, String, String)>,
    /// Access anomalies of the last days (for those who read the audit log), newest first.
    #[serde(default)]
    pub anomalie: Vec<String>,
}

/// The erogazioni part of the amministrativo's home screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HomeErogazioni {
    /// Operation rows dated this month still `prevista`.
    pub da_confermare: i64,
    /// The last SIUSS flow of the operator's enti.
    pub ultimo_flusso: Option<crate::domain::siuss::FlussoSiuss>,
}

/// How many returning persons the home screen offers (keys a–e).
pub const HOME_RECENT: usize = 5;

impl Service<'_> {
    /// The session of `actor` (an operator's actor, in the ente of the session).
    fn session_info(&self, op: &Operatore, actor: Actor) -> StoreResult<SessionInfo> {
        let ente = match actor.ente() {
            Some(id) => self.store.ente(id)?,
            None => None,
        };
        let ufficio = match op.ufficio_id {
            Some(id) => self.store.ufficio(id)?.map(|u| u.nome).unwrap_or_default(),
            None => String::new(),
        };
        let mut enti = Vec::new();
        for id in &op.enti {
            let nome = self.store.ente(*id)?.map(|e| e.nome).unwrap_or_default();
            enti.push((*id, nome));
        }
        Ok(SessionInfo {
            actor,
            nome: op.nome.clone(),
            cognome: op.cognome.clone(),
            ente_belfiore: ente.as_ref().and_then(|e| e.belfiore.clone()),
            ente: ente.map(|e| e.nome).unwrap_or_default(),
            ufficio,
            enti,
        })
    }

    /// The session at login: in the operator's first ente.
    fn login_info(&self, op: &Operatore, origin: &Origin) -> StoreResult<SessionInfo> {
        let actor = Actor::operatore(op, origin.os_user.clone(), origin.ssh_client.clone());
        self.session_info(op, actor)
    }

    /// Password login (lockout and audit in [`auth::login`]); `now` is unix seconds.
    pub fn login(
        &mut self,
        username: &str,
        password: &str,
        origin: &Origin,
        now: i64,
    ) -> Result<SessionInfo, String> {
        let op =
            auth::login(self.store, username, password, origin, now).map_err(|e| e.to_string())?;
        self.login_info(&op, origin).map_err(|e| e.to_string())
    }

    /// Login as the operator mapped to the OS account (`auth = "system"`).
    pub fn login_system(&mut self, origin: &Origin, now: i64) -> Result<SessionInfo, String> {
        let op = auth::login_system(self.store, origin, now).map_err(|e| e.to_string())?;
        self.login_info(&op, origin).map_err(|e| e.to_string())
    }

    /// The password typed again after the idle lock, for the locked operator.
    pub fn unlock(
        &mut self,
        actor: &Actor,
        password: &str,
        origin: &Origin,
        now: i64,
    ) -> Result<(), String> {
        auth::login(self.store, &actor.username, password, origin, now)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The session as the database knows it now (roles in the session's ente, enti, office); an
    /// error when the account was disabled, or the ente taken from it, meanwhile. The desk asks
    /// every minute.
    pub fn refresh_session(&mut self, actor: &Actor) -> StoreResult<SessionInfo> {
        let live = self.live(actor, Op::Home)?;
        let op = self
            .store
            .operatore_by_username(&live.username)?
            .ok_or_else(|| crate::store::StoreError::Denied(super::ACCOUNT_DISABLED.into()))?;
        self.session_info(&op, live)
    }

    /// Moves the session to `ente`, another of the operator's enti: the roles held there apply
    /// from now on (audited `cambia_ente`). An ente the operator does not work for reads like a
    /// missing one.
    pub fn cambia_ente(&mut self, actor: &Actor, ente: i64) -> StoreResult<SessionInfo> {
        let live = self.guard(actor, Op::CambiaEnte, None, "cambio di ente")?;
        let what = format!("ente {ente}");
        let op = self
            .store
            .operatore_by_username(&live.username)?
            .ok_or_else(|| crate::store::StoreError::NotFound(what.clone()))?;
        let Some(moved) = Actor::operatore_in(
            &op,
            Some(ente),
            live.os_user.clone(),
            live.ssh_client.clone(),
        ) else {
            return Err(self.out_of_scope(&live, Op::CambiaEnte, &what));
        };
        self.store.audit(
            &moved,
            &AuditEvent::new(Op::CambiaEnte.rule().action, Outcome::Ok)
                .on("ente", Some(ente))
                .detail(format!("ruoli={}", moved.roles.codes())),
        )?;
        self.session_info(&op, moved)
    }

    /// The actor of an active operator, for a command run on their behalf (`--operatore`).
    pub fn operatore_actor(
        &self,
        username: &str,
        os_user: Option<String>,
        ssh_client: Option<String>,
    ) -> StoreResult<Option<Actor>> {
        Ok(self
            .store
            .operatore_by_username(username)?
            .filter(|o| o.attivo)
            .map(|o| Actor::operatore(&o, os_user, ssh_client)))
    }

    /// The actor of the active operator mapped to the OS account `os_user` (a CLI command run by
    /// a user who is not an administrator).
    pub fn os_operatore_actor(
        &self,
        os_user: &str,
        ssh_client: Option<String>,
    ) -> StoreResult<Option<Actor>> {
        if os_user.is_empty() {
            return Ok(None);
        }
        Ok(self
            .store
            .operatore_by_os_user(os_user)?
            .filter(|o| o.attivo)
            .map(|o| Actor::operatore(&o, Some(os_user.to_string()), ssh_client)))
    }

    pub fn logout(&mut self, actor: &Actor) -> StoreResult<()> {
        self.store.audit(
            actor,
            &AuditEvent::new(Op::Logout.rule().action, Outcome::Ok),
        )
    }

    /// The home screen: the operator's drafts, the size of the anagrafe, the office counters.
    pub fn home(&mut self, actor: &Actor, today: time::Date) -> StoreResult<HomeData> {
        let actor = self.guard(actor, Op::Home, None, "pagina iniziale")?;
        let drafts = self
            .store
            .list_drafts(actor.operatore_id.unwrap_or_default())?
            .into_iter()
            .map(|d| (d.form, d.record_key, d.saved_at))
            .collect();
        let soggetti = if actor.can(Permission::ReadAnagrafe) {
            self.store.counts()?.soggetti
        } else {
            0
        };
        let contatori = if Op::Contatori.rule().need.allows(&actor) && actor.ente().is_some() {
            Some(self.contatori(&actor, today)?)
        } else {
            None
        };
        let casi = self.contatori_casi(&actor, today)?;
        let recenti = if Op::Search.rule().need.allows(&actor) {
            self.search(&actor, "", None, HOME_RECENT, today)?
        } else {
            Vec::new()
        };
        let erogazioni = if actor.roles.contains(crate::domain::Role::Amministrativo)
            && Op::ListSiuss.rule().need.allows(&actor)
        {
            let (y, m, _) = crate::domain::date::ymd(today);
            let dal = format!("{y:04}-{m:02}-01");
            let al = format!(
                "{y:04}-{m:02}-{:02}",
                crate::domain::date::days_in_month(y, m)
            );
            Some(HomeErogazioni {
                da_confermare: self.store.da_confermare(&actor.enti, &dal, &al)?,
                ultimo_flusso: self.store.siuss_flussi(&actor.enti, 1)?.into_iter().next(),
            })
        } else {
            None
        };
        Ok(HomeData {
            drafts,
            soggetti,
            contatori,
            casi,
            recenti,
            erogazioni,
            in_scadenza: Vec::new(),
            anomalie: self.recent_anomalies(&actor, today)?,
        })
    }
}
