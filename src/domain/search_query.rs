//! What the operator typed in the person search box, understood. Pure: "today" is a parameter.
//!
//! The input is split on white space; each piece is, in this order of precedence:
//! - a **codice fiscale** or a prefix of one: at least 7 characters, six letters then the CF pattern
//!   with at least one digit after the letters (a whole 16-character code that validates needs no
//!   digit: full omocodia). Omocodia-aware: the search also tries the code with the omocodia letters
//!   turned back into digits and the standard omocodia variants of that (see [`CfQuery::variants`]).
//!   A 16-character code with a wrong check character is searched by its first 15 characters.
//! - a **date** `gg/mm/aaaa`, `g/m/aaaa`, `gg/mm/aa` (separators `/`, `-`, `.`), `aaaa-mm-gg`,
//!   `ggmmaaaa`: a filter. Two-digit years are the most recent year not after today's.
//! - a **year** `aaaa` (1850 to next year): a filter.
//! - the **beginning of a date** (`1`, `12/0`, `12/05/19` is complete, `12/05/198` is not): no filter,
//!   it only raises the persons whose birth date starts that way (so typing a date narrows as it goes).
//! - otherwise **name words**: folded with [`fold`] (accents, apostrophes, case), each one a prefix of
//!   a word of the surname or of the first name, in any order; one wrong, missing, extra or swapped
//!   letter is tolerated in words of 3 letters or more.
//!
//! A piece that can match nothing (`31/02/1980`, `12/13`, `4000`, `A1B2`) makes the whole search
//! empty rather than silently widening it. At most [`MAX_INPUT_CHARS`] characters, [`MAX_WORDS`]
//! name words of [`MAX_WORD_CHARS`] characters are considered.

use super::belfiore::Date;
use super::cf;
use super::fold::fold;

/// Characters of input considered; the rest is ignored.
pub const MAX_INPUT_CHARS: usize = 256;
/// Name words considered (more narrow nothing in practice).
pub const MAX_WORDS: usize = 6;
/// Characters of one name word considered.
pub const MAX_WORD_CHARS: usize = 40;
/// Shortest name word that tolerates a typo (both the typed word and the registry's word).
pub const MIN_TYPO_CHARS: usize = 3;

/// A codice fiscale or a prefix of one, normalised (upper case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfQuery {
    /// The code as typed (normalised); for a full code with a wrong check character, its first 15.
    pub code: String,
    /// True for a whole valid 16-character code.
    pub full: bool,
    /// `code` first, then the omocodia variants that share its personal data, truncated to its
    /// length, without duplicates. Every one is searched as a prefix.
    pub variants: Vec<String>,
}

/// A soft date constraint: ranks up the persons whose birth date (`gg/mm/aaaa`) starts with one of
/// these prefixes, or whose year starts with `year_prefix`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartialDate {
    pub prefixes: Vec<String>,
    pub year_prefix: Option<String>,
}

impl PartialDate {
    /// Does the ISO birth date `aaaa-mm-gg` start the way this piece does?
    pub fn matches(&self, iso: &str) -> bool {
        let Some(g) = super::date::iso_to_italian(iso) else {
            return false;
        };
        self.prefixes.iter().any(|p| g.starts_with(p.as_str()))
            || self
                .year_prefix
                .as_deref()
                .is_some_and(|y| iso.starts_with(y))
    }
}

/// The birth date `aaaa-mm-gg` as `gg/mm/aaaa`; `None` when it is not a valid ISO date.
/// Kept for the CLI's `search` until it calls [`super::date::italian`] (same result there).
pub fn gg_mm_aaaa(iso: &str) -> Option<String> {
    super::date::iso_to_italian(iso)
}

