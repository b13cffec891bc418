//! SQLite side of reading persons: the person card (one person with every field), their history,
//! homonyms, privacy consents and the markers of the search results.

use std::collections::HashMap;

use super::SqliteStore;
use super::json_array;
use super::search::{HIT_COLUMNS, hit_from_row};
use crate::domain::fold::fold;
use crate::domain::persona::{Consenso, Marcatori, Modifica, Privacy, Soggetto};
use crate::domain::search::SearchHit;
use crate::store::sql::{OptionalExtension, params};
use crate::store::{PersonStore, StoreResult};

impl PersonStore for SqliteStore {
    fn soggetto(&self, id: i64) -> StoreResult<Option<Soggetto>> {
        self
            .sql()
            .query_row(
                "SELECT id, version, codice_fiscale, cf_provvisorio, cognome, nome, sesso, data_nascita, luogo_nascita,
                        cittadinanza, cittadinanza2, stato_civile, res_indirizzo, res_civico, res_cap, res_comune,
                        senza_fissa_dimora, struttura_accoglienza, dom_indirizzo, dom_civico, dom_cap, dom_comune,
                        telefono, cellulare, email, data_decesso, alias, anonimo, fonte, fonte_id,
                        created_at, created_by, updated_at, updated_by, COALESCE(extra, '{}')
                 FROM soggetto WHERE id = ?1 AND deleted_at IS NULL",
                [id],
                |r| {
                    Ok(Soggetto {
                        id: r.get(0)?,
                        version: r.get(1)?,
                        codice_fiscale: r.get(2)?,
                        cf_provvisorio: r.get(3)?,
                        cognome: r.get(4)?,
                        nome: r.get(5)?,
                        sesso: r.get(6)?,
                        data_nascita: r.get(7)?,
                        luogo_nascita: r.get(8)?,
                        cittadinanza: r.get(9)?,
                        cittadinanza2: r.get(10)?,
                        stato_civile: r.get(11)?,
                        res_indirizzo: r.get(12)?,
                        res_civico: r.get(13)?,
                        res_cap: r.get(14)?,
                        res_comune: r.get(15)?,
                        senza_fissa_dimora: r.get(16)?,
                        struttura_accoglienza: r.get(17)?,
                        dom_indirizzo: r.get(18)?,
                        dom_civico: r.get(19)?,
                        dom_cap: r.get(20)?,
                        dom_comune: r.get(21)?,
                        telefono: r.get(22)?,
                        cellulare: r.get(23)?,
                        email: r.get(24)?,
                        data_decesso: r.get(25)?,
                        alias: r.get(26)?,
                        anonimo: r.get(27)?,
                        fonte: r.get(28)?,
                        fonte_id: r.get(29)?,
                        created_at: r.get(30)?,
                        created_by: r.get(31)?,
                        updated_at: r.get(32)?,
                        updated_by: r.get(33)?,
                        extra: r.get(34)?,
                    })
                },
            )
            .optional()
    }

    fn soggetto_storia(&self, id: i64) -> StoreResult<Vec<Modifica>> {
        let mut stmt = self.sql().prepare(
            "SELECT at, by, campo, prima, dopo FROM soggetto_storia WHERE soggetto_id = ?1 ORDER BY id DESC LIMIT 200",
        )?;
        stmt.query_map([id], |r| {
            Ok(Modifica {
                at: r.get(0)?,
                by: r.get(1)?,
                campo: r.get(2)?,
                prima: r.get(3)?,
                dopo: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()
    }

    /// Persons with the same folded name and birth date (homonym warning), `exclude` left out.
    fn homonyms(
        &self,
        cognome: &str,
        nome: &str,
        data_nascita: &str,
        exclude: Option<i64>,
    ) -> StoreResult<Vec<SearchHit>> {
        let sql = format!(
            "SELECT {HIT_COLUMNS} FROM soggetto
             WHERE data_nascita = ?1 AND cognome_key = ?2 AND nome_key = ?3 AND deleted_at IS NULL
               AND id IS DISTINCT FROM ?4
             LIMIT 20"
        );
        let mut stmt = self.sql().prepare_cached(&sql)?;
        stmt.query_map(
            params![data_nascita, fold(cognome), fold(nome), exclude],
            hit_from_row,
        )?
        .collect::<Result<_, _>>()
    }

    /// The consents of a person, towards each ente.
    fn privacy(&self, soggetto_id: i64) -> StoreResult<Vec<Consenso>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT p.ente_id, e.nome, p.stato, p.data_firma, p.version
             FROM privacy_consenso p JOIN ente e ON e.id = p.ente_id
             WHERE p.soggetto_id = ?1 ORDER BY e.nome",
        )?;
        stmt.query_map([soggetto_id], |r| {
            let stato: String = r.get(2)?;
            Ok(Consenso {
                ente_id: r.get(0)?,
                ente: r.get(1)?,
                stato: Privacy::parse(&stato).unwrap_or(Privacy::NonFirmato),
                data_firma: r.get(3)?,
                version: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()
    }

    /// The markers of the given persons: open case anywhere, consent signed towards `ente_id`.
    fn marcatori(&self, ids: &[i64], ente_id: Option<i64>) -> StoreResult<HashMap<i64, Marcatori>> {
        let json = json_array(ids);
        let mut stmt = self.sql().prepare_cached(
            "SELECT j.value,
                    EXISTS (SELECT 1 FROM presa_in_carico c WHERE c.soggetto_id = j.value AND c.stato = 'aperta'),
                    EXISTS (SELECT 1 FROM privacy_consenso p
                            WHERE p.soggetto_id = j.value AND p.ente_id = ?2 AND p.stato = 'firmato')
             FROM json_each(?1) j",
        )?;
        stmt.query_map(params![json, ente_id], |r| {
            Ok((
                r.get(0)?,
                Marcatori {
                    caso_aperto: r.get(1)?,
                    privacy_firmata: r.get(2)?,
                },
            ))
        })?
        .collect::<Result<_, _>>()
    }
}
