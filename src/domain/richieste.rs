//! The richieste of a scheda di accesso and their consuntivo (SISO-DOMAIN.md §1.2 B point 6, §2.1
//! "Servizi richiesti (current)", §3.4 c).
//!
//! A richiesta is one servizio richiesto of the visit: a code of the `servizi_richiesti` list and/or
//! a tipo of the nomenclatore (an ISTAT class — the macro level — or a node of the ente's own tree —
//! the micro level), the settore or ente that provides it, whether the desk can provide it at once
//! ("erogabile in accoglienza"), notes. Its consuntivo rows are the desk's own work on it: date,
//! description, operators, minutes and the tipo attività (codes 0–7 of the `tipo_attivita` list).
//!
//! How richieste and the scheda's `servizi` field relate: the `servizi` codes of a scheda are the
//! codes ticked on the scheda itself (old schede have only these) together with the servizio of
//! each of its richieste — saving a richiesta adds its code to the scheda, saving the scheda keeps
//! the codes of its richieste. Deleting a richiesta leaves the code ticked (the operator unticks
//! it on the scheda). Lists, filters, exports and prints keep reading `servizi`; the office switch
//! REQ_SERVIZI asks for at least one richiesta.
//!
//! Durations are typed as minutes (`90`), hours and minutes (`1h30`, `1:30`) or decimal hours
//! (`1,5 h`): [`parse_minuti`].

/// Most minutes of one consuntivo row (99 hours).
pub const MAX_MINUTI: i64 = 99 * 60;
/// Most operators on one consuntivo row.
pub const MAX_OPERATORI: i64 = 20;

/// One consuntivo row of a richiesta.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Consuntivo {
    /// `None` for a new row.
    pub id: Option<i64>,
    pub version: i64,
    pub richiesta_id: i64,
    /// ISO date.
    pub data: String,
    pub descrizione: Option<String>,
    pub operatori: i64,
    pub minuti: i64,
    /// Code of the `tipo_attivita` list (`0`–`7`).
    pub tipo_attivita: String,
    #[serde(default)]
    pub created_by: String,
}

/// One richiesta of a scheda, with its consuntivo rows (oldest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Richiesta {
    /// `None` for a new richiesta.
    pub id: Option<i64>,
    pub version: i64,
    pub scheda_id: i64,
    /// ISO date.
    pub data_richiesta: String,
    /// Code of the `servizi_richiesti` list.
    pub servizio: Option<String>,
    /// A tipo of the nomenclatore.
    pub tipo_intervento_id: Option<i64>,
    /// Code of the `settore` list (who provides it).
    pub settore: Option<String>,
    /// The ente or service that provides it, as typed.
    pub erogatore: Option<String>,
    pub erogabile_accoglienza: bool,
    pub note: Option<String>,
    /// The values of its sub-form (intermediazione abitativa, lavoro, mediazione, istruzione: see
    /// `screens/richiesta_*.toml`) as a JSON object keyed by field id; `None` without one.
    #[serde(default)]
    pub dettagli: Option<String>,
    #[serde(default)]
    pub consuntivo: Vec<Consuntivo>,
    #[serde(default)]
    pub created_by: String,
}

impl Richiesta {
    /// Minutes of its consuntivo rows.
    pub fn minuti(&self) -> i64 {
        self.consuntivo.iter().map(|c| c.minuti).sum()
    }
}

/// What is wrong with a richiesta as typed (Italian, the field it is about), `oggi` ISO.
pub fn problemi_richiesta(r: &Richiesta, oggi: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if r.data_richiesta.is_empty() {
        out.push(("data_richiesta", "Indicare la data della richiesta".into()));
    } else if r.data_richiesta.as_str() > oggi {
        out.push((
            "data_richiesta",
            "La data della richiesta non può essere successiva a oggi".into(),
        ));
    }
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if blank(&r.servizio) && r.tipo_intervento_id.is_none() {
        out.push((
            "servizio",
            "Indicare il servizio richiesto o il tipo di intervento".into(),
        ));
    }
    out
}

