//! Person search: matching one candidate against a [`SearchQuery`] and ranking the candidates that the
//! store's indexes returned. Pure; the store finds the candidates ([`crate::store::Store::search_soggetti`]).
//!
//! Order: exact codice fiscale; then surname and name typed in full (every word of both, any order);
//! then prefixes; then matches that needed a typo in one word; then in more words. Inside a tier: more words typed in full, more
//! beginnings of the birth date matched and the `fuzzy-matcher` (skim) score of the words rank higher;
//! ties go to persons resident in the operator's ente, then alphabetical (surname, name, birth date).

use std::cmp::Ordering;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::search_query::{MIN_TYPO_CHARS, SearchQuery};

/// One person found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SearchHit {
    pub id: i64,
    pub codice_fiscale: Option<String>,
    pub cognome: String,
    pub nome: String,
    /// ISO `aaaa-mm-gg`.
    pub data_nascita: Option<String>,
    /// Belfiore code of the comune of residence.
    pub res_comune: Option<String>,
    /// A date of death is recorded.
    pub deceased: bool,
    /// Higher is better; hits come sorted.
    pub score: i64,
    /// Open case / privacy signed (filled by the caller that knows the operator's ente).
    pub marcatori: super::persona::Marcatori,
}

/// What the store read for a candidate (from an index where possible).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Candidate {
    pub id: i64,
    /// Known when the candidate came through the codice fiscale or the birth date.
    pub codice_fiscale: Option<String>,
    pub cognome_key: String,
    pub nome_key: String,
    pub data_nascita: Option<String>,
    pub res_comune: Option<String>,
    /// A returning client of the searching desk ([`super::search_query::KnownTo`]).
    pub known: bool,
}

/// How well one query word matches one field key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WordMatch {
    None,
    /// Within one edit (substitution, insertion, deletion, swap of neighbours) of a whole word.
    Typo,
    /// A prefix of a word, or of the key with its spaces removed.
    Prefix,
    /// Equal to a word, or to the key with its spaces removed.
    Exact,
}

/// True when `a` and `b` differ by at most one substitution, insertion, deletion or swap of two
/// neighbouring letters (optimal string alignment distance ≤ 1).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return one_edit(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    one_edit(&a, &b)
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let p = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if p == long.len() {
        return true;
    }
    if short.len() == long.len() {
        // Substitution at p, or swap of p and p + 1.
        short[p + 1..] == long[p + 1..]
            || (p + 1 < short.len()
                && short[p] == long[p + 1]
                && short[p + 1] == long[p]
                && short[p + 2..] == long[p + 2..])
    } else {
        short[p..] == long[p + 1..]
    }
}

