//! SQLite side of the organisations of the territory and their settori, the punti di contatto of
//! the uffici, and the sendings of schede to another office (recorded with the scheda's save, in
//! its transaction: [`sync_invio`]).

use super::audit::append_audit;
use super::scheda::SchedaSave;
use super::{SqliteStore, now_text, who};
use crate::domain::invio::Invio;
use crate::domain::organizzazione::{Organizzazione, PuntoContatto, Settore};
use crate::domain::scheda::SchedaEdit;
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, Row, Sql, params};
use crate::store::{InviiStore, OrganizzazioniStore, StoreError, StoreResult};

fn settori(conn: &Sql<'_>, org: i64) -> StoreResult<Vec<Settore>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, version, codice, nome, telefono, email, orari, inviante, interlocutore, erogatore, attivo
         FROM settore WHERE organizzazione_id = ?1 ORDER BY nome COLLATE NOCASE, id",
    )?;
    let rows = stmt
        .query_map([org], |r| {
            Ok(Settore {
                id: r.get(0)?,
                version: r.get(1)?,
                codice: r.get(2)?,
                nome: r.get(3)?,
                telefono: r.get(4)?,
                email: r.get(5)?,
                orari: r.get(6)?,
                inviante: r.get(7)?,
                interlocutore: r.get(8)?,
                erogatore: r.get(9)?,
                attivo: r.get(10)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

const ORG_COLS: &str =
    "id, version, nome, tipo, zona, codice_fiscale, indirizzo, telefono, email, pec, attivo";

fn org_row(r: &Row) -> StoreResult<Organizzazione> {
    Ok(Organizzazione {
        id: r.get(0)?,
        version: r.get(1)?,
        nome: r.get(2)?,
        tipo: r.get(3)?,
        zona: r.get(4)?,
        codice_fiscale: r.get(5)?,
        indirizzo: r.get(6)?,
        telefono: r.get(7)?,
        email: r.get(8)?,
        pec: r.get(9)?,
        attivo: r.get(10)?,
        settori: Vec::new(),
    })
}

/// One row updated, or someone else saved first.
fn updated(n: usize, entity: &'static str, id: i64) -> StoreResult<()> {
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict { entity, id })
    }
}

/// A unique constraint refused the write: the Italian message for it.
fn taken(e: StoreError, what: &str) -> StoreError {
    match e {
        StoreError::Duplicate(_) => StoreError::Invalid(format!("{what} esiste già")),
        e => e,
    }
}

fn save_settore(tx: &Sql<'_>, org: i64, s: &Settore, now: &str, by: &str) -> StoreResult<()> {
    let what = format!("il settore «{}» (o il suo codice)", s.nome);
    if s.id == 0 {
        tx.execute(
            "INSERT INTO settore (organizzazione_id, codice, nome, telefono, email, orari, inviante, interlocutore,
                 erogatore, attivo, created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11, ?12)",
            params![
                org,
                if s.codice.is_empty() { format!("nuovo-{org}-{}", s.nome) } else { s.codice.clone() },
                s.nome,
                s.telefono,
                s.email,
                s.orari,
                s.inviante,
                s.interlocutore,
                s.erogatore,
                s.attivo,
                now,
                by
            ],
        )
        .map_err(|e| taken(e, &what))?;
        if s.codice.is_empty() {
            let id = tx.last_insert_rowid()?;
            tx.execute("UPDATE settore SET codice = 's' || id WHERE id = ?1", [id])?;
        }
        return Ok(());
    }
    let n = tx
        .execute(
            "UPDATE settore SET nome = ?3, telefono = ?4, email = ?5, orari = ?6, inviante = ?7, interlocutore = ?8,
                 erogatore = ?9, attivo = ?10, updated_at = ?11, updated_by = ?12, version = version + 1
             WHERE id = ?1 AND organizzazione_id = ?2 AND version = ?13",
            params![
                s.id,
                org,
                s.nome,
                s.telefono,
                s.email,
                s.orari,
                s.inviante,
                s.interlocutore,
                s.erogatore,
                s.attivo,
                now,
                by,
                s.version
            ],
        )
        .map_err(|e| taken(e, &what))?;
    updated(n, "settore", s.id)?;
    Ok(())
}

impl OrganizzazioniStore for SqliteStore {
    fn organizzazioni(&self) -> StoreResult<Vec<Organizzazione>> {
        let conn = &self.sql();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {ORG_COLS} FROM organizzazione ORDER BY nome COLLATE NOCASE"
        ))?;
        let mut out: Vec<Organizzazione> =
            stmt.query_map((), org_row)?.collect::<Result<_, _>>()?;
        for o in &mut out {
            o.settori = settori(conn, o.id)?;
        }
        Ok(out)
    }

    fn organizzazione(&self, id: i64) -> StoreResult<Option<Organizzazione>> {
        let conn = &self.sql();
        let o = conn
            .query_row(
                &format!("SELECT {ORG_COLS} FROM organizzazione WHERE id = ?1"),
                [id],
                org_row,
            )
            .optional()?;
        match o {
            Some(mut o) => {
                o.settori = settori(conn, id)?;
                Ok(Some(o))
            }
            None => Ok(None),
        }
    }

    fn save_organizzazione(&mut self, actor: &Actor, o: &Organizzazione) -> StoreResult<i64> {
        let now = now_text();
        let by = who(actor);
        let what = format!("l'organizzazione «{}»", o.nome);
        self.write_sql(|tx| {
            let id = if o.id == 0 {
                tx.execute(
                    "INSERT INTO organizzazione (nome, tipo, zona, codice_fiscale, indirizzo, telefono, email, pec,
                         attivo, created_at, created_by, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11)",
                    params![
                        o.nome,
                        o.tipo,
                        o.zona,
                        o.codice_fiscale,
                        o.indirizzo,
                        o.telefono,
                        o.email,
                        o.pec,
                        o.attivo,
                        now,
                        by
                    ],
                )
                .map_err(|e| taken(e, &what))?;
                tx.last_insert_rowid()?
            } else {
                let n = tx
                    .execute(
                        "UPDATE organizzazione SET nome = ?2, tipo = ?3, zona = ?4, codice_fiscale = ?5, indirizzo = ?6,
                             telefono = ?7, email = ?8, pec = ?9, attivo = ?10, updated_at = ?11, updated_by = ?12,
                             version = version + 1
                         WHERE id = ?1 AND version = ?13",
                        params![
                            o.id,
                            o.nome,
                            o.tipo,
                            o.zona,
                            o.codice_fiscale,
                            o.indirizzo,
                            o.telefono,
                            o.email,
                            o.pec,
                            o.attivo,
                            now,
                            by,
                            o.version
                        ],
                    )
                    .map_err(|e| taken(e, &what))?;
                updated(n, "organizzazione", o.id)?;
                o.id
            };
            // Settori left out of the form are disabled: schede keep naming them.
            let kept: Vec<i64> = o.settori.iter().map(|s| s.id).filter(|i| *i != 0).collect();
            tx.execute(
                "UPDATE settore SET attivo = 0, updated_at = ?2, updated_by = ?3, version = version + 1
                 WHERE organizzazione_id = ?1 AND attivo = 1 AND id NOT IN (SELECT value FROM json_each(?4))",
                params![id, now, by, super::json_array(&kept)],
            )?;
            for s in &o.settori {
                save_settore(tx, id, s, &now, &by)?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new(
                    if o.id == 0 { "crea_organizzazione" } else { "modifica_organizzazione" },
                    Outcome::Ok,
                )
                .on("organizzazione", Some(id))
                .detail(format!("{} settori", o.settori.len())),
            )?;
            Ok(id)
        })
    }

    fn punti_contatto(&self, ufficio_id: i64) -> StoreResult<Vec<PuntoContatto>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, version, ufficio_id, nome, indirizzo, telefono, orari, attivo
             FROM punto_contatto WHERE ufficio_id = ?1 ORDER BY nome COLLATE NOCASE",
        )?;
        let rows = stmt
            .query_map([ufficio_id], |r| {
                Ok(PuntoContatto {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    ufficio_id: r.get(2)?,
                    nome: r.get(3)?,
                    indirizzo: r.get(4)?,
                    telefono: r.get(5)?,
                    orari: r.get(6)?,
                    attivo: r.get(7)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn save_punto_contatto(&mut self, actor: &Actor, p: &PuntoContatto) -> StoreResult<i64> {
        let now = now_text();
        let by = who(actor);
        let what = format!("il punto di contatto «{}»", p.nome);
        self.write_sql(|tx| {
            let id = if p.id == 0 {
                tx.execute(
                    "INSERT INTO punto_contatto (ufficio_id, nome, indirizzo, telefono, orari, attivo, created_at,
                         created_by, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                    params![p.ufficio_id, p.nome, p.indirizzo, p.telefono, p.orari, p.attivo, now, by],
                )
                .map_err(|e| taken(e, &what))?;
                tx.last_insert_rowid()?
            } else {
                let n = tx
                    .execute(
                        "UPDATE punto_contatto SET nome = ?3, indirizzo = ?4, telefono = ?5, orari = ?6, attivo = ?7,
                             updated_at = ?8, updated_by = ?9, version = version + 1
                         WHERE id = ?1 AND ufficio_id = ?2 AND version = ?10",
                        params![
                            p.id,
                            p.ufficio_id,
                            p.nome,
                            p.indirizzo,
                            p.telefono,
                            p.orari,
                            p.attivo,
                            now,
                            by,
                            p.version
                        ],
                    )
                    .map_err(|e| taken(e, &what))?;
                updated(n, "punto di contatto", p.id)?;
                p.id
            };
            append_audit(
                tx,
                actor,
                &AuditEvent::new("salva_punto_contatto", Outcome::Ok)
                    .on("punto_contatto", Some(id))
                    .detail(format!("ufficio {}", p.ufficio_id)),
            )?;
            Ok(id)
        })
    }
}

/// Records, in the scheda's save, its sending to another office: a complete scheda naming an
/// office it was not already sent to gets a new sending holding the scheda as sent (without the
/// private note); a standing sending to another office, or to none any more, is cancelled.
/// Returns the new sending.
pub(super) fn sync_invio(
    tx: &Sql<'_>,
    scheda_id: i64,
    e: &SchedaEdit,
    save: SchedaSave,
    now: &str,
    by: &str,
) -> StoreResult<Option<i64>> {
    let standing: Option<(i64, i64)> = tx
        .query_row(
            "SELECT id, a_ufficio_id FROM invio_scheda WHERE scheda_id = ?1 AND annullata_at IS NULL
             ORDER BY id DESC LIMIT 1",
            [scheda_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if standing.is_some_and(|(_, a)| Some(a) == e.invio_ufficio_id) {
        return Ok(None);
    }
    if let Some((id, _)) = standing {
        tx.execute(
            "UPDATE invio_scheda SET annullata_at = ?2, annullata_da = ?3 WHERE id = ?1",
            params![id, now, by],
        )?;
    }
    let Some(a_ufficio) = e.invio_ufficio_id.filter(|_| save.completa) else {
        return Ok(None);
    };
    let (ente, ufficio): (i64, Option<i64>) = tx.query_row(
        "SELECT ente_id, ufficio_id FROM scheda WHERE id = ?1",
        [scheda_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut originale = e.clone();
    originale.nota_privata = None;
    originale.id = Some(scheda_id);
    let originale =
        serde_json::to_string(&originale).map_err(|e| StoreError::Invalid(e.to_string()))?;
    tx.execute(
        "INSERT INTO invio_scheda (scheda_id, da_ente_id, da_ufficio_id, a_ufficio_id, inviata_at, inviata_da, originale)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![scheda_id, ente, ufficio, a_ufficio, now, by, originale],
    )?;
    let id = tx.last_insert_rowid()?;
    tx.execute(
        "UPDATE scheda SET ricevuta_at = NULL WHERE id = ?1",
        [scheda_id],
    )?;
    Ok(Some(id))
}

const INVIO_SELECT: &str = "SELECT i.id, i.scheda_id, s.numero, i.da_ente_id, de.nome, i.da_ufficio_id,
        COALESCE(du.nome, ''), i.a_ufficio_id, ae.nome || ' · ' || au.nome, i.inviata_at, i.inviata_da,
        i.originale, i.letta_at, i.letta_da, i.annullata_at, i.annullata_da, i.email_esito
     FROM invio_scheda i
     JOIN scheda s ON s.id = i.scheda_id
     JOIN ente de ON de.id = i.da_ente_id
     LEFT JOIN ufficio du ON du.id = i.da_ufficio_id
     JOIN ufficio au ON au.id = i.a_ufficio_id
     JOIN ente ae ON ae.id = au.ente_id";

fn invio_row(r: &Row) -> StoreResult<Invio> {
    let originale: String = r.get(11)?;
    Ok(Invio {
        id: r.get(0)?,
        scheda_id: r.get(1)?,
        numero: r.get(2)?,
        da_ente_id: r.get(3)?,
        da_ente: r.get(4)?,
        da_ufficio_id: r.get(5)?,
        da_ufficio: r.get(6)?,
        a_ufficio_id: r.get(7)?,
        a_ufficio: r.get(8)?,
        inviata_at: r.get(9)?,
        inviata_da: r.get(10)?,
        originale: serde_json::from_str(&originale).ok(),
        letta_at: r.get(12)?,
        letta_da: r.get(13)?,
        annullata_at: r.get(14)?,
        annullata_da: r.get(15)?,
        email_esito: r.get(16)?,
    })
}

impl InviiStore for SqliteStore {
    fn invii(&self, scheda_id: i64) -> StoreResult<Vec<Invio>> {
        let mut stmt = self.sql().prepare_cached(&format!(
            "{INVIO_SELECT} WHERE i.scheda_id = ?1 ORDER BY i.id DESC"
        ))?;
        let rows = stmt
            .query_map([scheda_id], invio_row)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn avvisi_da_inviare(&self, enti: Option<&[i64]>, riprova: bool) -> StoreResult<Vec<Invio>> {
        let mut stmt = self.sql().prepare_cached(&format!(
            "{INVIO_SELECT} WHERE (i.email_esito IS NULL OR (?2 AND substr(i.email_esito, 1, length(?3)) = ?3))
               AND i.annullata_at IS NULL
               AND (?1 IS NULL OR i.da_ente_id IN (SELECT value FROM json_each(?1)))
             ORDER BY i.id"
        ))?;
        let enti = enti.map(super::json_array);
        let rows = stmt
            .query_map(
                params![enti, riprova, crate::store::ESITO_ERRORE],
                invio_row,
            )?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn esito_avviso(&mut self, id: i64, esito: &str) -> StoreResult<()> {
        let now = now_text();
        self.write_sql(|tx| {
            tx.execute(
                "UPDATE invio_scheda SET email_esito = ?2, email_at = ?3 WHERE id = ?1",
                params![id, esito, now],
            )?;
            Ok(())
        })
    }

    fn annulla_invio(&mut self, actor: &Actor, scheda_id: i64, version: i64) -> StoreResult<()> {
        let now = now_text();
        let by = who(actor);
        self.write_sql(|tx| {
            let standing: Option<(i64, Option<String>)> = tx
                .query_row(
                    "SELECT id, letta_at FROM invio_scheda WHERE scheda_id = ?1 AND annullata_at IS NULL
                     ORDER BY id DESC LIMIT 1",
                    [scheda_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((invio, letta)) = standing else {
                return Err(StoreError::Invalid(
                    "la scheda non è stata inviata ad altro ufficio".into(),
                ));
            };
            if let Some(at) = letta {
                return Err(StoreError::Invalid(format!(
                    "l'ufficio destinatario ha già aperto la scheda il {}: l'invio non si può più annullare",
                    crate::domain::date::stored_local(&at)
                )));
            }
            let n = tx.execute(
                "UPDATE scheda SET invio_ufficio_id = NULL, ricevuta_at = NULL, updated_at = ?3, updated_by = ?4,
                     version = version + 1
                 WHERE id = ?1 AND version = ?2 AND deleted_at IS NULL",
                params![scheda_id, version, now, by],
            )?;
            if n != 1 {
                return Err(StoreError::Conflict {
                    entity: "scheda",
                    id: scheda_id,
                });
            }
            tx.execute(
                "DELETE FROM scheda_codice WHERE scheda_id = ?1 AND campo = 'servizi' AND codice = 'invio_ufficio'",
                [scheda_id],
            )?;
            tx.execute(
                "UPDATE invio_scheda SET annullata_at = ?2, annullata_da = ?3 WHERE id = ?1",
                params![invio, now, by],
            )?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("annulla_invio_scheda", Outcome::Ok)
                    .on("scheda", Some(scheda_id))
                    .detail(format!("invio {invio}")),
            )?;
            Ok(())
        })
    }
}
