//! SQLite side of the cartella and the fascicolo of a case: familiari, the generic validity-dated
//! cartella sections, the person's schede, diario, PAI, ISEE and the documents' metadata.

use super::audit::append_audit;
use super::casi::audit_on;
use super::{SqliteStore, json_array, now_text, who};
use crate::domain::caso::{
    CartellaDato, Diario, Documento, Familiare, Isee, Pai, SchedaPersona, Valutazione,
};
use crate::domain::scheda::Sensibili;
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, Row, Sql, params};
use crate::store::{FascicoloStore, StoreError, StoreResult};

const DOCUMENTO: &str =
    "SELECT id, caso_id, titolo, tipo, data, privato, nome_file, file, size, sha256 FROM documento";

fn documento_from(r: &Row) -> StoreResult<Documento> {
    Ok(Documento {
        id: Some(r.get(0)?),
        caso_id: r.get(1)?,
        titolo: r.get(2)?,
        tipo: r.get(3)?,
        data: r.get(4)?,
        privato: r.get(5)?,
        nome_file: r.get(6)?,
        file: r.get(7)?,
        size: r.get(8)?,
        sha256: r.get(9)?,
    })
}

fn diario_from(r: &Row) -> StoreResult<Diario> {
    Ok(Diario {
        id: Some(r.get(0)?),
        version: r.get(1)?,
        caso_id: r.get(2)?,
        tipo: r.get(3)?,
        data: r.get(4)?,
        testo: r.get(5)?,
        riservato: r.get(6)?,
        autore: r.get(7)?,
    })
}

fn pai_from(r: &Row) -> StoreResult<Pai> {
    Ok(Pai {
        id: Some(r.get(0)?),
        version: r.get(1)?,
        caso_id: r.get(2)?,
        tipo: r.get(3)?,
        motivazioni: r.get(4)?,
        obiettivo_breve: r.get(5)?,
        raggiunto_breve: r.get(6)?,
        obiettivo_medio: r.get(7)?,
        raggiunto_medio: r.get(8)?,
        obiettivo_lungo: r.get(9)?,
        raggiunto_lungo: r.get(10)?,
        verifica_mesi: r.get(11)?,
        data_inizio: r.get(12)?,
        prossima_verifica: r.get(13)?,
        beneficiari: r.get(14)?,
        data_chiusura: r.get(15)?,
        motivo_chiusura: r.get(16)?,
    })
}

