//! Login attempts: one row per attempt (known user or not) with its audit row, and the lockout's
//! reservation: a password attempt is counted, in the same `BEGIN IMMEDIATE` transaction that reads
//! the count, before the password is verified.

use super::SqliteStore;
use super::audit::append_audit;
use crate::domain::{Actor, AuditEvent, Outcome, RoleSet};
use crate::store::sql::{Sql, params};
use crate::store::{LoginAttempt, LoginResult, LoginStore, StoreResult};

/// The actor of an attempt's audit row.
fn attempt_actor(attempt: &LoginAttempt, operatore_id: Option<i64>) -> Actor {
    Actor {
        operatore_id,
        // Bounded: an attacker's 10,000-character username does not bloat the log.
        username: attempt.username.chars().take(64).collect(),
        roles: RoleSet::default(),
        enti: Vec::new(),
        ufficio_id: None,
        os_user: attempt.os_user.clone(),
        ssh_client: attempt.ssh_client.clone(),
        ruoli: Vec::new(),
    }
}

fn outcome(result: LoginResult) -> Outcome {
    match result {
        LoginResult::Ok => Outcome::Ok,
        LoginResult::Failed => Outcome::Failed,
        LoginResult::Locked => Outcome::Denied,
    }
}

fn insert_attempt(tx: &Sql<'_>, attempt: &LoginAttempt) -> StoreResult<i64> {
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
    tx.last_insert_rowid()
}

/// Times (unix seconds, ascending) of the failed attempts for `username` at or after `since` and
/// after its last successful login.
fn failures_since(tx: &Sql<'_>, username: &str, since: i64) -> StoreResult<Vec<i64>> {
    let mut stmt = tx.prepare_cached(
        "SELECT at FROM login_attempt
         WHERE username = ?1 AND at >= ?2 AND result = 'fallito'
           AND at > coalesce((SELECT max(at) FROM login_attempt WHERE username = ?1 AND result = 'ok'), -1)
         ORDER BY at, id",
    )?;
    stmt.query_map(params![username, since], |r| r.get(0))?
        .collect::<Result<_, _>>()
}

impl LoginStore for SqliteStore {
    fn record_login(
        &mut self,
        attempt: &LoginAttempt,
        operatore_id: Option<i64>,
    ) -> StoreResult<()> {
        self.write_sql(|tx| {
            insert_attempt(tx, attempt)?;
            append_audit(
                tx,
                &attempt_actor(attempt, operatore_id),
                &AuditEvent::new("login", outcome(attempt.result)).on("operatore", operatore_id),
            )
        })
    }

    fn reserve_login(
        &mut self,
        attempt: &LoginAttempt,
        since: i64,
        locked: &dyn Fn(&[i64]) -> bool,
    ) -> StoreResult<Option<i64>> {
        self.write_sql(|tx| {
            if locked(&failures_since(tx, &attempt.username, since)?) {
                let refused = LoginAttempt {
                    result: LoginResult::Locked,
                    ..attempt.clone()
                };
                insert_attempt(tx, &refused)?;
                append_audit(
                    tx,
                    &attempt_actor(attempt, None),
                    &AuditEvent::new("login", Outcome::Denied).detail("utente bloccato"),
                )?;
                return Ok(None);
            }
            let reserved = LoginAttempt {
                result: LoginResult::Failed,
                ..attempt.clone()
            };
            insert_attempt(tx, &reserved).map(Some)
        })
    }

    fn finish_login(
        &mut self,
        id: i64,
        attempt: &LoginAttempt,
        operatore_id: Option<i64>,
        detail: &str,
    ) -> StoreResult<()> {
        self.write_sql(|tx| {
            tx.execute(
                "UPDATE login_attempt SET result = ?2 WHERE id = ?1",
                params![id, attempt.result.as_str()],
            )?;
            let mut event =
                AuditEvent::new("login", outcome(attempt.result)).on("operatore", operatore_id);
            if !detail.is_empty() {
                event = event.detail(detail);
            }
            append_audit(tx, &attempt_actor(attempt, operatore_id), &event)
        })
    }
}
