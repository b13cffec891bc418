//! Retention: how long each class of data is kept (the `[retention]` table of the configuration,
//! GDPR art. 5(1)(e)), the cut-off times of a purge, and when a draft expires.

use time::{Date, Duration, OffsetDateTime};

use super::date;

/// The shortest period audit rows are kept: access logs of health and social records, 24 months
/// (Garante, dossier sanitario).
pub const AUDIT_MIN_MONTHS: u32 = 24;

/// How long each class of data is kept. Recordings follow `recording_days` (its own key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Login attempts (the lockout needs minutes; the audit keeps the logins themselves).
    pub login_days: u32,
    /// Drafts not taken up again.
    pub draft_days: u32,
    /// The home screen tells the operator this many days before a draft expires.
    pub draft_warning_days: u32,
    /// Crash reports.
    pub crash_days: u32,
    /// Audit rows; never fewer than [`AUDIT_MIN_MONTHS`].
    pub audit_months: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            login_days: 180,
            draft_days: 30,
            draft_warning_days: 7,
            crash_days: 90,
            audit_months: AUDIT_MIN_MONTHS,
        }
    }
}

/// What a purge removes: rows written before these times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cutoffs {
    /// Unix seconds (`login_attempt.at`).
    pub login_before: i64,
    /// Stored timestamps ([`date::timestamp`]).
    pub drafts_before: String,
    pub audit_before: String,
}

/// How much a purge removed (or, in a dry run, would remove), by class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub login_attempts: usize,
    pub drafts: usize,
    pub audit_rows: usize,
    /// Audit rows past their period kept because they concern a person or case under legal hold.
    pub audit_held: usize,
    pub recordings: usize,
    pub crash_reports: usize,
}

/// `at` moved back by `months` calendar months (the day clamped to the month's length).
fn months_before(at: OffsetDateTime, months: u32) -> OffsetDateTime {
    let (y, m, d) = date::ymd(at.date());
    let total = y * 12 + i32::from(m) - 1 - months as i32;
    let (y, m) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let d = d.min(date::days_in_month(y, m));
    date::from_ymd((y, m, d)).map_or(at, |day| at.replace_date(day))
}

impl Retention {
    /// The policy with the audit period raised to the legal minimum.
    pub fn checked(self) -> Retention {
        Retention {
            audit_months: self.audit_months.max(AUDIT_MIN_MONTHS),
            ..self
        }
    }

    /// The cut-offs of a purge run at `now`.
    pub fn cutoffs(&self, now: OffsetDateTime) -> Cutoffs {
        let days = |n: u32| now - Duration::days(i64::from(n));
        Cutoffs {
            login_before: days(self.login_days).unix_timestamp(),
            drafts_before: date::timestamp(days(self.draft_days)),
            audit_before: date::timestamp(months_before(now, self.checked().audit_months)),
        }
    }

    /// The day a draft saved at `saved_at` (a stored timestamp) is purged; `None` when unreadable.
    pub fn draft_expires(&self, saved_at: &str) -> Option<Date> {
        let day = date::parse_iso(saved_at.get(..10)?)?;
        day.checked_add(Duration::days(i64::from(self.draft_days)))
    }

    /// Whether the operator is told on `today` that a draft saved at `saved_at` expires soon.
    pub fn draft_expiring(&self, saved_at: &str, today: Date) -> Option<Date> {
        self.draft_expires(saved_at)
            .filter(|d| *d <= today + Duration::days(i64::from(self.draft_warning_days)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn cutoffs_and_draft_expiry() {
        let policy = Retention::default();
        let now = datetime!(2026-12-01 10:00 UTC);
        let c = policy.cutoffs(now);
        assert_eq!(c.drafts_before, "2026-11-01T10:00:00.000Z");
        assert_eq!(c.audit_before, "2024-12-01T10:00:00.000Z");
        assert_eq!(c.login_before, now.unix_timestamp() - 180 * 86_400);
        // The audit period never goes below the legal minimum; month ends clamp.
        let short = Retention {
            audit_months: 3,
            ..policy
        };
        assert_eq!(short.cutoffs(now).audit_before, "2024-12-01T10:00:00.000Z");
        let long = Retention {
            audit_months: 27,
            ..policy
        };
        let c = long.cutoffs(datetime!(2027-05-31 08:00 UTC));
        assert_eq!(c.audit_before, "2025-02-28T08:00:00.000Z");
        // A draft of 5 November expires on 5 December: told from 28 November.
        let saved = "2026-11-05T09:30:00.000Z";
        assert_eq!(policy.draft_expires(saved), Some(date!(2026 - 12 - 05)));
        assert_eq!(policy.draft_expiring(saved, date!(2026 - 11 - 27)), None);
        assert_eq!(
            policy.draft_expiring(saved, date!(2026 - 11 - 28)),
            Some(date!(2026 - 12 - 05))
        );
    }
}
