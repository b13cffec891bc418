//! SQLite side of the richieste of a scheda and their consuntivo (save and delete with optimistic
//! locking, audited on the scheda), the counts of the monthly report of an office, and the
//! settings of the offices.

use std::collections::BTreeMap;

use super::audit::append_audit;
use super::{SqliteStore, now_text, who};
use crate::domain::impostazioni::ImpostazioniUfficio;
use crate::domain::rapporto::{Attivita, DatiAttivita, Operatore};
use crate::domain::richieste::{Consuntivo, Richiesta};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, Row, Sql, params};
use crate::store::{ImpostazioniStore, RichiesteStore, StoreError, StoreResult};

const RICHIESTA_COLS: &str =
    "id, version, scheda_id, data_richiesta, servizio, tipo_intervento_id, settore,
    erogatore, erogabile_accoglienza, note, created_by, dettagli";

fn richiesta_row(r: &Row) -> StoreResult<Richiesta> {
    Ok(Richiesta {
        id: Some(r.get(0)?),
        version: r.get(1)?,
        scheda_id: r.get(2)?,
        data_richiesta: r.get(3)?,
        servizio: r.get(4)?,
        tipo_intervento_id: r.get(5)?,
        settore: r.get(6)?,
        erogatore: r.get(7)?,
        erogabile_accoglienza: r.get(8)?,
        note: r.get(9)?,
        consuntivo: Vec::new(),
        created_by: r.get(10)?,
        dettagli: r.get(11)?,
    })
}

