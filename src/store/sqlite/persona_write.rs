//! SQLite side of the desk's writes to persons: a new or edited person (optimistic locking, one history
//! row per changed field), anonymous registration, the replacement of a provisional codice fiscale
//! (merging into the registry's person when the real code is already known) and privacy consents.
//!
//! Column names in the SQL built here come from [`CAMPI`] only, never from input.

use std::collections::HashMap;

use super::audit::append_audit;
use super::search::name_keys;
use super::{SqliteStore, insert_history, now_text, who};
use crate::domain::persona::{ANONIMO, CAMPI, PersonaEdit, Privacy, anonymous_alias, is_flag};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{Engine, OptionalExtension, Sql, params};
use crate::store::{PersonEditStore, StoreError, StoreResult};

/// `UPDATE OR IGNORE table SET column = into WHERE column = from`: every row moves but those a
/// unique constraint refuses (left for the caller to delete). PostgreSQL has no `OR IGNORE`: there
/// each row (by `key`) moves under a savepoint.
fn update_or_ignore(
    tx: &Sql<'_>,
    table: &str,
    key: &str,
    column: &str,
    into: i64,
    from: i64,
) -> StoreResult<usize> {
    if tx.engine() == Engine::Sqlite {
        return tx.execute(
            &format!("UPDATE OR IGNORE {table} SET {column} = ?1 WHERE {column} = ?2"),
            params![into, from],
        );
    }
    let keys: Vec<i64> = tx
        .prepare(&format!("SELECT {key} FROM {table} WHERE {column} = ?1"))?
        .query_map([from], |r| r.get(0))?
        .collect::<StoreResult<_>>()?;
    let mut moved = 0;
    for k in keys {
        tx.execute_batch("SAVEPOINT sportello_sposta")?;
        match tx.execute(
            &format!("UPDATE {table} SET {column} = ?1 WHERE {key} = ?2"),
            params![into, k],
        ) {
            Ok(n) => {
                tx.execute_batch("RELEASE SAVEPOINT sportello_sposta")?;
                moved += n;
            }
            Err(StoreError::Duplicate(_)) => {
                tx.execute_batch("ROLLBACK TO SAVEPOINT sportello_sposta")?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(moved)
}

/// Tables that point at a person (`soggetto_id`): a merge moves them to the surviving person.
/// Every table added later with a `soggetto_id` column belongs here (a test checks the schema).
pub const REFERENCES: &[&str] = &[
    "privacy_consenso",
    "presa_in_carico",
    "scheda",
    "proposta_pic",
    "caso_familiare",
    "intervento",
    "erogazione",
];

/// Tables that point at a case (`caso_id`): when both merged persons have a case in one ente, the
/// surviving person's case takes them. Every table added later with a `caso_id` column belongs
/// here (a test checks the schema).
pub const CASE_REFERENCES: &[&str] = &[
    "proposta_pic",
    "caso_step",
    "caso_operatore",
    "caso_categoria",
    "cartella_dato",
    "caso_familiare",
    "diario",
    "pai",
    "isee",
    "documento",
    "valutazione",
    "caso_condivisione",
    "intervento",
    "erogazione",
];

/// Both merged persons had a case in one ente: the surviving person's case `into` takes the whole
/// fascicolo of `from` (its iter steps, diary, PAI, ISEE, documents, assessments, cartella rows,
/// network, sharing; the operators assigned to both keep their assignment on `into` and `into`'s
/// responsabile stays the only one), a step records the merge, and `from` is deleted.
fn merge_casi(tx: &Sql<'_>, now: &str, by: &str, from: i64, into: i64) -> StoreResult<()> {
    let oggi = &now[..10];
    tx.execute(
        "UPDATE caso_operatore SET responsabile = 0,
             al = CASE WHEN al IS NULL AND EXISTS (SELECT 1 FROM caso_operatore o
                 WHERE o.caso_id = ?2 AND o.operatore = caso_operatore.operatore AND o.al IS NULL)
                 THEN ?3 ELSE al END
         WHERE caso_id = ?1",
        params![from, into, oggi],
    )?;
    tx.execute(
        "UPDATE caso_categoria SET prevalente = 0 WHERE caso_id = ?1",
        [from],
    )?;
    // A categoria both cases hold from the same day is kept once; every other row moves (a
    // constraint that refused one would fail the whole merge, never drop the row).
    update_or_ignore(tx, "caso_categoria", "rowid", "caso_id", into, from)?;
    tx.execute("DELETE FROM caso_categoria WHERE caso_id = ?1", [from])?;
    for table in CASE_REFERENCES {
        tx.execute(
            &format!("UPDATE {table} SET caso_id = ?1 WHERE caso_id = ?2"),
            params![into, from],
        )?;
    }
    let (numero, stato, ente): (i64, String, i64) = tx.query_row(
        "SELECT f.numero, i.iter_stato, i.ente_id FROM presa_in_carico f, presa_in_carico i
         WHERE f.id = ?1 AND i.id = ?2",
        params![from, into],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    tx.execute(
        "INSERT INTO caso_step (caso_id, stato, da_stato, data, operatore, ente_id, nota, created_at)
         VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            into,
            stato,
            oggi,
            by,
            ente,
            format!("unito il caso n. {numero} della stessa persona (registrata due volte)"),
            now
        ],
    )?;
    tx.execute("DELETE FROM presa_in_carico WHERE id = ?1", [from])?;
    tx.execute(
        "UPDATE presa_in_carico SET version = version + 1, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        params![into, now, by],
    )?;
    Ok(())
}

/// What a desk save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Saved {
    /// The person now holding the data (another id after a merge).
    pub id: i64,
    pub version: i64,
    /// A provisional code was replaced by the code of a person already in the registry: the two were
    /// merged into `id`.
    pub merged: bool,
}

fn select_campi() -> String {
    CAMPI
        .iter()
        .map(|c| {
            if *c == "extra" {
                "COALESCE(extra, '{}')".to_string()
            } else if is_flag(c) {
                format!("CAST({c} AS TEXT)")
            } else {
                c.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The stored desk fields of a person: (version, cf_provvisorio, anonimo, values by campo).
type Current = (i64, bool, bool, HashMap<&'static str, Option<String>>);

fn current(tx: &Sql<'_>, id: i64) -> StoreResult<Option<Current>> {
    let sql = format!(
        "SELECT version, cf_provvisorio, anonimo, {} FROM soggetto WHERE id = ?1 AND deleted_at IS NULL",
        select_campi()
    );
    tx.query_row(&sql, [id], |r| {
        let mut values = HashMap::new();
        for (i, c) in CAMPI.iter().enumerate() {
            values.insert(*c, r.get::<_, Option<String>>(3 + i)?);
        }
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, values))
    })
    .optional()
}

fn person_by_cf(tx: &Sql<'_>, cf: &str) -> StoreResult<Option<(i64, String)>> {
    tx
        .query_row(
            "SELECT id, cognome || ' ' || nome FROM soggetto WHERE codice_fiscale = ?1 AND deleted_at IS NULL",
            [cf],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
}

impl SqliteStore {
    /// The tables having a column named `column` (schema checks in tests).
    pub fn tables_with_column(&self, column: &str) -> StoreResult<Vec<String>> {
        self.sql().tables_with_column(column)
    }

    /// Inserts a new person entered at the desk (`fonte = 'sportello'`). Without a codice fiscale a
    /// provisional one is generated.
    fn insert_persona(
        &mut self,
        actor: &Actor,
        edit: &PersonaEdit,
        ente_id: Option<i64>,
    ) -> StoreResult<Saved> {
        let now = now_text();
        let by = who(actor);
        self.write_sql(|tx| {
            let cf = match edit.get("codice_fiscale") {
                Some(cf) => cf.to_string(),
                None => crate::domain::cf::temporary(&format!(
                    "{}|{}|{}|{}|{now}",
                    edit.get("cognome").unwrap_or_default(),
                    edit.get("nome").unwrap_or_default(),
                    edit.get("data_nascita").unwrap_or_default(),
                    edit.get("luogo_nascita").unwrap_or_default(),
                )),
            };
            if let Some((_, name)) = person_by_cf(tx, &cf)? {
                return Err(StoreError::Duplicate(format!(
                    "una persona con codice fiscale {cf} è già registrata ({name})"
                )));
            }
            let cols: Vec<&str> = CAMPI
                .iter()
                .copied()
                .filter(|c| *c != "codice_fiscale")
                .collect();
            let mut sql = format!(
                "INSERT INTO soggetto (codice_fiscale, cf_provvisorio, fonte, ente_id, created_at, created_by, updated_at, updated_by, cognome_key, nome_key, {}) VALUES (?1, ?2, 'sportello', ?3, ?4, ?5, ?4, ?5, ?6, ?7",
                cols.join(", ")
            );
            for i in 0..cols.len() {
                sql.push_str(&format!(", ?{}", i + 8));
            }
            sql.push(')');
            let (ck, nk) = name_keys(
                tx,
                edit.get("cognome").unwrap_or_default(),
                edit.get("nome").unwrap_or_default(),
            )?;
            let mut stmt = tx.prepare(&sql)?;
            stmt.raw_bind_parameter(1, &cf)?;
            stmt.raw_bind_parameter(2, crate::domain::persona::is_provisional_cf(&cf))?;
            stmt.raw_bind_parameter(3, ente_id)?;
            stmt.raw_bind_parameter(4, &now)?;
            stmt.raw_bind_parameter(5, &by)?;
            stmt.raw_bind_parameter(6, &ck)?;
            stmt.raw_bind_parameter(7, &nk)?;
            for (i, c) in cols.iter().enumerate() {
                let v = edit.get(c);
                let v = match *c {
                    _ if is_flag(c) => Some(v.unwrap_or("0")),
                    "extra" => Some(v.unwrap_or("{}")),
                    _ => v,
                };
                stmt.raw_bind_parameter(i + 8, v)?;
            }
            stmt.raw_execute()?;
            let id = tx.last_insert_rowid()?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("crea_soggetto", Outcome::Ok).on("soggetto", Some(id)),
            )?;
            Ok(Saved {
                id,
                version: 1,
                merged: false,
            })
        })
    }

    /// Updates a person from the desk: Conflict if the version moved; one history row per changed
    /// field. A provisional code replaced by a real one already held by another person merges the two
    /// (see [`Self::merge_into`]).
    fn update_persona(&mut self, actor: &Actor, edit: &PersonaEdit) -> StoreResult<Saved> {
        let id = edit
            .id
            .ok_or_else(|| StoreError::Invalid("persona senza id".into()))?;
        let now = now_text();
        let by = who(actor);
        self.write_sql(|tx| {
            let Some((version, provisional, anonimo, stored)) = current(tx, id)? else {
                return Err(StoreError::NotFound(format!("persona {id}")));
            };
            if version != edit.version {
                return Err(StoreError::Conflict {
                    entity: "soggetto",
                    id,
                });
            }
            let new_cf = edit.get("codice_fiscale").map(str::to_string);
            let old_cf = stored.get("codice_fiscale").cloned().flatten();
            if new_cf != old_cf {
                match &new_cf {
                    None => {
                        return Err(StoreError::Invalid(
                            "il codice fiscale non si può cancellare".into(),
                        ));
                    }
                    Some(cf) if !provisional && !crate::domain::persona::is_provisional_cf(cf) && old_cf.is_some() => {
                        // A real code corrected: allowed, recorded in the history like any field.
                        if let Some((_, name)) = person_by_cf(tx, cf)? {
                            return Err(StoreError::Duplicate(format!(
                                "il codice fiscale {cf} appartiene già a {name}"
                            )));
                        }
                    }
                    Some(cf) => {
                        if let Some((other, _)) = person_by_cf(tx, cf)?
                            && other != id
                        {
                            if !provisional {
                                return Err(StoreError::Duplicate(format!(
                                    "il codice fiscale {cf} appartiene già a un'altra persona"
                                )));
                            }
                            return merge_into(tx, actor, &now, &by, id, other, edit);
                        }
                    }
                }
            }
            if anonimo && edit.get("cognome") != Some(ANONIMO) && !privacy_signed(tx, id)? {
                return Err(StoreError::Invalid(
                    "utente anonimo: registrare prima il consenso privacy firmato, poi i dati personali".into(),
                ));
            }
            let mut sets = Vec::new();
            let mut args: Vec<Option<String>> = Vec::new();
            for c in CAMPI {
                let new = edit.get(c).map(str::to_string);
                let new = match c {
                    _ if is_flag(c) => Some(new.unwrap_or_else(|| "0".into())),
                    "extra" => Some(new.unwrap_or_else(|| "{}".into())),
                    _ => new,
                };
                let old = stored.get(c).cloned().flatten();
                if new != old {
                    insert_history(tx, id, &now, &by, c, old.as_deref(), new.as_deref())?;
                    sets.push(format!("{c} = ?{}", args.len() + 5));
                    args.push(new);
                }
            }
            if sets.is_empty() {
                return Ok(Saved {
                    id,
                    version,
                    merged: false,
                });
            }
            let renamed = ["cognome", "nome"]
                .iter()
                .any(|c| edit.get(c) != stored.get(c).cloned().flatten().as_deref());
            if renamed {
                let (ck, nk) = name_keys(
                    tx,
                    edit.get("cognome").unwrap_or_default(),
                    edit.get("nome").unwrap_or_default(),
                )?;
                for (col, key) in [("cognome_key", ck), ("nome_key", nk)] {
                    sets.push(format!("{col} = ?{}", args.len() + 5));
                    args.push(Some(key));
                }
            }
            if let Some(cf) = &new_cf {
                sets.push(format!("cf_provvisorio = ?{}", args.len() + 5));
                args.push(Some(i64::from(crate::domain::persona::is_provisional_cf(cf)).to_string()));
            }
            if anonimo && edit.get("cognome") != Some(ANONIMO) {
                sets.push("anonimo = 0".into());
                insert_history(tx, id, &now, &by, "anonimo", Some("1"), Some("0"))?;
            }
            let sql = format!(
                "UPDATE soggetto SET {}, version = version + 1, updated_at = ?1, updated_by = ?2
                 WHERE id = ?3 AND version = ?4",
                sets.join(", ")
            );
            let mut stmt = tx.prepare(&sql)?;
            stmt.raw_bind_parameter(1, &now)?;
            stmt.raw_bind_parameter(2, &by)?;
            stmt.raw_bind_parameter(3, id)?;
            stmt.raw_bind_parameter(4, version)?;
            for (i, a) in args.iter().enumerate() {
                stmt.raw_bind_parameter(i + 5, a.as_deref())?;
            }
            if stmt.raw_execute()? != 1 {
                return Err(StoreError::Conflict {
                    entity: "soggetto",
                    id,
                });
            }
            let detail = if new_cf != old_cf && provisional {
                "codice provvisorio sostituito"
            } else {
                ""
            };
            append_audit(
                tx,
                actor,
                &AuditEvent::new("modifica_soggetto", Outcome::Ok)
                    .on("soggetto", Some(id))
                    .detail(detail),
            )?;
            Ok(Saved {
                id,
                version: version + 1,
                merged: false,
            })
        })
    }
}

impl PersonEditStore for SqliteStore {
    fn save_persona(
        &mut self,
        actor: &Actor,
        edit: &PersonaEdit,
        ente_id: Option<i64>,
    ) -> StoreResult<Saved> {
        match edit.id {
            None => self.insert_persona(actor, edit, ente_id),
            Some(_) => self.update_persona(actor, edit),
        }
    }

    /// Registers an anonymous user: alias `ANON-nnnnnn`, provisional code, consent "anonimo" towards
    /// the operator's ente.
    fn register_anonymous(
        &mut self,
        actor: &Actor,
        ente_id: i64,
        sesso: Option<&str>,
    ) -> StoreResult<i64> {
        let now = now_text();
        let by = who(actor);
        self.write_sql(|tx| {
            let next: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM soggetto", (), |r| {
                r.get(0)
            })?;
            let alias = anonymous_alias(next);
            let cf = crate::domain::cf::temporary(&format!("anonimo|{alias}|{now}"));
            let (ck, nk) = name_keys(tx, ANONIMO, &alias)?;
            tx.execute(
                "INSERT INTO soggetto (id, codice_fiscale, cf_provvisorio, cognome, nome, sesso, alias, anonimo,
                     fonte, ente_id, created_at, created_by, updated_at, updated_by, cognome_key, nome_key)
                 VALUES (?1, ?2, 1, ?3, ?4, ?5, ?4, 1, 'sportello', ?6, ?7, ?8, ?7, ?8, ?9, ?10)",
                params![next, cf, ANONIMO, alias, sesso, ente_id, now, by, ck, nk],
            )?;
            tx.execute(
                "INSERT INTO privacy_consenso (soggetto_id, ente_id, stato, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, 'anonimo', ?3, ?4, ?3, ?4)",
                params![next, ente_id, now, by],
            )?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("crea_soggetto_anonimo", Outcome::Ok).on("soggetto", Some(next)),
            )?;
            Ok(next)
        })
    }

    /// Records the consent of a person towards an ente. `version` is the one read (`None` when there
    /// was no row): Conflict if it moved.
    fn set_privacy(
        &mut self,
        actor: &Actor,
        soggetto_id: i64,
        ente_id: i64,
        stato: Privacy,
        data_firma: Option<&str>,
        version: Option<i64>,
    ) -> StoreResult<()> {
        let now = now_text();
        let by = who(actor);
        self.write_sql(|tx| {
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT version FROM privacy_consenso WHERE soggetto_id = ?1 AND ente_id = ?2",
                    params![soggetto_id, ente_id],
                    |r| r.get(0),
                )
                .optional()?;
            if existing != version {
                return Err(StoreError::Conflict {
                    entity: "privacy_consenso",
                    id: soggetto_id,
                });
            }
            match existing {
                None => tx.execute(
                    "INSERT INTO privacy_consenso (soggetto_id, ente_id, stato, data_firma, created_at, created_by, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
                    params![soggetto_id, ente_id, stato.code(), data_firma, now, by],
                )?,
                Some(v) => tx.execute(
                    "UPDATE privacy_consenso SET stato = ?3, data_firma = ?4, updated_at = ?5, updated_by = ?6,
                         version = version + 1
                     WHERE soggetto_id = ?1 AND ente_id = ?2 AND version = ?7",
                    params![soggetto_id, ente_id, stato.code(), data_firma, now, by, v],
                )?,
            };
            append_audit(
                tx,
                actor,
                &AuditEvent::new("consenso_privacy", Outcome::Ok)
                    .on("soggetto", Some(soggetto_id))
                    .detail(format!("ente {ente_id}: {}", stato.code())),
            )?;
            Ok(())
        })
    }
}

