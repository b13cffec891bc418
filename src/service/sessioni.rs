//! Live sessions: each desk session registers itself and sends a heartbeat (which brings back the
//! notice in force and whether an administrator asked it to end); the administrator lists the
//! open sessions, ends one, sends a notice to all; `migrate` refuses while sessions are open.

use super::Service;
use super::rules::Op;
use crate::domain::Actor;
use crate::domain::sessione::{Avviso, NuovaSessione, Segnale, SessioneAttiva, testo_avviso};
use crate::store::{StoreError, StoreResult};

/// How recent a notice must be for `migrate --force` to go ahead with sessions open.
pub const AVVISO_PRIMA_DI_MIGRATE_MS: i64 = 60 * 60_000;

impl Service<'_> {
    /// The actor's session is alive on `schermata` (registered at the first heartbeat, `id` None):
    /// what it must know. An unknown or closed session reports `NotFound`.
    pub fn segnale_sessione(
        &mut self,
        actor: &Actor,
        id: Option<i64>,
        nuova: &NuovaSessione,
        now_ms: i64,
    ) -> StoreResult<Segnale> {
        let actor = self.guard(actor, Op::SessionHeartbeat, None, "sessione")?;
        let operatore = actor.operatore_id.unwrap_or_default();
        let nuova = NuovaSessione {
            ente_id: nuova.ente_id.or(actor.ente()),
            ..nuova.clone()
        };
        let id = match id {
            Some(id) => id,
            None => self.store.apri_sessione(&actor, &nuova, now_ms)?,
        };
        self.store.segnale_sessione(id, operatore, &nuova, now_ms)
    }

    /// The actor's session ends (logout or quit).
    pub fn chiudi_sessione(&mut self, actor: &Actor, id: i64, now_ms: i64) -> StoreResult<()> {
        let actor = self.guard(actor, Op::SessionHeartbeat, None, "sessione")?;
        self.store
            .chiudi_sessione(id, actor.operatore_id.unwrap_or_default(), now_ms)
    }

    /// The sessions open now, oldest first.
    pub fn sessioni_attive(
        &mut self,
        actor: &Actor,
        now_ms: i64,
    ) -> StoreResult<Vec<SessioneAttiva>> {
        self.guard(actor, Op::ListSessions, None, "sessioni attive")?;
        self.store.sessioni_attive(now_ms)
    }

    /// Asks a session to end: at its next heartbeat it saves its drafts and logs out.
    pub fn termina_sessione(&mut self, actor: &Actor, id: i64, now_ms: i64) -> StoreResult<()> {
        let actor = self.guard(actor, Op::EndSession, None, "sessione")?;
        self.store
            .termina_sessione(&actor, id, now_ms)
            .map_err(|e| match e {
                StoreError::NotFound(_) => {
                    StoreError::NotFound(format!("la sessione {id} non è aperta"))
                }
                e => e,
            })
    }

    /// A notice shown in every session's status bar for `minuti` minutes.
    pub fn invia_avviso(
        &mut self,
        actor: &Actor,
        testo: &str,
        minuti: i64,
        now_ms: i64,
    ) -> StoreResult<Avviso> {
        let actor = self.guard(actor, Op::Broadcast, None, "avviso")?;
        let testo = testo_avviso(testo).map_err(StoreError::Invalid)?;
        self.store.invia_avviso(&actor, &testo, minuti, now_ms)
    }

    /// Withdraws the notice in force; whether there was one.
    pub fn revoca_avviso(&mut self, actor: &Actor, now_ms: i64) -> StoreResult<bool> {
        let actor = self.guard(actor, Op::Broadcast, None, "avviso")?;
        self.store.revoca_avviso(&actor, now_ms)
    }

    /// Whether `migrate` may run now: no session open, or `force` after a notice sent within the
    /// last hour. The refusal says what to do, in Italian.
    pub fn migrate_allowed(&mut self, force: bool, now_ms: i64) -> StoreResult<()> {
        let open = self.store.sessioni_attive(now_ms)?;
        if open.is_empty() {
            return Ok(());
        }
        let who = open
            .iter()
            .take(5)
            .map(|s| s.username.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let more = if open.len() > 5 { ", …" } else { "" };
        if !force {
            return Err(StoreError::Invalid(format!(
                "{} sessioni aperte ({who}{more}): avvisare gli operatori (sportello broadcast \"…\") \
                 e riprovare con --force",
                open.len()
            )));
        }
        let recent = self
            .store
            .avviso(now_ms)?
            .is_some_and(|a| now_ms - a.dal_ms <= AVVISO_PRIMA_DI_MIGRATE_MS);
        if recent {
            Ok(())
        } else {
            Err(StoreError::Invalid(format!(
                "{} sessioni aperte ({who}{more}): --force solo dopo un avviso agli operatori \
                 (sportello broadcast \"…\") inviato nell'ultima ora",
                open.len()
            )))
        }
    }
}
