//! SQLite side of the schede di accesso: save (insert or update with optimistic locking, the coded
//! fields as child rows, the proposal of presa in carico kept in step), read, list with filters,
//! soft delete and restore, the office counters.

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Map, Value};

use super::sqlite::{SqliteStore, append_audit, now_text, who};
use super::{StoreError, StoreResult};
use crate::domain::scheda::{Filtro, MULTI, Scheda, SchedaEdit, SchedaRiga, Stato};
use crate::domain::{Actor, AuditEvent, Outcome};

/// Where a saved scheda goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedaSave {
    /// The ente and office a new scheda belongs to (ignored when updating).
    pub ente_id: i64,
    pub ufficio_id: Option<i64>,
    /// Passes every completion rule.
    pub completa: bool,
    /// The destination ente of its proposal of presa in carico (complete with a PIC esito).
    pub proposta_ente: Option<i64>,
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedaSaved {
    pub id: i64,
    pub version: i64,
    pub numero: i64,
}

/// The office counters of the home screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contatori {
    pub oggi: i64,
    pub in_sospeso: i64,
    /// Proposals of presa in carico for the ente not yet handled.
    pub proposte: i64,
    /// Schede sent to this office by others and not opened yet.
    pub ricevute: i64,
}

/// SQL for the state of a row of `scheda s` (with `proposta_pic p` joined).
const STATO_SQL: &str = "CASE WHEN s.deleted_at IS NOT NULL THEN 'eliminata'
      WHEN s.completa = 0 THEN 'in_sospeso'
      WHEN s.invio_ufficio_id IS NOT NULL OR p.stato IN ('inviata', 'modificata', 'accolta', 'respinta') THEN 'inviata'
      ELSE 'completa' END";