/// The familiari e conviventi of a case.
pub(super) fn familiari_of(conn: &Sql<'_>, caso_id: i64) -> StoreResult<Vec<Familiare>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.tipo, f.soggetto_id, f.cognome, f.nome, f.relazione, s.codice_fiscale,
                f.data_nascita, f.sesso, f.condizione_lavorativa, f.note
         FROM caso_familiare f LEFT JOIN soggetto s ON s.id = f.soggetto_id
         WHERE f.caso_id = ?1 ORDER BY f.tipo, f.cognome, f.nome",
    )?;
    let rows = stmt
        .query_map([caso_id], |r| {
            Ok(Familiare {
                id: r.get(0)?,
                tipo: r.get(1)?,
                soggetto_id: r.get(2)?,
                cognome: r.get(3)?,
                nome: r.get(4)?,
                relazione: r.get(5)?,
                codice_fiscale: r.get(6)?,
                data_nascita: r.get(7)?,
                sesso: r.get(8)?,
                condizione_lavorativa: r.get(9)?,
                note: r.get(10)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Inserts familiare `f` of case `caso_id`, linked to person `soggetto_id` (no audit); its id.
pub(super) fn insert_familiare(
    tx: &Sql<'_>,
    actor: &Actor,
    caso_id: i64,
    f: &Familiare,
    soggetto_id: Option<i64>,
) -> StoreResult<i64> {
    tx.execute(
        "INSERT INTO caso_familiare (caso_id, tipo, soggetto_id, cognome, nome, relazione, created_at, created_by,
                                     data_nascita, sesso, condizione_lavorativa, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![caso_id, f.tipo, soggetto_id, f.cognome, f.nome, f.relazione, now_text(), who(actor),
                f.data_nascita, f.sesso, f.condizione_lavorativa, f.note],
    )?;
    tx.last_insert_rowid()
}

impl FascicoloStore for SqliteStore {
    fn familiari(&self, caso_id: i64) -> StoreResult<Vec<Familiare>> {
        familiari_of(&self.sql(), caso_id)
    }

    fn add_familiare(&mut self, actor: &Actor, caso_id: i64, f: &Familiare) -> StoreResult<i64> {
        self.write_sql(|tx| {
            let soggetto_id = match &f.codice_fiscale {
                None => f.soggetto_id,
                Some(cf) => Some(
                    tx.query_row(
                        "SELECT id FROM soggetto WHERE codice_fiscale = ?1 AND deleted_at IS NULL",
                        [cf],
                        |r| r.get::<_, i64>(0),
                    )
                    .optional()?
                    .ok_or_else(|| {
                        StoreError::Invalid(format!(
                            "nessuna persona in anagrafe con codice fiscale {cf}: lasciare vuoto il campo per un familiare non registrato"
                        ))
                    })?,
                ),
            };
            let id = insert_familiare(tx, actor, caso_id, f, soggetto_id)?;
            audit_on(tx, actor, "salva_risorse", "caso", caso_id)?;
            Ok(id)
        })
    }

    fn cartella_dati(&self, caso_id: i64, sezione: &str) -> StoreResult<Vec<CartellaDato>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, version, sezione, dati, dal, al, updated_by FROM cartella_dato
             WHERE caso_id = ?1 AND sezione = ?2 ORDER BY dal DESC, id DESC",
        )?;
        let rows = stmt
            .query_map(params![caso_id, sezione], |r| {
                Ok(CartellaDato {
                    id: r.get(0)?,
                    version: r.get(1)?,
                    sezione: r.get(2)?,
                    dati: r.get(3)?,
                    dal: r.get(4)?,
                    al: r.get(5)?,
                    updated_by: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn add_cartella_dato(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        sezione: &str,
        dati: &str,
        dal: &str,
    ) -> StoreResult<i64> {
        self.write_sql(|tx| {
            let now = now_text();
            let by = who(actor);
            tx.execute(
                "UPDATE cartella_dato SET al = date(?3, '-1 day'), updated_at = ?4, updated_by = ?5, version = version + 1
                 WHERE caso_id = ?1 AND sezione = ?2 AND al IS NULL",
                params![caso_id, sezione, dal, now, by],
            )?;
            tx.execute(
                "INSERT INTO cartella_dato (caso_id, sezione, dati, dal, created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
                params![caso_id, sezione, dati, dal, now, by],
            )?;
            let id = tx.last_insert_rowid()?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("salva_cartella", Outcome::Ok)
                    .on("caso", Some(caso_id))
                    .section(sezione),
            )?;
            Ok(id)
        })
    }

    fn schede_persona(&self, soggetto_id: i64, enti: &[i64]) -> StoreResult<Vec<SchedaPersona>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, numero, data_accesso, esito FROM scheda
             WHERE soggetto_id = ?1 AND ente_id IN (SELECT value FROM json_each(?2)) AND deleted_at IS NULL
             ORDER BY data_accesso DESC, id DESC",
        )?;
        let rows = stmt
            .query_map(params![soggetto_id, json_array(enti)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn diario(&self, caso_id: i64) -> StoreResult<Vec<Diario>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, version, caso_id, tipo, data, testo, riservato, autore FROM diario
             WHERE caso_id = ?1 ORDER BY data DESC, id DESC",
        )?;
        let rows = stmt
            .query_map([caso_id], diario_from)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn save_diario(&mut self, actor: &Actor, d: &Diario) -> StoreResult<(i64, i64)> {
        self.write_sql(|tx| {
            let now = now_text();
            let by = who(actor);
            let (id, version) = match d.id {
                None => {
                    tx.execute(
                        "INSERT INTO diario (caso_id, tipo, data, testo, riservato, autore, ufficio_id, created_at, updated_at, updated_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?6)",
                        params![d.caso_id, d.tipo, d.data, d.testo, d.riservato, by, actor.ufficio_id, now],
                    )?;
                    (tx.last_insert_rowid()?, 1)
                }
                Some(id) => {
                    let n = tx.execute(
                        "UPDATE diario SET tipo = ?3, data = ?4, testo = ?5, riservato = ?6, updated_at = ?7,
                             updated_by = ?8, version = version + 1
                         WHERE id = ?1 AND version = ?2",
                        params![id, d.version, d.tipo, d.data, d.testo, d.riservato, now, by],
                    )?;
                    if n == 0 {
                        return Err(StoreError::Conflict { entity: "diario", id });
                    }
                    (id, d.version + 1)
                }
            };
            append_audit(
                tx,
                actor,
                &AuditEvent::new("salva_diario", Outcome::Ok)
                    .on("caso", Some(d.caso_id))
                    .section("diario")
                    .detail(format!("diario {id}")),
            )?;
            Ok((id, version))
        })
    }

    fn pai(&self, caso_id: i64) -> StoreResult<Vec<Pai>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, version, caso_id, tipo, motivazioni, obiettivo_breve, raggiunto_breve, obiettivo_medio,
                    raggiunto_medio, obiettivo_lungo, raggiunto_lungo, verifica_mesi, data_inizio,
                    prossima_verifica, beneficiari, data_chiusura, motivo_chiusura
             FROM pai WHERE caso_id = ?1 ORDER BY data_inizio DESC, id DESC",
        )?;
        let rows = stmt
            .query_map([caso_id], pai_from)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn save_pai(&mut self, actor: &Actor, p: &Pai) -> StoreResult<(i64, i64)> {
        self.write_sql(|tx| {
            let now = now_text();
            let by = who(actor);
            let (id, version) = match p.id {
                None => {
                    tx.execute(
                        "INSERT INTO pai (caso_id, tipo, motivazioni, obiettivo_breve, raggiunto_breve, obiettivo_medio,
                             raggiunto_medio, obiettivo_lungo, raggiunto_lungo, verifica_mesi, data_inizio,
                             prossima_verifica, beneficiari, data_chiusura, motivo_chiusura,
                             created_at, created_by, updated_at, updated_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?16, ?17)",
                        params![
                            p.caso_id, p.tipo, p.motivazioni, p.obiettivo_breve, p.raggiunto_breve,
                            p.obiettivo_medio, p.raggiunto_medio, p.obiettivo_lungo, p.raggiunto_lungo,
                            p.verifica_mesi, p.data_inizio, p.prossima_verifica, p.beneficiari,
                            p.data_chiusura, p.motivo_chiusura, now, by
                        ],
                    )?;
                    (tx.last_insert_rowid()?, 1)
                }
                Some(id) => {
                    let n = tx.execute(
                        "UPDATE pai SET tipo = ?3, motivazioni = ?4, obiettivo_breve = ?5, raggiunto_breve = ?6,
                             obiettivo_medio = ?7, raggiunto_medio = ?8, obiettivo_lungo = ?9, raggiunto_lungo = ?10,
                             verifica_mesi = ?11, data_inizio = ?12, prossima_verifica = ?13, beneficiari = ?14,
                             data_chiusura = ?15, motivo_chiusura = ?16, updated_at = ?17, updated_by = ?18,
                             version = version + 1
                         WHERE id = ?1 AND version = ?2",
                        params![
                            id, p.version, p.tipo, p.motivazioni, p.obiettivo_breve, p.raggiunto_breve,
                            p.obiettivo_medio, p.raggiunto_medio, p.obiettivo_lungo, p.raggiunto_lungo,
                            p.verifica_mesi, p.data_inizio, p.prossima_verifica, p.beneficiari,
                            p.data_chiusura, p.motivo_chiusura, now, by
                        ],
                    )?;
                    if n == 0 {
                        return Err(StoreError::Conflict { entity: "PAI", id });
                    }
                    (id, p.version + 1)
                }
            };
            append_audit(
                tx,
                actor,
                &AuditEvent::new("salva_pai", Outcome::Ok)
                    .on("caso", Some(p.caso_id))
                    .section("pai")
                    .detail(format!("pai {id}")),
            )?;
            Ok((id, version))
        })
    }

    fn isee(&self, caso_id: i64) -> StoreResult<Vec<Isee>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, caso_id, tipo, data_dsu, scadenza, ise_cents, scala_cents, isee_cents, note
             FROM isee WHERE caso_id = ?1 ORDER BY data_dsu DESC, id DESC",
        )?;
        let rows = stmt
            .query_map([caso_id], |r| {
                Ok(Isee {
                    id: Some(r.get(0)?),
                    caso_id: r.get(1)?,
                    tipo: r.get(2)?,
                    data_dsu: r.get(3)?,
                    scadenza: r.get(4)?,
                    ise_cents: r.get(5)?,
                    scala_cents: r.get(6)?,
                    isee_cents: r.get(7)?,
                    note: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn save_isee(&mut self, actor: &Actor, i: &Isee) -> StoreResult<i64> {
        self.write_sql(|tx| {
            tx.execute(
                "INSERT INTO isee (caso_id, tipo, data_dsu, scadenza, ise_cents, scala_cents, isee_cents, note, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    i.caso_id, i.tipo, i.data_dsu, i.scadenza, i.ise_cents, i.scala_cents, i.isee_cents,
                    i.note, now_text(), who(actor)
                ],
            )?;
            let id = tx.last_insert_rowid()?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("salva_isee", Outcome::Ok)
                    .on("caso", Some(i.caso_id))
                    .section("isee"),
            )?;
            Ok(id)
        })
    }

    fn documenti(&self, caso_id: i64) -> StoreResult<Vec<Documento>> {
        let mut stmt = self.sql().prepare_cached(&format!(
            "{DOCUMENTO} WHERE caso_id = ?1 ORDER BY data DESC, id DESC"
        ))?;
        let rows = stmt
            .query_map([caso_id], documento_from)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn documento(&self, id: i64) -> StoreResult<Option<Documento>> {
        let mut stmt = self
            .sql()
            .prepare_cached(&format!("{DOCUMENTO} WHERE id = ?1"))?;
        let mut rows = stmt.query_map([id], documento_from)?;
        rows.next().transpose()
    }

    fn add_documento(&mut self, actor: &Actor, d: &Documento) -> StoreResult<i64> {
        self.write_sql(|tx| {
            tx.execute(
                "INSERT INTO documento (caso_id, titolo, tipo, data, privato, nome_file, file, size, sha256, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    d.caso_id, d.titolo, d.tipo, d.data, d.privato, d.nome_file, d.file, d.size,
                    d.sha256, now_text(), who(actor)
                ],
            )?;
            let id = tx.last_insert_rowid()?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("aggiungi_documento", Outcome::Ok)
                    .on("caso", Some(d.caso_id))
                    .section("documenti"),
            )?;
            Ok(id)
        })
    }

    fn sensibili_persona(
        &self,
        soggetto_id: i64,
        enti: &[i64],
    ) -> StoreResult<Vec<(i64, String, Sensibili)>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT s.id, s.numero, s.data_accesso FROM scheda s
             WHERE s.soggetto_id = ?1 AND s.deleted_at IS NULL
               AND s.ente_id IN (SELECT value FROM json_each(?2))
               AND (EXISTS (SELECT 1 FROM scheda_sanitaria x WHERE x.scheda_id = s.id)
                    OR EXISTS (SELECT 1 FROM scheda_terzo t WHERE t.scheda_id = s.id))
             ORDER BY s.data_accesso DESC, s.id DESC",
        )?;
        let rows: Vec<(i64, i64, String)> = stmt
            .query_map(params![soggetto_id, json_array(enti)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, numero, data)| {
                Ok((
                    numero,
                    data,
                    super::scheda::read_sensibili(&self.sql(), id)?,
                ))
            })
            .collect()
    }

    fn valutazioni(&self, caso_id: i64) -> StoreResult<Vec<Valutazione>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, caso_id, tipo, modulo, modulo_versione, data, dati, created_by
             FROM valutazione WHERE caso_id = ?1 ORDER BY data DESC, id DESC",
        )?;
        let rows = stmt
            .query_map([caso_id], |r| {
                Ok(Valutazione {
                    id: Some(r.get(0)?),
                    caso_id: r.get(1)?,
                    tipo: r.get(2)?,
                    modulo: r.get(3)?,
                    modulo_versione: r.get(4)?,
                    data: r.get(5)?,
                    dati: r.get(6)?,
                    autore: r.get(7)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn add_valutazione(&mut self, actor: &Actor, v: &Valutazione) -> StoreResult<i64> {
        self.write_sql(|tx| {
            tx.execute(
                "INSERT INTO valutazione (caso_id, tipo, modulo, modulo_versione, data, dati, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    v.caso_id, v.tipo, v.modulo, v.modulo_versione, v.data, v.dati, now_text(),
                    who(actor)
                ],
            )?;
            let id = tx.last_insert_rowid()?;
            append_audit(
                tx,
                actor,
                &AuditEvent::new("salva_valutazione", Outcome::Ok)
                    .on("caso", Some(v.caso_id))
                    .section("valutazioni"),
            )?;
            Ok(id)
        })
    }
}
