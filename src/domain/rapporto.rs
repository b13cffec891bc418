//! The monthly report "attività dello sportello" of an office: what the store counts for a month
//! ([`DatiAttivita`]: accessi by motivo, bisogno and esito, richieste by servizio, the consuntivo's
//! minutes by tipo attività, the operators involved) and the month itself ([`Mese`]).
//!
//! What falls in a month: a scheda by its data di accesso, a richiesta by its data richiesta, a
//! consuntivo row by its own date — each of the office's schede, deleted ones left out.

use super::date;

/// A calendar month.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Mese {
    pub anno: i32,
    /// 1–12.
    pub mese: u8,
}

impl Mese {
    /// `AAAA-MM` (also `MM/AAAA` and `MM-AAAA`, as typed at the desk).
    pub fn parse(s: &str) -> Result<Mese, String> {
        let t = s.trim();
        let bad = || {
            format!(
                "mese non valido «{}»: usare AAAA-MM, es. 2026-11",
                crate::sanitize::sanitize(t)
            )
        };
        let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
        let (anno, mese) = match t.split_once(['-', '/']) {
            Some((a, m)) if a.len() == 4 && (1..=2).contains(&m.len()) => (a, m),
            Some((m, a)) if a.len() == 4 && (1..=2).contains(&m.len()) => (a, m),
            _ => return Err(bad()),
        };
        if !digits(anno) || !digits(mese) {
            return Err(bad());
        }
        let (anno, mese): (i32, u8) = (
            anno.parse().map_err(|_| bad())?,
            mese.parse().map_err(|_| bad())?,
        );
        if !(1..=12).contains(&mese) || !(1900..=9999).contains(&anno) {
            return Err(bad());
        }
        Ok(Mese { anno, mese })
    }

    /// The month of `d`.
    pub fn of(d: time::Date) -> Mese {
        let (anno, mese, _) = date::ymd(d);
        Mese { anno, mese }
    }

    /// The month before.
    pub fn precedente(self) -> Mese {
        match self.mese {
            1 => Mese {
                anno: self.anno - 1,
                mese: 12,
            },
            m => Mese {
                anno: self.anno,
                mese: m - 1,
            },
        }
    }

    /// `AAAA-MM`.
    pub fn codice(self) -> String {
        format!("{:04}-{:02}", self.anno, self.mese)
    }

    /// First and last day, ISO.
    pub fn dal(self) -> String {
        format!("{}-01", self.codice())
    }

    pub fn al(self) -> String {
        format!(
            "{}-{:02}",
            self.codice(),
            date::days_in_month(self.anno, self.mese)
        )
    }

    /// `novembre 2026`.
    pub fn label(self) -> String {
        format!("{} {}", date::nome_mese(self.mese), self.anno)
    }
}

/// The consuntivo of a month for one tipo attività.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attivita {
    /// Code of the `tipo_attivita` list.
    pub tipo: String,
    pub righe: i64,
    pub minuti: i64,
    /// Minutes × operators: the staff time.
    pub minuti_operatore: i64,
}

/// What one operator did in the month.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Operatore {
    pub username: String,
    /// Schede where they received the person.
    pub accessi: i64,
    /// Richieste they entered.
    pub richieste: i64,
    /// Minutes of the consuntivo rows they entered.
    pub minuti: i64,
}

/// What the store counts for an office in a month. Code lists' codes, not labels; each list is
/// ordered by count (most first), then code.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DatiAttivita {
    /// Schede di accesso of the month.
    pub accessi: i64,
    /// Distinct persons among them.
    pub persone: i64,
    /// By motivo di accesso (`""`: not given).
    pub per_motivo: Vec<(String, i64)>,
    /// By bisogno (a scheda counts once for each of its bisogni).
    pub per_bisogno: Vec<(String, i64)>,
    /// By esito (`""`: none yet).
    pub per_esito: Vec<(String, i64)>,
    /// Richieste of the month.
    pub richieste: i64,
    /// Richieste by servizio code; those without one by tipo di intervento id.
    pub per_servizio: Vec<(Option<String>, Option<i64>, i64)>,
    /// The consuntivo rows of the month by tipo attività.
    pub attivita: Vec<Attivita>,
    /// By username.
    pub operatori: Vec<Operatore>,
}

impl DatiAttivita {
    /// Minutes of all the consuntivo rows.
    pub fn minuti(&self) -> i64 {
        self.attivita.iter().map(|a| a.minuti).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_as_typed() {
        let nov = Mese {
            anno: 2026,
            mese: 11,
        };
        for typed in ["2026-11", " 11/2026 ", "11-2026", "2026/11"] {
            assert_eq!(Mese::parse(typed), Ok(nov), "{typed}");
        }
        for bad in [
            "2026-13", "2026", "novembre", "26-11", "2026-1x", "", "2026-00",
        ] {
            let e = Mese::parse(bad).unwrap_err();
            assert!(e.starts_with("mese non valido"), "{bad}: {e}");
        }
        assert_eq!(
            (nov.dal(), nov.al()),
            ("2026-11-01".into(), "2026-11-30".into())
        );
        assert_eq!(nov.label(), "novembre 2026");
        let feb = Mese::parse("2028-02").unwrap();
        assert_eq!(feb.al(), "2028-02-29");
        let jan = Mese::parse("2027-01").unwrap();
        assert_eq!(jan.precedente().codice(), "2026-12");
        assert_eq!(nov.precedente().codice(), "2026-10");
    }
}
