//! Login attempts: one row per attempt (known user or not) with its audit row, and the failures
//! the lockout counts.

use rusqlite::params;

use super::SqliteStore;
use super::audit::append_audit;
use crate::domain::{Actor, AuditEvent, Outcome, RoleSet};
use crate::store::{LoginAttempt, LoginResult, LoginStore, StoreResult};

impl LoginStore for SqliteStore {
    fn record_login(
        &mut self,
        attempt: &LoginAttempt,
        operatore_id: Option<i64>,
    ) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO login_attempt (at, username, result, os_user, ssh_client) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    attempt.at,
                    attempt.username,
                    attempt.result.as_str(),
                    attempt.os_user,
                    attempt.ssh_client
                ],
            )?;
            let actor = Actor {
                operatore_id,
                // Bounded: an attacker's 10,000-character username does not bloat the log.
                username: attempt.username.chars().take(64).collect(),
                roles: RoleSet::default(),
                enti: Vec::new(),
                ufficio_id: None,
                os_user: attempt.os_user.clone(),
                ssh_client: attempt.ssh_client.clone(),
            };
            let outcome = match attempt.result {
                LoginResult::Ok => Outcome::Ok,
                LoginResult::Failed => Outcome::Failed,
                LoginResult::Locked => Outcome::Denied,
            };
            append_audit(tx, &actor, &AuditEvent::new("login", outcome).on("operatore", operatore_id))
        })
    }

    fn login_failures_since(&self, username: &str, since: i64) -> StoreResult<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at FROM login_attempt
             WHERE username = ?1 AND at >= ?2 AND result = 'fallito'
               AND at > coalesce((SELECT max(at) FROM login_attempt WHERE username = ?1 AND result = 'ok'), -1)
             ORDER BY at, id",
        )?;
        Ok(stmt
            .query_map(params![username, since], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }
}
