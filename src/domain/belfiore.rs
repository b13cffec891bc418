//! Belfiore codes (codici catastali) of Italian comuni and foreign states, with their validity periods.
//!
//! Owns the two embedded tables (`data/belfiore-comuni.csv`, `data/belfiore-stati-esteri.csv`), parsed
//! once on first use, and the queries on them: the place a code meant on a given date, the current name
//! of a code, and name search for pickers. A code may have several periods: the same comune renamed or
//! moved to another province, or a code reused by another comune after a merger. Rows without a real
//! code (`ND`) are skipped. No IO: the data is compiled into the binary.

use std::sync::OnceLock;

/// A calendar date as `(year, month, day)`.
pub type Date = (i32, u8, u8);

/// The comuni table: `belfiore,nome,provincia,valido_dal,valido_al`, one row per validity period.
pub const COMUNI_CSV: &str = include_str!("../../data/belfiore-comuni.csv");
/// The foreign states table: `belfiore,nome,valido_dal,valido_al`.
pub const STATI_CSV: &str = include_str!("../../data/belfiore-stati-esteri.csv");

/// A place of birth: one validity period of a Belfiore code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub code: String,
    pub name: String,
    /// Province abbreviation (`RM`); `None` for a foreign state.
    pub provincia: Option<String>,
    pub foreign: bool,
    pub valid_from: Date,
    /// Last day of validity; `None` when still valid.
    pub valid_to: Option<Date>,
}

impl Place {
    /// `Roma (RM)` for a comune, the bare name for a foreign state.
    pub fn label(&self) -> String {
        match &self.provincia {
            Some(p) => format!("{} ({p})", self.name),
            None => self.name.clone(),
        }
    }

    /// True when `date` falls within this period (both ends included).
    pub fn valid_on(&self, date: Date) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// One row of the table, borrowing the embedded text.
struct Period {
    code: [u8; 4],
    name: &'static str,
    provincia: Option<&'static str>,
    from: Date,
    to: Option<Date>,
}

impl Period {
    fn place(&self) -> Place {
        Place {
            code: String::from_utf8_lossy(&self.code).into_owned(),
            name: self.name.to_string(),
            provincia: self.provincia.map(str::to_string),
            foreign: self.provincia.is_none(),
            valid_from: self.from,
            valid_to: self.to,
        }
    }

    fn valid_on(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

/// All periods, sorted by code then start date (file order kept for ties).
fn table() -> &'static [Period] {
    static TABLE: OnceLock<Vec<Period>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut rows: Vec<Period> = parse(COMUNI_CSV, false)
            .chain(parse(STATI_CSV, true))
            .collect();
        rows.sort_by_key(|p| (p.code, p.from));
        rows
    })
}

/// Parses one CSV (no quoting in these files); malformed rows and `ND` codes are skipped.
fn parse(text: &'static str, foreign: bool) -> impl Iterator<Item = Period> {
    text.lines()
        .skip(1)
        .filter_map(move |line| parse_row(line, foreign))
}

fn parse_row(line: &'static str, foreign: bool) -> Option<Period> {
    let f: Vec<&'static str> = line.trim_end_matches('\r').split(',').collect();
    let (code, name, provincia, from, to) = match (foreign, f.as_slice()) {
        (false, [c, n, p, from, to]) => (*c, *n, Some(*p), *from, *to),
        (true, [c, n, from, to]) => (*c, *n, None, *from, *to),
        _ => return None,
    };
    let code = parse_code(code)?;
    let to = if to.is_empty() {
        None
    } else {
        Some(parse_date(to)?)
    };
    Some(Period {
        code,
        name,
        provincia,
        from: parse_date(from)?,
        to,
    })
}

/// A Belfiore code: one letter and three digits, upper-cased.
fn parse_code(code: &str) -> Option<[u8; 4]> {
    let code: [u8; 4] = code
        .trim()
        .to_ascii_uppercase()
        .as_bytes()
        .try_into()
        .ok()?;
    (code[0].is_ascii_uppercase() && code[1..].iter().all(u8::is_ascii_digit)).then_some(code)
}

/// `YYYY-MM-DD`.
fn parse_date(s: &str) -> Option<Date> {
    super::date::parse_iso(s).map(super::date::ymd)
}

/// The periods of one code.
fn periods(code: &str) -> &'static [Period] {
    let Some(code) = parse_code(code) else {
        return &[];
    };
    let t = table();
    let start = t.partition_point(|p| p.code < code);
    let end = start + t[start..].partition_point(|p| p.code == code);
    &t[start..end]
}

/// The place a code stands for: the period valid on `on_date`, or with no date the most recent period.
/// `None` for an unknown code or a date outside every period of the code.
pub fn lookup(code: &str, on_date: Option<Date>) -> Option<Place> {
    let ps = periods(code);
    match on_date {
        Some(d) => ps.iter().find(|p| p.valid_on(d)),
        None => ps.last(),
    }
    .map(Period::place)
}

