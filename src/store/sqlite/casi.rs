//! SQLite side of cases and their iter: the case list under SISO-DOMAIN §4.2 visibility (one SQL
//! condition), changes of state (transitions read from `caso_transizione`), the ufficio categorie
//! and "dati riservati" grants, the home counters, the business-change counter and the read-access
//! log of a person. Who follows a case (assignments, sharing) is `super::casi_operatori`.

use super::audit::append_audit;
use super::{SqliteStore, json_array, now_text, who};
use crate::domain::caso::{
    self, AccessoCaso, CambioStato, Caso, CategoriaCaso, ContatoriCasi, FiltroCasi, Step, Target,
    Transizione, Visibilita,
};
use crate::domain::{Actor, AuditEvent, AuditRow, Outcome};
use crate::store::sql::{OptionalExtension, Row, Sql, params};
use crate::store::{CasiStore, StoreError, StoreResult};

const CASO_SQL: &str =
    "SELECT c.id, c.version, c.numero, c.soggetto_id, c.ente_id, c.ufficio_id, c.iter_stato,
        st.etichetta, c.responsabile, c.data_apertura, c.data_chiusura, c.motivo_chiusura,
        g.cognome, g.nome, g.codice_fiscale, g.data_nascita,
        (SELECT group_concat(codice, ',') FROM (SELECT codice FROM caso_categoria k
           WHERE k.caso_id = c.id AND k.al IS NULL ORDER BY k.prevalente DESC, k.codice) AS k),
        c.created_by
     FROM presa_in_carico c
     JOIN soggetto g ON g.id = c.soggetto_id
     JOIN caso_stato st ON st.codice = c.iter_stato";

fn caso_from(r: &Row) -> StoreResult<Caso> {
    let categorie: Option<String> = r.get(16)?;
    Ok(Caso {
        id: r.get(0)?,
        version: r.get(1)?,
        numero: r.get::<_, Option<i64>>(2)?.unwrap_or_default(),
        soggetto_id: r.get(3)?,
        ente_id: r.get(4)?,
        ufficio_id: r.get(5)?,
        stato: r.get(6)?,
        stato_label: r.get(7)?,
        responsabile: r.get(8)?,
        data_apertura: r.get(9)?,
        data_chiusura: r.get(10)?,
        motivo_chiusura: r.get(11)?,
        cognome: r.get(12)?,
        nome: r.get(13)?,
        codice_fiscale: r.get(14)?,
        data_nascita: r.get(15)?,
        categorie: categorie
            .unwrap_or_default()
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        created_by: r.get(17)?,
    })
}

/// SISO-DOMAIN §4.2, the cases an operator follows, as one SQL condition on `presa_in_carico c`:
/// ?1 operator, ?2 enti (JSON), ?3 ufficio, ?4 sees every case of their enti. `$assigned` narrows
/// the assignments that count.
macro_rules! own_sql {
    ($assigned:literal) => {
        concat!(
            "((c.ente_id IN (SELECT value FROM json_each(?2)) AND (
                ?4 = 1
                OR EXISTS (SELECT 1 FROM caso_operatore o WHERE o.caso_id = c.id AND o.operatore = ?1 AND o.al IS NULL",
            $assigned,
            ")
                OR (c.created_by = ?1 AND c.iter_stato = 'aperto')
                OR (c.iter_stato IN ('segnalato_ufficio', 'riaperto') AND c.segnalato_ufficio_id = ?3)
                OR (c.iter_stato IN ('segnalato_operatore', 'riaperto') AND c.segnalato_operatore = ?1)))
            OR (c.iter_stato = 'segnalato_ente' AND c.segnalato_ente_id IN (SELECT value FROM json_each(?2))))"
        )
    };
}

