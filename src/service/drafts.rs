//! Drafts (bozze): what an operator typed and has not saved yet, one per form and record. Each
//! operator reaches only their own; saves are not audited (the operator's own typing, every 2 s),
//! refusals are. The draft of a new record belongs to the ente of the session ([`draft_key`]): after
//! a change of ente it is not offered, and so not saved, in the other one.

use super::Service;
use super::rules::Op;
use crate::domain::Actor;
use crate::store::{Draft, StoreResult};

/// The stored key of a draft: a new record's (`record` empty) carries the session's ente.
pub fn draft_key(actor: &Actor, record: &str) -> String {
    match actor.ente() {
        Some(ente) if record.is_empty() => format!("@ente-{ente}"),
        _ => record.to_string(),
    }
}

impl Service<'_> {
    /// The operator id of a logged-in actor, after the guard (drafts belong to operators).
    fn draft_owner(&mut self, actor: &Actor, op: Op) -> StoreResult<i64> {
        let actor = self.guard(actor, op, None, "bozza")?;
        actor.operatore_id.ok_or_else(|| {
            crate::store::StoreError::Invalid("le bozze sono degli operatori".into())
        })
    }

    /// Saves (replaces) the draft of `form` for `record` ('' = a new record).
    pub fn save_draft(
        &mut self,
        actor: &Actor,
        form: &str,
        record: &str,
        content: &str,
    ) -> StoreResult<()> {
        let id = self.draft_owner(actor, Op::SaveDraft)?;
        self.store
            .save_draft(id, form, &draft_key(actor, record), content)
    }

    pub fn load_draft(
        &mut self,
        actor: &Actor,
        form: &str,
        record: &str,
    ) -> StoreResult<Option<Draft>> {
        let id = self.draft_owner(actor, Op::LoadDraft)?;
        let key = draft_key(actor, record);
        match self.store.load_draft(id, form, &key)? {
            // A new record's draft saved before drafts carried the ente.
            None if key != record => self.store.load_draft(id, form, record),
            found => Ok(found),
        }
    }

    pub fn delete_draft(&mut self, actor: &Actor, form: &str, record: &str) -> StoreResult<()> {
        let id = self.draft_owner(actor, Op::DeleteDraft)?;
        let key = draft_key(actor, record);
        if key != record {
            self.store.delete_draft(id, form, record)?;
        }
        self.store.delete_draft(id, form, &key)
    }
}
