//! SQLite side of interventi and erogazioni: the nomenclatore (SIUSS prestazioni, tipi di
//! intervento), progetti, interventi and their fogli, erogazioni with their rows and the search
//! (the SIUSS flows are `super::siuss`).

use super::audit::append_audit;
use super::{SqliteStore, json_array, now_text, who};
use crate::domain::codici::ImportCounts;
use crate::domain::erogazioni::{
    Erogazione, ErogazioneElenco, FiltroErogazioni, Foglio, Intervento, NuovoTipo,
    PrestazioneSiuss, Progetto, Riga, TipoIntervento, Totali,
};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::store::sql::{OptionalExtension, Row, Sql, params};
use crate::store::{ErogazioniStore, StoreError, StoreResult};

pub(super) const PRESTAZIONE: &str = "SELECT codice, version, denominazione, richiede_sina, solo_in_carico, non_esportare, attivo FROM prestazione_siuss";

pub(super) fn prestazione_from(r: &Row) -> StoreResult<PrestazioneSiuss> {
    Ok(PrestazioneSiuss {
        codice: r.get(0)?,
        version: r.get(1)?,
        denominazione: r.get(2)?,
        richiede_sina: r.get(3)?,
        solo_in_carico: r.get(4)?,
        non_esportare: r.get(5)?,
        attivo: r.get(6)?,
    })
}

const TIPO: &str = "SELECT id, version, famiglia, ente_id, codice, etichetta, parent_id, livello, istat_id, siuss_codice, unita_misura, attivo FROM tipo_intervento";

fn tipo_from(r: &Row) -> StoreResult<TipoIntervento> {
    Ok(TipoIntervento {
        id: r.get(0)?,
        version: r.get(1)?,
        famiglia: r.get(2)?,
        ente_id: r.get(3)?,
        codice: r.get(4)?,
        etichetta: r.get(5)?,
        parent_id: r.get(6)?,
        livello: r.get(7)?,
        istat_id: r.get(8)?,
        siuss_codice: r.get(9)?,
        unita_misura: r.get(10)?,
        attivo: r.get(11)?,
    })
}

const INTERVENTO: &str = "SELECT id, version, ente_id, soggetto_id, tipo_beneficiario, n_beneficiari, caso_id, tipo_id,
    categoria_sociale, origine, dal, al, frequenza, progetto_id, attivita, titolare, unita_misura, tariffa_cents,
    quantita_cent, fruizione, comp_utente_cents, comp_cadenza, stato, note FROM intervento";

fn intervento_from(r: &Row) -> StoreResult<Intervento> {
    Ok(Intervento {
        id: Some(r.get(0)?),
        version: r.get(1)?,
        ente_id: r.get(2)?,
        soggetto_id: r.get(3)?,
        tipo_beneficiario: r.get(4)?,
        n_beneficiari: r.get(5)?,
        caso_id: r.get(6)?,
        tipo_id: r.get(7)?,
        categoria_sociale: r.get(8)?,
        origine: r.get(9)?,
        dal: r.get(10)?,
        al: r.get(11)?,
        frequenza: r.get(12)?,
        progetto_id: r.get(13)?,
        attivita: r.get(14)?,
        titolare: r.get(15)?,
        unita_misura: r.get(16)?,
        tariffa_cents: r.get(17)?,
        quantita_cent: r.get(18)?,
        fruizione: r.get(19)?,
        comp_utente_cents: r.get(20)?,
        comp_cadenza: r.get(21)?,
        stato: r.get(22)?,
        note: r.get(23)?,
    })
}

pub(super) const EROGAZIONE: &str = "SELECT id, version, ente_id, intervento_id, soggetto_id, caso_id, tipo_id, categoria_sociale,
    erogatore, protocollo_domanda, data_domanda, prova_mezzi, dsu_protocollo, dsu_anno, dsu_data, siuss_codice,
    carattere, in_carico, unita_misura, quota_ente_bp, descrizione, sina FROM erogazione";

