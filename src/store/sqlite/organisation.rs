//! The organisation: enti, uffici and operatori (with their enti, roles and password hashes), and
//! the counts shown by `sportello demo` and the home screen.

use super::audit::append_audit;
use super::{SqliteStore, now_text, who};
use crate::domain::{
    Actor, AuditEvent, Contatto, Ente, NewEnte, NewOperatore, Operatore, Outcome, RoleSet, Ufficio,
};
use crate::store::sql::{OptionalExtension, Row, params};
use crate::store::{Counts, OrgStore, StoreError, StoreResult};

impl SqliteStore {
    fn operatore_from_row(&self, row: &Row) -> StoreResult<Operatore> {
        Ok(Operatore {
            id: row.get("id")?,
            version: row.get("version")?,
            username: row.get("username")?,
            nome: row.get("nome")?,
            cognome: row.get("cognome")?,
            roles: RoleSet::from_bits(row.get::<_, i64>("roles")? as u8),
            enti: Vec::new(),
            ufficio_id: row.get("ufficio_id")?,
            attivo: row.get("attivo")?,
            os_user: row.get("os_user")?,
            extra: row.get("extra")?,
            ruoli: Vec::new(),
        })
    }

    fn load_enti(&self, mut op: Operatore) -> StoreResult<Operatore> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT ente_id, roles FROM operatore_ente WHERE operatore_id = ?1 ORDER BY ordine",
        )?;
        op.ruoli = stmt
            .query_map([op.id], |r| {
                Ok((r.get(0)?, RoleSet::from_bits(r.get::<_, i64>(1)? as u8)))
            })?
            .collect::<Result<_, _>>()?;
        op.enti = op.ruoli.iter().map(|(e, _)| *e).collect();
        Ok(op)
    }

    fn operatore_where(
        &self,
        clause: &str,
        arg: &dyn crate::store::sql::ToValue,
    ) -> StoreResult<Option<Operatore>> {
        let sql = format!(
            "SELECT id, version, username, nome, cognome, roles, ufficio_id, attivo, os_user, extra FROM operatore WHERE {clause}"
        );
        let op = self
            .sql()
            .query_row(&sql, [arg], |r| self.operatore_from_row(r))
            .optional()?;
        op.map(|o| self.load_enti(o)).transpose()
    }
}

fn ente_from_row(r: &Row) -> StoreResult<Ente> {
    Ok(Ente {
        id: r.get("id")?,
        version: r.get("version")?,
        nome: r.get("nome")?,
        belfiore: r.get("belfiore")?,
        istat: r.get("istat")?,
        tipo: r.get("tipo")?,
        capofila: r.get("capofila")?,
        ambito_id: r.get("ambito_id")?,
        attivo: r.get("attivo")?,
    })
}

fn ufficio_from_row(r: &Row) -> StoreResult<Ufficio> {
    Ok(Ufficio {
        id: r.get("id")?,
        version: r.get("version")?,
        ente_id: r.get("ente_id")?,
        nome: r.get("nome")?,
        attivo: r.get("attivo")?,
        contatto: Contatto {
            indirizzo: r.get("indirizzo")?,
            telefono: r.get("telefono")?,
            email: r.get("email")?,
            orari: r.get("orari")?,
        },
    })
}

const UFFICIO_COLUMNS: &str =
    "id, version, ente_id, nome, attivo, indirizzo, telefono, email, orari";

const ENTE_COLUMNS: &str = "id, version, nome, belfiore, istat, tipo, capofila, ambito_id, attivo";

impl OrgStore for SqliteStore {
    fn create_ente(&mut self, actor: &Actor, new: &NewEnte) -> StoreResult<i64> {
        if new.nome.trim().is_empty() {
            return Err(StoreError::Invalid(
                "il nome dell'ente è obbligatorio".into(),
            ));
        }
        self.write_sql(|tx| {
            let now = now_text();
            let by = who(actor);
            tx.execute(
                "INSERT INTO ente (nome, belfiore, istat, tipo, capofila, ambito_id, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                params![new.nome.trim(), new.belfiore, new.istat, new.tipo, new.capofila, new.ambito_id, now, by],
            )
            .map_err(|e| match e {
                StoreError::Duplicate(_) => StoreError::Duplicate(format!(
                    "un ente con codice {} esiste già",
                    new.belfiore.as_deref().unwrap_or("")
                )),
                other => other,
            })?;
            let id = tx.last_insert_rowid()?;
            // The operator who creates an ente works for it (to give it its uffici and operators).
            if let Some(op) = actor.operatore_id {
                // With the roles they hold in the session's ente.
                tx.execute(
                    "INSERT INTO operatore_ente (operatore_id, ente_id, ordine, roles)
                     VALUES (?1, ?2, (SELECT coalesce(max(ordine), 0) + 1 FROM operatore_ente WHERE operatore_id = ?1), ?3)",
                    params![op, id, actor.roles.bits()],
                )?;
            }
            append_audit(tx, actor, &AuditEvent::new("crea_ente", Outcome::Ok).on("ente", Some(id)))?;
            Ok(id)
        })
    }

