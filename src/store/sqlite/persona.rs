//! SQLite side of the person card: one person with every field, and their history.

use rusqlite::OptionalExtension;

use crate::store::StoreResult;
use super::SqliteStore;
use crate::domain::persona::{Modifica, Soggetto};

impl SqliteStore {
    pub(super) fn sql_soggetto(&self, id: i64) -> StoreResult<Option<Soggetto>> {
        Ok(self
            .conn()
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
            .optional()?)
    }

    pub(super) fn sql_soggetto_storia(&self, id: i64) -> StoreResult<Vec<Modifica>> {
        let mut stmt = self.conn().prepare(
            "SELECT at, by, campo, prima, dopo FROM soggetto_storia WHERE soggetto_id = ?1 ORDER BY id DESC LIMIT 200",
        )?;
        Ok(stmt
            .query_map([id], |r| {
                Ok(Modifica {
                    at: r.get(0)?,
                    by: r.get(1)?,
                    campo: r.get(2)?,
                    prima: r.get(3)?,
                    dopo: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?)
    }
}