/// What is wrong with a consuntivo row as typed (Italian, the field it is about), `oggi` ISO.
pub fn problemi_consuntivo(c: &Consuntivo, oggi: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if c.data.is_empty() {
        out.push(("data", "Indicare la data dell'attività".into()));
    } else if c.data.as_str() > oggi {
        out.push((
            "data",
            "La data dell'attività non può essere successiva a oggi".into(),
        ));
    }
    if !(1..=MAX_OPERATORI).contains(&c.operatori) {
        out.push((
            "operatori",
            format!("Il numero di operatori va da 1 a {MAX_OPERATORI}"),
        ));
    }
    if !(1..=MAX_MINUTI).contains(&c.minuti) {
        out.push((
            "durata",
            format!("La durata va da 1 minuto a {}", format_minuti(MAX_MINUTI)),
        ));
    }
    if !TIPI_ATTIVITA.contains(&c.tipo_attivita.as_str()) {
        out.push(("tipo_attivita", "Indicare il tipo di attività".into()));
    }
    out
}

/// The codes of the `tipo_attivita` list.
pub const TIPI_ATTIVITA: [&str; 8] = ["0", "1", "2", "3", "4", "5", "6", "7"];

/// A duration typed at the desk, in minutes: `90` (minutes), `45 min`, `1h30`, `1 h 30 min`,
/// `1:30`, `2h`, `1,5 h` or `1.5 ore` (decimal hours, rounded to the minute). Zero is refused.
pub fn parse_minuti(input: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "Durata non valida «{}»: scrivere i minuti (90), ore e minuti (1h30) o le ore con la virgola (1,5 h)",
            crate::sanitize::sanitize(input.trim())
        )
    };
    let s: String = input
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Err(bad());
    }
    let number = |t: &str| -> Option<f64> {
        if t.is_empty()
            || !t
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            return None;
        }
        t.replace(',', ".").parse::<f64>().ok()
    };
    let whole = |t: &str| -> Option<i64> {
        if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) || t.len() > 6 {
            return None;
        }
        t.parse().ok()
    };
    let minutes_suffix = ["minuti", "min", "m", "'"];
    let hours_suffix = ["ore", "ora", "h"];
    let strip = |t: &str, suffixes: &[&str]| -> Option<String> {
        suffixes
            .iter()
            .find_map(|x| t.strip_suffix(x).map(str::to_string))
    };
    let total = if let Some((h, m)) = s.split_once(':') {
        let (h, m) = (whole(h).ok_or_else(bad)?, whole(m).ok_or_else(bad)?);
        if m >= 60 {
            return Err(bad());
        }
        h * 60 + m
    } else if let Some(pos) = s.find(['h', 'o']) {
        // Hours, then maybe minutes: `1h30`, `1h30min`, `2ore`, `1,5h`.
        let (h, rest) = s.split_at(pos);
        let rest = hours_suffix
            .iter()
            .find_map(|x| rest.strip_prefix(x))
            .ok_or_else(bad)?;
        let hours = number(h).ok_or_else(bad)?;
        let minutes = match rest {
            "" => 0,
            r => {
                let r = strip(r, &minutes_suffix).unwrap_or_else(|| r.to_string());
                let m = whole(&r).ok_or_else(bad)?;
                if m >= 60 || hours.fract() != 0.0 {
                    return Err(bad());
                }
                m
            }
        };
        if hours > 1000.0 {
            return Err(bad());
        }
        (hours * 60.0).round() as i64 + minutes
    } else {
        let m = strip(&s, &minutes_suffix).unwrap_or(s.clone());
        whole(&m).ok_or_else(bad)?
    };
    if total <= 0 {
        return Err("La durata deve essere di almeno un minuto".into());
    }
    Ok(total)
}

