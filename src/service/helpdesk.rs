//! Helpdesk operations: opening a session recording (every opening audited, since a log is personal
//! data too) and the pseudonymised copy of the database.

use std::path::Path;

use super::Service;
use super::rules::Op;
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::{StoreError, StoreResult};

impl Service<'_> {
    /// Permits and audits one opening of the recording `name` (replay, export, in-app viewer).
    pub fn open_recording(&mut self, actor: &Actor, name: &str) -> StoreResult<()> {
        let actor = self.guard(actor, Op::OpenRecording, None, "registrazione")?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::OpenRecording.rule().action, Outcome::Ok)
                .detail(crate::sanitize::sanitize(name)),
        )
    }

    /// A pseudonymised copy at `dest` with a fresh key that is never stored; row counts by table.
    /// Refused while any column of the database has no pseudonymisation rule.
    pub fn anonymize(&mut self, actor: &Actor, dest: &Path) -> StoreResult<Vec<(String, i64)>> {
        let actor = self.guard(actor, Op::Anonymize, None, "database")?;
        let mut key = [0u8; 32];
        use std::io::Read;
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut key))
            .map_err(|e| StoreError::Unavailable(format!("chiave casuale non disponibile: {e}")))?;
        let counts = self.store.anonymize_to(dest, &key)?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::Anonymize.rule().action, Outcome::Ok)
                .detail(dest.display().to_string()),
        )?;
        Ok(counts)
    }
}
