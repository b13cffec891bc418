//! Person search on SQLite: the indexes turn a query into a bounded set of candidates, which
//! [`crate::domain::search::rank`] filters and orders in process; only the best `limit` rows are read
//! in full.
//!
//! Retrieval (migration 0006), never a full scan, every scan with a `LIMIT`:
//! - a **codice fiscale** (prefix): range scans on the unique CF index, one per omocodia variant;
//! - an exact **birth date**: the birth-date index (a few dozen persons per day even with a million);
//! - **name words**: each word is looked up in `soggetto_parola` (the words of the distinct folded
//!   keys, so `LUCA` finds `DE LUCA`) by prefix, and in `soggetto_parola_variante` (the deletion
//!   neighbourhood of those words) for one typo; this gives, per word and field, a short list of
//!   keys (or, for a word so short that it stands for more than [`KEYS_CAP`] keys, a range of keys).
//!   The two most selective words `a`, `b` are then scanned in the four ways a person can match both:
//!   `a` surname and `b` name, the reverse (seeks on the covering index (key, other key, birth date,
//!   comune)), both in the surname, both in the name (keys that match both words). Birth date and year
//!   filters are part of those scans. Other words filter in process.
//!
//! The dictionary only grows: keys of renamed or deleted persons stay and merely find nothing.

use std::collections::HashMap;

use super::{SqliteStore, json_array};
use crate::domain::fold::fold;
use crate::domain::search::{self, Candidate, SearchHit, deletions, key_words, within_one_edit};
use crate::domain::search_query::{KnownTo, MIN_TYPO_CHARS, SearchQuery};
use crate::store::sql::{Row, Sql, Value, params, params_from_iter};
use crate::store::{SearchStore, StoreResult};

/// Keys a word may stand for in one field before its scan becomes a range scan of the key index.
pub const KEYS_CAP: usize = 256;
/// Rows read by one candidate scan of the key indexes. Their order is (key, other key, birth date),
/// so for a broad word the rows kept are the alphabetically first.
pub const SCAN_LIMIT: usize = 500;
/// Rows read by the scan of one birth date (or of one year, for a year alone).
pub const DATE_LIMIT: usize = 2000;
/// Above this many (surname key, name key) pairs a pair scan seeks on one side and filters the other.
const PAIR_SEEKS: usize = 4096;
/// Shortest dictionary word given a deletion neighbourhood (a typed word of [`MIN_TYPO_CHARS`]
/// letters may be one letter longer than a particle: `DEL` for DE).
const MIN_VARIANT_WORD: usize = MIN_TYPO_CHARS - 1;

/// The columns [`hit_from_row`] reads, in its order.
pub(crate) const HIT_COLUMNS: &str =
    "id, codice_fiscale, cognome, nome, data_nascita, res_comune, data_decesso IS NOT NULL";

/// A search hit from a row of [`HIT_COLUMNS`] (score and markers left to the caller).
pub(crate) fn hit_from_row(r: &Row) -> StoreResult<SearchHit> {
    Ok(SearchHit {
        id: r.get(0)?,
        codice_fiscale: r.get(1)?,
        cognome: r.get(2)?,
        nome: r.get(3)?,
        data_nascita: r.get(4)?,
        res_comune: r.get(5)?,
        deceased: r.get(6)?,
        score: 0,
        marcatori: Default::default(),
    })
}

const COGNOME: i64 = 0;
const NOME: i64 = 1;

/// Adds the words of one person's folded keys to the search dictionary, inside the caller's
/// transaction. Every code path that writes `soggetto.cognome_key`/`nome_key` calls it (the importer
/// too); a word already known costs one primary-key probe.
pub(crate) fn index_soggetto(conn: &Sql<'_>, cognome_key: &str, nome_key: &str) -> StoreResult<()> {
    index_key(conn, COGNOME, cognome_key)?;
    index_key(conn, NOME, nome_key)
}

/// The folded search keys (`cognome_key`, `nome_key`) of a person's names, added to the search
/// dictionary inside the caller's transaction: what every writer of `soggetto` names calls.
pub(crate) fn name_keys(
    conn: &Sql<'_>,
    cognome: &str,
    nome: &str,
) -> StoreResult<(String, String)> {
    let (ck, nk) = (fold(cognome), fold(nome));
    index_soggetto(conn, &ck, &nk)?;
    Ok((ck, nk))
}