/// Every period of every code (comuni and foreign states), by code and start date.
pub fn all() -> impl Iterator<Item = Place> {
    table().iter().map(Period::place)
}

/// True when the code appears in the table (in any period).
pub fn is_known(code: &str) -> bool {
    !periods(code).is_empty()
}

/// The name of the place the code stands for today (its open-ended period); `None` for an unknown
/// code or one no longer in use (a suppressed comune, a former state).
pub fn current_name(code: &str) -> Option<&'static str> {
    periods(code)
        .iter()
        .find(|p| p.to.is_none())
        .map(|p| p.name)
}

/// The current name of a place, or its code when the place no longer exists or is unknown.
pub fn name_or_code(code: &str) -> String {
    current_name(code)
        .map(str::to_string)
        .unwrap_or_else(|| code.to_string())
}

/// A code list: (code, label) in display order.
pub type CodeList = Vec<(String, String)>;

/// The place lists of the person form from the Belfiore tables: every code once, with its current
/// name, or the last one followed by "(soppresso)" for places that no longer exist. `comuni` gets
/// the Italian comuni and foreign states (birthplace, residence), `stati` the states (citizenship).
pub fn place_lists() -> &'static (CodeList, CodeList) {
    static LISTS: std::sync::OnceLock<(CodeList, CodeList)> = std::sync::OnceLock::new();
    LISTS.get_or_init(build_place_lists)
}

fn build_place_lists() -> (CodeList, CodeList) {
    let mut by_code: std::collections::BTreeMap<String, (String, bool, bool)> =
        std::collections::BTreeMap::new();
    for p in all() {
        let current = p.valid_to.is_none();
        let entry = by_code
            .entry(p.code.clone())
            .or_insert_with(|| (p.label(), current, p.foreign));
        if current || !entry.1 {
            *entry = (p.label(), current, p.foreign);
        }
    }
    let mut comuni = Vec::with_capacity(by_code.len());
    let mut stati = Vec::new();
    for (code, (label, current, foreign)) in by_code {
        let label = if current {
            label
        } else {
            format!("{label} (soppresso)")
        };
        if foreign {
            stati.push((code.clone(), label.clone()));
        }
        comuni.push((code, label));
    }
    comuni.sort_by(|a, b| a.1.cmp(&b.1));
    stati.sort_by(|a, b| a.1.cmp(&b.1));
    (comuni, stati)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_with_a_code_is_parsed() {
        let lines = |text: &str| {
            text.lines()
                .skip(1)
                .filter(|l| !l.starts_with("ND,"))
                .count()
        };
        assert_eq!(table().len(), lines(COMUNI_CSV) + lines(STATI_CSV));
        assert!(table().len() > 19_000);
    }

    #[test]
    fn lookup_current_and_foreign() {
        let roma = lookup("H501", None).unwrap();
        assert_eq!(
            (roma.name.as_str(), roma.provincia.as_deref(), roma.foreign),
            ("Roma", Some("RM"), false)
        );
        assert_eq!(roma.valid_to, None);
        assert_eq!(roma.label(), "Roma (RM)");
        let ch = lookup("z133", None).unwrap();
        assert_eq!(
            (ch.name.as_str(), ch.provincia.as_deref(), ch.foreign),
            ("Svizzera", None, true)
        );
        assert_eq!(ch.label(), "Svizzera");
        assert_eq!(lookup("Z999", None), None);
        assert_eq!(lookup("nonsense", None), None);
        assert!(is_known("H501") && !is_known("Z999"));
    }

    #[test]
    fn lookup_picks_the_period_valid_on_the_date() {
        // A001 was "Abano" until 13 November 1924, then "Abano Terme".
        assert_eq!(lookup("A001", Some((1920, 5, 1))).unwrap().name, "Abano");
        assert_eq!(lookup("A001", Some((1924, 11, 13))).unwrap().name, "Abano");
        assert_eq!(
            lookup("A001", Some((1924, 11, 14))).unwrap().name,
            "Abano Terme"
        );
        assert_eq!(lookup("A001", None).unwrap().name, "Abano Terme");
        // Before the first period: no place.
        assert_eq!(lookup("H501", Some((1850, 1, 1))), None);
        let p = lookup("H501", Some((1950, 6, 1))).unwrap();
        assert!(p.valid_on((1950, 6, 1)) && !p.valid_on((1990, 3, 25)));
    }

    #[test]
    fn current_name_of_live_and_suppressed_codes() {
        assert_eq!(current_name("A001"), Some("Abano Terme"));
        assert_eq!(current_name("F205"), Some("Milano"));
        // Abbadia Alpina was merged away in 1928.
        assert_eq!(current_name("A003"), None);
        assert_eq!(current_name("Z999"), None);
    }
}
