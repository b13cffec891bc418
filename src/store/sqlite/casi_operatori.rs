//! SQLite side of who follows a case: the operators assigned to it (with or without *gestione
//! fascicolo*) and the units it is shared with.

use super::audit::append_audit;
use super::{SqliteStore, now_text, who};
use crate::domain::caso::{Condivisione, OperatoreCaso, Unita};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, params};
use crate::store::{OperatoriCasoStore, StoreError, StoreResult};

impl OperatoriCasoStore for SqliteStore {
    fn operatori_caso(&self, caso_id: i64) -> StoreResult<Vec<OperatoreCaso>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT operatore, responsabile, gestione_fascicolo, dal, al FROM caso_operatore
             WHERE caso_id = ?1 ORDER BY al IS NOT NULL, dal DESC, id DESC",
        )?;
        let rows = stmt
            .query_map([caso_id], |r| {
                Ok(OperatoreCaso {
                    operatore: r.get(0)?,
                    responsabile: r.get(1)?,
                    gestione_fascicolo: r.get(2)?,
                    dal: r.get(3)?,
                    al: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn set_operatore_caso(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        operatore: &str,
        gestione: Option<bool>,
        oggi: &str,
    ) -> StoreResult<()> {
        self.write_sql(|tx| {
            let active: Option<(i64, bool)> = tx
                .query_row(
                    "SELECT id, responsabile FROM caso_operatore
                     WHERE caso_id = ?1 AND operatore = ?2 AND al IS NULL",
                    params![caso_id, operatore],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match (active, gestione) {
                (Some((_, true)), None) => {
                    return Err(StoreError::Invalid(
                        "il responsabile del caso cambia con una presa in carico o una segnalazione"
                            .into(),
                    ));
                }
                (Some((row, _)), None) => {
                    tx.execute(
                        "UPDATE caso_operatore SET al = ?2 WHERE id = ?1",
                        params![row, oggi],
                    )?;
                }
                (Some((row, _)), Some(g)) => {
                    tx.execute(
                        "UPDATE caso_operatore SET gestione_fascicolo = ?2 WHERE id = ?1",
                        params![row, g],
                    )?;
                }
                (None, Some(g)) => {
                    tx.execute(
                        "INSERT INTO caso_operatore (caso_id, operatore, responsabile, gestione_fascicolo, dal)
                         VALUES (?1, ?2, 0, ?3, ?4)",
                        params![caso_id, operatore, g, oggi],
                    )?;
                }
                (None, None) => {
                    return Err(StoreError::NotFound(format!(
                        "assegnazione di {operatore} al caso {caso_id}"
                    )));
                }
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("operatori_caso", Outcome::Ok)
                    .on("caso", Some(caso_id))
                    .detail(format!(
                        "{operatore}: {}",
                        match gestione {
                            Some(true) => "assegnato con gestione del fascicolo",
                            Some(false) => "assegnato senza gestione del fascicolo",
                            None => "assegnazione terminata",
                        }
                    )),
            )
        })
    }

    fn condivisioni(&self, caso_id: i64) -> StoreResult<Vec<Condivisione>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT s.id, s.caso_id, s.ufficio_id, s.ente_id,
                    COALESCE(u.nome || ' (' || ue.nome || ')', e.nome, ''),
                    s.nascondi_informazioni, s.dal, s.al
             FROM caso_condivisione s
             LEFT JOIN ufficio u ON u.id = s.ufficio_id
             LEFT JOIN ente ue ON ue.id = u.ente_id
             LEFT JOIN ente e ON e.id = s.ente_id
             WHERE s.caso_id = ?1
             ORDER BY s.al IS NOT NULL, s.dal DESC, s.id DESC",
        )?;
        let rows = stmt
            .query_map([caso_id], |r| {
                Ok(Condivisione {
                    id: r.get(0)?,
                    caso_id: r.get(1)?,
                    ufficio_id: r.get(2)?,
                    ente_id: r.get(3)?,
                    nome: r.get(4)?,
                    nascondi_informazioni: r.get(5)?,
                    dal: r.get(6)?,
                    al: r.get(7)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn condividi_caso(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        unita: Unita,
        nascondi_informazioni: bool,
        oggi: &str,
    ) -> StoreResult<()> {
        let (ufficio, ente) = match unita {
            Unita::Ufficio(u) => (Some(u), None),
            Unita::Ente(e) => (None, Some(e)),
        };
        self.write_sql(|tx| {
            let changed = tx.execute(
                "UPDATE caso_condivisione SET nascondi_informazioni = ?4
                 WHERE caso_id = ?1 AND al IS NULL AND ufficio_id IS NOT DISTINCT FROM ?2 AND ente_id IS NOT DISTINCT FROM ?3",
                params![caso_id, ufficio, ente, nascondi_informazioni],
            )?;
            if changed == 0 {
                tx.execute(
                    "INSERT INTO caso_condivisione (caso_id, ufficio_id, ente_id, nascondi_informazioni, dal,
                         created_at, created_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![caso_id, ufficio, ente, nascondi_informazioni, oggi, now_text(), who(actor)],
                )?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("condividi_caso", Outcome::Ok)
                    .on("caso", Some(caso_id))
                    .detail(format!(
                        "{}{}",
                        match unita {
                            Unita::Ufficio(u) => format!("ufficio {u}"),
                            Unita::Ente(e) => format!("ente {e}"),
                        },
                        if nascondi_informazioni {
                            ", nascondi informazioni"
                        } else {
                            ""
                        }
                    )),
            )
        })
    }

    fn revoca_condivisione(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        id: i64,
        oggi: &str,
    ) -> StoreResult<()> {
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE caso_condivisione SET al = ?3 WHERE id = ?1 AND caso_id = ?2 AND al IS NULL",
                params![id, caso_id, oggi],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("condivisione {id}")));
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("condividi_caso", Outcome::Ok)
                    .on("caso", Some(caso_id))
                    .detail(format!("condivisione {id} revocata")),
            )
        })
    }
}
