//! Drafts (bozze): what an operator typed and has not saved yet, one per form and record. Each
//! operator reaches only their own; saves are not audited (the operator's own typing, every 2 s),
//! refusals are.

use super::Service;
use super::rules::Op;
use crate::domain::Actor;
use crate::store::{Draft, StoreResult};

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
        self.store.save_draft(id, form, record, content)
    }

    pub fn load_draft(
        &mut self,
        actor: &Actor,
        form: &str,
        record: &str,
    ) -> StoreResult<Option<Draft>> {
        let id = self.draft_owner(actor, Op::LoadDraft)?;
        self.store.load_draft(id, form, record)
    }

    pub fn delete_draft(&mut self, actor: &Actor, form: &str, record: &str) -> StoreResult<()> {
        let id = self.draft_owner(actor, Op::DeleteDraft)?;
        self.store.delete_draft(id, form, record)
    }
}