/// Minutes as the desk reads them: `45 min`, `2 h`, `1 h 30 min`.
pub fn format_minuti(m: i64) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The servizi codes a scheda carries: the codes ticked on it, then those of its richieste not
/// already there.
pub fn servizi_con_richieste(ticked: &[String], richieste: &[Richiesta]) -> Vec<String> {
    let mut out = ticked.to_vec();
    for r in richieste {
        if let Some(s) = r.servizio.as_ref().filter(|s| !s.trim().is_empty())
            && !out.contains(s)
        {
            out.push(s.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_the_ways_the_desk_types_them() {
        for (typed, minutes) in [
            ("90", 90),
            (" 45 ", 45),
            ("45 min", 45),
            ("45m", 45),
            ("45 minuti", 45),
            ("1h30", 90),
            ("1h 30", 90),
            ("1 h 30 min", 90),
            ("1H30M", 90),
            ("1:30", 90),
            ("0:05", 5),
            ("2h", 120),
            ("2 ore", 120),
            ("1 ora", 60),
            ("1,5 h", 90),
            ("1.5h", 90),
            ("0,25 ore", 15),
        ] {
            assert_eq!(parse_minuti(typed), Ok(minutes), "{typed}");
        }
    }

    #[test]
    fn bad_durations_are_refused_in_italian() {
        for typed in [
            "", "abc", "1h70", "1:75", "1,5h30", "-30", "h", "1x", "1h30x", "1::2",
        ] {
            let e = parse_minuti(typed).unwrap_err();
            assert!(e.starts_with("Durata non valida"), "{typed}: {e}");
        }
        assert_eq!(
            parse_minuti("0").unwrap_err(),
            "La durata deve essere di almeno un minuto"
        );
        assert!(parse_minuti("1\x1b[2J").unwrap_err().contains("^["));
    }

    #[test]
    fn minutes_read_back_as_typed() {
        assert_eq!(format_minuti(45), "45 min");
        assert_eq!(format_minuti(120), "2 h");
        assert_eq!(format_minuti(90), "1 h 30 min");
        for m in [1, 59, 60, 61, 90, 5940] {
            let shown = format_minuti(m).replace(' ', "");
            assert_eq!(parse_minuti(&shown), Ok(m), "{shown}");
        }
    }

    #[test]
    fn a_richiesta_needs_a_date_and_what_is_asked() {
        let mut r = Richiesta {
            data_richiesta: "2026-11-29".into(),
            ..Default::default()
        };
        let fields = |r: &Richiesta, oggi: &str| -> Vec<&'static str> {
            problemi_richiesta(r, oggi)
                .into_iter()
                .map(|p| p.0)
                .collect()
        };
        assert_eq!(fields(&r, "2026-11-29"), ["servizio"]);
        r.tipo_intervento_id = Some(3);
        assert!(fields(&r, "2026-11-29").is_empty());
        assert_eq!(fields(&r, "2026-11-28"), ["data_richiesta"]);
        r.tipo_intervento_id = None;
        r.servizio = Some("info".into());
        assert!(fields(&r, "2026-11-29").is_empty());
    }

    #[test]
    fn a_consuntivo_row_is_checked_field_by_field() {
        let ok = Consuntivo {
            data: "2026-11-02".into(),
            operatori: 1,
            minuti: 30,
            tipo_attivita: "2".into(),
            ..Default::default()
        };
        assert!(problemi_consuntivo(&ok, "2026-11-29").is_empty());
        let bad = Consuntivo {
            data: "2026-12-01".into(),
            operatori: 0,
            minuti: MAX_MINUTI + 1,
            tipo_attivita: "8".into(),
            ..ok
        };
        let fields: Vec<_> = problemi_consuntivo(&bad, "2026-11-29")
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(fields, ["data", "operatori", "durata", "tipo_attivita"]);
    }

    #[test]
    fn the_servizi_of_a_scheda_include_those_of_its_richieste_once() {
        let r = |s: Option<&str>| Richiesta {
            servizio: s.map(str::to_string),
            ..Default::default()
        };
        let ticked = vec!["info".to_string()];
        let out = servizi_con_richieste(
            &ticked,
            &[
                r(Some("lavoro")),
                r(None),
                r(Some("info")),
                r(Some("lavoro")),
            ],
        );
        assert_eq!(out, ["info", "lavoro"]);
    }
}
