//! Looking after a database: schema migrations, the integrity check, the demo data (backups and
//! restores: [`super::backup`]).
//! Reserved to who manages the configuration (the CLI's system account); the schema state and the
//! demo flag are metadata without personal data.

use super::Service;
use super::rules::Op;
use crate::domain::{Actor, AuditEvent, Ente, Outcome};
use crate::store::{SchemaStatus, StoreResult};

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
    /// of the cartella sociale, the richieste of the recent schede with the offices' settings, the
    /// organisations of the territory and schede sent between the offices, and
    /// the erogazioni (with one SIUSS flow sent, its compressed copy
    /// in `data_dir/siuss` as a real export keeps it; `None`: no data folder, no copy).
    pub fn create_demo(
        &mut self,
        actor: &Actor,
        persons: usize,
        today: time::Date,
        data_dir: Option<&std::path::Path>,
    ) -> StoreResult<crate::demo::DemoSummary> {
        let summary = crate::demo::create_lived_in(self.store, actor, persons, today)?;
        crate::demo::casi(self.store, actor, today)?;
        crate::demo::seguiti::add(self.store, actor, today)?;
        let archivio = data_dir.map(|d| d.join("siuss"));
        crate::demo::erogazioni::add(self.store, summary.persons, today, archivio)?;
        let uffici = &summary.uffici[..3.min(summary.uffici.len())];
        crate::demo::richieste::add(self.store, actor, (&summary.enti, uffici), today)?;
        crate::demo::organizzazioni::add(self.store, actor, &summary.enti, uffici)?;
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
