//! Helpdesk operations: the session recordings and crash reports of the actor's enti (listed, and
//! every opening audited, since a log is personal data too), the recordings requested for an
//! operator's next login, and the pseudonymised copy of the database.
//!
//! A recording or a report belongs to the ente of the operator who was logged in (the header of a
//! requested recording, the first login in other logs, the `ente:` line of a report); one with no
//! ente (nobody logged in, or an older file) belongs to the installation: only the CLI's system
//! account sees it.

use std::path::{Path, PathBuf};

use super::Service;
use super::rules::{Op, in_ente};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::record::files;
pub use crate::store::RichiestaRegistrazione;
use crate::store::{NuovaRichiesta, StoreError, StoreResult};

/// Days a request waits for the operator's login when nothing else is said.
pub const DEFAULT_REQUEST_DAYS: u32 = 7;

/// A recording as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordingInfo {
    pub file: String,
    /// Empty when unknown (a redacted `--record` log, nobody logged in).
    pub operatore: String,
    pub segnalazione: String,
    pub start_ms: i64,
    pub bytes: u64,
    pub redacted: bool,
    pub ente: Option<i64>,
}

/// A requested recording starting with a login.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordingStart {
    pub richiesta: i64,
    pub segnalazione: String,
    pub oscurata: bool,
}

/// The ente a file belongs to, as the guard reads it: no ente is no operator's ente (id 0).
fn owner_ente(ente: Option<i64>) -> Option<i64> {
    Some(ente.unwrap_or(0))
}

