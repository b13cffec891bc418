//! SQLite side of the schede di accesso: save (insert or update with optimistic locking, the coded
//! fields as child rows, the proposal of presa in carico kept in step), read, list with filters,
//! soft delete and restore, the office counters.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::{Map, Value};

use super::audit::append_audit;
use super::{SqliteStore, json_array, now_text, who};
use crate::domain::scheda::{
    Filtro, MULTI, Scheda, SchedaEdit, SchedaRiga, SchedaStorica, Sensibili, Stato,
};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, Sql, params, params_from_iter};
use crate::store::{SchedaStore, StoreError, StoreResult};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchedaSaved {
    pub id: i64,
    pub version: i64,
    pub numero: i64,
    /// The sending to another office this save made (its e-mail notice is still to go).
    #[serde(default)]
    pub invio: Option<i64>,
}

/// The office counters of the home screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// The coded fields (bisogni, servizi, categorie sociali) of the given schede, in one query.
type Codes = (Vec<String>, Vec<String>, Vec<String>);

fn coded_fields(conn: &Sql<'_>, ids: &[i64]) -> StoreResult<std::collections::HashMap<i64, Codes>> {
    let mut out: std::collections::HashMap<i64, Codes> = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT scheda_id, campo, codice FROM scheda_codice
         WHERE scheda_id IN (SELECT value FROM json_each(?1)) ORDER BY rowid",
    )?;
    let mut q = stmt.query([json_array(ids)])?;
    while let Some(r) = q.next()? {
        let (id, campo, codice): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let e = out.entry(id).or_default();
        match campo.as_str() {
            "bisogni" => e.0.push(codice),
            "servizi" => e.1.push(codice),
            _ => e.2.push(codice),
        }
    }
    Ok(out)
}