fn index_key(conn: &Sql<'_>, campo: i64, key: &str) -> StoreResult<()> {
    if key.is_empty() {
        return Ok(());
    }
    let mut word_stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO soggetto_parola (campo, parola, chiave) VALUES (?1, ?2, ?3)",
    )?;
    let mut variant_stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO soggetto_parola_variante (variante, parola) VALUES (?1, ?2)",
    )?;
    for word in key_words(key) {
        if word_stmt.execute(params![campo, word, key])? == 1
            && word.chars().count() >= MIN_VARIANT_WORD
        {
            variant_stmt.execute(params![word, word])?;
            for d in deletions(&word) {
                variant_stmt.execute(params![d, word])?;
            }
        }
    }
    Ok(())
}

/// Fills what migration 0006 needs from the existing rows, inside the migration's transaction: the
/// folded keys of rows written before 0005 and the word dictionary. Returns the rows whose keys were
/// filled.
pub(crate) fn backfill(conn: &Sql<'_>) -> StoreResult<usize> {
    const BATCH: i64 = 10_000;
    let mut filled = 0;
    let mut last_id = 0i64;
    loop {
        let rows: Vec<(i64, String, String)> = conn
            .prepare(
                "SELECT id, cognome, nome FROM soggetto
                 WHERE id > ?1 AND ((cognome_key = '' AND cognome <> '') OR (nome_key = '' AND nome <> ''))
                 ORDER BY id LIMIT ?2",
            )?
            .query_map(params![last_id, BATCH], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        let Some(last) = rows.last() else { break };
        last_id = last.0;
        let mut update = conn
            .prepare_cached("UPDATE soggetto SET cognome_key = ?1, nome_key = ?2 WHERE id = ?3")?;
        for (id, cognome, nome) in &rows {
            filled += update.execute(params![fold(cognome), fold(nome), id])?;
        }
    }
    for (campo, column) in [(COGNOME, "cognome_key"), (NOME, "nome_key")] {
        let mut last = String::new();
        loop {
            let keys: Vec<String> = conn
                .prepare(&format!(
                    "SELECT DISTINCT {column} FROM soggetto WHERE {column} > ?1 ORDER BY {column} LIMIT ?2"
                ))?
                .query_map(params![last, BATCH], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let Some(l) = keys.last() else { break };
            last = l.clone();
            for k in &keys {
                index_key(conn, campo, k)?;
            }
        }
    }
    Ok(filled)
}

/// The smallest string above every string that starts with `prefix`.
fn upper_bound(prefix: &str) -> String {
    let mut s = prefix.to_string();
    match s.pop() {
        Some(c) => {
            let next = match c {
                '\u{D7FF}' => Some('\u{E000}'),
                c => char::from_u32(c as u32 + 1),
            };
            match next {
                Some(n) => s.push(n),
                None => {
                    s.push(c);
                    s.push(char::MAX);
                }
            }
        }
        None => s.push(char::MAX),
    }
    s
}

/// The keys of one field that a typed word can stand for.
#[derive(Debug, Default)]
struct Side {
    /// Keys with a word starting with the typed word (empty when `range` is set), sorted.
    keys: Vec<String>,
    /// Keys with a word one typo away from the typed word. Scanned apart from `keys` so that the
    /// scan limit never trades a prefix match for a typo.
    typo: Vec<String>,
    /// Set when the word stands for too many keys: the keys starting with it, as `[lo, hi)`.
    range: Option<(String, String)>,
}

impl Side {
    fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.typo.is_empty() && self.range.is_none()
    }
    fn cost(&self) -> usize {
        if self.range.is_some() {
            usize::MAX / 4
        } else {
            self.keys.len() + self.typo.len()
        }
    }
    fn parts(&self) -> Vec<Sel<'_>> {
        let mut parts = Vec::with_capacity(3);
        if !self.keys.is_empty() {
            parts.push(Sel::Keys(&self.keys));
        }
        if !self.typo.is_empty() {
            parts.push(Sel::Keys(&self.typo));
        }
        if let Some((lo, hi)) = &self.range {
            parts.push(Sel::Range(lo, hi));
        }
        parts
    }
}