    fn ente_by_code(&self, belfiore: &str) -> StoreResult<Option<Ente>> {
        self.sql()
            .query_row(
                &format!("SELECT {ENTE_COLUMNS} FROM ente WHERE belfiore = ?1"),
                [belfiore.trim().to_uppercase()],
                ente_from_row,
            )
            .optional()
    }

    fn ente(&self, id: i64) -> StoreResult<Option<Ente>> {
        self.sql()
            .query_row(
                &format!("SELECT {ENTE_COLUMNS} FROM ente WHERE id = ?1"),
                [id],
                ente_from_row,
            )
            .optional()
    }

    fn list_enti(&self) -> StoreResult<Vec<Ente>> {
        let mut stmt = self
            .sql()
            .prepare(&format!("SELECT {ENTE_COLUMNS} FROM ente ORDER BY nome"))?;
        stmt.query_map((), ente_from_row)?.collect::<Result<_, _>>()
    }

    fn create_ufficio(&mut self, actor: &Actor, ente_id: i64, nome: &str) -> StoreResult<i64> {
        if nome.trim().is_empty() {
            return Err(StoreError::Invalid(
                "il nome dell'ufficio è obbligatorio".into(),
            ));
        }
        self.write_sql(|tx| {
            let now = now_text();
            let by = who(actor);
            tx.execute(
                "INSERT INTO ufficio (ente_id, nome, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?3, ?4)",
                params![ente_id, nome.trim(), now, by],
            )?;
            let id = tx.last_insert_rowid()?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("crea_ufficio", Outcome::Ok).on("ufficio", Some(id)),
            )?;
            Ok(id)
        })
    }

    fn list_uffici(&self, ente_id: i64) -> StoreResult<Vec<Ufficio>> {
        let mut stmt = self.sql().prepare(&format!(
            "SELECT {UFFICIO_COLUMNS} FROM ufficio WHERE ente_id = ?1 ORDER BY nome, id"
        ))?;
        stmt.query_map([ente_id], ufficio_from_row)?
            .collect::<Result<_, _>>()
    }

    fn ufficio(&self, id: i64) -> StoreResult<Option<Ufficio>> {
        self.sql()
            .query_row(
                &format!("SELECT {UFFICIO_COLUMNS} FROM ufficio WHERE id = ?1"),
                [id],
                ufficio_from_row,
            )
            .optional()
    }

    fn update_ente(&mut self, actor: &Actor, e: &Ente) -> StoreResult<i64> {
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE ente SET nome = ?1, istat = ?2, capofila = ?3, ambito_id = ?4, attivo = ?5,
                        version = version + 1, updated_at = ?6, updated_by = ?7
                 WHERE id = ?8 AND version = ?9",
                params![
                    e.nome.trim(),
                    e.istat,
                    e.capofila,
                    e.ambito_id,
                    e.attivo,
                    now_text(),
                    who(actor),
                    e.id,
                    e.version
                ],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict {
                    entity: "ente",
                    id: e.id,
                });
            }
            // One capofila per ambito: the new one takes over.
            if e.capofila {
                tx.execute(
                    "UPDATE ente SET capofila = 0, version = version + 1, updated_at = ?1, updated_by = ?2
                     WHERE ambito_id = ?3 AND id <> ?4 AND capofila = 1",
                    params![now_text(), who(actor), e.ambito_id, e.id],
                )?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("modifica_ente", Outcome::Ok)
                    .on("ente", Some(e.id))
                    .detail(format!(
                        "tipo {}, ambito {}, capofila {}, {}",
                        e.tipo,
                        e.ambito_id.map(|a| a.to_string()).unwrap_or_else(|| "—".into()),
                        if e.capofila { "sì" } else { "no" },
                        if e.attivo { "attivo" } else { "non attivo" }
                    )),
            )?;
            Ok(e.version + 1)
        })
    }

    fn update_ufficio(&mut self, actor: &Actor, u: &Ufficio) -> StoreResult<i64> {
        let c = &u.contatto;
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE ufficio SET nome = ?1, attivo = ?2, indirizzo = ?3, telefono = ?4, email = ?5,
                        orari = ?6, version = version + 1, updated_at = ?7, updated_by = ?8
                 WHERE id = ?9 AND version = ?10",
                params![
                    u.nome.trim(),
                    u.attivo,
                    c.indirizzo,
                    c.telefono,
                    c.email,
                    c.orari,
                    now_text(),
                    who(actor),
                    u.id,
                    u.version
                ],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict {
                    entity: "ufficio",
                    id: u.id,
                });
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("modifica_ufficio", Outcome::Ok).on("ufficio", Some(u.id)),
            )?;
            Ok(u.version + 1)
        })
    }

    fn create_operatore(
        &mut self,
        actor: &Actor,
        new: &NewOperatore,
        password_hash: Option<&str>,
    ) -> StoreResult<i64> {
        if new.roles.is_empty() {
            return Err(StoreError::Invalid("indicare almeno un ruolo".into()));
        }
        self.write_sql(|tx| {
            let now = now_text();
            let by = who(actor);
            tx.execute(
                "INSERT INTO operatore (username, nome, cognome, roles, ufficio_id, os_user, password_hash,
                                        created_at, created_by, updated_at, updated_by, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9, ?10)",
                params![
                    new.username,
                    new.nome,
                    new.cognome,
                    new.roles.bits(),
                    new.ufficio_id,
                    new.os_user,
                    password_hash,
                    now,
                    by,
                    if new.extra.is_empty() { "{}" } else { new.extra.as_str() }
                ],
            )
            .map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    StoreError::Duplicate(format!("l'operatore «{}» esiste già", new.username))
                }
                other => other,
            })?;
            let id = tx.last_insert_rowid()?;
            for (i, ente) in new.enti.iter().enumerate() {
                tx.execute(
                    "INSERT INTO operatore_ente (operatore_id, ente_id, ordine, roles) VALUES (?1, ?2, ?3, ?4)",
                    params![id, ente, i as i64, new.roles.bits()],
                )?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("crea_operatore", Outcome::Ok)
                    .on("operatore", Some(id))
                    .detail(format!("ruoli={}", new.roles.codes())),
            )?;
            Ok(id)
        })
    }

    fn operatore_by_username(&self, username: &str) -> StoreResult<Option<Operatore>> {
        self.operatore_where("username = ?1", &username)
    }

    fn operatore_by_os_user(&self, os_user: &str) -> StoreResult<Option<Operatore>> {
        self.operatore_where("os_user = ?1", &os_user)
    }

    fn password_hash(&self, operatore_id: i64) -> StoreResult<Option<String>> {
        Ok(self
            .sql()
            .query_row(
                "SELECT password_hash FROM operatore WHERE id = ?1",
                [operatore_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    fn list_operatori(&self) -> StoreResult<Vec<Operatore>> {
        let mut stmt = self.sql().prepare(
            "SELECT id, version, username, nome, cognome, roles, ufficio_id, attivo, os_user, extra FROM operatore ORDER BY username",
        )?;
        let ops: Vec<Operatore> = stmt
            .query_map((), |r| self.operatore_from_row(r))?
            .collect::<Result<_, _>>()?;
        ops.into_iter().map(|o| self.load_enti(o)).collect()
    }

    fn update_operatore(&mut self, actor: &Actor, op: &Operatore) -> StoreResult<i64> {
        if op.roles.is_empty() {
            return Err(StoreError::Invalid("indicare almeno un ruolo".into()));
        }
        // Each ente keeps the roles held there (`ruoli`) and an ente new to the operator gets
        // `roles`; a caller that changed `roles` only (it is no longer the union of `ruoli`) gives
        // `roles` to every ente.
        let kept = RoleSet::union(op.ruoli.iter().map(|(_, r)| *r));
        let ruoli: Vec<(i64, RoleSet)> = op
            .enti
            .iter()
            .map(|e| {
                let held = op.roles_in(Some(*e));
                match held.is_empty() || op.roles != kept {
                    true => (*e, op.roles),
                    false => (*e, held),
                }
            })
            .collect();
        let union = match ruoli.is_empty() {
            true => op.roles,
            false => RoleSet::union(ruoli.iter().map(|(_, r)| *r)),
        };
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE operatore SET nome = ?1, cognome = ?2, roles = ?3, ufficio_id = ?4, attivo = ?5, os_user = ?6,
                        version = version + 1, updated_at = ?7, updated_by = ?8, extra = ?11
                 WHERE id = ?9 AND version = ?10",
                params![
                    op.nome,
                    op.cognome,
                    union.bits(),
                    op.ufficio_id,
                    op.attivo,
                    op.os_user,
                    now_text(),
                    who(actor),
                    op.id,
                    op.version,
                    if op.extra.is_empty() { "{}" } else { op.extra.as_str() }
                ],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict { entity: "operatore", id: op.id });
            }
            tx.execute("DELETE FROM operatore_ente WHERE operatore_id = ?1", [op.id])?;
            for (i, (ente, roles)) in ruoli.iter().enumerate() {
                tx.execute(
                    "INSERT INTO operatore_ente (operatore_id, ente_id, ordine, roles) VALUES (?1, ?2, ?3, ?4)",
                    params![op.id, ente, i as i64, roles.bits()],
                )?;
            }
            let detail = ruoli
                .iter()
                .map(|(e, r)| format!("ente {e}: {}", r.codes()))
                .collect::<Vec<_>>()
                .join("; ");
            append_audit(
                tx,
                actor,
                &AuditEvent::new("modifica_operatore", Outcome::Ok)
                    .on("operatore", Some(op.id))
                    .detail(format!("ruoli={} ({detail}) attivo={}", union.codes(), op.attivo)),
            )?;
            Ok(op.version + 1)
        })
    }

    fn set_roles_in_ente(
        &mut self,
        actor: &Actor,
        operatore_id: i64,
        ente_id: i64,
        roles: RoleSet,
    ) -> StoreResult<i64> {
        if roles.is_empty() {
            return Err(StoreError::Invalid("indicare almeno un ruolo".into()));
        }
        self.write_sql(|tx| {
            tx.execute(
                "INSERT INTO operatore_ente (operatore_id, ente_id, ordine, roles)
                 VALUES (?1, ?2, (SELECT coalesce(max(ordine), -1) + 1 FROM operatore_ente WHERE operatore_id = ?1), ?3)
                 ON CONFLICT (operatore_id, ente_id) DO UPDATE SET roles = excluded.roles",
                params![operatore_id, ente_id, roles.bits()],
            )?;
            let held: Vec<i64> = tx
                .prepare("SELECT roles FROM operatore_ente WHERE operatore_id = ?1")?
                .query_map([operatore_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let union = RoleSet::union(held.into_iter().map(|b| RoleSet::from_bits(b as u8)));
            let version: Option<i64> = tx
                .query_row(
                    "UPDATE operatore SET roles = ?1, version = version + 1, updated_at = ?2, updated_by = ?3
                     WHERE id = ?4 RETURNING version",
                    params![union.bits(), now_text(), who(actor), operatore_id],
                    |r| r.get(0),
                )
                .optional()?;
            let version =
                version.ok_or_else(|| StoreError::NotFound(format!("operatore {operatore_id}")))?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("ruoli_operatore", Outcome::Ok)
                    .on("operatore", Some(operatore_id))
                    .detail(format!("ente {ente_id}: ruoli={}", roles.codes())),
            )?;
            Ok(version)
        })
    }

    fn set_password(
        &mut self,
        actor: &Actor,
        operatore_id: i64,
        version: i64,
        hash: &str,
    ) -> StoreResult<i64> {
        self.write_sql(|tx| {
            let n = tx.execute(
                "UPDATE operatore SET password_hash = ?1, version = version + 1, updated_at = ?2, updated_by = ?3
                 WHERE id = ?4 AND version = ?5",
                params![hash, now_text(), who(actor), operatore_id, version],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict { entity: "operatore", id: operatore_id });
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("cambia_password", Outcome::Ok).on("operatore", Some(operatore_id)),
            )?;
            Ok(version + 1)
        })
    }

    fn counts(&self) -> StoreResult<Counts> {
        let c = |t: &str| -> StoreResult<i64> {
            self.sql()
                .query_row(&format!("SELECT count(*) FROM {t}"), (), |r| r.get(0))
        };
        Ok(Counts {
            enti: c("ente")?,
            uffici: c("ufficio")?,
            operatori: c("operatore")?,
            soggetti: c("soggetto")?,
        })
    }
}