fn write_codes(tx: &Sql<'_>, id: i64, e: &SchedaEdit) -> StoreResult<()> {
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
    tx: &Sql<'_>,
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

/// The `dati` column: every field but the sensitive ones (see [`write_sensibili`]).
fn dati_json(d: &Map<String, Value>) -> String {
    let mut d = d.clone();
    Sensibili::take(&mut d);
    serde_json::to_string(&d).unwrap_or_else(|_| "{}".into())
}

/// The health fields and third parties' codici fiscali of scheda `id`, in their typed places.
fn write_sensibili(tx: &Sql<'_>, id: i64, dati: &Map<String, Value>) -> StoreResult<()> {
    let s = Sensibili::take(&mut dati.clone());
    tx.execute("DELETE FROM scheda_sanitaria WHERE scheda_id = ?1", [id])?;
    tx.execute("DELETE FROM scheda_terzo WHERE scheda_id = ?1", [id])?;
    if s.sanitari() {
        tx.execute(
            "INSERT INTO scheda_sanitaria (scheda_id, tessera_sanitaria, stp, invalidita)
             VALUES (?1, ?2, ?3, ?4)",
            params![id, s.tessera_sanitaria, s.stp, s.invalidita],
        )?;
    }
    let mut ins = tx.prepare_cached(
        "INSERT INTO scheda_terzo (scheda_id, ruolo, codice_fiscale) VALUES (?1, ?2, ?3)",
    )?;
    for (ruolo, cf) in &s.terzi {
        ins.execute(params![id, ruolo, cf])?;
    }
    Ok(())
}

/// The sensitive fields of scheda `id` as stored.
pub(super) fn read_sensibili(conn: &Sql<'_>, id: i64) -> StoreResult<Sensibili> {
    let mut s = conn
        .query_row(
            "SELECT tessera_sanitaria, stp, invalidita FROM scheda_sanitaria WHERE scheda_id = ?1",
            [id],
            |r| {
                Ok(Sensibili {
                    tessera_sanitaria: r.get(0)?,
                    stp: r.get(1)?,
                    invalidita: r.get(2)?,
                    terzi: Vec::new(),
                })
            },
        )
        .optional()?
        .unwrap_or_default();
    let mut stmt = conn.prepare_cached(
        "SELECT ruolo, codice_fiscale FROM scheda_terzo WHERE scheda_id = ?1 ORDER BY ruolo",
    )?;
    s.terzi = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(s)
}

impl SchedaStore for SqliteStore {
    fn save_scheda(
        &mut self,
        actor: &Actor,
        e: &SchedaEdit,
        save: SchedaSave,
    ) -> StoreResult<SchedaSaved> {
        let now = now_text();
        let by = who(actor);
        self.write_sql(|tx| {
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
                    (tx.last_insert_rowid()?, 1, numero)
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
            write_sensibili(tx, id, &e.dati)?;
            let proposta = sync_proposta(tx, id, e, save, &now, &by)?;
            let invio = super::organizzazioni::sync_invio(tx, id, e, save, &now, &by)?;
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
                invio,
            })
        })
    }

    /// One scheda with its private note (the service decides who sees it). Deleted ones too.
    fn scheda(&self, id: i64) -> StoreResult<Option<Scheda>> {
        let conn = &self.sql();
        let sql = format!(
            "SELECT s.id, s.version, s.numero, s.ente_id, s.ufficio_id, s.soggetto_id, s.operatore, s.data_accesso,
                    s.esito, s.invio_ufficio_id, s.dati, s.nota_privata, s.nota_privata_autore,
                    s.created_at, s.created_by, s.updated_at, s.updated_by, s.deleted_reason, p.stato, {STATO_SQL}
             FROM scheda s LEFT JOIN proposta_pic p ON p.scheda_id = s.id
             WHERE s.id = ?1"
        );
        let scheda = conn
            .query_row(&sql, [id], |r| {
                let dati: String = r.get(10)?;
                let stato: String = r.get(19)?;
                Ok(Scheda {
                    edit: SchedaEdit {
                        id: Some(r.get(0)?),
                        version: r.get(1)?,
                        soggetto_id: r.get(5)?,
                        operatore: r.get(6)?,
                        data_accesso: r.get(7)?,
                        esito: r.get(8)?,
                        invio_ufficio_id: r.get(9)?,
                        dati: serde_json::from_str(&dati).unwrap_or_default(),
                        nota_privata: r.get(11)?,
                        ..Default::default()
                    },
                    numero: r.get(2)?,
                    ente_id: r.get(3)?,
                    ufficio_id: r.get(4)?,
                    stato: Stato::parse(&stato).unwrap_or(Stato::InSospeso),
                    nota_leggibile: true,
                    nota_privata_autore: r.get(12)?,
                    proposta: r.get(18)?,
                    created_at: r.get(13)?,
                    created_by: r.get(14)?,
                    updated_at: r.get(15)?,
                    updated_by: r.get(16)?,
                    deleted_reason: r.get(17)?,
                })
            })
            .optional()?;
        let Some(mut scheda) = scheda else {
            return Ok(None);
        };
        if let Some((b, sv, c)) = coded_fields(conn, &[id])?.remove(&id) {
            let e = &mut scheda.edit;
            (e.bisogni, e.servizi, e.categorie_sociali) = (b, sv, c);
        }
        read_sensibili(conn, id)?.put(&mut scheda.edit.dati);
        Ok(Some(scheda))
    }

    /// The schede of the given enti matching `f`, newest first, at most `limit`. Only the filters
    /// that are set go into the query, so that SQLite can use their indexes (person, date).
    fn list_schede(&self, enti: &[i64], f: &Filtro, limit: usize) -> StoreResult<Vec<SchedaRiga>> {
        use crate::store::sql::Value as V;
        let mut args: Vec<V> = vec![V::Text(json_array(enti))];
        let mut visible = "s.ente_id IN (SELECT value FROM json_each(?1))".to_string();
        if let Some(u) = f.ricevute_da {
            args.push(V::Integer(u));
            visible = format!(
                "({visible} OR (s.invio_ufficio_id = ?{} AND s.completa = 1))",
                args.len()
            );
        }
        let mut clauses = vec![visible];
        let mut add = |clause: &str, v: V| {
            args.push(v);
            clauses.push(clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(d) = &f.dal {
            add("s.data_accesso >= ?", V::Text(d.clone()));
        }
        if let Some(d) = &f.al {
            add("s.data_accesso <= ?", V::Text(d.clone()));
        }
        if let Some(u) = f.ufficio_id {
            add("s.ufficio_id = ?", V::Integer(u));
        }
        if let Some(o) = &f.operatore {
            add("s.operatore = ?", V::Text(o.clone()));
        }
        if let Some(e) = &f.esito {
            add("s.esito = ?", V::Text(e.clone()));
        }
        if let Some(b) = &f.bisogno {
            add(
                "EXISTS (SELECT 1 FROM scheda_codice c WHERE c.scheda_id = s.id AND c.campo = 'bisogni' AND c.codice = ?)",
                V::Text(b.clone()),
            );
        }
        if let Some(ids) = &f.soggetti {
            add(
                "s.soggetto_id IN (SELECT value FROM json_each(?))",
                V::Text(json_array(ids)),
            );
        }
        if let Some(st) = f.stato {
            add(&format!("{STATO_SQL} = ?"), V::Text(st.code().into()));
        }
        if !(f.eliminate || f.stato == Some(Stato::Eliminata)) {
            clauses.push("s.deleted_at IS NULL".into());
        }
        args.push(V::Integer(limit as i64));
        let sql = format!(
            "SELECT s.id, s.version, s.numero, s.data_accesso, s.soggetto_id, g.cognome, g.nome, g.codice_fiscale,
                    s.operatore, u.nome, s.esito, {STATO_SQL}, s.dati,
                    CASE WHEN s.ente_id IN (SELECT value FROM json_each(?1)) THEN NULL
                         ELSE s.ricevuta_at IS NOT NULL END
             FROM scheda s
             JOIN soggetto g ON g.id = s.soggetto_id
             LEFT JOIN ufficio u ON u.id = s.ufficio_id
             LEFT JOIN proposta_pic p ON p.scheda_id = s.id
             WHERE {}
             ORDER BY s.data_accesso DESC, s.id DESC
             LIMIT ?{}",
            clauses.join(" AND "),
            args.len()
        );
        let mut stmt = self.sql().prepare_cached(&sql)?;
        let mut rows: Vec<SchedaRiga> = stmt
            .query_map(params_from_iter(args), |r| {
                let stato: String = r.get(11)?;
                Ok(SchedaRiga {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    numero: r.get(2)?,
                    data_accesso: r.get(3)?,
                    soggetto_id: r.get(4)?,
                    cognome: r.get(5)?,
                    nome: r.get(6)?,
                    codice_fiscale: r.get(7)?,
                    operatore: r.get(8)?,
                    ufficio: r.get(9)?,
                    esito: r.get(10)?,
                    stato: Stato::parse(&stato).unwrap_or(Stato::InSospeso),
                    bisogni: Vec::new(),
                    servizi: Vec::new(),
                    categorie_sociali: Vec::new(),
                    dati: r.get(12)?,
                    ricevuta: r.get(13)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut codes = coded_fields(&self.sql(), &ids)?;
        for r in &mut rows {
            if let Some((b, sv, c)) = codes.remove(&r.id) {
                (r.bisogni, r.servizi, r.categorie_sociali) = (b, sv, c);
            }
        }
        Ok(rows)
    }

    /// Soft delete (`restore = false`, with the reason) or restore; Conflict if the version moved.
    fn delete_scheda(
        &mut self,
        actor: &Actor,
        id: i64,
        version: i64,
        reason: Option<&str>,
    ) -> StoreResult<()> {
        let now = now_text();
        let by = who(actor);
        self.write_sql(|tx| {
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
    fn mark_ricevuta(&mut self, actor: &Actor, id: i64) -> StoreResult<()> {
        let now = now_text();
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE scheda SET ricevuta_at = ?2 WHERE id = ?1 AND ricevuta_at IS NULL",
                params![id, now],
            )?;
            if n == 1 {
                tx.execute(
                    "UPDATE invio_scheda SET letta_at = ?2, letta_da = ?3
                     WHERE scheda_id = ?1 AND annullata_at IS NULL AND letta_at IS NULL",
                    params![id, now, who(actor)],
                )?;
                append_audit(
                    tx,
                    actor,
                    &AuditEvent::new("ricevi_scheda", Outcome::Ok).on("scheda", Some(id)),
                )?;
            }
            Ok(())
        })
    }

    fn contatori(
        &self,
        ente_id: i64,
        ufficio_id: Option<i64>,
        oggi: &str,
    ) -> StoreResult<Contatori> {
        let conn = &self.sql();
        let count = |sql: &str, p: &[&dyn crate::store::sql::ToValue]| -> StoreResult<i64> {
            conn.query_row(sql, p, |r| r.get(0))
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
    fn capofila(&self, ente_id: i64) -> StoreResult<Option<i64>> {
        self
            .sql()
            .query_row(
                "SELECT c.id FROM ente e JOIN ente c
                   ON c.capofila = 1 AND (c.id = e.id OR c.ambito_id = e.ambito_id OR c.id = e.ambito_id)
                 WHERE e.id = ?1 ORDER BY c.id = e.id DESC LIMIT 1",
                [ente_id],
                |r| r.get(0),
            )
            .optional()
    }

    fn insert_schede_storiche(
        &mut self,
        actor: &Actor,
        rows: &[SchedaStorica],
    ) -> StoreResult<usize> {
        self.write_sql(|tx| {
            let mut next: HashMap<i64, i64> = HashMap::new();
            let mut scheda = tx.prepare_cached(
                "INSERT INTO scheda (numero, ente_id, ufficio_id, soggetto_id, operatore, data_accesso, completa,
                     esito, invio_ufficio_id, dati, nota_privata, nota_privata_autore, created_at, created_by,
                     updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?12, ?13, ?12)",
            )?;
            let mut proposta = tx.prepare_cached(
                "INSERT INTO proposta_pic (scheda_id, soggetto_id, ente_id, stato, categorie, created_at, created_by,
                     updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            // One case per person and ente (the cartella): a later accepted proposal is linked to
            // it. The iter (taken in charge, closed) is written as the Presa in carico module does.
            let mut caso_di = tx.prepare_cached(
                "SELECT id FROM presa_in_carico WHERE soggetto_id = ?1 AND ente_id = ?2",
            )?;
            let mut caso = tx.prepare_cached(
                "INSERT INTO presa_in_carico (soggetto_id, ente_id, stato, data_apertura, data_chiusura,
                     motivo_chiusura, created_at, created_by, updated_at, updated_by, numero,
                     iter_stato, responsabile)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8,
                     (SELECT COALESCE(MAX(numero), 0) + 1 FROM presa_in_carico WHERE ente_id = ?2),
                     CASE ?3 WHEN 'chiusa' THEN 'chiuso' ELSE 'preso_in_carico' END, ?8)",
            )?;
            let mut step = tx.prepare_cached(
                "INSERT INTO caso_step (caso_id, stato, da_stato, data, operatore, ente_id, nota,
                     created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut collega = tx.prepare_cached(
                "UPDATE proposta_pic SET caso_id = ?1, esito_gestione = ?2, gestita_da = ?3,
                     gestita_at = ?4
                 WHERE id = ?5",
            )?;
            let mut consenso = tx.prepare_cached(
                "INSERT OR IGNORE INTO privacy_consenso (soggetto_id, ente_id, stato, data_firma, created_at,
                     created_by, updated_at, updated_by)
                 VALUES (?1, ?2, 'firmato', ?3, ?4, ?5, ?4, ?5)",
            )?;
            for r in rows {
                let e = &r.edit;
                let numero = match next.entry(r.ente_id) {
                    Entry::Occupied(o) => o.into_mut(),
                    Entry::Vacant(v) => v.insert(tx.query_row(
                        "SELECT COALESCE(MAX(numero), 0) + 1 FROM scheda WHERE ente_id = ?1",
                        [r.ente_id],
                        |row| row.get::<_, i64>(0),
                    )?),
                };
                let nota = e.nota_privata.as_deref().filter(|n| !n.trim().is_empty());
                scheda.execute(params![
                    *numero,
                    r.ente_id,
                    r.ufficio_id,
                    e.soggetto_id,
                    e.operatore,
                    e.data_accesso,
                    r.completa,
                    e.esito,
                    e.invio_ufficio_id,
                    dati_json(&e.dati),
                    nota,
                    e.operatore,
                    r.at,
                ])?;
                *numero += 1;
                let id = tx.last_insert_rowid()?;
                write_codes(tx, id, e)?;
                write_sensibili(tx, id, &e.dati)?;
                if let Some(p) = &r.proposta {
                    proposta.execute(params![
                        id,
                        e.soggetto_id,
                        p.ente_id,
                        p.stato,
                        e.categorie_sociali.join(","),
                        r.at,
                        e.operatore,
                        p.at,
                        p.by,
                    ])?;
                    let proposta_id = tx.last_insert_rowid()?;
                    if let Some((aperta, chiusa)) = &p.caso {
                        let esistente: Option<i64> = caso_di
                            .query_row(params![e.soggetto_id, p.ente_id], |row| row.get(0))
                            .optional()?;
                        let (caso_id, esito) = match esistente {
                            Some(id) => (id, "collegata"),
                            None => {
                                let (data_chiusura, motivo) = chiusa.clone().unzip();
                                caso.execute(params![
                                    e.soggetto_id,
                                    p.ente_id,
                                    if chiusa.is_some() { "chiusa" } else { "aperta" },
                                    aperta,
                                    data_chiusura,
                                    motivo,
                                    p.at,
                                    p.by,
                                ])?;
                                let id = tx.last_insert_rowid()?;
                                step.execute(params![
                                    id,
                                    "preso_in_carico",
                                    "aperto",
                                    aperta,
                                    p.by,
                                    p.ente_id,
                                    None::<String>,
                                    p.at
                                ])?;
                                if let Some((chiusa_il, motivo)) = chiusa {
                                    step.execute(params![
                                        id,
                                        "chiuso",
                                        "preso_in_carico",
                                        chiusa_il,
                                        p.by,
                                        p.ente_id,
                                        motivo,
                                        p.at
                                    ])?;
                                }
                                (id, "creata")
                            }
                        };
                        collega.execute(params![caso_id, esito, p.by, p.at, proposta_id])?;
                    }
                }
                if let Some(data) = &r.consenso {
                    consenso.execute(params![e.soggetto_id, r.ente_id, data, r.at, e.operatore])?;
                }
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("inserisci_schede_storiche", Outcome::Ok)
                    .on("scheda", None)
                    .detail(format!("inserite={}", rows.len())),
            )?;
            Ok(rows.len())
        })
    }
}
