//! Retention: `purge` applies the policy of the configuration ([`Retention`]) to the database
//! (login attempts, drafts, audit rows) and to the files (session recordings, crash reports);
//! legal holds keep a person or a case out of it.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::Service;
use super::rules::Op;
use crate::domain::retention::{Purged, Retention};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::{BloccoLegale, StoreError, StoreResult};

/// Where the files a purge looks at are, and how long recordings are kept (`recording_days`).
#[derive(Debug, Clone)]
pub struct PurgeFiles {
    pub recording_dir: PathBuf,
    pub recording_days: u32,
    pub crash_dir: PathBuf,
}

/// What a legal hold is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    Soggetto(i64),
    Caso(i64),
}

impl Held {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Held::Soggetto(id) => ("soggetto", id),
            Held::Caso(id) => ("caso", id),
        }
    }
}

/// The files among `paths` last written more than `days` days before `now`.
fn expired(paths: Vec<PathBuf>, days: u32, now: SystemTime) -> Vec<PathBuf> {
    let limit = Duration::from_secs(u64::from(days) * 86_400);
    paths
        .into_iter()
        .filter(|p| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > limit))
        })
        .collect()
}

fn remove(paths: &[PathBuf], dry_run: bool) -> StoreResult<usize> {
    if !dry_run {
        for p in paths {
            std::fs::remove_file(p).map_err(|e| {
                StoreError::Output(format!(
                    "impossibile eliminare {}: {e}",
                    crate::sanitize::sanitize(&p.display().to_string())
                ))
            })?;
        }
    }
    Ok(paths.len())
}

fn listed(dir: &Path) -> StoreResult<Vec<PathBuf>> {
    crate::record::files::list(dir)
        .map(|v| v.into_iter().map(|r| r.path).collect())
        .map_err(|e| StoreError::Output(format!("cartella {}: {e}", dir.display())))
}

impl Service<'_> {
    /// Applies `policy` at `now`: removes what is past its period (counts only with `dry_run`).
    /// One audit row with the counts, dry runs included.
    pub fn purge(
        &mut self,
        actor: &Actor,
        policy: &Retention,
        files: &PurgeFiles,
        now: time::OffsetDateTime,
        dry_run: bool,
    ) -> StoreResult<Purged> {
        let actor = self.guard(actor, Op::Purge, None, "dati scaduti")?;
        let mut out = self.store.purge(&policy.cutoffs(now), dry_run)?;
        let at = SystemTime::from(now);
        let recordings = expired(listed(&files.recording_dir)?, files.recording_days, at);
        out.recordings = remove(&recordings, dry_run)?;
        let crashes = crate::crash::reports(&files.crash_dir)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        out.crash_reports = remove(&expired(crashes, policy.crash_days, at), dry_run)?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::Purge.rule().action, Outcome::Ok).detail(format!(
                "{}tentativi di accesso {}, bozze {}, righe di audit {} ({} in blocco legale), registrazioni {}, segnalazioni di errore {}",
                if dry_run { "prova: " } else { "" },
                out.login_attempts,
                out.drafts,
                out.audit_rows,
                out.audit_held,
                out.recordings,
                out.crash_reports
            )),
        )?;
        Ok(out)
    }

    /// Puts (`Some(motivo)`, not empty) or lifts (`None`) a legal hold on a person or a case.
    pub fn set_legal_hold(
        &mut self,
        actor: &Actor,
        on: Held,
        motivo: Option<&str>,
    ) -> StoreResult<()> {
        let (entity, id) = on.parts();
        let actor = self.guard(actor, Op::LegalHold, None, &format!("{entity} {id}"))?;
        let motivo = motivo.map(str::trim);
        if motivo == Some("") {
            return Err(StoreError::Invalid(
                "indicare il motivo del blocco legale".into(),
            ));
        }
        self.store.set_legal_hold(&actor, entity, id, motivo)
    }

    /// Every legal hold.
    pub fn legal_holds(&mut self, actor: &Actor) -> StoreResult<Vec<BloccoLegale>> {
        self.guard(actor, Op::LegalHold, None, "blocchi legali")?;
        self.store.legal_holds()
    }
}