fn codes(tx: &rusqlite::Connection, id: i64, campo: &str) -> StoreResult<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT codice FROM scheda_codice WHERE scheda_id = ?1 AND campo = ?2 ORDER BY rowid",
    )?;
    Ok(stmt
        .query_map(params![id, campo], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

fn write_codes(tx: &Transaction<'_>, id: i64, e: &SchedaEdit) -> StoreResult<()> {
    tx.execute("DELETE FROM scheda_codice WHERE scheda_id = ?1", [id])?;
    let mut ins = tx.prepare_cached(
        "INSERT OR IGNORE INTO scheda_codice (scheda_id, campo, codice) VALUES (?1, ?2, ?3)",
    )?;
    for (campo, list) in MULTI
        .iter()
        .zip([&e.bisogni, &e.servizi, &e.categorie_sociali])
    {
        for c in list {
            ins.execute(params![id, campo, c])?;
        }
    }
    Ok(())
}

/// Keeps the proposal of presa in carico in step with the scheda: created when the complete scheda
/// is a proposal, marked 'modificata' on later saves, 'ritirata' when it stops being one — only while
/// nobody handled it ('accolta' / 'respinta' are left alone).
fn sync_proposta(
    tx: &Transaction<'_>,
    id: i64,
    e: &SchedaEdit,
    save: SchedaSave,
    now: &str,
    by: &str,
) -> StoreResult<Option<&'static str>> {
    let current: Option<String> = tx
        .query_row(
            "SELECT stato FROM proposta_pic WHERE scheda_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let handled = matches!(current.as_deref(), Some("accolta" | "respinta"));
    let categorie = e.categorie_sociali.join(",");
    let change = match (save.proposta_ente, current.as_deref()) {
        (_, _) if handled => None,
        (Some(ente), None) => {
            tx.execute(
                "INSERT INTO proposta_pic (scheda_id, soggetto_id, ente_id, stato, categorie, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, 'inviata', ?4, ?5, ?6, ?5, ?6)",
                params![id, e.soggetto_id, ente, categorie, now, by],
            )?;
            Some("inviata")
        }
        (Some(ente), Some(stato)) => {
            let new = if stato == "ritirata" {
                "inviata"
            } else {
                "modificata"
            };
            tx.execute(
                "UPDATE proposta_pic SET stato = ?2, ente_id = ?3, categorie = ?4, soggetto_id = ?5,
                     updated_at = ?6, updated_by = ?7, version = version + 1
                 WHERE scheda_id = ?1",
                params![id, new, ente, categorie, e.soggetto_id, now, by],
            )?;
            Some(new)
        }
        (None, Some("inviata" | "modificata")) => {
            tx.execute(
                "UPDATE proposta_pic SET stato = 'ritirata', updated_at = ?2, updated_by = ?3, version = version + 1
                 WHERE scheda_id = ?1",
                params![id, now, by],
            )?;
            Some("ritirata")
        }
        _ => None,
    };
    Ok(change)
}

fn dati_json(d: &Map<String, Value>) -> String {
    Value::Object(d.clone()).to_string()
}

impl SqliteStore {
    pub(super) fn sql_save_scheda(
        &mut self,
        actor: &Actor,
        e: &SchedaEdit,
        save: SchedaSave,
    ) -> StoreResult<SchedaSaved> {
        let now = now_text();
        let by = who(actor);
        self.write(|tx| {
            let (id, version, numero) = match e.id {
                None => {
                    let ente = save.ente_id;
                    let numero: i64 = tx.query_row(
                        "SELECT COALESCE(MAX(numero), 0) + 1 FROM scheda WHERE ente_id = ?1",
                        [ente],
                        |r| r.get(0),
                    )?;
                    tx.execute(
                        "INSERT INTO scheda (numero, ente_id, ufficio_id, soggetto_id, operatore, data_accesso, completa,
                             esito, invio_ufficio_id, dati, nota_privata, nota_privata_autore, created_at, created_by,
                             updated_at, updated_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?13, ?14)",
                        params![
                            numero,
                            ente,
                            save.ufficio_id,
                            e.soggetto_id,
                            e.operatore,
                            e.data_accesso,
                            save.completa,
                            e.esito,
                            e.invio_ufficio_id,
                            dati_json(&e.dati),
                            e.nota_privata.as_deref().filter(|n| !n.trim().is_empty()),
                            e.nota_privata
                                .as_deref()
                                .filter(|n| !n.trim().is_empty())
                                .map(|_| by.clone()),
                            now,
                            by
                        ],
                    )?;
                    (tx.last_insert_rowid(), 1, numero)
                }
                Some(id) => {
                    let row: Option<(i64, i64, Option<String>)> = tx
                        .query_row(
                            "SELECT version, numero, nota_privata FROM scheda WHERE id = ?1 AND deleted_at IS NULL",
                            [id],
                            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                        )
                        .optional()?;
                    let Some((version, numero, old_note)) = row else {
                        return Err(StoreError::NotFound(format!("scheda {id}")));
                    };
                    if version != e.version {
                        return Err(StoreError::Conflict {
                            entity: "scheda",
                            id,
                        });
                    }
                    let (nota, autore_changed) = match &e.nota_privata {
                        None => (old_note, false),
                        Some(n) if n.trim().is_empty() => (None, true),
                        Some(n) => (Some(n.clone()), old_note.as_deref() != Some(n.as_str())),
                    };
                    let n = tx.execute(
                        "UPDATE scheda SET soggetto_id = ?2, operatore = ?3, data_accesso = ?4, completa = ?5, esito = ?6,
                             invio_ufficio_id = ?7, dati = ?8, nota_privata = ?9,
                             nota_privata_autore = CASE WHEN ?10 THEN (CASE WHEN ?9 IS NULL THEN NULL ELSE ?11 END)
                                                        ELSE nota_privata_autore END,
                             updated_at = ?12, updated_by = ?11, version = version + 1
                         WHERE id = ?1 AND version = ?13",
                        params![
                            id,
                            e.soggetto_id,
                            e.operatore,
                            e.data_accesso,
                            save.completa,
                            e.esito,
                            e.invio_ufficio_id,
                            dati_json(&e.dati),
                            nota,
                            autore_changed,
                            by,
                            now,
                            version
                        ],
                    )?;
                    if n != 1 {
                        return Err(StoreError::Conflict {
                            entity: "scheda",
                            id,
                        });
                    }
                    (id, version + 1, numero)
                }
            };
            write_codes(tx, id, e)?;
            let proposta = sync_proposta(tx, id, e, save, &now, &by)?;
            let stato = if save.completa { "completa" } else { "in sospeso" };
            append_audit(
                tx,
                actor,
                &AuditEvent::new(
                    if e.id.is_none() { "crea_scheda" } else { "modifica_scheda" },
                    Outcome::Ok,
                )
                .on("scheda", Some(id))
                .detail(match proposta {
                    Some(p) => format!("{stato}; proposta di presa in carico {p}"),
                    None => stato.to_string(),
                }),
            )?;
            Ok(SchedaSaved {
                id,
                version,
                numero,
            })
        })
    }

    /// One scheda with its private note (the service decides who sees it). Deleted ones too.
    pub(super) fn sql_scheda(&self, id: i64) -> StoreResult<Option<Scheda>> {
        let conn = self.conn();
        let sql = format!(
            "SELECT s.id, s.version, s.numero, s.ente_id, s.ufficio_id, s.soggetto_id, s.operatore, s.data_accesso,
                    s.completa, s.esito, s.invio_ufficio_id, s.dati, s.nota_privata, s.nota_privata_autore,
                    s.created_at, s.created_by, s.updated_at, s.updated_by, s.deleted_reason, p.stato, {STATO_SQL}
             FROM scheda s LEFT JOIN proposta_pic p ON p.scheda_id = s.id
             WHERE s.id = ?1"
        );
        let row = conn
            .query_row(&sql, [id], |r| {
                let dati: String = r.get(11)?;
                let stato: String = r.get(20)?;
                Ok((
                    SchedaEdit {
                        id: Some(r.get(0)?),
                        version: r.get(1)?,
                        soggetto_id: r.get(5)?,
                        data_accesso: r.get(7)?,
                        operatore: r.get(6)?,
                        esito: r.get(9)?,
                        invio_ufficio_id: r.get(10)?,
                        nota_privata: r.get(12)?,
                        dati: serde_json::from_str(&dati).unwrap_or_default(),
                        ..Default::default()
                    },
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, bool>(8)?,
                    r.get::<_, Option<String>>(13)?,
                    (
                        r.get::<_, String>(14)?,
                        r.get::<_, String>(15)?,
                        r.get::<_, String>(16)?,
                        r.get::<_, String>(17)?,
                    ),
                    r.get::<_, Option<String>>(18)?,
                    r.get::<_, Option<String>>(19)?,
                    Stato::parse(&stato).unwrap_or(Stato::InSospeso),
                ))
            })
            .optional()?;
        let Some((
            mut edit,
            numero,
            ente_id,
            ufficio_id,
            completa,
            autore,
            times,
            reason,
            proposta,
            stato,
        )) = row
        else {
            return Ok(None);
        };
        edit.bisogni = codes(conn, id, "bisogni")?;
        edit.servizi = codes(conn, id, "servizi")?;
        edit.categorie_sociali = codes(conn, id, "categorie_sociali")?;
        Ok(Some(Scheda {
            edit,
            numero,
            ente_id,
            ufficio_id,
            completa,
            stato,
            nota_leggibile: true,
            nota_privata_autore: autore,
            proposta,
            created_at: times.0,
            created_by: times.1,
            updated_at: times.2,
            updated_by: times.3,
            deleted_reason: reason,
        }))
    }

    /// The schede of the given enti matching `f`, newest first, at most `limit`.
    pub(super) fn sql_list_schede(
        &self,
        enti: &[i64],
        f: &Filtro,
        limit: usize,
    ) -> StoreResult<Vec<SchedaRiga>> {
        let enti_json = serde_json::to_string(enti).map_err(|e| StoreError::Db(e.to_string()))?;
        let soggetti_json = f
            .soggetti
            .as_ref()
            .map(|s| serde_json::to_string(s).unwrap_or_else(|_| "[]".into()));
        let sql = format!(
            "SELECT s.id, s.numero, s.data_accesso, s.soggetto_id, g.cognome, g.nome, g.codice_fiscale, s.operatore,
                    u.nome, s.esito, {STATO_SQL} AS stato,
                    json_extract(s.dati, '$.interlocutore'), json_extract(s.dati, '$.modalita_accesso'),
                    json_extract(s.dati, '$.motivo_accesso'), s.dati, s.version
             FROM scheda s
             JOIN soggetto g ON g.id = s.soggetto_id
             LEFT JOIN ufficio u ON u.id = s.ufficio_id
             LEFT JOIN proposta_pic p ON p.scheda_id = s.id
             WHERE (s.ente_id IN (SELECT value FROM json_each(?1))
                    OR (?12 IS NOT NULL AND s.invio_ufficio_id = ?12 AND s.completa = 1))
               AND (?2 IS NULL OR s.data_accesso >= ?2)
               AND (?3 IS NULL OR s.data_accesso <= ?3)
               AND (?4 IS NULL OR s.ufficio_id = ?4)
               AND (?5 IS NULL OR s.operatore = ?5)
               AND (?6 IS NULL OR s.esito = ?6)
               AND (?7 IS NULL OR EXISTS (SELECT 1 FROM scheda_codice c
                                          WHERE c.scheda_id = s.id AND c.campo = 'bisogni' AND c.codice = ?7))
               AND (?8 IS NULL OR s.soggetto_id IN (SELECT value FROM json_each(?8)))
               AND (?9 OR s.deleted_at IS NULL)
               AND (?10 IS NULL OR {STATO_SQL} = ?10)
             ORDER BY s.data_accesso DESC, s.id DESC
             LIMIT ?11"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows: Vec<SchedaRiga> = stmt
            .query_map(
                params![
                    enti_json,
                    f.dal,
                    f.al,
                    f.ufficio_id,
                    f.operatore,
                    f.esito,
                    f.bisogno,
                    soggetti_json,
                    f.eliminate || f.stato == Some(Stato::Eliminata),
                    f.stato.map(Stato::code),
                    limit as i64,
                    f.ricevute_da
                ],
                |r| {
                    let stato: String = r.get(10)?;
                    Ok(SchedaRiga {
                        id: r.get(0)?,
                        version: r.get(15)?,
                        numero: r.get(1)?,
                        data_accesso: r.get(2)?,
                        soggetto_id: r.get(3)?,
                        cognome: r.get(4)?,
                        nome: r.get(5)?,
                        codice_fiscale: r.get(6)?,
                        operatore: r.get(7)?,
                        ufficio: r.get(8)?,
                        esito: r.get(9)?,
                        stato: Stato::parse(&stato).unwrap_or(Stato::InSospeso),
                        bisogni: Vec::new(),
                        servizi: Vec::new(),
                        categorie_sociali: Vec::new(),
                        interlocutore: r.get(11)?,
                        modalita_accesso: r.get(12)?,
                        motivo_accesso: r.get(13)?,
                        dati: r.get(14)?,
                    })
                },
            )?
            .collect::<Result<_, _>>()?;
        let mut rows = rows;
        if !rows.is_empty() {
            // The coded fields of the whole page in one query.
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let mut stmt = self.conn().prepare_cached(
                "SELECT scheda_id, campo, codice FROM scheda_codice
                 WHERE scheda_id IN (SELECT value FROM json_each(?1)) ORDER BY rowid",
            )?;
            let mut by_id: std::collections::HashMap<i64, usize> =
                ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
            let mut q = stmt.query([serde_json::to_string(&ids).unwrap_or_default()])?;
            while let Some(r) = q.next()? {
                let (id, campo, codice): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
                if let Some(i) = by_id.get_mut(&id).map(|i| *i) {
                    match campo.as_str() {
                        "bisogni" => rows[i].bisogni.push(codice),
                        "servizi" => rows[i].servizi.push(codice),
                        _ => rows[i].categorie_sociali.push(codice),
                    }
                }
            }
        }
        Ok(rows)
    }

    /// Soft delete (`restore = false`, with the reason) or restore; Conflict if the version moved.
    pub(super) fn sql_delete_scheda(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
        reason: Option<&str>,
    ) -> StoreResult<()> {
        let now = now_text();
        let by = who(actor);
        self.write(|tx| {
            let n = match reason {
                Some(reason) => tx.execute(
                    "UPDATE scheda SET deleted_at = ?1, deleted_by = ?2, deleted_reason = ?3, version = version + 1,
                         updated_at = ?1, updated_by = ?2
                     WHERE id = ?4 AND version = ?5 AND deleted_at IS NULL",
                    params![now, by, reason, id, version],
                )?,
                None => tx.execute(
                    "UPDATE scheda SET deleted_at = NULL, deleted_by = NULL, deleted_reason = NULL, version = version + 1,
                         updated_at = ?1, updated_by = ?2
                     WHERE id = ?3 AND version = ?4 AND deleted_at IS NOT NULL",
                    params![now, by, id, version],
                )?,
            };
            if n != 1 {
                return Err(StoreError::Conflict {
                    entity: "scheda",
                    id,
                });
            }
            if reason.is_some() {
                // A deleted scheda proposes nothing.
                tx.execute(
                    "UPDATE proposta_pic SET stato = 'ritirata', updated_at = ?2, updated_by = ?3, version = version + 1
                     WHERE scheda_id = ?1 AND stato IN ('inviata', 'modificata')",
                    params![id, now, by],
                )?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new(
                    if reason.is_some() {
                        "elimina_scheda"
                    } else {
                        "ripristina_scheda"
                    },
                    Outcome::Ok,
                )
                .on("scheda", Some(id))
                .detail(reason.unwrap_or_default()),
            )?;
            Ok(())
        })
    }

    /// Marks a scheda sent to another office as received (opened there).
    pub(super) fn sql_mark_ricevuta(&mut self, id: i64) -> StoreResult<()> {
        let now = now_text();
        self.write(|tx| {
            tx.execute(
                "UPDATE scheda SET ricevuta_at = ?2 WHERE id = ?1 AND ricevuta_at IS NULL",
                params![id, now],
            )?;
            Ok(())
        })
    }

    pub(super) fn sql_contatori(
        &self,
        ente_id: i64,
        ufficio_id: Option<i64>,
        oggi: &str,
    ) -> StoreResult<Contatori> {
        let conn = self.conn();
        let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> StoreResult<i64> {
            Ok(conn.query_row(sql, p, |r| r.get(0))?)
        };
        Ok(Contatori {
            oggi: count(
                "SELECT COUNT(*) FROM scheda WHERE ente_id = ?1 AND (?2 IS NULL OR ufficio_id = ?2)
                   AND data_accesso = ?3 AND deleted_at IS NULL",
                &[&ente_id, &ufficio_id, &oggi],
            )?,
            in_sospeso: count(
                "SELECT COUNT(*) FROM scheda WHERE ente_id = ?1 AND (?2 IS NULL OR ufficio_id = ?2)
                   AND completa = 0 AND deleted_at IS NULL",
                &[&ente_id, &ufficio_id],
            )?,
            proposte: count(
                "SELECT COUNT(*) FROM proposta_pic WHERE ente_id = ?1 AND stato IN ('inviata', 'modificata')",
                &[&ente_id],
            )?,
            ricevute: count(
                "SELECT COUNT(*) FROM scheda WHERE ?1 IS NOT NULL AND invio_ufficio_id = ?1 AND ricevuta_at IS NULL
                   AND deleted_at IS NULL AND completa = 1",
                &[&ufficio_id],
            )?,
        })
    }

    /// The capofila of the ambito an ente belongs to (itself when it is the capofila).
    pub(super) fn sql_capofila(&self, ente_id: i64) -> StoreResult<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT c.id FROM ente e JOIN ente c
                   ON c.capofila = 1 AND (c.id = e.id OR c.ambito_id = e.ambito_id OR c.id = e.ambito_id)
                 WHERE e.id = ?1 ORDER BY c.id = e.id DESC LIMIT 1",
                [ente_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}
