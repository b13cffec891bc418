//! Session recordings requested by the helpdesk (`registrazione_richiesta`): added, listed,
//! cancelled, and taken by the operator's next login — each write audited in its transaction.

use super::audit::append_audit;
use super::{SqliteStore, now_text, who};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, Row, params};
use crate::store::{
    NuovaRichiesta, RecordingStore, RichiestaRegistrazione, StoreError, StoreResult,
};

const SELECT: &str =
    "SELECT r.id, r.version, r.operatore_id, o.username, r.ente_id, r.segnalazione,
        r.oscurata, r.scade_at, r.stato, r.chiusa_at, r.created_at, r.created_by
    FROM registrazione_richiesta r JOIN operatore o ON o.id = r.operatore_id";

fn from_row(r: &Row) -> StoreResult<RichiestaRegistrazione> {
    Ok(RichiestaRegistrazione {
        id: r.get(0)?,
        version: r.get(1)?,
        operatore_id: r.get(2)?,
        operatore: r.get(3)?,
        ente_id: r.get(4)?,
        segnalazione: r.get(5)?,
        oscurata: r.get(6)?,
        scade_at: r.get(7)?,
        stato: r.get(8)?,
        chiusa_at: r.get(9)?,
        created_at: r.get(10)?,
        created_by: r.get(11)?,
    })
}

impl RecordingStore for SqliteStore {
    fn add_recording_request(&mut self, actor: &Actor, new: &NuovaRichiesta) -> StoreResult<i64> {
        let by = who(actor);
        self.write_sql(|tx| {
            tx.execute(
                "INSERT INTO registrazione_richiesta
                     (operatore_id, ente_id, segnalazione, oscurata, scade_at, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    new.operatore_id,
                    new.ente_id,
                    new.segnalazione,
                    new.oscurata,
                    new.scade_at,
                    now_text(),
                    by
                ],
            )?;
            let id = tx.last_insert_rowid()?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("richiedi_registrazione", Outcome::Ok)
                    .on("operatore", Some(new.operatore_id))
                    .detail(format!(
                        "richiesta {id}, segnalazione {}{}",
                        new.segnalazione,
                        if new.oscurata { ", oscurata" } else { "" }
                    )),
            )?;
            Ok(id)
        })
    }

    fn recording_requests(&self) -> StoreResult<Vec<RichiestaRegistrazione>> {
        let mut stmt = self
            .sql()
            .prepare(&format!("{SELECT} ORDER BY r.id DESC"))?;
        stmt.query_map((), from_row)?.collect::<Result<_, _>>()
    }

    fn recording_request(&self, id: i64) -> StoreResult<Option<RichiestaRegistrazione>> {
        self.sql()
            .query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], from_row)
            .optional()
    }

    fn cancel_recording_request(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
    ) -> StoreResult<()> {
        let by = who(actor);
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE registrazione_richiesta
                 SET stato = 'annullata', chiusa_at = ?3, chiusa_by = ?4, version = version + 1
                 WHERE id = ?1 AND version = ?2 AND stato = 'attesa'",
                params![id, version, now_text(), by],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict {
                    entity: "richiesta di registrazione",
                    id,
                });
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("annulla_richiesta_registrazione", Outcome::Ok)
                    .detail(format!("richiesta {id}")),
            )
        })
    }

    fn take_recording_request(
        &mut self,
        actor: &Actor,
        now: &str,
    ) -> StoreResult<Option<RichiestaRegistrazione>> {
        let Some(operatore) = actor.operatore_id else {
            return Ok(None);
        };
        let by = who(actor);
        self.write_sql(|tx| {
            let found = tx
                .query_row(
                    &format!(
                        "{SELECT} WHERE r.operatore_id = ?1 AND r.stato = 'attesa' AND r.scade_at > ?2
                         ORDER BY r.id LIMIT 1"
                    ),
                    params![operatore, now],
                    from_row,
                )
                .optional()?;
            let Some(mut r) = found else {
                return Ok(None);
            };
            tx.execute(
                "UPDATE registrazione_richiesta
                 SET stato = 'avviata', chiusa_at = ?2, chiusa_by = ?3, version = version + 1
                 WHERE id = ?1",
                params![r.id, now, by],
            )?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("avvia_registrazione_richiesta", Outcome::Ok)
                    .on("operatore", Some(operatore))
                    .detail(format!(
                        "richiesta {} di {}, segnalazione {}",
                        r.id, r.created_by, r.segnalazione
                    )),
            )?;
            r.stato = "avviata".into();
            r.version += 1;
            r.chiusa_at = Some(now.to_string());
            Ok(Some(r))
        })
    }
}