/// The cases shared with the operator's ufficio or enti (`$which` narrows the sharings).
macro_rules! shared_sql {
    ($which:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM caso_condivisione s WHERE s.caso_id = c.id AND s.al IS NULL",
            $which,
            " AND (s.ufficio_id = ?3 OR s.ente_id IN (SELECT value FROM json_each(?2))))"
        )
    };
}

/// The cases an operator sees: those they follow and those shared with their unit.
const VISIBLE_SQL: &str = concat!("(", own_sql!(""), " OR ", shared_sql!(""), ")");

fn vis_params(v: &Visibilita) -> (String, String, Option<i64>, i64) {
    (
        v.operatore.clone(),
        json_array(&v.enti),
        v.ufficio_id,
        i64::from(v.tutti),
    )
}

pub(super) fn audit_on(
    tx: &Sql<'_>,
    actor: &Actor,
    action: &str,
    entity: &str,
    id: i64,
) -> StoreResult<()> {
    append_audit(
        tx,
        actor,
        &AuditEvent::new(action, Outcome::Ok).on(entity, Some(id)),
    )
}

/// Appends an iter step and copies the state to the case (inside the caller's transaction).
pub(super) fn insert_step(
    tx: &Sql<'_>,
    actor: &Actor,
    caso_id: i64,
    c: &CambioStato,
    da: Option<&str>,
    now: &str,
) -> StoreResult<()> {
    let ente: i64 = tx.query_row(
        "SELECT ente_id FROM presa_in_carico WHERE id = ?1",
        [caso_id],
        |r| r.get(0),
    )?;
    let attributi = serde_json::to_string(&c.attributi).unwrap_or_else(|_| "{}".into());
    tx.execute(
        "INSERT INTO caso_step (caso_id, stato, da_stato, data, operatore, ufficio_id, ente_id, target_ente_id,
                                target_ufficio_id, target_operatore, nota, attributi, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            caso_id,
            c.a,
            da,
            c.data,
            actor.username,
            actor.ufficio_id,
            actor.ente().unwrap_or(ente),
            c.target_ente_id,
            c.target_ufficio_id,
            c.target_operatore,
            c.nota,
            attributi,
            now
        ],
    )?;
    let chiuso = c.a == caso::CHIUSO;
    tx.execute(
        "UPDATE presa_in_carico SET iter_stato = ?2, segnalato_ente_id = ?3, segnalato_ufficio_id = ?4,
             segnalato_operatore = ?5,
             stato = CASE WHEN ?6 THEN 'chiusa' ELSE 'aperta' END,
             data_chiusura = CASE WHEN ?6 THEN ?7 ELSE NULL END,
             motivo_chiusura = CASE WHEN ?6 THEN ?8 ELSE NULL END,
             updated_at = ?9, updated_by = ?10, version = version + 1
         WHERE id = ?1",
        params![
            caso_id,
            c.a,
            c.target_ente_id,
            c.target_ufficio_id,
            c.target_operatore,
            chiuso,
            c.data,
            c.attributi.get("motivo_chiusura"),
            now,
            who(actor)
        ],
    )?;
    if c.a == caso::PRESO_IN_CARICO {
        tx.execute(
            "UPDATE caso_operatore SET al = ?2 WHERE caso_id = ?1 AND responsabile = 1 AND al IS NULL",
            params![caso_id, c.data],
        )?;
        tx.execute(
            "UPDATE caso_operatore SET al = ?2 WHERE caso_id = ?1 AND operatore = ?3 AND al IS NULL",
            params![caso_id, c.data, actor.username],
        )?;
        tx.execute(
            "INSERT INTO caso_operatore (caso_id, operatore, responsabile, gestione_fascicolo, dal)
             VALUES (?1, ?2, 1, 1, ?3)",
            params![caso_id, actor.username, c.data],
        )?;
        tx.execute(
            "UPDATE presa_in_carico SET responsabile = ?2, ufficio_id = COALESCE(?3, ufficio_id) WHERE id = ?1",
            params![caso_id, actor.username, actor.ufficio_id],
        )?;
    }
    Ok(())
}

