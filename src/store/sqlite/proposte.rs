//! SQLite side of the proposals inbox ("schede da prendere in carico"): the pending proposals of
//! an ente and their handling (prendi in carico, vista, respingi), each in one transaction.

use super::audit::append_audit;
use super::casi::{audit_on, insert_step, new_caso, step_simple};
use super::fascicolo::{familiari_of, insert_familiare};
use super::{SqliteStore, json_array, now_text, who};
use crate::domain::caso::{self, Gestione, Proposta};
use crate::domain::scheda_sezioni::{familiari, familiari_da_copiare};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, Row, Sql, params};
use crate::store::{ProposteStore, StoreError, StoreResult};

const PROPOSTA_SQL: &str = "SELECT p.id, p.version, p.scheda_id, s.numero, p.soggetto_id, p.ente_id, p.stato,
        s.data_accesso, s.operatore, u.nome, g.cognome, g.nome, g.codice_fiscale, s.esito, p.categorie,
        p.nota_stato, COALESCE(p.caso_id, c.id), p.gestita_da, p.gestita_at
     FROM proposta_pic p
     JOIN scheda s ON s.id = p.scheda_id
     JOIN soggetto g ON g.id = p.soggetto_id
     LEFT JOIN ufficio u ON u.id = s.ufficio_id
     LEFT JOIN presa_in_carico c ON c.soggetto_id = p.soggetto_id AND c.ente_id = p.ente_id";

fn proposta_from(r: &Row) -> StoreResult<Proposta> {
    let categorie: String = r.get(14)?;
    Ok(Proposta {
        id: r.get(0)?,
        version: r.get(1)?,
        scheda_id: r.get(2)?,
        scheda_numero: r.get(3)?,
        soggetto_id: r.get(4)?,
        ente_id: r.get(5)?,
        stato: r.get(6)?,
        data_accesso: r.get(7)?,
        operatore: r.get(8)?,
        ufficio: r.get(9)?,
        cognome: r.get(10)?,
        nome: r.get(11)?,
        codice_fiscale: r.get(12)?,
        esito: r.get(13)?,
        categorie: categorie
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        provenienza: "Sportello".into(),
        nota_stato: r.get(15)?,
        caso_id: r.get(16)?,
        gestita_da: r.get(17)?,
        gestita_at: r.get(18)?,
    })
}

impl ProposteStore for SqliteStore {
    fn proposte(&self, enti: &[i64], pending: bool) -> StoreResult<Vec<Proposta>> {
        let sql = format!(
            "{PROPOSTA_SQL} WHERE p.ente_id IN (SELECT value FROM json_each(?1))
               AND (?2 = 0 OR p.stato IN ('inviata', 'modificata'))
             ORDER BY s.data_accesso, p.id"
        );
        let mut stmt = self.sql().prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![json_array(enti), pending], proposta_from)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn proposta(&self, id: i64) -> StoreResult<Option<Proposta>> {
        let sql = format!("{PROPOSTA_SQL} WHERE p.id = ?1");
        self.sql().query_row(&sql, [id], proposta_from).optional()
    }