/// A parsed search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub cf: Option<CfQuery>,
    /// Exact birth date (filter).
    pub date: Option<Date>,
    /// Birth year (filter).
    pub year: Option<i32>,
    /// Folded name words, distinct, in input order.
    pub words: Vec<String>,
    /// Beginnings of a date (ranking only).
    pub partial_dates: Vec<PartialDate>,
    /// A piece that matches nothing was typed: the search has no results.
    pub impossible: bool,
    /// Returning clients first: within a match class, persons known to this desk rank higher.
    pub known_to: Option<KnownTo>,
}

/// Who counts as a returning client: a person with a scheda of the ente since `since` (ISO date)
/// or an open case there. Set by the service from the operator's ente, never typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownTo {
    pub ente_id: i64,
    pub since: String,
}

impl SearchQuery {
    /// Parses the search box text. `today` decides the century of two-digit years.
    pub fn parse(input: &str, today: Date) -> SearchQuery {
        let mut q = SearchQuery::default();
        let input: String = input.chars().take(MAX_INPUT_CHARS).collect();
        for piece in input.split_whitespace() {
            q.add_piece(piece, today);
        }
        q
    }

    /// True when there is nothing to search for (no CF, date, year or name word).
    pub fn is_empty(&self) -> bool {
        self.cf.is_none() && self.date.is_none() && self.year.is_none() && self.words.is_empty()
    }

    fn add_piece(&mut self, piece: &str, today: Date) {
        if let Some(cf) = cf_query(piece) {
            if self.cf.as_ref().is_some_and(|c| c.code != cf.code) {
                self.impossible = true;
            }
            self.cf = Some(cf);
            return;
        }
        if piece.chars().any(|c| c.is_ascii_digit()) && is_date_like(piece) {
            match date_piece(piece, today) {
                DatePiece::Date(d) => {
                    if self.date.is_some_and(|x| x != d) {
                        self.impossible = true;
                    }
                    self.date = Some(d);
                }
                DatePiece::Year(y) => {
                    if self.year.is_some_and(|x| x != y) {
                        self.impossible = true;
                    }
                    self.year = Some(y);
                }
                DatePiece::Partial(p) => self.partial_dates.push(p),
                DatePiece::Ignored => {}
                DatePiece::Impossible => self.impossible = true,
            }
            return;
        }
        for word in fold(piece).split(' ').filter(|w| !w.is_empty()) {
            if word.chars().any(|c| c.is_ascii_digit()) {
                // Names have no digits: such a word can only be a mistake.
                self.impossible = true;
                continue;
            }
            let word: String = word.chars().take(MAX_WORD_CHARS).collect();
            if self.words.len() < MAX_WORDS && !self.words.contains(&word) {
                self.words.push(word);
            }
        }
    }
}

/// Digits and date separators only.
fn is_date_like(piece: &str) -> bool {
    piece
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '/' | '-' | '.'))
}

/// A codice fiscale (prefix) query, if the piece looks like one.
pub fn cf_query(piece: &str) -> Option<CfQuery> {
    let code = cf::normalize(piece);
    let b = code.as_bytes();
    if !(7..=16).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let fits = b
        .iter()
        .zip(cf::PATTERN.iter())
        .all(|(c, class)| match class {
            b'L' => c.is_ascii_alphabetic(),
            _ => c.is_ascii_digit() || cf::OMOCODIA.contains(c),
        });
    if !fits {
        return None;
    }
    let full_valid = b.len() == 16 && cf::validate(&code).is_ok();
    if !full_valid && !b[6..].iter().any(u8::is_ascii_digit) {
        // Six letters and more letters: a name as likely as a code.
        return None;
    }
    let code = if b.len() == 16 && !full_valid {
        code[..15].to_string()
    } else {
        code
    };
    let mut variants = vec![code.clone()];
    let mut base: Vec<u8> = code.as_bytes().to_vec();
    for &pos in &cf::OMOCODIA_POSITIONS {
        if let Some(c) = base.get_mut(pos)
            && let Some(d) = cf::OMOCODIA.iter().position(|o| o == c)
        {
            *c = b'0' + d as u8;
        }
    }
    if full_valid {
        // Whole codes: every omocodia level of the base code, with its own check character.
        if let Ok(plain) = cf::base_code(&code) {
            for level in 0..=cf::OMOCODIA_POSITIONS.len() {
                let v = if level == 0 {
                    plain.clone()
                } else {
                    cf::omocode(&plain, level)
                };
                if !variants.contains(&v) {
                    variants.push(v);
                }
            }
        }
    } else {
        for level in 0..=cf::OMOCODIA_POSITIONS.len() {
            let mut v = base.clone();
            for &pos in &cf::OMOCODIA_POSITIONS[..level] {
                if let Some(c) = v.get_mut(pos)
                    && c.is_ascii_digit()
                {
                    *c = cf::OMOCODIA[usize::from(*c - b'0')];
                }
            }
            let v = String::from_utf8(v).unwrap_or_default();
            if !variants.contains(&v) {
                variants.push(v);
            }
        }
    }
    Some(CfQuery {
        code,
        full: full_valid,
        variants,
    })
}