pub(super) fn erogazione_from(r: &Row) -> StoreResult<Erogazione> {
    let sina: Option<String> = r.get(21)?;
    Ok(Erogazione {
        id: Some(r.get(0)?),
        version: r.get(1)?,
        ente_id: r.get(2)?,
        intervento_id: r.get(3)?,
        soggetto_id: r.get(4)?,
        caso_id: r.get(5)?,
        tipo_id: r.get(6)?,
        categoria_sociale: r.get(7)?,
        erogatore: r.get(8)?,
        protocollo_domanda: r.get(9)?,
        data_domanda: r.get(10)?,
        prova_mezzi: r.get(11)?,
        dsu_protocollo: r.get(12)?,
        dsu_anno: r.get(13)?,
        dsu_data: r.get(14)?,
        siuss_codice: r.get(15)?,
        carattere: r.get(16)?,
        in_carico: r.get(17)?,
        unita_misura: r.get(18)?,
        quota_ente_bp: r.get(19)?,
        descrizione: r.get(20)?,
        sina: sina.and_then(|s| serde_json::from_str(&s).ok()),
        righe: Vec::new(),
    })
}

pub(super) const RIGA: &str = "SELECT id, stato, data, data_fine, data_evento, quantita_cent, tariffa_cents, comp_utente_cents,
    comp_ssn_cents, comp_altre_cents, quota_ente_cents, operatore, note, siuss_flusso_id FROM erogazione_riga";

pub(super) fn riga_from(r: &Row) -> StoreResult<Riga> {
    Ok(Riga {
        id: Some(r.get(0)?),
        stato: r.get(1)?,
        data: r.get(2)?,
        data_fine: r.get(3)?,
        data_evento: r.get(4)?,
        quantita_cent: r.get(5)?,
        tariffa_cents: r.get(6)?,
        comp_utente_cents: r.get(7)?,
        comp_ssn_cents: r.get(8)?,
        comp_altre_cents: r.get(9)?,
        quota_ente_cents: r.get(10)?,
        operatore: r.get(11)?,
        note: r.get(12)?,
        siuss_flusso_id: r.get(13)?,
    })
}

