//! Places named in a registry file: a Belfiore code, or the name of a comune (optionally with its
//! province, `Castro (LE)`) or of a foreign state, resolved to a Belfiore code.
//!
//! Names are matched exactly after folding (case, accents, spaces and apostrophes ignored) through an
//! index built once from the embedded Belfiore tables, so that a million rows cost a million hash
//! look-ups whatever they contain. Foreign states are also known by their common names and aliases
//! (`data/stati-esteri-alias.csv`: CINA, STATI UNITI, RUSSIA, ...).

use std::collections::HashMap;

use crate::domain::belfiore::{self, Date, Place};
use crate::domain::fold::letters as fold_letters;
use crate::service::organisation::is_belfiore_syntax;

/// Common names and aliases of foreign states (`alias,belfiore`), beside the official names.
const ALIAS_CSV: &str = include_str!("../../data/stati-esteri-alias.csv");

/// What a column may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Comune or foreign state of birth (periods valid on the birth date are preferred).
    Nascita,
    /// Comune of residence (current comuni preferred; foreign states are not accepted by name).
    Residenza,
    /// State of citizenship: a foreign state (Italian citizenship is handled by the caller).
    Cittadinanza,
}

/// Name index over every period of every code.
pub struct Places {
    by_name: HashMap<Vec<u8>, Vec<Place>>,
}

impl Default for Places {
    fn default() -> Self {
        Places::new()
    }
}

impl Places {
    pub fn new() -> Places {
        let mut by_name: HashMap<Vec<u8>, Vec<Place>> = HashMap::new();
        for p in belfiore::all() {
            by_name.entry(fold_letters(&p.name)).or_default().push(p);
        }
        // Common names of foreign states (CINA, STATI UNITI, RUSSIA, ...): official names win.
        for line in ALIAS_CSV.lines().skip(1) {
            let Some((alias, code)) = line.split_once(',') else {
                continue;
            };
            if let Some(p) = belfiore::lookup(code.trim(), None) {
                by_name
                    .entry(fold_letters(alias))
                    .or_insert_with(|| vec![p]);
            }
        }
        Places { by_name }
    }

    /// The Belfiore code for `text`, or the Italian reason why there is none.
    pub fn resolve(&self, text: &str, kind: Kind, date: Option<Date>) -> Result<String, String> {
        let text = text.trim();
        let upper = text.to_ascii_uppercase();
        if is_belfiore_syntax(&upper) {
            return match belfiore::lookup(&upper, None) {
                Some(p) if kind == Kind::Cittadinanza && !p.foreign => {
                    Err(format!("{upper} è un comune, non uno Stato"))
                }
                Some(_) => Ok(upper),
                None => Err(format!("codice catastale {upper} sconosciuto")),
            };
        }
        let (name, provincia) = split_provincia(text);
        let key = fold_letters(name);
        let candidates: Vec<&Place> = self
            .by_name
            .get(&key)
            .map(|v| v.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|p| match kind {
                Kind::Nascita => true,
                Kind::Residenza => !p.foreign,
                Kind::Cittadinanza => p.foreign,
            })
            .filter(|p| {
                provincia.is_none_or(|pr| {
                    p.provincia
                        .as_deref()
                        .is_some_and(|q| q.eq_ignore_ascii_case(pr))
                })
            })
            .collect();
        let codes = |ps: &mut dyn Iterator<Item = &&Place>| {
            let mut c: Vec<&str> = ps.map(|p| p.code.as_str()).collect();
            c.sort_unstable();
            c.dedup();
            c.into_iter().map(str::to_string).collect::<Vec<_>>()
        };
        let all = codes(&mut candidates.iter());
        match all.len() {
            0 => return Err("nome sconosciuto".into()),
            1 => return Ok(all[0].clone()),
            _ => {}
        }
        if let Some(d) = date {
            let on_date = codes(&mut candidates.iter().filter(|p| p.valid_on(d)));
            if on_date.len() == 1 {
                return Ok(on_date[0].clone());
            }
        }
        let current = codes(&mut candidates.iter().filter(|p| p.valid_to.is_none()));
        if current.len() == 1 {
            return Ok(current[0].clone());
        }
        let mut labels: Vec<String> = Vec::new();
        for code in &all {
            if let Some(p) = candidates.iter().rev().find(|p| &p.code == code) {
                labels.push(format!("{} {}", p.code, p.label()));
            }
        }
        Err(format!(
            "nome ambiguo ({}): indicare la provincia, es. «{name} (XX)», o il codice catastale",
            labels.join(", ")
        ))
    }
}

/// `Castro (LE)` → (`Castro`, `Some("LE")`).
fn split_provincia(text: &str) -> (&str, Option<&str>) {
    if let Some(open) = text.rfind('(')
        && let Some(inner) = text[open + 1..].strip_suffix(')')
    {
        let inner = inner.trim();
        if inner.len() == 2 && inner.bytes().all(|b| b.is_ascii_alphabetic()) {
            return (text[..open].trim_end(), Some(inner));
        }
    }
    (text, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_provinces_and_states() {
        let p = Places::new();
        assert_eq!(p.resolve("h501", Kind::Nascita, None).unwrap(), "H501");
        assert_eq!(p.resolve("ROMA", Kind::Nascita, None).unwrap(), "H501");
        assert_eq!(p.resolve(" Forlì ", Kind::Residenza, None).unwrap(), "D704");
        assert_eq!(
            p.resolve("Perugia (PG)", Kind::Residenza, None).unwrap(),
            "G478"
        );
        assert_eq!(p.resolve("Romania", Kind::Nascita, None).unwrap(), "Z129");
        assert_eq!(
            p.resolve("romania", Kind::Cittadinanza, None).unwrap(),
            "Z129"
        );
        assert!(p.resolve("Romania", Kind::Residenza, None).is_err());
        assert!(p.resolve("G478", Kind::Cittadinanza, None).is_err());
        assert!(
            p.resolve("Z999", Kind::Nascita, None)
                .unwrap_err()
                .contains("sconosciuto")
        );
        assert!(p.resolve("Atlantide", Kind::Nascita, None).is_err());
    }

    #[test]
    fn homonymous_comuni_need_the_province() {
        let p = Places::new();
        let err = p.resolve("Castro", Kind::Residenza, None).unwrap_err();
        assert!(
            err.contains("ambiguo") && err.contains("(LE)") && err.contains("(BG)"),
            "{err}"
        );
        let le = p.resolve("Castro (LE)", Kind::Residenza, None).unwrap();
        let bg = p.resolve("castro (bg)", Kind::Residenza, None).unwrap();
        assert_ne!(le, bg);
    }

    #[test]
    fn split_provincia_only_takes_two_letters() {
        assert_eq!(split_provincia("Castro (LE)"), ("Castro", Some("LE")));
        assert_eq!(split_provincia("Castro(le)"), ("Castro", Some("le")));
        assert_eq!(split_provincia("Foo (bar)"), ("Foo (bar)", None));
        assert_eq!(split_provincia("Roma"), ("Roma", None));
    }
}