enum DatePiece {
    Date(Date),
    Year(i32),
    Partial(PartialDate),
    /// Digits that may still become something (`1205198`): no effect.
    Ignored,
    Impossible,
}

fn valid_date(y: i32, m: u8, d: u8) -> Option<Date> {
    super::date::from_ymd((y, m, d)).map(super::date::ymd)
}

fn two_digit_year(yy: u8, today: Date) -> i32 {
    cf::full_year(yy, today.0)
}

fn num(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn date_piece(piece: &str, today: Date) -> DatePiece {
    let year_ok = |y: i32| (1850..=today.0 + 1).contains(&y);
    if piece.bytes().all(|b| b.is_ascii_digit()) {
        let n = piece.len();
        return match n {
            4 => match piece.parse::<i32>() {
                Ok(y) if year_ok(y) => DatePiece::Year(y),
                _ => DatePiece::Impossible,
            },
            8 | 6 => {
                let d = num(&piece[0..2]).unwrap_or(0) as u8;
                let m = num(&piece[2..4]).unwrap_or(0) as u8;
                let y = if n == 8 {
                    num(&piece[4..8]).unwrap_or(0) as i32
                } else {
                    two_digit_year(num(&piece[4..6]).unwrap_or(0) as u8, today)
                };
                match valid_date(y, m, d) {
                    Some(date) if n == 6 || year_ok(y) => DatePiece::Date(date),
                    _ => DatePiece::Impossible,
                }
            }
            1 | 2 => {
                // A day being typed.
                let v = num(piece).unwrap_or(0);
                if v > 31 || n == 2 && v == 0 {
                    return DatePiece::Impossible;
                }
                let mut prefixes = vec![piece.to_string()];
                if n == 1 && v > 0 {
                    prefixes.push(format!("0{piece}/"));
                }
                DatePiece::Partial(PartialDate {
                    prefixes,
                    year_prefix: None,
                })
            }
            3 => DatePiece::Partial(PartialDate {
                prefixes: Vec::new(),
                year_prefix: Some(piece.to_string()),
            }),
            _ => DatePiece::Ignored,
        };
    }
    let parts: Vec<&str> = piece.split(['/', '-', '.']).collect();
    if parts[0].len() == 4 && parts.len() < 3 {
        // `1980-05` on its way to an ISO date.
        return DatePiece::Ignored;
    }
    // ISO aaaa-mm-gg.
    if parts.len() == 3 && parts[0].len() == 4 {
        return match (num(parts[0]), num(parts[1]), num(parts[2])) {
            (Some(y), Some(m), Some(d)) if parts[1].len() <= 2 && parts[2].len() <= 2 => {
                match valid_date(y as i32, m as u8, d as u8) {
                    Some(date) if year_ok(y as i32) => DatePiece::Date(date),
                    _ => DatePiece::Impossible,
                }
            }
            _ if parts[2].is_empty() || parts[1].is_empty() => DatePiece::Ignored,
            _ => DatePiece::Impossible,
        };
    }
    if parts.len() > 3 || parts.iter().any(|p| p.len() > 4) {
        return DatePiece::Impossible;
    }
    let day = parts[0];
    let month = parts.get(1).copied();
    let year = parts.get(2).copied();
    let Some(d) = num(day).filter(|&d| day.len() <= 2 && (1..=31).contains(&d)) else {
        return DatePiece::Impossible;
    };
    let d = d as u8;
    match (month, year) {
        (Some(m), Some(y)) if !m.is_empty() && (y.len() == 2 || y.len() == 4) => {
            let Some(m) = num(m).filter(|_| m.len() <= 2) else {
                return DatePiece::Impossible;
            };
            let Some(yv) = num(y) else {
                return DatePiece::Impossible;
            };
            let yv = if y.len() == 2 {
                two_digit_year(yv as u8, today)
            } else {
                yv as i32
            };
            match valid_date(yv, m as u8, d) {
                Some(date) if year_ok(yv) => DatePiece::Date(date),
                _ => DatePiece::Impossible,
            }
        }
        (Some(m), y) => {
            // `12/`, `12/0`, `12/05`, `12/05/`, `12/05/1`, `12/05/198`.
            if m.is_empty() {
                if y.is_some() {
                    return DatePiece::Impossible;
                }
                return DatePiece::Partial(PartialDate {
                    prefixes: vec![format!("{d:02}/")],
                    year_prefix: None,
                });
            }
            let Some(mv) = num(m).filter(|_| m.len() <= 2) else {
                return DatePiece::Impossible;
            };
            let mut prefixes = Vec::new();
            if let Some(y) = y {
                if !(1..=12).contains(&mv) || d > super::date::days_in_month(2000, mv as u8) {
                    return DatePiece::Impossible;
                }
                prefixes.push(format!("{d:02}/{mv:02}/{y}"));
            } else if m.len() == 2 {
                if !(1..=12).contains(&mv) {
                    return DatePiece::Impossible;
                }
                prefixes.push(format!("{d:02}/{mv:02}/"));
            } else {
                // `12/0` becomes 01..09; `12/1` may become 10..12 or be January.
                prefixes.push(format!("{d:02}/{m}"));
                if mv >= 1 {
                    prefixes.push(format!("{d:02}/{mv:02}/"));
                }
            }
            DatePiece::Partial(PartialDate {
                prefixes,
                year_prefix: None,
            })
        }
        (None, _) => DatePiece::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = (2026, 6, 15);

    fn q(s: &str) -> SearchQuery {
        SearchQuery::parse(s, TODAY)
    }

    #[test]
    fn names_fold_and_keep_order_without_duplicates() {
        let s = q("  Nicolò  D'Angelo nicolo ");
        assert_eq!(s.words, vec!["NICOLO", "DANGELO"]);
        assert!(!s.impossible && s.cf.is_none() && s.date.is_none());
        assert_eq!(
            q("Müller-Lüdenscheidt").words,
            vec!["MULLER", "LUDENSCHEIDT"]
        );
    }

    #[test]
    fn date_forms() {
        for s in [
            "12/05/1980",
            "12/5/1980",
            "12-05-1980",
            "12.05.1980",
            "1980-05-12",
            "12051980",
        ] {
            assert_eq!(q(s).date, Some((1980, 5, 12)), "{s}");
        }
        assert_eq!(q("1/2/1990").date, Some((1990, 2, 1)));
        assert_eq!(q("12/05/80").date, Some((1980, 5, 12)));
        assert_eq!(q("12/05/19").date, Some((2019, 5, 12)));
        assert_eq!(q("12/05/26").date, Some((2026, 5, 12)));
        assert_eq!(q("12/05/27").date, Some((1927, 5, 12)));
        assert_eq!(q("120580").date, Some((1980, 5, 12)));
        assert_eq!(q("1980").year, Some(1980));
        assert!(q("31/02/1980").impossible);
        assert!(q("29/02/1981").impossible);
        assert_eq!(q("29/02/1980").date, Some((1980, 2, 29)));
        assert!(q("12/13/1980").impossible);
        assert!(q("4000").impossible);
        assert!(q("1/2/3/4").impossible);
    }

    #[test]
    fn partial_dates_rank_but_do_not_filter() {
        let p = |s: &str| q(s).partial_dates.into_iter().next().unwrap();
        assert!(p("1").matches("1980-05-12"));
        assert!(p("1").matches("1980-05-01"));
        assert!(!p("1").matches("1980-05-20"));
        assert!(!p("3").matches("1980-05-20"));
        assert!(p("19").matches("1980-05-19"));
        assert!(p("12/").matches("1980-05-12"));
        assert!(p("12/0").matches("1980-05-12"));
        assert!(p("12/5").matches("1980-05-12"));
        assert!(!p("12/1").matches("1980-05-12"));
        assert!(p("12/1").matches("1980-01-12"));
        assert!(p("12/1").matches("1980-11-12"));
        assert!(p("12/05/1").matches("1980-05-12"));
        assert!(p("12/05/198").matches("1980-05-12"));
        assert!(!p("12/05/197").matches("1980-05-12"));
        assert!(p("198").matches("1980-05-12"));
        assert_eq!(q("12/05/198").date, None);
        assert!(!q("12/05/198").impossible);
    }

    #[test]
    fn codice_fiscale_and_prefixes() {
        let code = cf::compute("Rossi", "Mario", cf::Sesso::M, 1980, 1, 1, "G478");
        let full = q(&code.to_lowercase());
        let cf = full.cf.clone().unwrap();
        assert!(cf.full, "{cf:?}");
        assert_eq!(cf.code, code);
        assert!(cf.variants.contains(&cf::omocode(&code, 1)));
        assert_eq!(cf.variants.len(), 8);
        assert!(full.words.is_empty());
        let pre = q("RSSMRA80A").cf.unwrap();
        assert!(!pre.full);
        assert_eq!(pre.variants[0], "RSSMRA80A");
        assert!(pre.variants.contains(&"RSSMRA8LA".to_string()));
        assert!(pre.variants.contains(&"RSSMRAULA".to_string()));
        // An omocodia letter typed is also tried as its digit.
        let omo = q("RSSMRA8LA").cf.unwrap();
        assert!(omo.variants.contains(&"RSSMRA80A".to_string()));
        // Letters only: a name, not a code.
        assert_eq!(q("ROSSIMARIO").words, vec!["ROSSIMARIO"]);
        assert!(q("RSSMRA").cf.is_none());
        // Wrong check character: searched by the first 15.
        let wrong = format!(
            "{}{}",
            &code[..15],
            if code.ends_with('X') { 'Y' } else { 'X' }
        );
        let bad = q(&wrong).cf.unwrap();
        assert_eq!(bad.code, "RSSMRA80A01G478");
        assert!(!bad.full);
    }

    #[test]
    fn garbage_is_bounded_and_never_panics() {
        let long = "x".repeat(5000);
        let s = q(&long);
        assert_eq!(s.words.len(), 1);
        assert!(s.words[0].len() <= MAX_WORD_CHARS);
        let many = "a b c d e f g h i j k l m n o p".to_string();
        assert_eq!(q(&many).words.len(), MAX_WORDS);
        assert!(
            q("'; DROP TABLE soggetto; --")
                .words
                .contains(&"DROP".to_string())
        );
        assert!(q("%_*?[]\\\"'").is_empty());
        assert!(q("").is_empty());
        assert!(q("A1B2").impossible);
        for s in [
            "/", "//", "-", "1/", "1//", "99/", "0/0/0", "1-2", "12/05/", "00/01",
        ] {
            let _ = q(s);
        }
    }
}