fn privacy_signed(tx: &Sql<'_>, id: i64) -> StoreResult<bool> {
    tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM privacy_consenso WHERE soggetto_id = ?1 AND stato = 'firmato')",
        [id],
        |r| r.get(0),
    )
}

/// Replacement of a provisional code by the code of person `into`, already registered: every
/// reference to `from` moves to `into`, the desk data `into` lacks are copied over (history rows on
/// `into`), and `from` is soft-deleted with the reason. One audit row.
#[allow(clippy::too_many_arguments)]
fn merge_into(
    tx: &Sql<'_>,
    actor: &Actor,
    now: &str,
    by: &str,
    from: i64,
    into: i64,
    edit: &PersonaEdit,
) -> StoreResult<Saved> {
    let Some((into_version, _, _, target)) = current(tx, into)? else {
        return Err(StoreError::NotFound(format!("persona {into}")));
    };
    let doppi: Vec<(i64, i64)> = tx
        .prepare(
            "SELECT f.id, i.id FROM presa_in_carico f
             JOIN presa_in_carico i ON i.ente_id = f.ente_id AND i.soggetto_id = ?2
             WHERE f.soggetto_id = ?1",
        )?
        .query_map(params![from, into], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (caso_from, caso_into) in doppi {
        merge_casi(tx, now, by, caso_from, caso_into)?;
    }
    let mut moved = 0usize;
    for table in REFERENCES {
        // A consent the surviving person already has for the same ente wins; the other is dropped.
        moved += update_or_ignore(tx, table, "id", "soggetto_id", into, from)?;
        tx.execute(
            &format!("DELETE FROM {table} WHERE soggetto_id = ?1"),
            [from],
        )?;
    }
    let mut sets = Vec::new();
    let mut args: Vec<String> = Vec::new();
    for c in CAMPI {
        if matches!(c, "codice_fiscale" | "cognome" | "nome" | "alias") || is_flag(c) {
            continue;
        }
        let (Some(new), None) = (edit.get(c), target.get(c).cloned().flatten()) else {
            continue;
        };
        if c == "extra" {
            continue;
        }
        insert_history(tx, into, now, by, c, None, Some(new))?;
        sets.push(format!("{c} = ?{}", args.len() + 4));
        args.push(new.to_string());
    }
    let version = if sets.is_empty() {
        into_version
    } else {
        let sql = format!(
            "UPDATE soggetto SET {}, version = version + 1, updated_at = ?1, updated_by = ?2 WHERE id = ?3",
            sets.join(", ")
        );
        let mut stmt = tx.prepare(&sql)?;
        stmt.raw_bind_parameter(1, now)?;
        stmt.raw_bind_parameter(2, by)?;
        stmt.raw_bind_parameter(3, into)?;
        for (i, a) in args.iter().enumerate() {
            stmt.raw_bind_parameter(i + 4, a.as_str())?;
        }
        stmt.raw_execute()?;
        into_version + 1
    };
    let cf = edit.get("codice_fiscale").unwrap_or_default();
    tx.execute(
        "UPDATE soggetto SET deleted_at = ?1, deleted_by = ?2, deleted_reason = ?3, version = version + 1,
             codice_fiscale = NULL, alias = NULL
         WHERE id = ?4",
        params![
            now,
            by,
            format!("codice provvisorio sostituito da {cf}: dati uniti alla persona {into}"),
            from
        ],
    )?;
    insert_history(
        tx,
        into,
        now,
        by,
        "unione",
        Some(&format!("persona {from}")),
        Some(cf),
    )?;
    append_audit(
        tx,
        actor,
        &AuditEvent::new("unisci_soggetto", Outcome::Ok)
            .on("soggetto", Some(into))
            .detail(format!("da persona {from}: {moved} riferimenti spostati")),
    )?;
    Ok(Saved {
        id: into,
        version,
        merged: true,
    })
}