/// Creates the case (and so the cartella) of a person in an ente, in state Aperto, numbered in
/// the ente, with its first iter step (inside the caller's transaction). Returns its id.
pub(super) fn new_caso(
    tx: &Sql<'_>,
    actor: &Actor,
    soggetto: i64,
    ente: i64,
    oggi: &str,
) -> StoreResult<i64> {
    let now = now_text();
    let numero: i64 = tx.query_row(
        "SELECT COALESCE(MAX(numero), 0) + 1 FROM presa_in_carico WHERE ente_id = ?1",
        [ente],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO presa_in_carico (soggetto_id, ente_id, stato, data_apertura, numero, ufficio_id,
             iter_stato, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, 'aperta', ?3, ?4, ?5, 'aperto', ?6, ?7, ?6, ?7)",
        params![soggetto, ente, oggi, numero, actor.ufficio_id, now, who(actor)],
    )?;
    let caso_id = tx.last_insert_rowid()?;
    insert_step(
        tx,
        actor,
        caso_id,
        &step_simple(caso::APERTO, oggi),
        None,
        &now,
    )?;
    Ok(caso_id)
}

pub(super) fn step_simple(a: &str, data: &str) -> CambioStato {
    CambioStato {
        a: a.into(),
        data: data.into(),
        ..Default::default()
    }
}

