//! Looking after a database: schema migrations, the integrity check, online backups, the demo data.
//! Reserved to who manages the configuration (the CLI's system account); the schema state and the
//! demo flag are metadata without personal data.

use std::path::Path;

use super::Service;
use super::rules::Op;
use crate::domain::{Actor, AuditEvent, Ente, Outcome};
use crate::store::{SchemaStatus, StoreError, StoreResult};

impl Service<'_> {
    /// The schema version of the database against this binary.
    pub fn schema_status(&self) -> StoreResult<SchemaStatus> {
        self.store.schema_status()
    }

    /// Applies the pending migrations (each in its own transaction); the versions applied.
    pub fn migrate(&mut self, actor: &Actor) -> StoreResult<Vec<u32>> {
        let actor = self.guard(actor, Op::Migrate, None, "database")?;
        let applied = self.store.migrate()?;
        self.store.checkpoint()?;
        if !applied.is_empty() {
            let list = applied.iter().map(u32::to_string).collect::<Vec<_>>();
            self.audit_ok(
                &actor,
                AuditEvent::new(Op::Migrate.rule().action, Outcome::Ok)
                    .detail(format!("applicati: {}", list.join(", "))),
            )?;
        }
        Ok(applied)
    }

    /// `integrity_check`, foreign keys, schema version, audit chain: the problems found.
    pub fn check(&mut self, actor: &Actor) -> StoreResult<Vec<String>> {
        self.guard(actor, Op::Check, None, "database")?;
        self.store.check()
    }

    /// An online, verified copy to `dest` while sessions write. An existing `dest` is refused,
    /// unless `replace`: then it is replaced (a regular file only) once the new copy is verified.
    pub fn backup(&mut self, actor: &Actor, dest: &Path, replace: bool) -> StoreResult<()> {
        let actor = self.guard(actor, Op::Backup, None, "database")?;
        // A full disk, an unwritable folder: the copy is what failed, and the message names it.
        let named = |e: StoreError| match e {
            StoreError::Unavailable(m) | StoreError::Db(m) => StoreError::Output(format!(
                "impossibile scrivere la copia «{}»: {m}",
                crate::sanitize::sanitize(&dest.display().to_string())
            )),
            other => other,
        };
        if replace && dest.symlink_metadata().is_ok() {
            let output = |e: std::io::Error| StoreError::Output(e.to_string());
            crate::files::refuse_non_regular(dest).map_err(output)?;
            let fresh = crate::files::temp_beside(dest).map_err(output)?;
            let made = self.store.backup_to(&fresh).map_err(named).and_then(|()| {
                std::fs::rename(&fresh, dest).map_err(|e| {
                    StoreError::Output(format!(
                        "impossibile sostituire «{}»: {e}",
                        crate::sanitize::sanitize(&dest.display().to_string())
                    ))
                })
            });
            if made.is_err() {
                let _ = std::fs::remove_file(&fresh);
            }
            made?;
        } else {
            self.store.backup_to(dest).map_err(named)?;
        }
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::Backup.rule().action, Outcome::Ok)
                .detail(dest.display().to_string()),
        )
    }

    /// Whether this database was created by `sportello demo`.
    pub fn is_demo(&self) -> StoreResult<bool> {
        self.store.is_demo()
    }

    /// Adds the demo's documenti individuali, their files in `archivio` (after [`Service::create_demo`]).
    pub fn demo_documenti(
        &mut self,
        archivio: &crate::service::casi_documenti::Archivio,
    ) -> StoreResult<usize> {
        crate::demo::documenti(self.store, archivio)
    }

    /// Fills a new database with the demo organisation, accounts, `persons` persons, the cases
    /// of the cartella sociale and the erogazioni (with one SIUSS flow sent).
    pub fn create_demo(
        &mut self,
        actor: &Actor,
        persons: usize,
        today: time::Date,
    ) -> StoreResult<crate::demo::DemoSummary> {
        let summary = crate::demo::create_lived_in(self.store, actor, persons, today)?;
        crate::demo::casi(self.store, actor, today)?;
        crate::demo::seguiti::add(self.store, actor, today)?;
        crate::demo::erogazioni::add(self.store, summary.persons, today)?;
        self.store.checkpoint()?;
        Ok(summary)
    }

    /// The ente with this Belfiore code.
    pub fn ente_by_code(&mut self, actor: &Actor, code: &str) -> StoreResult<Option<Ente>> {
        self.guard(actor, Op::ListEnti, None, "enti")?;
        self.store.ente_by_code(code)
    }

    /// The enti of the installation (names and codes: no personal data).
    pub fn enti(&mut self, actor: &Actor) -> StoreResult<Vec<Ente>> {
        self.guard(actor, Op::ListEnti, None, "enti")?;
        self.store.list_enti()
    }
}
