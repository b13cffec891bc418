//! Retention: legal holds and the purge of login attempts, drafts and audit rows past their period.

use super::audit::append_audit;
use super::{SqliteStore, now_text};
use crate::domain::retention::{Cutoffs, Purged};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::params;
use crate::store::{BloccoLegale, RetentionStore, StoreError, StoreResult};

/// The audit rows before `?1`: id, hash, and whether they concern a person or case under legal
/// hold — the rows `accessi` shows for a person: their anagrafe record, schede, proposals, case.
const AUDIT_BEFORE: &str = "
    WITH p(id) AS (
        SELECT entity_id FROM blocco_legale WHERE entity = 'soggetto'
        UNION SELECT soggetto_id FROM presa_in_carico
              WHERE id IN (SELECT entity_id FROM blocco_legale WHERE entity = 'caso')),
    c(id) AS (
        SELECT entity_id FROM blocco_legale WHERE entity = 'caso'
        UNION SELECT id FROM presa_in_carico WHERE soggetto_id IN (SELECT id FROM p))
    SELECT a.id, a.hash, CASE WHEN
           (a.entity = 'soggetto' AND a.entity_id IN (SELECT id FROM p))
        OR (a.entity = 'scheda' AND a.entity_id IN
              (SELECT id FROM scheda WHERE soggetto_id IN (SELECT id FROM p)))
        OR (a.entity = 'proposta' AND a.entity_id IN
              (SELECT id FROM proposta_pic WHERE soggetto_id IN (SELECT id FROM p)))
        OR (a.entity = 'caso' AND a.entity_id IN (SELECT id FROM c)) THEN 1 ELSE 0 END
    FROM audit_log a WHERE a.at < ?1 ORDER BY a.id";

impl RetentionStore for SqliteStore {
    fn purge(&mut self, cutoffs: &Cutoffs, dry_run: bool) -> StoreResult<Purged> {
        let anchored = self.anchored_id();
        self.write_sql_with(!dry_run, |tx| {
            let mut out = Purged {
                login_attempts: tx.execute(
                    "DELETE FROM login_attempt WHERE at < ?1",
                    [cutoffs.login_before],
                )?,
                drafts: tx.execute(
                    "DELETE FROM bozza WHERE saved_at < ?1",
                    [&cutoffs.drafts_before],
                )?,
                ..Default::default()
            };
            let rows: Vec<(i64, String, bool)> = tx
                .prepare(AUDIT_BEFORE)?
                .query_map([&cutoffs.audit_before], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect::<Result<_, _>>()?;
            // The head of the chain and the row the anchor file records always stay (`check`
            // compares them), and so does every row after them.
            let head: i64 = tx.query_row("SELECT max(id) FROM audit_log", (), |r| r.get(0))?;
            let head = anchored.map_or(head, |a| a.min(head));
            // Runs of consecutive ids with no held row among them.
            let mut runs: Vec<(i64, i64, String)> = Vec::new();
            for (id, hash, held) in rows {
                if id >= head {
                    break;
                }
                if held {
                    out.audit_held += usize::from(held);
                    runs.push((0, -1, String::new()));
                    continue;
                }
                out.audit_rows += 1;
                match runs.last_mut() {
                    Some(run) if run.1 + 1 == id && run.1 >= 0 => {
                        run.1 = id;
                        run.2 = hash;
                    }
                    _ => runs.push((id, id, hash)),
                }
            }
            let now = now_text();
            for (dal, al, hash) in runs.iter().filter(|r| r.1 >= r.0) {
                tx.execute(
                    "INSERT INTO audit_purga (dal, al, ultimo_hash, at) VALUES (?1, ?2, ?3, ?4)",
                    params![dal, al, hash, now],
                )?;
                tx.execute(
                    "DELETE FROM audit_log WHERE id BETWEEN ?1 AND ?2",
                    params![dal, al],
                )?;
            }
            Ok(out)
        })
    }

    fn set_legal_hold(
        &mut self,
        actor: &Actor,
        entity: &str,
        id: i64,
        motivo: Option<&str>,
    ) -> StoreResult<()> {
        let table = match entity {
            "soggetto" => "soggetto",
            "caso" => "presa_in_carico",
            other => return Err(StoreError::Invalid(format!("blocco legale su «{other}»"))),
        };
        self.write_sql(|tx| {
            let exists: bool = tx.query_row(
                &format!("SELECT count(*) > 0 FROM {table} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::NotFound(format!("{entity} {id}")));
            }
            let changed = match motivo {
                Some(m) => tx.execute(
                    "INSERT INTO blocco_legale (entity, entity_id, motivo, created_at, created_by)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (entity, entity_id) DO UPDATE SET motivo = excluded.motivo",
                    params![entity, id, m, now_text(), super::who(actor)],
                )?,
                None => tx.execute(
                    "DELETE FROM blocco_legale WHERE entity = ?1 AND entity_id = ?2",
                    params![entity, id],
                )?,
            };
            let what = match (motivo, changed) {
                (Some(_), _) => "blocco legale posto",
                (None, 0) => "nessun blocco legale da togliere",
                (None, _) => "blocco legale tolto",
            };
            append_audit(
                tx,
                actor,
                &AuditEvent::new("blocco_legale", Outcome::Ok)
                    .on(entity, Some(id))
                    .detail(what),
            )
        })
    }

    fn legal_holds(&self) -> StoreResult<Vec<BloccoLegale>> {
        let mut stmt = self.sql().prepare(
            "SELECT entity, entity_id, motivo, created_at, created_by FROM blocco_legale
             ORDER BY created_at, entity, entity_id",
        )?;
        stmt.query_map((), |r| {
            Ok(BloccoLegale {
                entity: r.get(0)?,
                entity_id: r.get(1)?,
                motivo: r.get(2)?,
                created_at: r.get(3)?,
                created_by: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()
    }
}
