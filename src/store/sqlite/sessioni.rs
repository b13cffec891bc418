//! SQLite side of the live sessions and of the notices to every session.

use super::audit::append_audit;
use super::{SqliteStore, who};
use crate::domain::sessione::{Avviso, NuovaSessione, SCADENZA_MS, Segnale, SessioneAttiva};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, Row, params};
use crate::store::{SessioniStore, StoreError, StoreResult};

const AVVISO: &str = "SELECT id, testo, dal_ms, al_ms, created_by FROM avviso
     WHERE revocato_ms IS NULL AND dal_ms <= ?1 AND al_ms > ?1 ORDER BY id DESC LIMIT 1";

fn avviso_from(r: &Row) -> StoreResult<Avviso> {
    Ok(Avviso {
        id: r.get(0)?,
        testo: r.get(1)?,
        dal_ms: r.get(2)?,
        al_ms: r.get(3)?,
        created_by: r.get(4)?,
    })
}

impl SessioniStore for SqliteStore {
    fn apri_sessione(&mut self, actor: &Actor, s: &NuovaSessione, now_ms: i64) -> StoreResult<i64> {
        let operatore = actor
            .operatore_id
            .ok_or_else(|| StoreError::Invalid("sessione senza operatore".into()))?;
        self.write_sql(|tx| {
            tx.execute(
                "INSERT INTO sessione (operatore_id, ente_id, inizio_ms, segnale_ms, schermata, os_user, ssh_client,
                     host, pid)
                 VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![operatore, s.ente_id, now_ms, s.schermata, actor.os_user, actor.ssh_client, s.host, s.pid],
            )?;
            tx.last_insert_rowid()
        })
    }

    fn segnale_sessione(
        &mut self,
        id: i64,
        operatore_id: i64,
        s: &NuovaSessione,
        now_ms: i64,
    ) -> StoreResult<Segnale> {
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE sessione SET segnale_ms = ?3, schermata = ?4, ente_id = coalesce(?5, ente_id)
                 WHERE id = ?1 AND operatore_id = ?2 AND chiusa_ms IS NULL",
                params![id, operatore_id, now_ms, s.schermata, s.ente_id],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("sessione {id}")));
            }
            let termina_da = tx.query_row(
                "SELECT termina_da FROM sessione WHERE id = ?1 AND termina_ms IS NOT NULL",
                [id],
                |r| r.get::<_, Option<String>>(0),
            );
            let termina_da = termina_da.optional()?.map(Option::unwrap_or_default);
            let avviso = tx
                .query_row(AVVISO, [now_ms], avviso_from)
                .optional()?
                .map(|a| a.testo);
            Ok(Segnale {
                id,
                termina_da,
                avviso,
            })
        })
    }

    fn chiudi_sessione(&mut self, id: i64, operatore_id: i64, now_ms: i64) -> StoreResult<()> {
        self.write_sql(|tx| {
            tx.execute(
                "UPDATE sessione SET chiusa_ms = ?3 WHERE id = ?1 AND operatore_id = ?2 AND chiusa_ms IS NULL",
                params![id, operatore_id, now_ms],
            )?;
            Ok(())
        })
    }

    fn sessioni_attive(&self, now_ms: i64) -> StoreResult<Vec<SessioneAttiva>> {
        // `migrate` asks before the table exists: no session of this binary can be open then.
        let known = self.sql().has_table("sessione")?;
        if !known {
            return Ok(Vec::new());
        }
        let rows = self
            .sql()
            .prepare_cached(
                "SELECT s.id, o.username, o.cognome, o.nome, coalesce(e.nome, ''), s.inizio_ms, s.segnale_ms,
                        s.schermata, s.ssh_client, s.host, s.termina_ms IS NOT NULL
                 FROM sessione s JOIN operatore o ON o.id = s.operatore_id LEFT JOIN ente e ON e.id = s.ente_id
                 WHERE s.chiusa_ms IS NULL AND s.segnale_ms > ?1
                 ORDER BY s.inizio_ms, s.id",
            )?
            .query_map(
                [now_ms - SCADENZA_MS],
                |r| {
                    Ok(SessioneAttiva {
                        id: r.get(0)?,
                        username: r.get(1)?,
                        cognome: r.get(2)?,
                        nome: r.get(3)?,
                        ente: r.get(4)?,
                        inizio_ms: r.get(5)?,
                        segnale_ms: r.get(6)?,
                        schermata: r.get(7)?,
                        ssh_client: r.get(8)?,
                        host: r.get(9)?,
                        in_chiusura: r.get(10)?,
                    })
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn termina_sessione(&mut self, actor: &Actor, id: i64, now_ms: i64) -> StoreResult<()> {
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE sessione SET termina_ms = ?2, termina_da = ?3
                 WHERE id = ?1 AND chiusa_ms IS NULL AND segnale_ms > ?4",
                params![id, now_ms, who(actor), now_ms - SCADENZA_MS],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("sessione {id}")));
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("termina_sessione", Outcome::Ok).on("sessione", Some(id)),
            )
        })
    }

    fn invia_avviso(
        &mut self,
        actor: &Actor,
        testo: &str,
        minuti: i64,
        now_ms: i64,
    ) -> StoreResult<Avviso> {
        let al_ms = now_ms + minuti.clamp(1, 24 * 60) * 60_000;
        self.write_sql(|tx| {
            tx.execute(
                "UPDATE avviso SET revocato_ms = ?1 WHERE revocato_ms IS NULL AND al_ms > ?1",
                [now_ms],
            )?;
            tx.execute(
                "INSERT INTO avviso (testo, dal_ms, al_ms, created_by) VALUES (?1, ?2, ?3, ?4)",
                params![testo, now_ms, al_ms, who(actor)],
            )?;
            let id = tx.last_insert_rowid()?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("invia_avviso", Outcome::Ok)
                    .on("avviso", Some(id))
                    .detail(testo.to_string()),
            )?;
            Ok(Avviso {
                id,
                testo: testo.to_string(),
                dal_ms: now_ms,
                al_ms,
                created_by: who(actor),
            })
        })
    }

    fn revoca_avviso(&mut self, actor: &Actor, now_ms: i64) -> StoreResult<bool> {
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE avviso SET revocato_ms = ?1 WHERE revocato_ms IS NULL AND al_ms > ?1",
                [now_ms],
            )?;
            if n > 0 {
                append_audit(tx, actor, &AuditEvent::new("revoca_avviso", Outcome::Ok))?;
            }
            Ok(n > 0)
        })
    }

    fn avviso(&self, now_ms: i64) -> StoreResult<Option<Avviso>> {
        self.sql()
            .prepare_cached(AVVISO)?
            .query_row([now_ms], avviso_from)
            .optional()
    }
}