impl Service<'_> {
    /// The recordings in `dir` of the actor's enti, oldest first.
    pub fn recordings(&mut self, actor: &Actor, dir: &Path) -> StoreResult<Vec<RecordingInfo>> {
        let actor = self.guard(actor, Op::ListRecordings, None, "registrazioni")?;
        let list = files::list(dir)
            .map_err(|e| StoreError::Unavailable(format!("cartella {}: {e}", dir.display())))?;
        Ok(list
            .into_iter()
            .filter_map(|r| {
                let h = r.header?;
                let (operatore, ente) = files::owner(&r.path, &h);
                Some(RecordingInfo {
                    file: r.path.file_name()?.to_string_lossy().into_owned(),
                    operatore,
                    segnalazione: h.incident,
                    start_ms: h.start_ms,
                    bytes: r.bytes,
                    redacted: h.redacted,
                    ente,
                })
            })
            .filter(|r| in_ente(&actor, r.ente.unwrap_or(0)))
            .collect())
    }

    /// Permits and audits one opening of the recording `name` of `dir` (replay, export, viewer):
    /// its path. A recording of another ente reads like a missing one.
    pub fn open_recording(
        &mut self,
        actor: &Actor,
        dir: &Path,
        name: &str,
    ) -> StoreResult<PathBuf> {
        let what = format!("registrazione {}", crate::sanitize::sanitize(name));
        let path = dir.join(name);
        let plain = Path::new(name).file_name().is_some_and(|f| f == name);
        let header = plain
            .then(|| files::list(dir).ok())
            .flatten()
            .and_then(|l| l.into_iter().find(|r| r.path == path))
            .and_then(|r| r.header);
        let ente = header.as_ref().and_then(|h| files::owner(&path, h).1);
        let actor = self.guard(actor, Op::OpenRecording, owner_ente(ente), &what)?;
        if header.is_none() {
            return Err(StoreError::NotFound(what));
        }
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::OpenRecording.rule().action, Outcome::Ok)
                .detail(crate::sanitize::sanitize(name)),
        )?;
        Ok(path)
    }

    /// The crash reports in `dir` of the actor's enti, oldest first.
    pub fn crash_reports(
        &mut self,
        actor: &Actor,
        dir: &Path,
    ) -> StoreResult<Vec<crate::crash::Summary>> {
        let actor = self.guard(actor, Op::ListCrashReports, None, "segnalazioni di errore")?;
        Ok(crate::crash::reports(dir)
            .into_iter()
            .filter_map(|(id, path)| {
                let text = std::fs::read_to_string(path).ok()?;
                Some(crate::crash::summary(&id, &text))
            })
            .filter(|s| in_ente(&actor, s.ente.unwrap_or(0)))
            .collect())
    }

    /// The text of the crash report `id` of `dir`, sanitised (audited).
    pub fn read_crash_report(
        &mut self,
        actor: &Actor,
        dir: &Path,
        id: &str,
    ) -> StoreResult<String> {
        let what = format!("segnalazione di errore {}", crate::sanitize::sanitize(id));
        let text = crate::crash::reports(dir)
            .into_iter()
            .find(|(i, _)| i == id)
            .and_then(|(_, p)| std::fs::read_to_string(p).ok());
        let ente = text
            .as_ref()
            .and_then(|t| crate::crash::summary(id, t).ente);
        let actor = self.guard(actor, Op::ReadCrashReport, owner_ente(ente), &what)?;
        let text = text.ok_or(StoreError::NotFound(what))?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ReadCrashReport.rule().action, Outcome::Ok)
                .detail(crate::sanitize::sanitize(id)),
        )?;
        Ok(crate::sanitize::sanitize_multiline(&text))
    }

    /// Asks for the next TUI session of operator `username` to be recorded for incident
    /// `segnalazione` (redacted when `oscurata`), within `giorni` days of `now_ms`.
    pub fn request_recording(
        &mut self,
        actor: &Actor,
        username: &str,
        segnalazione: &str,
        oscurata: bool,
        giorni: u32,
        now_ms: i64,
    ) -> StoreResult<i64> {
        let what = format!("operatore {}", crate::sanitize::sanitize(username));
        let target = self
            .store
            .operatore_by_username(username)?
            .filter(|o| o.attivo);
        let ente = target.as_ref().and_then(|o| o.enti.first().copied());
        let actor = self.guard(actor, Op::RequestRecording, owner_ente(ente), &what)?;
        let (Some(target), Some(ente_id)) = (target, ente) else {
            return Err(StoreError::NotFound(what));
        };
        let segnalazione = segnalazione.trim();
        if segnalazione.is_empty() || segnalazione.chars().count() > 40 {
            return Err(StoreError::Invalid(
                "indicare il numero della segnalazione (al più 40 caratteri)".into(),
            ));
        }
        if !(1..=90).contains(&giorni) {
            return Err(StoreError::Invalid(
                "la richiesta vale da 1 a 90 giorni".into(),
            ));
        }
        let scade = crate::domain::date::local_ms(now_ms + i64::from(giorni) * 86_400_000);
        self.store.add_recording_request(
            &actor,
            &NuovaRichiesta {
                operatore_id: target.id,
                ente_id,
                segnalazione: segnalazione.to_string(),
                oscurata,
                scade_at: crate::domain::date::timestamp(scade),
            },
        )
    }

    /// The requests for operators of the actor's enti, newest first.
    pub fn recording_requests(
        &mut self,
        actor: &Actor,
    ) -> StoreResult<Vec<RichiestaRegistrazione>> {
        let actor = self.guard(actor, Op::ListRecordingRequests, None, "richieste")?;
        Ok(self
            .store
            .recording_requests()?
            .into_iter()
            .filter(|r| in_ente(&actor, r.ente_id))
            .collect())
    }

    /// Cancels a request still waiting for the operator's login.
    pub fn cancel_recording_request(&mut self, actor: &Actor, id: i64) -> StoreResult<()> {
        let what = format!("richiesta di registrazione {id}");
        let found = self.store.recording_request(id)?;
        let ente = found.as_ref().map(|r| r.ente_id);
        let actor = self.guard(actor, Op::CancelRecordingRequest, owner_ente(ente), &what)?;
        let r = found.ok_or(StoreError::NotFound(what))?;
        if r.stato != "attesa" {
            return Err(StoreError::Invalid(format!(
                "la richiesta {id} non è più in attesa ({})",
                r.stato
            )));
        }
        self.store.cancel_recording_request(&actor, id, r.version)
    }

    /// At the login of `actor`: the recording the helpdesk requested for them, if one is waiting
    /// and not expired at `now_ms` — taken, so that only this session is recorded (audited with
    /// who requested it).
    pub fn start_requested_recording(
        &mut self,
        actor: &Actor,
        now_ms: i64,
    ) -> StoreResult<Option<RecordingStart>> {
        let actor = self.guard(actor, Op::StartRequestedRecording, None, "registrazione")?;
        let now = crate::domain::date::timestamp(crate::domain::date::local_ms(now_ms));
        Ok(self
            .store
            .take_recording_request(&actor, &now)?
            .map(|r| RecordingStart {
                richiesta: r.id,
                segnalazione: r.segnalazione,
                oscurata: r.oscurata,
            }))
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