#[derive(Debug, Clone, Copy)]
enum Sel<'a> {
    Keys(&'a [String]),
    Range(&'a str, &'a str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Cognome,
    Nome,
}

impl Field {
    fn other(self) -> Field {
        match self {
            Field::Cognome => Field::Nome,
            Field::Nome => Field::Cognome,
        }
    }
}

impl SearchStore for SqliteStore {
    fn search_soggetti(
        &self,
        q: &SearchQuery,
        ente_belfiore: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<SearchHit>> {
        if limit == 0 || q.impossible || q.is_empty() {
            return Ok(Vec::new());
        }
        let dates = date_range(q);
        let mut found: HashMap<i64, Candidate> = HashMap::new();
        if let Some(cf) = &q.cf {
            for v in &cf.variants {
                self.scan_cf(v, &mut found)?;
            }
        } else if let (Some((lo, hi)), Some(_)) = (&dates, q.date) {
            let n = self.scan_dates(lo, hi, &mut found)?;
            if n >= DATE_LIMIT && !q.words.is_empty() {
                self.scan_words(q, dates.as_ref(), &mut found)?;
            }
        } else if !q.words.is_empty() {
            self.scan_words(q, dates.as_ref(), &mut found)?;
        } else if let Some((lo, hi)) = &dates {
            self.scan_dates(lo, hi, &mut found)?;
        }
        if let Some(k) = &q.known_to {
            self.mark_known(k, &mut found)?;
        }
        let ente = ente_belfiore.map(|e| e.trim().to_uppercase());
        let ranked = search::rank(q, found.into_values(), ente.as_deref(), limit);
        self.hits(ranked)
    }

    fn recent_soggetti(
        &self,
        ente_id: i64,
        operatore: &str,
        ufficio_id: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<SearchHit>> {
        // Newest first along the date index, stopping at `limit` distinct persons.
        let mut stmt = self.sql().prepare_cached(
            "SELECT soggetto_id FROM scheda INDEXED BY scheda_data
             WHERE ente_id = ?1 AND (operatore = ?2 OR ufficio_id = ?3) AND deleted_at IS NULL
             ORDER BY data_accesso DESC, id DESC",
        )?;
        let mut rows = stmt.query(params![ente_id, operatore, ufficio_id])?;
        let mut ids: Vec<i64> = Vec::with_capacity(limit);
        while ids.len() < limit
            && let Some(r) = rows.next()?
        {
            let id: i64 = r.get(0)?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let ranked = ids
            .into_iter()
            .map(|id| {
                (
                    Candidate {
                        id,
                        ..Default::default()
                    },
                    0,
                )
            })
            .collect();
        self.hits(ranked)
    }
}

/// The candidates (?1, JSON) with a scheda of ente ?2 since ?3 or an open case there. Without
/// statistics SQLite walks the ente's schede by (ente_id, numero) — 1.3 s a query on a million
/// persons — where the person index takes 2 ms: hence the INDEXED BY.
const KNOWN_SQL: &str = "SELECT soggetto_id FROM scheda INDEXED BY scheda_soggetto
     WHERE soggetto_id IN (SELECT value FROM json_each(?1)) AND ente_id = ?2
       AND data_accesso >= ?3 AND deleted_at IS NULL
     UNION
     SELECT soggetto_id FROM presa_in_carico
     WHERE soggetto_id IN (SELECT value FROM json_each(?1)) AND ente_id = ?2 AND stato = 'aperta'";

impl SqliteStore {
    /// Marks the candidates with a scheda of the ente since `k.since` or an open case there.
    fn mark_known(&self, k: &KnownTo, found: &mut HashMap<i64, Candidate>) -> StoreResult<()> {
        if found.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = found.keys().copied().collect();
        let mut stmt = self.sql().prepare_cached(KNOWN_SQL)?;
        let known = stmt.query_map(params![json_array(&ids), k.ente_id, k.since], |r| {
            r.get::<_, i64>(0)
        })?;
        for id in known {
            if let Some(c) = found.get_mut(&id?) {
                c.known = true;
            }
        }
        Ok(())
    }

    fn scan_cf(&self, prefix: &str, found: &mut HashMap<i64, Candidate>) -> StoreResult<usize> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, cognome_key, nome_key, data_nascita, res_comune, codice_fiscale FROM soggetto
             WHERE codice_fiscale >= ?1 AND codice_fiscale < ?2 AND deleted_at IS NULL LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            params![prefix, upper_bound(prefix), SCAN_LIMIT as i64],
            candidate,
        )?;
        collect(rows, found)
    }

    fn scan_dates(
        &self,
        lo: &str,
        hi: &str,
        found: &mut HashMap<i64, Candidate>,
    ) -> StoreResult<usize> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT id, cognome_key, nome_key, data_nascita, res_comune, codice_fiscale
             FROM soggetto INDEXED BY soggetto_nascita
             WHERE data_nascita >= ?1 AND data_nascita < ?2 AND deleted_at IS NULL LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![lo, hi, DATE_LIMIT as i64], candidate)?;
        collect(rows, found)
    }

    /// Per field, the keys the word can stand for.
    fn sides(&self, word: &str) -> StoreResult<(Side, Side)> {
        let hi = upper_bound(word);
        let mut prefix_stmt = self.sql().prepare_cached(
            "SELECT DISTINCT chiave FROM soggetto_parola
             WHERE campo = ?1 AND parola >= ?2 AND parola < ?3 LIMIT ?4",
        )?;
        let mut typo_words: Vec<String> = Vec::new();
        if word.chars().count() >= MIN_TYPO_CHARS {
            let mut variants = deletions(word);
            variants.push(word.to_string());
            let mut stmt = self.sql().prepare_cached(
                "SELECT DISTINCT parola FROM soggetto_parola_variante
                 WHERE variante IN (SELECT value FROM json_each(?1)) LIMIT ?2",
            )?;
            typo_words = stmt
                .query_map(params![json_array(&variants), (4 * KEYS_CAP) as i64], |r| {
                    r.get::<_, String>(0)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            typo_words.retain(|w| !w.starts_with(word) && within_one_edit(word, w));
        }
        let mut typo_stmt = self.sql().prepare_cached(
            "SELECT DISTINCT chiave FROM soggetto_parola
             WHERE campo = ?1 AND parola IN (SELECT value FROM json_each(?2)) LIMIT ?3",
        )?;
        let mut out = [Side::default(), Side::default()];
        for (campo, side) in [COGNOME, NOME].into_iter().zip(out.iter_mut()) {
            let keys: Vec<String> = prefix_stmt
                .query_map(params![campo, word, hi, (KEYS_CAP + 1) as i64], |r| {
                    r.get(0)
                })?
                .collect::<Result<_, _>>()?;
            if keys.len() > KEYS_CAP {
                side.range = Some((word.to_string(), hi.clone()));
            } else {
                side.keys = keys;
            }
            if !typo_words.is_empty() {
                let typo: Vec<String> = typo_stmt
                    .query_map(
                        params![campo, json_array(&typo_words), KEYS_CAP as i64],
                        |r| r.get(0),
                    )?
                    .collect::<Result<_, _>>()?;
                side.typo = typo
                    .into_iter()
                    .filter(|k| !side.keys.contains(k))
                    .collect();
            }
        }
        let [c, n] = out;
        Ok((c, n))
    }

    fn scan_words(
        &self,
        q: &SearchQuery,
        dates: Option<&(String, String)>,
        found: &mut HashMap<i64, Candidate>,
    ) -> StoreResult<()> {
        let mut sides = Vec::with_capacity(q.words.len());
        for w in &q.words {
            sides.push(self.sides(w)?);
        }
        // A word that no key matches can only be half of two joined words (`dv pietro`): the scans
        // use the others. With none left, nothing matches.
        let mut order: Vec<usize> = (0..sides.len())
            .filter(|&i| !(sides[i].0.is_empty() && sides[i].1.is_empty()))
            .collect();
        if order.len() < sides.len() && (sides.len() == 1 || order.is_empty()) {
            return Ok(());
        }
        order.sort_by_key(|&i| {
            (
                sides[i].0.cost().saturating_add(sides[i].1.cost()),
                std::cmp::Reverse(q.words[i].len()),
            )
        });
        let Some(&a) = order.first() else {
            return Ok(());
        };
        let (ac, an) = &sides[a];
        let Some(&b) = order.get(1) else {
            for part in ac.parts() {
                self.scan(Field::Cognome, part, None, dates, found)?;
            }
            for part in an.parts() {
                self.scan(Field::Nome, part, None, dates, found)?;
            }
            return Ok(());
        };
        let (bc, bn) = &sides[b];
        self.scan_pair(ac, bn, dates, found)?;
        self.scan_pair(bc, an, dates, found)?;
        let (wa, wb) = (q.words[a].as_str(), q.words[b].as_str());
        self.scan_same(Field::Cognome, (ac, wa), (bc, wb), dates, found)?;
        self.scan_same(Field::Nome, (an, wa), (bn, wb), dates, found)?;
        Ok(())
    }

    /// Persons whose surname is one of `c` and name one of `n`.
    fn scan_pair(
        &self,
        c: &Side,
        n: &Side,
        dates: Option<&(String, String)>,
        found: &mut HashMap<i64, Candidate>,
    ) -> StoreResult<()> {
        for cp in c.parts() {
            for np in n.parts() {
                match (cp, np) {
                    (Sel::Keys(ck), Sel::Keys(nk)) => {
                        if ck.len() * nk.len() <= PAIR_SEEKS {
                            self.scan(Field::Cognome, cp, Some((np, true)), dates, found)?;
                        } else if ck.len() <= nk.len() {
                            self.scan(Field::Cognome, cp, Some((np, false)), dates, found)?;
                        } else {
                            self.scan(Field::Nome, np, Some((cp, false)), dates, found)?;
                        }
                    }
                    (Sel::Keys(_), Sel::Range(..)) => {
                        self.scan(Field::Cognome, cp, Some((np, true)), dates, found)?;
                    }
                    (Sel::Range(..), Sel::Keys(_)) => {
                        self.scan(Field::Nome, np, Some((cp, true)), dates, found)?;
                    }
                    (Sel::Range(..), Sel::Range(..)) => {
                        self.scan(Field::Cognome, cp, Some((np, false)), dates, found)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Persons with both words in the same field: the keys that match both.
    fn scan_same(
        &self,
        field: Field,
        (s1, w1): (&Side, &str),
        (s2, w2): (&Side, &str),
        dates: Option<&(String, String)>,
        found: &mut HashMap<i64, Candidate>,
    ) -> StoreResult<()> {
        let both = |keys: &[String], w: &str| -> Vec<String> {
            keys.iter()
                .filter(|k| search::match_key(w, k) != search::WordMatch::None)
                .cloned()
                .collect()
        };
        let (keys, typo) = if s1.range.is_none() {
            (both(&s1.keys, w2), both(&s1.typo, w2))
        } else if s2.range.is_none() {
            (both(&s2.keys, w1), both(&s2.typo, w1))
        } else {
            // Both words are one or two letters: the keys starting with the first.
            for part in s1.parts() {
                self.scan(field, part, None, dates, found)?;
            }
            return Ok(());
        };
        for keys in [keys, typo] {
            if !keys.is_empty() {
                self.scan(field, Sel::Keys(&keys), None, dates, found)?;
            }
        }
        Ok(())
    }

    /// One candidate scan on the covering index of `lead`: `lead` in `sel`, the other key in `other`
    /// (as an index seek when its flag is set, else as a filter on the index entries), birth date in
    /// `dates`.
    fn scan(
        &self,
        lead: Field,
        sel: Sel<'_>,
        other: Option<(Sel<'_>, bool)>,
        dates: Option<&(String, String)>,
        found: &mut HashMap<i64, Candidate>,
    ) -> StoreResult<usize> {
        let column = |f: Field| match f {
            Field::Cognome => "cognome_key",
            Field::Nome => "nome_key",
        };
        let index = match lead {
            Field::Cognome => "soggetto_cerca_cognome",
            Field::Nome => "soggetto_cerca_nome",
        };
        let mut sql = format!(
            "SELECT id, cognome_key, nome_key, data_nascita, res_comune, NULL FROM soggetto INDEXED BY {index}
             WHERE deleted_at IS NULL"
        );
        let mut args: Vec<Value> = Vec::with_capacity(7);
        let mut push = |sql: &mut String, col: &str, sel: Sel<'_>, plus: &str| match sel {
            Sel::Keys(keys) => {
                args.push(Value::Text(json_array(keys)));
                sql.push_str(&format!(
                    " AND {plus}{col} IN (SELECT value FROM json_each(?{}))",
                    args.len()
                ));
            }
            Sel::Range(lo, hi) => {
                args.push(Value::Text(lo.to_string()));
                args.push(Value::Text(hi.to_string()));
                sql.push_str(&format!(
                    " AND {plus}{col} >= ?{} AND {plus}{col} < ?{}",
                    args.len() - 1,
                    args.len()
                ));
            }
        };
        push(&mut sql, column(lead), sel, "");
        if let Some((sel, seek)) = other {
            push(
                &mut sql,
                column(lead.other()),
                sel,
                if seek { "" } else { "+" },
            );
        }
        if let Some((lo, hi)) = dates {
            push(&mut sql, "data_nascita", Sel::Range(lo, hi), "");
        }
        args.push(Value::Integer(SCAN_LIMIT as i64));
        sql.push_str(&format!(" LIMIT ?{}", args.len()));
        let mut stmt = self.sql().prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), candidate)?;
        collect(rows, found)
    }

    /// Reads the ranked candidates in full, in rank order.
    fn hits(&self, ranked: Vec<(Candidate, i64)>) -> StoreResult<Vec<SearchHit>> {
        if ranked.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = ranked.iter().map(|(c, _)| c.id).collect();
        let sql = format!(
            "SELECT {HIT_COLUMNS} FROM soggetto WHERE id IN (SELECT value FROM json_each(?1))"
        );
        let mut stmt = self.sql().prepare_cached(&sql)?;
        let mut rows: HashMap<i64, SearchHit> = stmt
            .query_map([json_array(&ids)], hit_from_row)?
            .map(|h| h.map(|h| (h.id, h)))
            .collect::<Result<_, _>>()?;
        Ok(ranked
            .into_iter()
            .filter_map(|(c, score)| {
                rows.remove(&c.id).map(|mut h| {
                    h.score = score;
                    h
                })
            })
            .collect())
    }
}

/// The birth-date filter of the query as an ISO text range `[lo, hi)`.
fn date_range(q: &SearchQuery) -> Option<(String, String)> {
    if let Some((y, m, d)) = q.date {
        let iso = format!("{y:04}-{m:02}-{d:02}");
        let hi = upper_bound(&iso);
        return Some((iso, hi));
    }
    q.year.map(|y| {
        let lo = format!("{y:04}-");
        let hi = upper_bound(&lo);
        (lo, hi)
    })
}

fn candidate(r: &Row) -> StoreResult<Candidate> {
    Ok(Candidate {
        id: r.get(0)?,
        cognome_key: r.get(1)?,
        nome_key: r.get(2)?,
        data_nascita: r.get(3)?,
        res_comune: r.get(4)?,
        codice_fiscale: r.get(5)?,
        known: false,
    })
}

fn collect(
    rows: impl Iterator<Item = StoreResult<Candidate>>,
    found: &mut HashMap<i64, Candidate>,
) -> StoreResult<usize> {
    let mut n = 0;
    for c in rows {
        let c = c?;
        n += 1;
        match found.get_mut(&c.id) {
            Some(old) if old.codice_fiscale.is_none() => old.codice_fiscale = c.codice_fiscale,
            Some(_) => {}
            None => {
                found.insert(c.id, c);
            }
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn returning_clients_are_looked_up_by_person_not_by_ente() {
        // SQLite's plan (PostgreSQL plans by itself).
        let store = super::SqliteStore::in_memory_sqlite().unwrap();
        let plan: Vec<String> = store
            .sql()
            .prepare(&format!("EXPLAIN QUERY PLAN {}", super::KNOWN_SQL))
            .unwrap()
            .query_map(params!["[1,2]", 1, "2026-01-01"], |r| r.get(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            plan.iter()
                .any(|l| l.contains("scheda USING INDEX scheda_soggetto")),
            "{plan:?}"
        );
        assert!(!plan.iter().any(|l| l.contains("SCAN scheda")), "{plan:?}");
    }

    use super::*;
    use crate::domain::Actor;
    use crate::domain::soggetto::NewSoggetto;
    use crate::store::prelude::*;

    fn store_with(names: &[(&str, &str)]) -> SqliteStore {
        let mut s = SqliteStore::in_memory().unwrap();
        let rows: Vec<NewSoggetto> = names
            .iter()
            .enumerate()
            .map(|(i, (c, n))| NewSoggetto {
                codice_fiscale: Some(format!("CF{i:014}")),
                cognome: (*c).into(),
                nome: (*n).into(),
                data_nascita: Some("1980-01-01".into()),
                fonte: "demo",
                ..Default::default()
            })
            .collect();
        s.insert_soggetti(&Actor::system(None, None), &rows)
            .unwrap();
        s
    }

    fn dictionary(s: &SqliteStore) -> (Vec<(i64, String, String)>, i64) {
        let words = s
            .sql()
            .prepare("SELECT campo, parola, chiave FROM soggetto_parola ORDER BY 1, 2, 3")
            .unwrap()
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let variants = s
            .sql()
            .query_row("SELECT count(*) FROM soggetto_parola_variante", (), |r| {
                r.get(0)
            })
            .unwrap();
        (words, variants)
    }

    #[test]
    fn upper_bounds() {
        assert_eq!(upper_bound("ROS"), "ROT");
        assert_eq!(upper_bound("AZ"), "A[");
        assert_eq!(upper_bound("1980-"), "1980.");
        assert_eq!(upper_bound("\u{D7FF}"), "\u{E000}");
        assert_eq!(upper_bound(""), char::MAX.to_string());
        assert!(upper_bound("A\u{10FFFF}").as_str() > "A\u{10FFFF}ZZ");
    }

    #[test]
    fn inserting_persons_fills_the_dictionary_and_backfill_rebuilds_it() {
        let s = store_with(&[
            ("De Luca", "Maria Grazia"),
            ("Rossi", "Mario"),
            ("Rossi", "Li"),
        ]);
        let (words, variants) = dictionary(&s);
        let has = |campo: i64, parola: &str, chiave: &str| {
            words.contains(&(campo, parola.to_string(), chiave.to_string()))
        };
        assert!(
            has(0, "DE", "DE LUCA") && has(0, "LUCA", "DE LUCA") && has(0, "DELUCA", "DE LUCA")
        );
        assert!(has(1, "GRAZIA", "MARIA GRAZIA") && has(1, "LI", "LI"));
        assert!(has(0, "ROSSI", "ROSSI"));
        assert_eq!(words.len(), 9);
        // Words of 3+ letters: the word and its deletions.
        let v: i64 = s
            .sql()
            .query_row(
                "SELECT count(*) FROM soggetto_parola_variante WHERE parola = 'ROSSI'",
                (),
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(v, 5, "ROSSI, OSSI, RSSI, ROSI, ROSS");
        // Forget everything, including the keys of one row: backfill restores the same state.
        s.sql()
            .execute_batch(
                "DELETE FROM soggetto_parola; DELETE FROM soggetto_parola_variante;
                 UPDATE soggetto SET cognome_key = '', nome_key = '' WHERE cognome = 'Rossi';",
            )
            .unwrap();
        assert_eq!(backfill(&s.sql()).unwrap(), 2);
        assert_eq!(dictionary(&s), (words, variants));
        let keys: String = s
            .sql()
            .query_row(
                "SELECT group_concat(cognome_key || '/' || nome_key, ',' ORDER BY id) FROM soggetto WHERE cognome = 'Rossi'", (),
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(keys, "ROSSI/MARIO,ROSSI/LI");
    }

    #[test]
    fn short_words_become_range_scans_and_still_find() {
        // More distinct surnames starting with B than KEYS_CAP.
        let mut names: Vec<(String, String)> = (0..KEYS_CAP + 20)
            .map(|i| {
                let letters: String = format!("{i:03}")
                    .bytes()
                    .map(|d| (b'A' + d - b'0') as char)
                    .collect();
                (format!("Bar{letters}"), "Ugo".to_string())
            })
            .collect();
        names.push(("Bianchi".into(), "Zeno".into()));
        let refs: Vec<(&str, &str)> = names
            .iter()
            .map(|(c, n)| (c.as_str(), n.as_str()))
            .collect();
        let s = store_with(&refs);
        let (c, _) = s.sides("B").unwrap();
        assert!(
            c.range.is_some(),
            "B stands for more than KEYS_CAP surnames"
        );
        let q = SearchQuery::parse("b zeno", (2026, 1, 1));
        let hits = s.search_soggetti(&q, None, 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].cognome, "Bianchi");
        let q = SearchQuery::parse("z b", (2026, 1, 1));
        assert_eq!(s.search_soggetti(&q, None, 10).unwrap().len(), 1);
        let q = SearchQuery::parse("bar", (2026, 1, 1));
        assert_eq!(
            s.search_soggetti(&q, None, 500).unwrap().len(),
            KEYS_CAP + 20
        );
    }
}