impl CasiStore for SqliteStore {
    fn casi(&self, vis: &Visibilita, f: &FiltroCasi, limit: usize) -> StoreResult<Vec<Caso>> {
        let sql = format!(
            "{CASO_SQL} WHERE {VISIBLE_SQL}
               AND (?5 IS NULL OR c.iter_stato = ?5)
               AND (?6 IS NULL OR c.responsabile = ?6)
               AND (?7 IS NULL OR EXISTS (SELECT 1 FROM caso_categoria k WHERE k.caso_id = c.id AND k.codice = ?7 AND k.al IS NULL))
               AND (?8 IS NULL OR c.data_apertura >= ?8)
               AND (?9 IS NULL OR c.data_apertura <= ?9)
               AND (?10 IS NULL OR g.cognome || ' ' || g.nome LIKE '%' || ?10 || '%' OR g.codice_fiscale LIKE ?10 || '%')
             ORDER BY c.data_apertura DESC, c.id DESC LIMIT ?11"
        );
        let (op, enti, uff, tutti) = vis_params(vis);
        let mut stmt = self.sql().prepare_cached(&sql)?;
        let rows = stmt
            .query_map(
                params![
                    op,
                    enti,
                    uff,
                    tutti,
                    f.stato,
                    f.responsabile,
                    f.categoria,
                    f.dal,
                    f.al,
                    f.persona,
                    limit as i64
                ],
                caso_from,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn caso(&self, id: i64) -> StoreResult<Option<Caso>> {
        let sql = format!("{CASO_SQL} WHERE c.id = ?1");
        self.sql().query_row(&sql, [id], caso_from).optional()
    }

    fn caso_visibile(&self, id: i64, vis: &Visibilita) -> StoreResult<bool> {
        let (op, enti, uff, tutti) = vis_params(vis);
        let sql =
            format!("SELECT count(*) FROM presa_in_carico c WHERE c.id = ?5 AND {VISIBLE_SQL}");
        let n: i64 = self
            .sql()
            .query_row(&sql, params![op, enti, uff, tutti, id], |r| r.get(0))?;
        Ok(n > 0)
    }

    fn apri_caso(
        &mut self,
        actor: &Actor,
        codice_fiscale: &str,
        ente: i64,
        categoria: &str,
        oggi: &str,
    ) -> StoreResult<i64> {
        self.write_sql(|tx| {
            let soggetto: i64 = tx
                .query_row(
                    "SELECT id FROM soggetto WHERE codice_fiscale = ?1 AND deleted_at IS NULL",
                    [codice_fiscale],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| {
                    StoreError::NotFound(format!(
                        "nessuna persona in anagrafe con codice fiscale {codice_fiscale}"
                    ))
                })?;
            if let Some(numero) = tx
                .query_row(
                    "SELECT numero FROM presa_in_carico WHERE soggetto_id = ?1 AND ente_id = ?2",
                    params![soggetto, ente],
                    |r| r.get::<_, i64>(0),
                )
                .optional()?
            {
                return Err(StoreError::Duplicate(format!(
                    "la persona ha già un caso in questo ente: n. {numero}"
                )));
            }
            let caso_id = new_caso(tx, actor, soggetto, ente, oggi)?;
            tx.execute(
                "INSERT INTO caso_categoria (caso_id, codice, prevalente, dal) VALUES (?1, ?2, 1, ?3)",
                params![caso_id, categoria, oggi],
            )?;
            audit_on(tx, actor, "apri_caso", "caso", caso_id)?;
            Ok(caso_id)
        })
    }

    fn categorie_caso(&self, caso_id: i64) -> StoreResult<Vec<CategoriaCaso>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT codice, prevalente, dal, al FROM caso_categoria WHERE caso_id = ?1
             ORDER BY al IS NOT NULL, prevalente DESC, dal DESC, codice",
        )?;
        let rows = stmt
            .query_map([caso_id], |r| {
                Ok(CategoriaCaso {
                    codice: r.get(0)?,
                    prevalente: r.get(1)?,
                    dal: r.get(2)?,
                    al: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn set_categoria_caso(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        c: &CategoriaCaso,
    ) -> StoreResult<()> {
        self.write_sql(|tx| {
            let active: Option<String> = tx
                .query_row(
                    "SELECT dal FROM caso_categoria WHERE caso_id = ?1 AND codice = ?2 AND al IS NULL",
                    params![caso_id, c.codice],
                    |r| r.get(0),
                )
                .optional()?;
            match (&c.al, &active) {
                (Some(_), None) => {
                    return Err(StoreError::NotFound(format!(
                        "categoria {} attiva del caso",
                        c.codice
                    )));
                }
                (Some(al), Some(dal)) if al < dal => {
                    return Err(StoreError::Invalid(
                        "la fine validità precede l'inizio della categoria".into(),
                    ));
                }
                (Some(al), Some(_)) => {
                    tx.execute(
                        "UPDATE caso_categoria SET al = ?3, prevalente = 0
                         WHERE caso_id = ?1 AND codice = ?2 AND al IS NULL",
                        params![caso_id, c.codice, al],
                    )?;
                }
                (None, active) => {
                    if c.prevalente {
                        tx.execute(
                            "UPDATE caso_categoria SET prevalente = 0 WHERE caso_id = ?1",
                            [caso_id],
                        )?;
                    }
                    if active.is_some() {
                        tx.execute(
                            "UPDATE caso_categoria SET prevalente = ?3
                             WHERE caso_id = ?1 AND codice = ?2 AND al IS NULL",
                            params![caso_id, c.codice, c.prevalente],
                        )?;
                    } else {
                        tx.execute(
                            "INSERT INTO caso_categoria (caso_id, codice, prevalente, dal) VALUES (?1, ?2, ?3, ?4)",
                            params![caso_id, c.codice, c.prevalente, c.dal],
                        )?;
                    }
                }
            }
            // One active categoria is the prevalent one: the newest, if none was chosen.
            tx.execute(
                "UPDATE caso_categoria SET prevalente = 1
                 WHERE rowid = (SELECT rowid FROM caso_categoria WHERE caso_id = ?1 AND al IS NULL
                                ORDER BY dal DESC, codice LIMIT 1)
                   AND NOT EXISTS (SELECT 1 FROM caso_categoria
                                   WHERE caso_id = ?1 AND al IS NULL AND prevalente = 1)",
                [caso_id],
            )?;
            tx.execute(
                "UPDATE presa_in_carico SET version = version + 1, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                params![caso_id, now_text(), who(actor)],
            )?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("salva_cartella", Outcome::Ok)
                    .on("caso", Some(caso_id))
                    .section("categorie")
                    .detail(format!(
                        "{}{}",
                        c.codice,
                        match (&c.al, c.prevalente) {
                            (Some(al), _) => format!(" terminata il {al}"),
                            (None, true) => " prevalente".into(),
                            (None, false) => String::new(),
                        }
                    )),
            )
        })
    }

    fn accesso_caso(&self, id: i64, vis: &Visibilita) -> StoreResult<AccessoCaso> {
        let (op, enti, uff, tutti) = vis_params(vis);
        let sql = concat!(
            "SELECT ",
            own_sql!(" AND o.gestione_fascicolo = 1"),
            ", ",
            own_sql!(""),
            ", ",
            shared_sql!(" AND s.nascondi_informazioni = 0"),
            " FROM presa_in_carico c WHERE c.id = ?5"
        );
        let (gestione, segue, condiviso) = self
            .sql()
            .query_row(sql, params![op, enti, uff, tutti, id], |r| {
                Ok((
                    r.get::<_, bool>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            })
            .optional()?
            .unwrap_or_default();
        Ok(AccessoCaso {
            gestione,
            completo: segue || condiviso,
        })
    }

    fn caso_di(&self, soggetto_id: i64, ente_id: i64) -> StoreResult<Option<i64>> {
        self.sql()
            .query_row(
                "SELECT id FROM presa_in_carico WHERE soggetto_id = ?1 AND ente_id = ?2",
                params![soggetto_id, ente_id],
                |r| r.get(0),
            )
            .optional()
    }

    fn steps(&self, caso_id: i64) -> StoreResult<Vec<Step>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT s.id, s.stato, st.etichetta, s.da_stato, s.data, s.operatore, u.nome, e.nome,
                    COALESCE(te.nome, tu.nome, s.target_operatore), s.nota, s.attributi
             FROM caso_step s
             JOIN caso_stato st ON st.codice = s.stato
             JOIN ente e ON e.id = s.ente_id
             LEFT JOIN ufficio u ON u.id = s.ufficio_id
             LEFT JOIN ente te ON te.id = s.target_ente_id
             LEFT JOIN ufficio tu ON tu.id = s.target_ufficio_id
             WHERE s.caso_id = ?1 ORDER BY s.id",
        )?;
        let rows = stmt
            .query_map([caso_id], |r| {
                Ok(Step {
                    id: r.get(0)?,
                    stato: r.get(1)?,
                    stato_label: r.get(2)?,
                    da_stato: r.get(3)?,
                    data: r.get(4)?,
                    operatore: r.get(5)?,
                    ufficio: r.get(6)?,
                    ente: r.get(7)?,
                    target: r.get(8)?,
                    nota: r.get(9)?,
                    attributi: r.get(10)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn stati_caso(&self) -> StoreResult<Vec<(String, String)>> {
        let mut stmt = self
            .sql()
            .prepare_cached("SELECT codice, etichetta FROM caso_stato ORDER BY ordine")?;
        let rows = stmt
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn transizioni(&self, da: &str) -> StoreResult<Vec<Transizione>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT t.da, t.a, t.etichetta, t.ruoli, t.target, s.attributi
             FROM caso_transizione t JOIN caso_stato s ON s.codice = t.a
             WHERE t.da = ?1 ORDER BY s.ordine",
        )?;
        let split = |s: String| -> Vec<String> {
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        let rows = stmt
            .query_map([da], |r| {
                Ok(Transizione {
                    da: r.get(0)?,
                    a: r.get(1)?,
                    etichetta: r.get(2)?,
                    ruoli: split(r.get(3)?),
                    target: Target::parse(&r.get::<_, String>(4)?),
                    attributi: split(r.get(5)?),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn cambia_stato(&mut self, actor: &Actor, c: &CambioStato) -> StoreResult<i64> {
        self.write_sql(|tx| {
            let (version, da): (i64, String) = tx
                .query_row(
                    "SELECT version, iter_stato FROM presa_in_carico WHERE id = ?1",
                    [c.caso_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("caso {}", c.caso_id)))?;
            if version != c.version {
                return Err(StoreError::Conflict {
                    entity: "caso",
                    id: c.caso_id,
                });
            }
            let now = now_text();
            insert_step(tx, actor, c.caso_id, c, Some(&da), &now)?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("cambia_stato_caso", Outcome::Ok)
                    .on("caso", Some(c.caso_id))
                    .detail(format!("{da} → {}", c.a)),
            )?;
            tx.query_row(
                "SELECT version FROM presa_in_carico WHERE id = ?1",
                [c.caso_id],
                |r| r.get(0),
            )
        })
    }

    fn categorie_ufficio(&self, ufficio_id: i64) -> StoreResult<Vec<String>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT codice FROM ufficio_categoria WHERE ufficio_id = ?1 ORDER BY codice",
        )?;
        let rows = stmt
            .query_map([ufficio_id], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(rows)
    }

    fn set_categorie_ufficio(
        &mut self,
        actor: &Actor,
        ufficio_id: i64,
        codici: &[String],
    ) -> StoreResult<()> {
        self.write_sql(|tx| {
            tx.execute(
                "DELETE FROM ufficio_categoria WHERE ufficio_id = ?1",
                [ufficio_id],
            )?;
            for c in codici {
                tx.execute(
                    "INSERT OR IGNORE INTO ufficio_categoria (ufficio_id, codice) VALUES (?1, ?2)",
                    params![ufficio_id, c],
                )?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("configura_categorie_ufficio", Outcome::Ok)
                    .on("ufficio", Some(ufficio_id))
                    .detail(codici.join(",")),
            )
        })
    }

    fn riservati(&self, operatore_id: i64, ente_id: i64) -> StoreResult<bool> {
        let n: i64 = self.sql().query_row(
            "SELECT count(*) FROM operatore_riservati WHERE operatore_id = ?1 AND ente_id = ?2",
            params![operatore_id, ente_id],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    fn set_riservati(
        &mut self,
        actor: &Actor,
        operatore_id: i64,
        ente_id: i64,
        concesso: bool,
    ) -> StoreResult<()> {
        self.write_sql(|tx| {
            if concesso {
                tx.execute(
                    "INSERT OR IGNORE INTO operatore_riservati (operatore_id, ente_id, granted_at, granted_by)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![operatore_id, ente_id, now_text(), who(actor)],
                )?;
            } else {
                tx.execute(
                    "DELETE FROM operatore_riservati WHERE operatore_id = ?1 AND ente_id = ?2",
                    params![operatore_id, ente_id],
                )?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("concedi_dati_riservati", Outcome::Ok)
                    .on("operatore", Some(operatore_id))
                    .detail(format!(
                        "ente {ente_id}: {}",
                        if concesso { "concesso" } else { "revocato" }
                    )),
            )
        })
    }

    fn contatori_casi(&self, vis: &Visibilita, oggi: &str) -> StoreResult<ContatoriCasi> {
        let conn = &self.sql();
        let (op, enti, uff, _) = vis_params(vis);
        let proposte: i64 = conn.query_row(
            "SELECT COUNT(*) FROM proposta_pic WHERE ente_id IN (SELECT value FROM json_each(?1))
               AND stato IN ('inviata', 'modificata')",
            [&enti],
            |r| r.get(0),
        )?;
        // "My cases": assigned to me, or signalled to me or my office, whatever the broader
        // permission; not those merely shared with my unit.
        let mine = concat!("SELECT c.id FROM presa_in_carico c WHERE ", own_sql!(""));
        let p = params![op, enti, uff, 0];
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT st.etichetta, COUNT(*) FROM presa_in_carico c JOIN caso_stato st ON st.codice = c.iter_stato
             WHERE c.id IN ({mine}) GROUP BY st.codice ORDER BY st.ordine"
        ))?;
        let per_stato = stmt
            .query_map(p, |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let pai_da_verificare: i64 = conn.query_row(
            &format!(
                "SELECT COUNT(*) FROM pai WHERE data_chiusura IS NULL AND prossima_verifica <= ?5 AND caso_id IN ({mine})"
            ),
            params![op, enti, uff, 0, oggi],
            |r| r.get(0),
        )?;
        let isee_in_scadenza: i64 = conn.query_row(
            &format!(
                "SELECT COUNT(*) FROM isee i WHERE i.scadenza <= date(?5, '+30 days') AND caso_id IN ({mine})
                   AND NOT EXISTS (SELECT 1 FROM isee j WHERE j.caso_id = i.caso_id AND j.tipo = i.tipo AND j.scadenza > i.scadenza)"
            ),
            params![op, enti, uff, 0, oggi],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare_cached(
            "SELECT g.cognome || ' ' || g.nome, substr(p.gestita_at, 1, 10), COALESCE(p.nota_stato, '')
             FROM proposta_pic p JOIN scheda s ON s.id = p.scheda_id JOIN soggetto g ON g.id = p.soggetto_id
             WHERE p.stato = 'respinta' AND s.operatore = ?1 AND p.gestita_at >= date(?2, '-30 days')
             ORDER BY p.gestita_at DESC LIMIT 5",
        )?;
        let respinte = stmt
            .query_map(params![vis.operatore, oggi], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ContatoriCasi {
            proposte,
            per_stato,
            pai_da_verificare,
            isee_in_scadenza,
            respinte,
        })
    }

    fn modifiche(&self) -> StoreResult<i64> {
        self.sql()
            .query_row("SELECT n FROM modifiche WHERE id = 1", (), |r| r.get(0))
    }

    fn accessi(
        &self,
        codice_fiscale: &str,
        dal: Option<&str>,
        al: Option<&str>,
    ) -> StoreResult<Vec<AuditRow>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, at, operatore_id, username, os_user, ssh_client, action, entity, entity_id, section,
                    outcome, detail, prev_hash, hash
             FROM audit_log a, (SELECT id AS sid FROM soggetto WHERE codice_fiscale = ?1) p
             WHERE ((a.entity = 'soggetto' AND a.entity_id = p.sid)
                 OR (a.entity = 'scheda' AND a.entity_id IN (SELECT id FROM scheda WHERE soggetto_id = p.sid))
                 OR (a.entity = 'proposta' AND a.entity_id IN (SELECT id FROM proposta_pic WHERE soggetto_id = p.sid))
                 OR (a.entity = 'caso' AND a.entity_id IN (SELECT id FROM presa_in_carico WHERE soggetto_id = p.sid)))
               AND (?2 IS NULL OR substr(a.at, 1, 10) >= ?2)
               AND (?3 IS NULL OR substr(a.at, 1, 10) <= ?3)
             ORDER BY a.id",
        )?;
        let rows = stmt
            .query_map(params![codice_fiscale, dal, al], |r| {
                let outcome: String = r.get(10)?;
                Ok(AuditRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    operatore_id: r.get(2)?,
                    username: r.get(3)?,
                    os_user: r.get(4)?,
                    ssh_client: r.get(5)?,
                    event: AuditEvent {
                        action: r.get(6)?,
                        entity: r.get(7)?,
                        entity_id: r.get(8)?,
                        section: r.get(9)?,
                        outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Failed),
                        detail: r.get(11)?,
                    },
                    prev_hash: r.get(12)?,
                    hash: r.get(13)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
