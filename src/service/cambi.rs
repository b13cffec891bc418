//! Live refresh: has another session changed what this one shows? Two steps, so that a session
//! asks the cheap question every tick and the guarded one only when something was committed:
//!
//! 1. the store's commit signal ([`crate::store::ChangesStore::data_version`]; on SQLite `PRAGMA
//!    data_version`), unguarded: a bare number that says nothing about any record;
//! 2. when it moved, the business-change counter ([`Service::modifiche`], guarded like every
//!    operation). Audit rows and session heartbeats move the signal but not the counter, so that
//!    a search audited or a heartbeat in another session does not make every list reload.
//!
//! And one more question for a form on show: the version of its scheda, so that it is reloaded
//! when clean and the operator warned when it holds unsaved changes.

use super::Service;
use super::rules::Op;
use crate::domain::Actor;
use crate::store::StoreResult;

/// The answer to [`Service::cambi`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cambi {
    /// The commit signal now: pass it back as `visto` next time.
    pub versione: i64,
    /// The business-change counter, read only when the signal moved since `visto` (or on the
    /// first call).
    pub modifiche: Option<i64>,
}

impl Service<'_> {
    /// Whether anything was committed by another session since the signal `visto`; if so, the
    /// business-change counter as it is now.
    pub fn cambi(&mut self, actor: &Actor, visto: Option<i64>) -> StoreResult<Cambi> {
        let versione = self.store.data_version()?;
        if visto == Some(versione) {
            return Ok(Cambi {
                versione,
                modifiche: None,
            });
        }
        let modifiche = Some(self.modifiche(actor)?);
        Ok(Cambi {
            versione,
            modifiche,
        })
    }

    /// The version of scheda `id` as stored now (not an audited read: the number only, for a form
    /// that shows it); `None` once it is deleted.
    pub fn versione_scheda(&mut self, actor: &Actor, id: i64) -> StoreResult<Option<i64>> {
        let actor = self.guard(actor, Op::Changes, None, "modifiche")?;
        match self.scheda_in_scope(&actor, id, Op::ReadScheda) {
            Ok(s) if s.deleted_reason.is_none() => Ok(Some(s.edit.version)),
            Ok(_) | Err(crate::store::StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::prelude::*;
    use crate::store::sqlite::SqliteStore;

    #[test]
    fn the_counter_is_read_only_when_another_session_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let mut a = SqliteStore::create(&path).unwrap();
        let mut b = SqliteStore::open(&path).unwrap();
        let actor = Actor::system(None, None);
        let mut svc = Service::new(&mut a);
        let first = svc.cambi(&actor, None).unwrap();
        assert_eq!(first.modifiche, Some(0));
        let quiet = svc.cambi(&actor, Some(first.versione)).unwrap();
        assert_eq!(
            quiet,
            Cambi {
                versione: first.versione,
                modifiche: None
            }
        );
        b.set_setting("x", "1").unwrap();
        let moved = svc.cambi(&actor, Some(first.versione)).unwrap();
        assert_ne!(moved.versione, first.versione);
        // A commit that is not business data: the counter is read and has not moved.
        assert_eq!(moved.modifiche, Some(0));
    }
}
