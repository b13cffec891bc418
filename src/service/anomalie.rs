//! Access anomalies (the Garante's alerting on health and social records): an operator who reads
//! more persons, schede or cases in one hour than the configured threshold is recorded in the audit
//! log (`anomalia_letture`, one row per operator and hour), and the administrators see the recent
//! ones on their home screen.

use time::{Duration, OffsetDateTime};

use super::Service;
use super::rules::Op;
use crate::domain::{Actor, AuditEvent, Outcome, date};
use crate::store::{Letture, StoreResult};

/// Distinct records an operator may read in an hour before it is an anomaly (the default of
/// `anomaly_reads_per_hour`).
pub const DEFAULT_THRESHOLD: u32 = 100;

/// The reads that count: a person's card, a scheda, a case.
const READS: [Op; 3] = [Op::ReadPersona, Op::ReadScheda, Op::ReadCaso];

/// How far back a scan looks (an hourly timer that missed a few runs still catches up).
const SCAN_HOURS: i64 = 48;

/// How long the home screen shows an anomaly.
const SHOWN_DAYS: i64 = 7;

fn action() -> &'static str {
    Op::ScanAnomalies.rule().action
}

impl Service<'_> {
    /// Records the anomalies of the last hours not recorded yet: the operators who read more than
    /// `threshold` distinct persons, schede or cases in an hour. Returns them.
    pub fn scan_anomalies(
        &mut self,
        actor: &Actor,
        threshold: u32,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<Letture>> {
        let actor = self.guard(actor, Op::ScanAnomalies, None, "registro degli accessi")?;
        let since = date::timestamp(now - Duration::hours(SCAN_HOURS));
        let actions: Vec<&str> = READS.iter().map(|o| o.rule().action).collect();
        let found = self
            .store
            .reads_over(&since, &actions, i64::from(threshold), action())?;
        for l in &found {
            self.audit_ok(
                &actor,
                AuditEvent::new(action(), Outcome::Ok)
                    .on("operatore", Some(l.operatore_id))
                    .section(&l.ora)
                    .detail(format!(
                        "{}: {} persone, schede o casi letti in un'ora (soglia {threshold})",
                        l.username, l.n
                    )),
            )?;
        }
        Ok(found)
    }

    /// The anomalies of the last days, newest first, as the home screen shows them (for those who
    /// read the audit log; nobody else).
    pub(crate) fn recent_anomalies(
        &self,
        actor: &Actor,
        today: time::Date,
    ) -> StoreResult<Vec<String>> {
        if !actor.can(crate::domain::Permission::ReadAudit) {
            return Ok(Vec::new());
        }
        let since = date::timestamp((today - Duration::days(SHOWN_DAYS)).midnight().assume_utc());
        Ok(self
            .store
            .audit_since(action(), &since)?
            .into_iter()
            .map(|r| {
                format!(
                    "{} {}",
                    date::stored_local(&r.at),
                    r.event.detail.unwrap_or_default()
                )
            })
            .collect())
    }
}