/// The consuntivo rows of the given richieste, oldest first.
fn consuntivi(conn: &Sql<'_>, ids: &[i64]) -> StoreResult<Vec<Consuntivo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, version, richiesta_id, data, descrizione, operatori, minuti, tipo_attivita, created_by
         FROM richiesta_consuntivo WHERE richiesta_id IN (SELECT value FROM json_each(?1))
         ORDER BY data, id",
    )?;
    let rows = stmt
        .query_map([super::json_array(ids)], |r| {
            Ok(Consuntivo {
                id: Some(r.get(0)?),
                version: r.get(1)?,
                richiesta_id: r.get(2)?,
                data: r.get(3)?,
                descrizione: r.get(4)?,
                operatori: r.get(5)?,
                minuti: r.get(6)?,
                tipo_attivita: r.get(7)?,
                created_by: r.get(8)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The scheda of richiesta `id`.
fn scheda_of(tx: &Sql<'_>, richiesta_id: i64) -> StoreResult<i64> {
    tx.query_row(
        "SELECT scheda_id FROM scheda_richiesta WHERE id = ?1",
        [richiesta_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("richiesta {richiesta_id}")))
}

fn audit(
    tx: &Sql<'_>,
    actor: &Actor,
    action: &str,
    scheda: i64,
    detail: String,
) -> StoreResult<()> {
    append_audit(
        tx,
        actor,
        &AuditEvent::new(action, Outcome::Ok)
            .on("scheda", Some(scheda))
            .detail(detail),
    )
}

fn conflict(entity: &'static str, id: i64) -> StoreError {
    StoreError::Conflict { entity, id }
}

/// Inserts richiesta `r` (created and updated at `now` by `by`); its id.
fn insert_richiesta(tx: &Sql<'_>, r: &Richiesta, now: &str, by: &str) -> StoreResult<i64> {
    tx.prepare_cached(
        "INSERT INTO scheda_richiesta (scheda_id, data_richiesta, servizio, tipo_intervento_id, settore,
             erogatore, erogabile_accoglienza, note, created_at, created_by, updated_at, updated_by, dettagli)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10, ?11)",
    )?
    .execute(params![
        r.scheda_id,
        r.data_richiesta,
        r.servizio,
        r.tipo_intervento_id,
        r.settore,
        r.erogatore,
        r.erogabile_accoglienza,
        r.note,
        now,
        by,
        r.dettagli
    ])?;
    tx.last_insert_rowid()
}

/// Inserts consuntivo row `c` of richiesta `richiesta_id`; its id.
fn insert_consuntivo(
    tx: &Sql<'_>,
    richiesta_id: i64,
    c: &Consuntivo,
    now: &str,
    by: &str,
) -> StoreResult<i64> {
    tx.prepare_cached(
        "INSERT INTO richiesta_consuntivo (richiesta_id, data, descrizione, operatori, minuti,
             tipo_attivita, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
    )?
    .execute(params![
        richiesta_id,
        c.data,
        c.descrizione,
        c.operatori,
        c.minuti,
        c.tipo_attivita,
        now,
        by
    ])?;
    tx.last_insert_rowid()
}

impl RichiesteStore for SqliteStore {
    fn richieste(&self, scheda_id: i64) -> StoreResult<Vec<Richiesta>> {
        let conn = &self.sql();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {RICHIESTA_COLS} FROM scheda_richiesta WHERE scheda_id = ?1 ORDER BY data_richiesta, id"
        ))?;
        let mut out: Vec<Richiesta> = stmt
            .query_map([scheda_id], richiesta_row)?
            .collect::<Result<_, _>>()?;
        let ids: Vec<i64> = out.iter().filter_map(|r| r.id).collect();
        for c in consuntivi(conn, &ids)? {
            if let Some(r) = out.iter_mut().find(|r| r.id == Some(c.richiesta_id)) {
                r.consuntivo.push(c);
            }
        }
        Ok(out)
    }

    fn richiesta(&self, id: i64) -> StoreResult<Option<Richiesta>> {
        let conn = &self.sql();
        let r = conn
            .query_row(
                &format!("SELECT {RICHIESTA_COLS} FROM scheda_richiesta WHERE id = ?1"),
                [id],
                richiesta_row,
            )
            .optional()?;
        let Some(mut r) = r else {
            return Ok(None);
        };
        r.consuntivo = consuntivi(conn, &[id])?;
        Ok(Some(r))
    }

    fn save_richiesta(&mut self, actor: &Actor, r: &Richiesta) -> StoreResult<(i64, i64)> {
        let now = now_text();
        let by = who(actor);
        self.write_sql(|tx| {
            let (id, version, action) = match r.id {
                None => {
                    let id = insert_richiesta(tx, r, &now, &by)?;
                    (id, 1, "crea_richiesta")
                }
                Some(id) => {
                    let n = tx.execute(
                        "UPDATE scheda_richiesta SET data_richiesta = ?3, servizio = ?4, tipo_intervento_id = ?5,
                             settore = ?6, erogatore = ?7, erogabile_accoglienza = ?8, note = ?9,
                             updated_at = ?10, updated_by = ?11, dettagli = ?13, version = version + 1
                         WHERE id = ?1 AND version = ?2 AND scheda_id = ?12",
                        params![
                            id,
                            r.version,
                            r.data_richiesta,
                            r.servizio,
                            r.tipo_intervento_id,
                            r.settore,
                            r.erogatore,
                            r.erogabile_accoglienza,
                            r.note,
                            now,
                            by,
                            r.scheda_id,
                            r.dettagli
                        ],
                    )?;
                    if n != 1 {
                        return Err(conflict("richiesta", id));
                    }
                    (id, r.version + 1, "modifica_richiesta")
                }
            };
            if let Some(s) = &r.servizio {
                tx.execute(
                    "INSERT OR IGNORE INTO scheda_codice (scheda_id, campo, codice) VALUES (?1, 'servizi', ?2)",
                    params![r.scheda_id, s],
                )?;
            }
            audit(tx, actor, action, r.scheda_id, format!("richiesta {id}"))?;
            Ok((id, version))
        })
    }

    fn delete_richiesta(&mut self, actor: &Actor, id: i64, version: i64) -> StoreResult<()> {
        self.write_sql(|tx| {
            let scheda = scheda_of(tx, id)?;
            let righe = tx.execute(
                "DELETE FROM richiesta_consuntivo WHERE richiesta_id = ?1",
                [id],
            )?;
            let n = tx.execute(
                "DELETE FROM scheda_richiesta WHERE id = ?1 AND version = ?2",
                params![id, version],
            )?;
            if n != 1 {
                return Err(conflict("richiesta", id));
            }
            let detail = format!("richiesta {id} con {righe} righe di consuntivo");
            audit(tx, actor, "elimina_richiesta", scheda, detail)
        })
    }

    fn save_consuntivo(&mut self, actor: &Actor, c: &Consuntivo) -> StoreResult<(i64, i64)> {
        let now = now_text();
        let by = who(actor);
        self.write_sql(|tx| {
            let scheda = scheda_of(tx, c.richiesta_id)?;
            let (id, version, action) = match c.id {
                None => {
                    let id = insert_consuntivo(tx, c.richiesta_id, c, &now, &by)?;
                    (id, 1, "crea_consuntivo")
                }
                Some(id) => {
                    let n = tx.execute(
                        "UPDATE richiesta_consuntivo SET data = ?3, descrizione = ?4, operatori = ?5, minuti = ?6,
                             tipo_attivita = ?7, updated_at = ?8, updated_by = ?9, version = version + 1
                         WHERE id = ?1 AND version = ?2 AND richiesta_id = ?10",
                        params![
                            id,
                            c.version,
                            c.data,
                            c.descrizione,
                            c.operatori,
                            c.minuti,
                            c.tipo_attivita,
                            now,
                            by,
                            c.richiesta_id
                        ],
                    )?;
                    if n != 1 {
                        return Err(conflict("consuntivo", id));
                    }
                    (id, c.version + 1, "modifica_consuntivo")
                }
            };
            let detail = format!("richiesta {}: consuntivo {id}", c.richiesta_id);
            audit(tx, actor, action, scheda, detail)?;
            Ok((id, version))
        })
    }

    fn delete_consuntivo(&mut self, actor: &Actor, id: i64, version: i64) -> StoreResult<()> {
        self.write_sql(|tx| {
            let richiesta: i64 = tx
                .query_row(
                    "SELECT richiesta_id FROM richiesta_consuntivo WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("consuntivo {id}")))?;
            let scheda = scheda_of(tx, richiesta)?;
            let n = tx.execute(
                "DELETE FROM richiesta_consuntivo WHERE id = ?1 AND version = ?2",
                params![id, version],
            )?;
            if n != 1 {
                return Err(conflict("consuntivo", id));
            }
            let detail = format!("richiesta {richiesta}: consuntivo {id}");
            audit(tx, actor, "elimina_consuntivo", scheda, detail)
        })
    }

    fn insert_richieste_storiche(
        &mut self,
        actor: &Actor,
        rows: &[Richiesta],
    ) -> StoreResult<usize> {
        let now = now_text();
        self.write_sql(|tx| {
            let mut servizio = tx.prepare_cached(
                "INSERT OR IGNORE INTO scheda_codice (scheda_id, campo, codice) VALUES (?1, 'servizi', ?2)",
            )?;
            for r in rows {
                let id = insert_richiesta(tx, r, &now, &r.created_by)?;
                for c in &r.consuntivo {
                    insert_consuntivo(tx, id, c, &now, &c.created_by)?;
                }
                if let Some(s) = &r.servizio {
                    servizio.execute(params![r.scheda_id, s])?;
                }
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("inserisci_richieste_storiche", Outcome::Ok)
                    .on("scheda", None)
                    .detail(format!("inserite={}", rows.len())),
            )?;
            Ok(rows.len())
        })
    }

    fn attivita_sportello(
        &self,
        ufficio_id: i64,
        dal: &str,
        al: &str,
    ) -> StoreResult<DatiAttivita> {
        let conn = &self.sql();
        let p = params![ufficio_id, dal, al];
        const SCHEDE: &str = "FROM scheda s WHERE s.ufficio_id = ?1 AND s.deleted_at IS NULL
            AND s.data_accesso BETWEEN ?2 AND ?3";
        const RICHIESTE: &str = "FROM scheda_richiesta r JOIN scheda s ON s.id = r.scheda_id
            WHERE s.ufficio_id = ?1 AND s.deleted_at IS NULL AND r.data_richiesta BETWEEN ?2 AND ?3";
        const CONSUNTIVO: &str =
            "FROM richiesta_consuntivo c JOIN scheda_richiesta r ON r.id = c.richiesta_id
            JOIN scheda s ON s.id = r.scheda_id
            WHERE s.ufficio_id = ?1 AND s.deleted_at IS NULL AND c.data BETWEEN ?2 AND ?3";
        let counts = |select: &str, from: &str| -> StoreResult<Vec<(String, i64)>> {
            let sql = format!("SELECT {select}, COUNT(*) {from} GROUP BY 1 ORDER BY 2 DESC, 1");
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(p, |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        };
        let (accessi, persone) = conn.query_row(
            &format!("SELECT COUNT(*), COUNT(DISTINCT s.soggetto_id) {SCHEDE}"),
            p,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let motivo = "COALESCE(CASE WHEN json_valid(s.dati) THEN json_extract(s.dati, '$.motivo_accesso') END, '')";
        let per_motivo = counts(motivo, SCHEDE)?;
        let per_esito = counts("COALESCE(s.esito, '')", SCHEDE)?;
        let per_bisogno = counts(
            "c.codice",
            &format!(
                "FROM scheda_codice c JOIN scheda s ON s.id = c.scheda_id AND c.campo = 'bisogni'
                 WHERE {}",
                SCHEDE.trim_start_matches("FROM scheda s WHERE")
            ),
        )?;
        let richieste = conn.query_row(&format!("SELECT COUNT(*) {RICHIESTE}"), p, |r| r.get(0))?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT r.servizio, CASE WHEN r.servizio IS NULL THEN r.tipo_intervento_id END, COUNT(*) {RICHIESTE}
             GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
        ))?;
        let per_servizio = stmt
            .query_map(p, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT c.tipo_attivita, COUNT(*), SUM(c.minuti), SUM(c.minuti * c.operatori) {CONSUNTIVO}
             GROUP BY 1 ORDER BY 1"
        ))?;
        let attivita = stmt
            .query_map(p, |r| {
                Ok(Attivita {
                    tipo: r.get(0)?,
                    righe: r.get(1)?,
                    minuti: r.get(2)?,
                    minuti_operatore: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut operatori: BTreeMap<String, Operatore> = BTreeMap::new();
        let mut add = |sql: String, f: fn(&mut Operatore, i64)| -> StoreResult<()> {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (username, n) = row?;
                let o = operatori
                    .entry(username.clone())
                    .or_insert_with(|| Operatore {
                        username,
                        ..Default::default()
                    });
                f(o, n);
            }
            Ok(())
        };
        add(
            format!("SELECT s.operatore, COUNT(*) {SCHEDE} GROUP BY 1"),
            |o, n| o.accessi = n,
        )?;
        add(
            format!("SELECT r.created_by, COUNT(*) {RICHIESTE} GROUP BY 1"),
            |o, n| o.richieste = n,
        )?;
        add(
            format!("SELECT c.created_by, SUM(c.minuti) {CONSUNTIVO} GROUP BY 1"),
            |o, n| o.minuti = n,
        )?;
        Ok(DatiAttivita {
            accessi,
            persone,
            per_motivo,
            per_bisogno,
            per_esito,
            richieste,
            per_servizio,
            attivita,
            operatori: operatori.into_values().collect(),
        })
    }
}

impl ImpostazioniStore for SqliteStore {
    fn impostazioni_ufficio(&self, ufficio_id: i64) -> StoreResult<ImpostazioniUfficio> {
        let s = self
            .sql()
            .query_row(
                "SELECT version, req_bisogni, req_servizi, req_stranieri, vis_interventi, template_invio
                 FROM ufficio_impostazioni WHERE ufficio_id = ?1",
                [ufficio_id],
                |r| {
                    Ok(ImpostazioniUfficio {
                        ufficio_id,
                        version: r.get(0)?,
                        req_bisogni: r.get(1)?,
                        req_servizi: r.get(2)?,
                        req_stranieri: r.get(3)?,
                        vis_interventi: r.get(4)?,
                        template_invio: r.get(5)?,
                    })
                },
            )
            .optional()?;
        Ok(s.unwrap_or(ImpostazioniUfficio {
            ufficio_id,
            ..Default::default()
        }))
    }

    fn save_impostazioni_ufficio(
        &mut self,
        actor: &Actor,
        s: &ImpostazioniUfficio,
    ) -> StoreResult<i64> {
        let now = now_text();
        let by = who(actor);
        self.write_sql(|tx| {
            let n = if s.version == 0 {
                tx.execute(
                    "INSERT OR IGNORE INTO ufficio_impostazioni (ufficio_id, req_bisogni, req_servizi,
                         req_stranieri, vis_interventi, template_invio, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        s.ufficio_id,
                        s.req_bisogni,
                        s.req_servizi,
                        s.req_stranieri,
                        s.vis_interventi,
                        s.template_invio,
                        now,
                        by
                    ],
                )?
            } else {
                tx.execute(
                    "UPDATE ufficio_impostazioni SET req_bisogni = ?2, req_servizi = ?3, req_stranieri = ?4,
                         vis_interventi = ?5, template_invio = ?6, updated_at = ?7, updated_by = ?8,
                         version = version + 1
                     WHERE ufficio_id = ?1 AND version = ?9",
                    params![
                        s.ufficio_id,
                        s.req_bisogni,
                        s.req_servizi,
                        s.req_stranieri,
                        s.vis_interventi,
                        s.template_invio,
                        now,
                        by,
                        s.version
                    ],
                )?
            };
            if n != 1 {
                return Err(conflict("impostazioni dell'ufficio", s.ufficio_id));
            }
            let on = |b: bool| if b { "sì" } else { "no" };
            append_audit(
                tx,
                actor,
                &AuditEvent::new("configura_impostazioni_ufficio", Outcome::Ok)
                    .on("ufficio", Some(s.ufficio_id))
                    .detail(format!(
                        "REQ_BISOGNI {}, REQ_SERVIZI {}, REQ_STRANIERI {}, VIS_INTERVENTI {}",
                        on(s.req_bisogni),
                        on(s.req_servizi),
                        on(s.req_stranieri),
                        on(s.vis_interventi)
                    )),
            )?;
            Ok(s.version + 1)
        })
    }
}