    fn gestisci_proposta(
        &mut self,
        actor: &Actor,
        id: i64,
        gestione: Gestione,
        oggi: &str,
    ) -> StoreResult<i64> {
        self.write_sql(|tx| {
            let now = now_text();
            let by = who(actor);
            let (soggetto, ente, categorie): (i64, i64, String) = tx
                .query_row(
                    "SELECT soggetto_id, ente_id, categorie FROM proposta_pic WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("proposta {id}")))?;
            taken_check(tx, id)?;
            let existing: Option<(i64, String)> = tx
                .query_row(
                    "SELECT id, iter_stato FROM presa_in_carico WHERE soggetto_id = ?1 AND ente_id = ?2",
                    params![soggetto, ente],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (caso_id, esito) = match (&existing, gestione) {
                (None, Gestione::Vista) => {
                    return Err(StoreError::Invalid(
                        "la persona non ha ancora un caso: usare «Prendi in carico»".into(),
                    ));
                }
                (Some((c, _)), Gestione::Vista) => (*c, "vista"),
                (Some((c, _)), Gestione::PresaInCarico) => (*c, "collegata"),
                (None, Gestione::PresaInCarico) => {
                    (new_caso(tx, actor, soggetto, ente, oggi)?, "creata")
                }
            };
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO caso_categoria (caso_id, codice, prevalente, dal)
                 SELECT ?1, ?2, CASE WHEN EXISTS (SELECT 1 FROM caso_categoria WHERE caso_id = ?1 AND al IS NULL) THEN 0 ELSE 1 END, ?3
                 WHERE NOT EXISTS (SELECT 1 FROM caso_categoria WHERE caso_id = ?1 AND codice = ?2 AND al IS NULL)",
            )?;
            for c in categorie.split(',').filter(|c| !c.is_empty()) {
                ins.execute(params![caso_id, c, oggi])?;
            }
            if gestione == Gestione::PresaInCarico {
                copy_familiari(tx, actor, id, caso_id)?;
                let stato: String = tx.query_row(
                    "SELECT iter_stato FROM presa_in_carico WHERE id = ?1",
                    [caso_id],
                    |r| r.get(0),
                )?;
                if stato == caso::CHIUSO {
                    insert_step(tx, actor, caso_id, &step_simple(caso::RIAPERTO, oggi), Some(&stato), &now)?;
                }
                if stato != caso::PRESO_IN_CARICO {
                    let da = if stato == caso::CHIUSO { caso::RIAPERTO } else { stato.as_str() };
                    insert_step(tx, actor, caso_id, &step_simple(caso::PRESO_IN_CARICO, oggi), Some(da), &now)?;
                }
            }
            tx.execute(
                "UPDATE proposta_pic SET stato = 'accolta', caso_id = ?2, esito_gestione = ?3, gestita_da = ?4,
                     gestita_at = ?5, updated_at = ?5, updated_by = ?4, version = version + 1
                 WHERE id = ?1",
                params![id, caso_id, esito, by, now],
            )?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new(
                    match gestione {
                        Gestione::PresaInCarico => "prendi_in_carico",
                        Gestione::Vista => "proposta_vista",
                    },
                    Outcome::Ok,
                )
                .on("proposta", Some(id))
                .detail(format!("caso {caso_id} ({esito})")),
            )?;
            Ok(caso_id)
        })
    }

    fn respingi_proposta(&mut self, actor: &Actor, id: i64, nota: &str) -> StoreResult<()> {
        self.write_sql(|tx| {
            taken_check(tx, id)?;
            let now = now_text();
            let by = who(actor);
            tx.execute(
                "UPDATE proposta_pic SET stato = 'respinta', nota_stato = ?2, gestita_da = ?3, gestita_at = ?4,
                     updated_at = ?4, updated_by = ?3, version = version + 1
                 WHERE id = ?1",
                params![id, nota, by, now],
            )?;
            audit_on(tx, actor, "respingi_proposta", "proposta", id)
        })
    }
}

/// Denied, naming who handled it, when proposal `id` is no longer pending.
/// Adds the familiari e conviventi of proposal `id`'s scheda to case `caso_id`'s, those the
/// cartella does not have yet ([`familiari_da_copiare`]); a relative with a codice fiscale of the
/// anagrafe is linked to that person.
fn copy_familiari(tx: &Sql<'_>, actor: &Actor, id: i64, caso_id: i64) -> StoreResult<()> {
    let dati: String = tx.query_row(
        "SELECT s.dati FROM proposta_pic p JOIN scheda s ON s.id = p.scheda_id WHERE p.id = ?1",
        [id],
        |r| r.get(0),
    )?;
    let dati = serde_json::from_str(&dati).unwrap_or_default();
    let nuovi = familiari_da_copiare(familiari(&dati), &familiari_of(tx, caso_id)?);
    for f in &nuovi {
        let soggetto: Option<i64> = match f.codice_fiscale.as_deref() {
            Some(cf) => tx
                .query_row(
                    "SELECT id FROM soggetto WHERE codice_fiscale = ?1 AND deleted_at IS NULL",
                    [cf.trim().to_uppercase()],
                    |r| r.get(0),
                )
                .optional()?,
            None => None,
        };
        insert_familiare(tx, actor, caso_id, f, soggetto)?;
    }
    Ok(())
}

fn taken_check(tx: &Sql<'_>, id: i64) -> StoreResult<()> {
    let (stato, by): (String, Option<String>) = tx
        .query_row(
            "SELECT stato, gestita_da FROM proposta_pic WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("proposta {id}")))?;
    match stato.as_str() {
        "inviata" | "modificata" => Ok(()),
        "accolta" => Err(StoreError::Denied(format!(
            "la proposta è già stata presa in carico da {}",
            by.unwrap_or_else(|| "un altro operatore".into())
        ))),
        "respinta" => Err(StoreError::Denied(format!(
            "la proposta è già stata respinta da {}",
            by.unwrap_or_else(|| "un altro operatore".into())
        ))),
        _ => Err(StoreError::Denied(
            "la proposta è stata ritirata dallo sportello".into(),
        )),
    }
}