/// Every string made by deleting one character of `word` (for the deletion-neighbourhood index).
pub fn deletions(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out: Vec<String> = Vec::with_capacity(chars.len());
    for i in 0..chars.len() {
        let v: String = chars[..i].iter().chain(&chars[i + 1..]).collect();
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// The words of a folded key that the search knows: each word, and for a key of several words the
/// whole key without spaces (`DE LUCA` → `DE`, `LUCA`, `DELUCA`).
pub fn key_words(key: &str) -> Vec<String> {
    let mut words: Vec<String> = key
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if words.len() > 1 {
        words.push(words.concat());
    }
    words.dedup();
    words
}

/// The best match of `word` (a folded query word) against `key` (a folded field key).
pub fn match_key(word: &str, key: &str) -> WordMatch {
    let typo_ok = word.chars().count() >= MIN_TYPO_CHARS;
    let one = |w: &str| {
        if w == word {
            WordMatch::Exact
        } else if w.starts_with(word) {
            WordMatch::Prefix
        } else if typo_ok && within_one_edit(word, w) {
            WordMatch::Typo
        } else {
            WordMatch::None
        }
    };
    let mut best = WordMatch::None;
    for w in key.split(' ').filter(|w| !w.is_empty()) {
        best = best.max(one(w));
        if best == WordMatch::Exact {
            return best;
        }
    }
    if key.contains(' ') {
        best = best.max(one(&key.replace(' ', "")));
    }
    best
}

/// The ranking of one candidate; `None` when it does not satisfy the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rank {
    /// 4 exact CF, 3 names in full, 2 prefixes, 1 one word with a typo, 0 more words with typos.
    pub tier: u8,
    pub score: i64,
    pub in_ente: bool,
}

fn covers_all_words(key: &str, words: &[String]) -> bool {
    let compact = key.replace(' ', "");
    if key.contains(' ') && words.contains(&compact) {
        return true;
    }
    key.split(' ')
        .filter(|k| !k.is_empty())
        .all(|k| words.iter().any(|w| w == k))
}

/// The fuzzy matcher and what it says of each query word alone.
pub struct Scorer {
    skim: SkimMatcherV2,
    /// Skim score of each query word against a word it starts (the same for every such word).
    base: Vec<i64>,
}

impl Scorer {
    pub fn new(q: &SearchQuery) -> Scorer {
        let skim = SkimMatcherV2::default();
        let base = q
            .words
            .iter()
            .map(|w| skim.fuzzy_match(w, w).unwrap_or(0))
            .collect();
        Scorer { skim, base }
    }
}

/// Evaluates a candidate: filters (CF prefix, date, year, every name word) and ranks.
pub fn evaluate(
    q: &SearchQuery,
    c: &Candidate,
    ente: Option<&str>,
    scorer: &Scorer,
) -> Option<Rank> {
    if q.impossible {
        return None;
    }
    let mut tier = 2u8;
    let mut minor: i64 = 0;
    let mut cf_exact = false;
    if let Some(cf) = &q.cf {
        let code = c.codice_fiscale.as_deref()?;
        if cf.full && code == cf.code {
            cf_exact = true;
        } else if code.starts_with(cf.code.as_str()) {
            minor += 1;
        } else if !cf.variants.iter().any(|v| code.starts_with(v.as_str())) {
            return None;
        }
    }
    if q.date.is_some()
        && c.data_nascita.as_deref().and_then(super::date::parse_iso)
            != q.date.and_then(super::date::from_ymd)
    {
        return None;
    }
    if let Some(y) = q.year {
        let birth = c.data_nascita.as_deref()?;
        if !birth.starts_with(&format!("{y:04}-")) {
            return None;
        }
    }
    // Best match of each word alone, and whether it is the cognome's.
    let mut best: Vec<(WordMatch, bool)> = q
        .words
        .iter()
        .map(|w| {
            let mc = match_key(w, &c.cognome_key);
            let mn = match_key(w, &c.nome_key);
            (mc.max(mn), mc >= mn)
        })
        .collect();
    // Two neighbouring words may together be one field typed with a space too many or a typo in a
    // particle (`dv pietro` for DI PIETRO, `o bianco` for LO BIANCO).
    let mut joined = vec![false; best.len()];
    for i in 1..best.len() {
        let weaker = best[i - 1].0.min(best[i].0);
        if weaker == WordMatch::Exact {
            continue;
        }
        let cat = format!("{}{}", q.words[i - 1], q.words[i]);
        let mc = match_key(&cat, &c.cognome_key);
        let mn = match_key(&cat, &c.nome_key);
        let m = mc.max(mn);
        if m > weaker {
            for j in [i - 1, i] {
                if best[j].0 < m {
                    best[j] = (m, mc >= mn);
                }
            }
            joined[i] = true;
        }
    }
    let mut all_exact = true;
    let mut typos = 0;
    let mut skim_total: i64 = 0;
    for (i, (w, &(m, in_cognome))) in q.words.iter().zip(&best).enumerate() {
        match m {
            WordMatch::None => return None,
            // A typo shared by two joined words counts once.
            WordMatch::Typo if !(joined[i] && best[i - 1].0 == WordMatch::Typo) => typos += 1,
            WordMatch::Typo => {}
            WordMatch::Prefix => {}
            WordMatch::Exact => minor += 1,
        }
        if m != WordMatch::Exact {
            all_exact = false;
        }
        // Skim scores a prefix (or the whole word) by the typed word alone: only typos need the call.
        skim_total += if m == WordMatch::Typo {
            let field = if in_cognome {
                &c.cognome_key
            } else {
                &c.nome_key
            };
            field
                .split(' ')
                .filter_map(|k| scorer.skim.fuzzy_match(k, w))
                .max()
                .unwrap_or(0)
        } else {
            scorer.base[i]
        };
    }
    if typos > 0 {
        tier = if typos == 1 { 1 } else { 0 };
    } else if !q.words.is_empty()
        && all_exact
        && covers_all_words(&c.cognome_key, &q.words)
        && covers_all_words(&c.nome_key, &q.words)
    {
        tier = 3;
    }
    if cf_exact {
        tier = 4;
    }
    if let Some(birth) = c.data_nascita.as_deref() {
        minor += q.partial_dates.iter().filter(|p| p.matches(birth)).count() as i64;
    }
    let in_ente = ente.is_some_and(|e| c.res_comune.as_deref() == Some(e));
    Some(Rank {
        tier,
        score: i64::from(tier) * 1_000_000 + minor * 10_000 + skim_total.clamp(0, 9_999),
        in_ente,
    })
}

/// Best first: the match class, then returning clients, then the score.
fn order(a: &(Candidate, Rank), b: &(Candidate, Rank)) -> Ordering {
    b.1.tier
        .cmp(&a.1.tier)
        .then(b.0.known.cmp(&a.0.known))
        .then(b.1.score.cmp(&a.1.score))
        .then(b.1.in_ente.cmp(&a.1.in_ente))
        .then_with(|| a.0.cognome_key.cmp(&b.0.cognome_key))
        .then_with(|| a.0.nome_key.cmp(&b.0.nome_key))
        .then_with(|| a.0.data_nascita.cmp(&b.0.data_nascita))
        .then(a.0.id.cmp(&b.0.id))
}

/// Filters and ranks the candidates; returns the best `limit`, best first, with their scores.
pub fn rank(
    q: &SearchQuery,
    candidates: impl IntoIterator<Item = Candidate>,
    ente: Option<&str>,
    limit: usize,
) -> Vec<(Candidate, i64)> {
    let scorer = Scorer::new(q);
    let mut ranked: Vec<(Candidate, Rank)> = candidates
        .into_iter()
        .filter_map(|c| evaluate(q, &c, ente, &scorer).map(|r| (c, r)))
        .collect();
    if ranked.len() > limit {
        ranked.select_nth_unstable_by(limit, order);
        ranked.truncate(limit);
    }
    ranked.sort_by(order);
    ranked.into_iter().map(|(c, r)| (c, r.score)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u8, u8) = (2026, 6, 15);

    fn cand(id: i64, cognome: &str, nome: &str, nascita: &str, comune: &str) -> Candidate {
        Candidate {
            id,
            codice_fiscale: None,
            cognome_key: crate::domain::fold::fold(cognome),
            nome_key: crate::domain::fold::fold(nome),
            data_nascita: Some(nascita.into()),
            res_comune: Some(comune.into()),
            known: false,
        }
    }

    #[test]
    fn returning_clients_come_first_within_their_match_class() {
        let mut cands = vec![
            cand(1, "Rossi", "Anna", "1970-01-01", "G478"),
            cand(2, "Rossi", "Bruna", "1970-01-01", "G478"),
            cand(3, "Rossetti", "Carla", "1970-01-01", "G478"),
            cand(4, "Rossetti", "Dora", "1970-01-01", "G478"),
        ];
        assert_eq!(ids("ross", &cands, None), [3, 4, 1, 2]);
        cands[1].known = true;
        cands[3].known = true;
        assert_eq!(ids("ross", &cands, None), [4, 2, 3, 1]);
    }

    fn ids(query: &str, cands: &[Candidate], ente: Option<&str>) -> Vec<i64> {
        let q = SearchQuery::parse(query, TODAY);
        rank(&q, cands.iter().cloned(), ente, 10)
            .into_iter()
            .map(|(c, _)| c.id)
            .collect()
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("ROSSI", "ROSSI"));
        assert!(within_one_edit("ROSSI", "ROSSA"));
        assert!(within_one_edit("ROSI", "ROSSI"));
        assert!(within_one_edit("ROSSSI", "ROSSI"));
        assert!(within_one_edit("ROSIS", "ROSSI"));
        assert!(within_one_edit("RSOSI", "ROSSI"));
        assert!(!within_one_edit("RSSOI", "ROSSI"));
        assert!(!within_one_edit("ROS", "ROSSI"));
        assert!(!within_one_edit("BIANCHI", "ROSSI"));
        assert!(within_one_edit("", "A"));
        assert_eq!(deletions("ROSSI"), vec!["OSSI", "RSSI", "ROSI", "ROSS"]);
        assert_eq!(key_words("DE LUCA"), vec!["DE", "LUCA", "DELUCA"]);
    }

    fn osa(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    proptest::proptest! {
        #[test]
        fn one_edit_agrees_with_the_osa_distance(a in "[ABè]{0,6}", b in "[ABè]{0,6}") {
            proptest::prop_assert_eq!(within_one_edit(&a, &b), osa(&a, &b) <= 1);
        }

        #[test]
        fn any_query_parses_and_ranks_without_panic(s in "\\PC{0,60}") {
            let q = SearchQuery::parse(&s, TODAY);
            let c = [cand(1, "Rossi", "Mario", "1980-05-12", "G478")];
            let _ = rank(&q, c.iter().cloned(), Some("G478"), 5);
        }
    }

    #[test]
    fn word_matches() {
        assert_eq!(match_key("ROSSI", "ROSSI"), WordMatch::Exact);
        assert_eq!(match_key("ROS", "ROSSI"), WordMatch::Prefix);
        assert_eq!(match_key("LUCA", "DE LUCA"), WordMatch::Exact);
        assert_eq!(match_key("DELUCA", "DE LUCA"), WordMatch::Exact);
        assert_eq!(match_key("DELU", "DE LUCA"), WordMatch::Prefix);
        assert_eq!(match_key("ROSI", "ROSSI"), WordMatch::Typo);
        assert_eq!(match_key("ROS", "RIS"), WordMatch::Typo);
        assert_eq!(
            match_key("RO", "RI"),
            WordMatch::None,
            "no typo under 3 letters"
        );
        assert_eq!(match_key("LIA", "LA ROSA"), WordMatch::Typo);
        assert_eq!(match_key("X", ""), WordMatch::None);
    }

    #[test]
    fn tiers_exact_then_prefix_then_typo() {
        let c = [
            cand(1, "Rossini", "Mario", "1980-01-01", "G478"),
            cand(2, "Rossi", "Mario", "1980-01-01", "G478"),
            cand(3, "Rossi", "Mariolina", "1980-01-01", "G478"),
            cand(4, "Rosi", "Mario", "1980-01-01", "G478"),
            cand(5, "Bianchi", "Mario", "1980-01-01", "G478"),
        ];
        assert_eq!(ids("rossi mario", &c, None), vec![2, 3, 1, 4]);
        assert_eq!(ids("mario rossi", &c, None), vec![2, 3, 1, 4]);
        assert_eq!(
            ids("ross mar", &c, None),
            vec![2, 3, 1, 4],
            "ROSS is one letter from ROSI"
        );
        assert_eq!(
            ids("ros mar", &c, None),
            vec![4, 2, 3, 1],
            "all prefixes: alphabetical"
        );
    }

    #[test]
    fn neighbouring_words_join_for_particles() {
        let c = [
            cand(1, "Di Pietro", "Bianca", "1935-01-01", "G478"),
            cand(2, "Lo Bianco", "Albano", "2013-01-01", "G478"),
            cand(3, "Hu", "Federico", "1953-01-01", "G478"),
            cand(4, "Pietro", "Bianca", "1935-01-01", "G478"),
        ];
        assert_eq!(ids("dv pietro bianca", &c, None), vec![1]);
        assert_eq!(ids("o bianco albano", &c, None), vec![2]);
        assert_eq!(ids("huh federico", &c, None), vec![3]);
        let q = SearchQuery::parse("dv pietro", TODAY);
        assert_eq!(
            evaluate(&q, &c[0], None, &Scorer::new(&q)).unwrap().tier,
            1,
            "one typo"
        );
    }

    #[test]
    fn ente_then_alphabetical_break_ties() {
        let c = [
            cand(1, "Rossi", "Mario", "1980-01-01", "C990"),
            cand(2, "Rossi", "Mario", "1970-01-01", "C990"),
            cand(3, "Rossi", "Mario", "1990-01-01", "G478"),
        ];
        assert_eq!(ids("rossi mario", &c, Some("G478")), vec![3, 2, 1]);
        assert_eq!(ids("rossi mario", &c, None), vec![2, 1, 3]);
    }

    #[test]
    fn dates_filter_and_partial_dates_rank() {
        let c = [
            cand(1, "Rossi", "Mario", "1980-05-12", "G478"),
            cand(2, "Rossi", "Mario", "1981-05-12", "G478"),
            cand(3, "Rossi", "Mario", "1980-06-30", "G478"),
        ];
        assert_eq!(ids("rossi 12/05/1980", &c, None), vec![1]);
        assert_eq!(ids("rossi 1980", &c, None), vec![1, 3]);
        assert_eq!(ids("rossi mario 30/", &c, None), vec![3, 1, 2]);
        assert_eq!(ids("12/05/1980", &c, None), vec![1]);
        assert!(ids("rossi 31/02/1980", &c, None).is_empty());
    }
}