fn righe(conn: &Sql<'_>, id: i64, al: Option<&str>) -> StoreResult<Vec<Riga>> {
    let rows = match al {
        None => conn
            .prepare_cached(&format!(
                "{RIGA} WHERE erogazione_id = ?1 ORDER BY data, id"
            ))?
            .query_map([id], riga_from)?
            .collect::<Result<Vec<_>, _>>()?,
        Some(al) => conn
            .prepare_cached(&format!(
                "{RIGA} WHERE erogazione_id = ?1 AND stato = 'erogata' AND data <= ?2 ORDER BY data, id"
            ))?
            .query_map(params![id, al], riga_from)?
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(rows)
}

fn audit(tx: &Sql<'_>, actor: &Actor, action: &str, entity: &str, id: i64) -> StoreResult<()> {
    append_audit(
        tx,
        actor,
        &AuditEvent::new(action, Outcome::Ok).on(entity, Some(id)),
    )
}

fn insert_righe(tx: &Sql<'_>, id: i64, nuove: &[Riga]) -> StoreResult<()> {
    let mut ins = tx.prepare_cached(
        "INSERT INTO erogazione_riga (erogazione_id, stato, data, data_fine, data_evento, quantita_cent, tariffa_cents,
             spesa_cents, comp_utente_cents, comp_ssn_cents, comp_altre_cents, quota_ente_cents, operatore, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    let mut upd = tx.prepare_cached(
        "UPDATE erogazione_riga SET stato = ?3, data = ?4, data_fine = ?5, data_evento = ?6, quantita_cent = ?7,
             tariffa_cents = ?8, spesa_cents = ?9, comp_utente_cents = ?10, comp_ssn_cents = ?11,
             comp_altre_cents = ?12, quota_ente_cents = ?13, operatore = ?14, note = ?15, siuss_flusso_id = NULL
         WHERE id = ?1 AND erogazione_id = ?2",
    )?;
    let old = righe(tx, id, None)?;
    let keep: Vec<i64> = nuove.iter().filter_map(|r| r.id).collect();
    for o in &old {
        if !keep.contains(&o.id.unwrap_or(0)) {
            tx.execute("DELETE FROM erogazione_riga WHERE id = ?1", [o.id])?;
        }
    }
    for r in nuove {
        let same = r.id.and_then(|rid| old.iter().find(|o| o.id == Some(rid)));
        match (r.id, same) {
            (Some(_), Some(o)) if equal_content(o, r) => {}
            (Some(rid), Some(_)) => {
                upd.execute(params![
                    rid,
                    id,
                    r.stato,
                    r.data,
                    r.data_fine,
                    r.data_evento,
                    r.quantita_cent,
                    r.tariffa_cents,
                    r.spesa_cents(),
                    r.comp_utente_cents,
                    r.comp_ssn_cents,
                    r.comp_altre_cents,
                    r.quota_ente_cents,
                    r.operatore,
                    r.note
                ])?;
            }
            _ => {
                ins.execute(params![
                    id,
                    r.stato,
                    r.data,
                    r.data_fine,
                    r.data_evento,
                    r.quantita_cent,
                    r.tariffa_cents,
                    r.spesa_cents(),
                    r.comp_utente_cents,
                    r.comp_ssn_cents,
                    r.comp_altre_cents,
                    r.quota_ente_cents,
                    r.operatore,
                    r.note
                ])?;
            }
        }
    }
    Ok(())
}

fn equal_content(a: &Riga, b: &Riga) -> bool {
    let strip = |r: &Riga| Riga {
        siuss_flusso_id: None,
        ..r.clone()
    };
    strip(a) == strip(b)
}

impl ErogazioniStore for SqliteStore {
    fn prestazioni_siuss(&self) -> StoreResult<Vec<PrestazioneSiuss>> {
        let rows = self
            .sql()
            .prepare_cached(&format!("{PRESTAZIONE} ORDER BY codice"))?
            .query_map((), prestazione_from)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn import_prestazioni_siuss(
        &mut self,
        actor: &Actor,
        rows: &[PrestazioneSiuss],
    ) -> StoreResult<ImportCounts> {
        self.write_sql(|tx| {
            let mut counts = ImportCounts::default();
            let (now, by) = (now_text(), who(actor));
            for r in rows {
                let old = tx
                    .query_row(
                        &format!("{PRESTAZIONE} WHERE codice = ?1"),
                        [&r.codice],
                        prestazione_from,
                    )
                    .optional()?;
                match old {
                    Some(o)
                        if o.denominazione == r.denominazione
                            && o.richiede_sina == r.richiede_sina
                            && o.solo_in_carico == r.solo_in_carico
                            && o.non_esportare == r.non_esportare
                            && o.attivo == r.attivo =>
                    {
                        counts.unchanged += 1;
                        continue;
                    }
                    Some(_) => counts.updated += 1,
                    None => counts.inserted += 1,
                }
                tx.execute(
                    "INSERT INTO prestazione_siuss (codice, denominazione, richiede_sina, solo_in_carico, non_esportare, attivo, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (codice) DO UPDATE SET denominazione = ?2, richiede_sina = ?3, solo_in_carico = ?4,
                         non_esportare = ?5, attivo = ?6, updated_at = ?7, updated_by = ?8, version = prestazione_siuss.version + 1",
                    params![r.codice, r.denominazione, r.richiede_sina, r.solo_in_carico, r.non_esportare, r.attivo, now, by],
                )?;
            }
            append_audit(
                tx,
                actor,
                &AuditEvent::new("importa_prestazioni_siuss", Outcome::Ok)
                    .on("prestazione_siuss", None)
                    .detail(format!(
                        "inseriti={} aggiornati={} invariati={}",
                        counts.inserted, counts.updated, counts.unchanged
                    )),
            )?;
            Ok(counts)
        })
    }

    fn tipi_intervento(&self, ente_id: Option<i64>) -> StoreResult<Vec<TipoIntervento>> {
        let rows = self
            .sql()
            .prepare_cached(&format!(
                "{TIPO} WHERE famiglia = 'istat' OR ente_id = ?1 ORDER BY famiglia, codice"
            ))?
            .query_map([ente_id], tipo_from)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn tipo_intervento(&self, id: i64) -> StoreResult<Option<TipoIntervento>> {
        self.sql()
            .query_row(&format!("{TIPO} WHERE id = ?1"), [id], tipo_from)
            .optional()
    }

    fn add_tipo_intervento(&mut self, actor: &Actor, t: &NuovoTipo) -> StoreResult<i64> {
        self.write_sql(|tx| {
            let livello = match t.parent_id {
                None => 1,
                Some(p) => {
                    let (ente, livello): (Option<i64>, i64) = tx
                        .query_row(
                            "SELECT ente_id, livello FROM tipo_intervento WHERE id = ?1",
                            [p],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .optional()?
                        .ok_or_else(|| StoreError::NotFound(format!("tipo di intervento {p}")))?;
                    if ente != Some(t.ente_id) {
                        return Err(StoreError::Invalid(
                            "il livello superiore appartiene a un altro nomenclatore".into(),
                        ));
                    }
                    if livello >= 5 {
                        return Err(StoreError::Invalid(
                            "il nomenclatore dell'ente ha al massimo 5 livelli".into(),
                        ));
                    }
                    livello + 1
                }
            };
            let (now, by) = (now_text(), who(actor));
            tx.execute(
                "INSERT INTO tipo_intervento (famiglia, ente_id, codice, etichetta, parent_id, livello, istat_id, siuss_codice,
                     unita_misura, created_at, created_by, updated_at, updated_by)
                 VALUES ('custom', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
                params![t.ente_id, t.codice, t.etichetta, t.parent_id, livello, t.istat_id, t.siuss_codice, t.unita_misura, now, by],
            )?;
            let id = tx.last_insert_rowid()?;
            audit(tx, actor, "crea_tipo_intervento", "tipo_intervento", id)?;
            Ok(id)
        })
    }

    fn tipi_frequenti(&self, ente_id: i64, categoria: &str, limit: usize) -> StoreResult<Vec<i64>> {
        let rows = self
            .sql()
            .prepare_cached(
                "SELECT tipo_id FROM erogazione WHERE ente_id = ?1 AND categoria_sociale = ?2
                 GROUP BY tipo_id ORDER BY count(*) DESC, tipo_id LIMIT ?3",
            )?
            .query_map(params![ente_id, categoria, limit as i64], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn progetti(&self, ente_id: i64) -> StoreResult<Vec<Progetto>> {
        let rows = self
            .sql()
            .prepare_cached(
                "SELECT id, ente_id, codice, titolo, fonte FROM progetto WHERE ente_id = ?1 AND attivo = 1 ORDER BY codice",
            )?
            .query_map([ente_id], |r| {
                Ok(Progetto {
                    id: r.get(0)?,
                    ente_id: r.get(1)?,
                    codice: r.get(2)?,
                    titolo: r.get(3)?,
                    fonte: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn add_progetto(&mut self, actor: &Actor, p: &Progetto) -> StoreResult<i64> {
        self.write_sql(|tx| {
            tx.execute(
                "INSERT INTO progetto (ente_id, codice, titolo, fonte, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![p.ente_id, p.codice, p.titolo, p.fonte, now_text(), who(actor)],
            )?;
            let id = tx.last_insert_rowid()?;
            audit(tx, actor, "crea_progetto", "progetto", id)?;
            Ok(id)
        })
    }

    fn save_intervento(&mut self, actor: &Actor, i: &Intervento) -> StoreResult<(i64, i64)> {
        self.write_sql(|tx| {
            let (now, by) = (now_text(), who(actor));
            let (id, version) = match i.id {
                None => {
                    tx.execute(
                        "INSERT INTO intervento (ente_id, soggetto_id, tipo_beneficiario, n_beneficiari, caso_id, tipo_id,
                             categoria_sociale, origine, dal, al, frequenza, progetto_id, attivita, titolare, unita_misura,
                             tariffa_cents, quantita_cent, fruizione, comp_utente_cents, comp_cadenza, note,
                             created_at, created_by, updated_at, updated_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?22, ?23)",
                        params![
                            i.ente_id, i.soggetto_id, i.tipo_beneficiario, i.n_beneficiari, i.caso_id, i.tipo_id,
                            i.categoria_sociale, i.origine, i.dal, i.al, i.frequenza, i.progetto_id, i.attivita,
                            i.titolare, i.unita_misura, i.tariffa_cents, i.quantita_cent, i.fruizione,
                            i.comp_utente_cents, i.comp_cadenza, i.note, now, by
                        ],
                    )?;
                    (tx.last_insert_rowid()?, 1)
                }
                Some(id) => {
                    let n = tx.execute(
                        "UPDATE intervento SET tipo_beneficiario = ?3, n_beneficiari = ?4, caso_id = ?5, tipo_id = ?6,
                             categoria_sociale = ?7, origine = ?8, dal = ?9, al = ?10, frequenza = ?11, progetto_id = ?12,
                             attivita = ?13, titolare = ?14, unita_misura = ?15, tariffa_cents = ?16, quantita_cent = ?17,
                             fruizione = ?18, comp_utente_cents = ?19, comp_cadenza = ?20, note = ?21,
                             updated_at = ?22, updated_by = ?23, version = version + 1
                         WHERE id = ?1 AND version = ?2",
                        params![
                            id, i.version, i.tipo_beneficiario, i.n_beneficiari, i.caso_id, i.tipo_id,
                            i.categoria_sociale, i.origine, i.dal, i.al, i.frequenza, i.progetto_id, i.attivita,
                            i.titolare, i.unita_misura, i.tariffa_cents, i.quantita_cent, i.fruizione,
                            i.comp_utente_cents, i.comp_cadenza, i.note, now, by
                        ],
                    )?;
                    if n == 0 {
                        return Err(StoreError::Conflict { entity: "intervento", id });
                    }
                    (id, i.version + 1)
                }
            };
            audit(tx, actor, "salva_intervento", "intervento", id)?;
            Ok((id, version))
        })
    }

    fn intervento(&self, id: i64) -> StoreResult<Option<Intervento>> {
        self.sql()
            .query_row(
                &format!("{INTERVENTO} WHERE id = ?1"),
                [id],
                intervento_from,
            )
            .optional()
    }

    fn interventi_di(&self, soggetto_id: i64, enti: &[i64]) -> StoreResult<Vec<Intervento>> {
        let rows = self
            .sql()
            .prepare_cached(&format!(
                "{INTERVENTO} WHERE soggetto_id = ?1 AND ente_id IN (SELECT value FROM json_each(?2)) ORDER BY dal DESC, id DESC"
            ))?
            .query_map(params![soggetto_id, json_array(enti)], intervento_from)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn add_foglio(&mut self, actor: &Actor, f: &Foglio, version: i64) -> StoreResult<i64> {
        self.write_sql(|tx| {
            let (now, by) = (now_text(), who(actor));
            let n = tx.execute(
                "UPDATE intervento SET stato = ?3, version = version + 1, updated_at = ?4, updated_by = ?5
                 WHERE id = ?1 AND version = ?2",
                params![f.intervento_id, version, f.tipo, now, by],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict {
                    entity: "intervento",
                    id: f.intervento_id,
                });
            }
            tx.execute(
                "INSERT INTO intervento_foglio (intervento_id, tipo, data, dal, al, dettaglio, punteggio, fascia, respinto,
                     motivazione, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    f.intervento_id, f.tipo, f.data, f.dal, f.al, f.dettaglio, f.punteggio, f.fascia, f.respinto,
                    f.motivazione, now, by
                ],
            )?;
            let id = tx.last_insert_rowid()?;
            audit(tx, actor, "foglio_amministrativo", "intervento", f.intervento_id)?;
            Ok(id)
        })
    }

    fn fogli(&self, intervento_id: i64) -> StoreResult<Vec<Foglio>> {
        let rows = self
            .sql()
            .prepare_cached(
                "SELECT id, intervento_id, tipo, data, dal, al, dettaglio, punteggio, fascia, respinto, motivazione
                 FROM intervento_foglio WHERE intervento_id = ?1 ORDER BY data, id",
            )?
            .query_map([intervento_id], |r| {
                Ok(Foglio {
                    id: Some(r.get(0)?),
                    intervento_id: r.get(1)?,
                    tipo: r.get(2)?,
                    data: r.get(3)?,
                    dal: r.get(4)?,
                    al: r.get(5)?,
                    dettaglio: r.get(6)?,
                    punteggio: r.get(7)?,
                    fascia: r.get(8)?,
                    respinto: r.get(9)?,
                    motivazione: r.get(10)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn save_erogazione(&mut self, actor: &Actor, e: &Erogazione) -> StoreResult<(i64, i64)> {
        self.write_sql(|tx| {
            let (now, by) = (now_text(), who(actor));
            let sina = e.sina.as_ref().map(|s| serde_json::to_string(s).unwrap_or_default());
            let (id, version) = match e.id {
                None => {
                    tx.execute(
                        "INSERT INTO erogazione (ente_id, intervento_id, soggetto_id, caso_id, tipo_id, categoria_sociale,
                             erogatore, protocollo_domanda, data_domanda, prova_mezzi, dsu_protocollo, dsu_anno, dsu_data,
                             siuss_codice, carattere, in_carico, unita_misura, quota_ente_bp, descrizione, sina,
                             created_at, created_by, updated_at, updated_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?21, ?22)",
                        params![
                            e.ente_id, e.intervento_id, e.soggetto_id, e.caso_id, e.tipo_id, e.categoria_sociale,
                            e.erogatore, e.protocollo_domanda, e.data_domanda, e.prova_mezzi, e.dsu_protocollo,
                            e.dsu_anno, e.dsu_data, e.siuss_codice, e.carattere, e.in_carico, e.unita_misura,
                            e.quota_ente_bp, e.descrizione, sina, now, by
                        ],
                    )?;
                    (tx.last_insert_rowid()?, 1)
                }
                Some(id) => {
                    let n = tx.execute(
                        "UPDATE erogazione SET intervento_id = ?3, caso_id = ?4, tipo_id = ?5, categoria_sociale = ?6,
                             erogatore = ?7, protocollo_domanda = ?8, data_domanda = ?9, prova_mezzi = ?10,
                             dsu_protocollo = ?11, dsu_anno = ?12, dsu_data = ?13, siuss_codice = ?14, carattere = ?15,
                             in_carico = ?16, unita_misura = ?17, quota_ente_bp = ?18, descrizione = ?19, sina = ?20,
                             updated_at = ?21, updated_by = ?22, version = version + 1
                         WHERE id = ?1 AND version = ?2",
                        params![
                            id, e.version, e.intervento_id, e.caso_id, e.tipo_id, e.categoria_sociale, e.erogatore,
                            e.protocollo_domanda, e.data_domanda, e.prova_mezzi, e.dsu_protocollo, e.dsu_anno,
                            e.dsu_data, e.siuss_codice, e.carattere, e.in_carico, e.unita_misura, e.quota_ente_bp,
                            e.descrizione, sina, now, by
                        ],
                    )?;
                    if n == 0 {
                        return Err(StoreError::Conflict { entity: "erogazione", id });
                    }
                    (id, e.version + 1)
                }
            };
            insert_righe(tx, id, &e.righe)?;
            audit(tx, actor, "salva_erogazione", "erogazione", id)?;
            Ok((id, version))
        })
    }

    fn erogazione(&self, id: i64) -> StoreResult<Option<Erogazione>> {
        let Some(mut e) = self
            .sql()
            .query_row(
                &format!("{EROGAZIONE} WHERE id = ?1"),
                [id],
                erogazione_from,
            )
            .optional()?
        else {
            return Ok(None);
        };
        e.righe = righe(&self.sql(), id, None)?;
        Ok(Some(e))
    }

    fn cerca_erogazioni(
        &self,
        enti: &[i64],
        f: &FiltroErogazioni,
        limit: usize,
    ) -> StoreResult<Vec<ErogazioneElenco>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT e.id, e.ente_id, e.soggetto_id, s.cognome, s.nome, s.codice_fiscale, t.etichetta, e.siuss_codice,
                    p.titolo, e.erogatore, e.carattere, min(r.data), max(coalesce(r.data_fine, r.data)), count(r.id),
                    sum(r.quantita_cent), sum(r.spesa_cents), sum(r.comp_utente_cents), sum(r.comp_ssn_cents),
                    sum(r.comp_altre_cents),
                    sum(coalesce(r.quota_ente_cents,
                        CASE WHEN e.quota_ente_bp IS NOT NULL THEN (r.spesa_cents * e.quota_ente_bp + 5000) / 10000
                             ELSE max(r.spesa_cents - r.comp_utente_cents - r.comp_ssn_cents - r.comp_altre_cents, 0) END)),
                    min(CASE WHEN r.stato = 'erogata' AND r.siuss_flusso_id IS NULL THEN 0 ELSE 1 END)
             FROM erogazione e
             JOIN soggetto s ON s.id = e.soggetto_id
             JOIN tipo_intervento t ON t.id = e.tipo_id
             JOIN erogazione_riga r ON r.erogazione_id = e.id
             LEFT JOIN intervento i ON i.id = e.intervento_id
             LEFT JOIN progetto p ON p.id = i.progetto_id
             WHERE e.ente_id IN (SELECT value FROM json_each(?1))
               AND (?2 IS NULL OR e.soggetto_id = ?2)
               AND (?3 IS NULL OR e.tipo_id = ?3)
               AND (?4 IS NULL OR coalesce(r.data_fine, r.data) >= ?4)
               AND (?5 IS NULL OR r.data <= ?5)
               AND (?6 IS NULL OR i.progetto_id = ?6)
               AND (?7 IS NULL OR e.erogatore LIKE '%' || ?7 || '%')
             GROUP BY e.id, s.id, t.id, p.id
             HAVING ?8 IS NULL OR min(CASE WHEN r.stato = 'erogata' AND r.siuss_flusso_id IS NULL THEN 0 ELSE 1 END) = ?8
             ORDER BY min(r.data) DESC, e.id DESC
             LIMIT ?9",
        )?;
        let rows = stmt
            .query_map(
                params![
                    json_array(enti),
                    f.soggetto_id,
                    f.tipo_id,
                    f.dal,
                    f.al,
                    f.progetto_id,
                    f.erogatore,
                    f.esportata,
                    limit as i64
                ],
                |r| {
                    Ok(ErogazioneElenco {
                        id: r.get(0)?,
                        ente_id: r.get(1)?,
                        soggetto_id: r.get(2)?,
                        cognome: r.get(3)?,
                        nome: r.get(4)?,
                        codice_fiscale: r.get(5)?,
                        tipo: r.get(6)?,
                        siuss_codice: r.get(7)?,
                        progetto: r.get(8)?,
                        erogatore: r.get(9)?,
                        carattere: r.get(10)?,
                        dal: r.get(11)?,
                        al: r.get(12)?,
                        righe: r.get(13)?,
                        totali: Totali {
                            quantita_cent: r.get(14)?,
                            spesa: r.get(15)?,
                            utente: r.get(16)?,
                            ssn: r.get(17)?,
                            altre: r.get(18)?,
                            ente: r.get(19)?,
                        },
                        esportata: r.get::<_, i64>(20)? == 1,
                    })
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn da_confermare(&self, enti: &[i64], dal: &str, al: &str) -> StoreResult<i64> {
        self.sql().query_row(
            "SELECT count(*) FROM erogazione_riga r JOIN erogazione e ON e.id = r.erogazione_id
             WHERE r.stato = 'prevista' AND r.data BETWEEN ?2 AND ?3 AND e.ente_id IN (SELECT value FROM json_each(?1))",
            params![json_array(enti), dal, al],
            |r| r.get(0),
        )
    }
}
