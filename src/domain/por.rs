//! The POR / FSE block of a scheda (SISO-DOMAIN.md §1.3): the participant's data an FSE-financed
//! project needs, kept in the scheda's `dati` as the `por_*` fields of `screens/scheda.toml`.
//! Here the checks of what is typed (IBAN, e-mail and PEC, partita IVA, the employer's codice
//! fiscale, ATECO code, anno di conseguimento, data di sottoscrizione) and the fields a started
//! block requires, with Italian messages naming the field.

use serde_json::{Map, Value};

use super::date;

/// Prefix of the fields of the block.
pub const PREFIX: &str = "por_";

/// The condizione sul mercato del lavoro (CS_TB_ING_MERCATO) of an occupied person: the employer's
/// fields apply.
pub const OCCUPATO: &str = "2";

/// The fields a started block must have: (field, what to indicate).
pub const RICHIESTI: [(&str, &str); 5] = [
    ("por_titolo_studio", "il titolo di studio"),
    (
        "por_condizione_lavoro",
        "la condizione sul mercato del lavoro",
    ),
    ("por_data_sottoscrizione", "la data di sottoscrizione"),
    ("por_soggetto_attuatore", "il soggetto attuatore"),
    ("por_progetto", "il progetto"),
];

/// Minimum age for a titolo di studio.
const ETA_MINIMA_TITOLO: i64 = 6;

fn text<'a>(dati: &'a Map<String, Value>, campo: &str) -> &'a str {
    dati.get(campo).and_then(Value::as_str).unwrap_or("").trim()
}

/// Whether a value holds something (an unset flag does not).
fn filled(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

/// Whether any field of the block is filled.
pub fn iniziato(dati: &Map<String, Value>) -> bool {
    dati.iter().any(|(k, v)| k.starts_with(PREFIX) && filled(v))
}

/// An Italian IBAN as stored: without spaces, upper case; `Err` the Italian reason.
pub fn iban(input: &str) -> Result<String, String> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if !s.starts_with("IT") {
        return Err("IBAN: un IBAN italiano comincia con IT".into());
    }
    if s.chars().count() != 27 {
        return Err(format!(
            "IBAN: 27 caratteri per un IBAN italiano ({} inseriti)",
            s.chars().count()
        ));
    }
    let b = s.as_bytes();
    let shape = b[2..4].iter().all(u8::is_ascii_digit)
        && b[4].is_ascii_uppercase()
        && b[5..15].iter().all(u8::is_ascii_digit)
        && b[15..].iter().all(u8::is_ascii_alphanumeric);
    if !shape {
        return Err(
            "IBAN: IT, 2 cifre di controllo, una lettera (CIN), ABI e CAB (10 cifre), 12 caratteri del conto"
                .into(),
        );
    }
    // ISO 13616: the first four characters moved to the end, letters as 10–35, modulo 97 = 1.
    let resto = s[4..].bytes().chain(s[..4].bytes()).fold(0u32, |r, c| {
        let v = u32::from(c);
        if c.is_ascii_digit() {
            (r * 10 + v - u32::from(b'0')) % 97
        } else {
            (r * 100 + v - u32::from(b'A') + 10) % 97
        }
    });
    if resto != 1 {
        return Err("IBAN: le cifre di controllo non corrispondono (verificare il codice)".into());
    }
    Ok(s)
}

/// Whether `s` is 11 digits whose last is the check digit of the partita IVA (the same rule makes
/// the numeric codice fiscale of a company or an ente).
pub fn partita_iva(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let somma: u32 = b[..10]
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let d = u32::from(c - b'0');
            match i % 2 {
                0 => d,
                _ if d * 2 > 9 => d * 2 - 9,
                _ => d * 2,
            }
        })
        .sum();
    (10 - somma % 10) % 10 == u32::from(b[10] - b'0')
}

/// The employer's codice fiscale: a person's (16 characters, checked as any codice fiscale) or a
/// company's (11 digits with the partita IVA's check digit). `Err` the Italian reason.
pub fn codice_fiscale_datore(s: &str) -> Result<(), String> {
    let s = super::cf::normalize(s);
    if s.len() == 11 && s.bytes().all(|c| c.is_ascii_digit()) {
        return if partita_iva(&s) {
            Ok(())
        } else {
            Err("Codice fiscale del datore: la cifra di controllo non corrisponde".into())
        };
    }
    super::cf::validate(&s).map_err(|e| {
        format!(
            "Codice fiscale del datore: 16 caratteri di una persona o 11 cifre di un'impresa ({e})"
        )
    })
}

/// Whether `s` is an ATECO code: a division of two digits, then group, class, category and
/// subcategory (`47`, `47.1`, `47.11`, `47.11.1`, `47.11.10`).
pub fn ateco(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit())
    };
    match parts.as_slice() {
        [d] => digits(d, 2..=2),
        [d, c] => digits(d, 2..=2) && digits(c, 1..=2),
        [d, c, s] => digits(d, 2..=2) && digits(c, 2..=2) && digits(s, 1..=2),
        _ => false,
    }
}

/// The fields of the block that cannot be stored as typed: (field, Italian message). `oggi` is ISO;
/// the birth date is the scheda's `data_nascita`.
pub fn problemi(dati: &Map<String, Value>, oggi: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let anno_oggi = date::parse_iso(oggi).map_or(9999, |d| i64::from(d.year()));
    if let Some(v) = dati.get("por_anno_titolo").filter(|v| !v.is_null()) {
        let nascita = date::parse_iso(text(dati, "data_nascita")).map(|d| i64::from(d.year()));
        match v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()) {
            Some(a) if a > anno_oggi => out.push((
                "por_anno_titolo",
                "Anno di conseguimento: non può essere successivo a quest'anno".to_string(),
            )),
            Some(a) if a < 1900 => out.push((
                "por_anno_titolo",
                "Anno di conseguimento: un anno di quattro cifre, dal 1900 a oggi".to_string(),
            )),
            Some(a) if nascita.is_some_and(|n| a < n + ETA_MINIMA_TITOLO) => out.push((
                "por_anno_titolo",
                format!(
                    "Anno di conseguimento: non plausibile per chi è nato nel {}",
                    nascita.unwrap_or_default()
                ),
            )),
            Some(_) => {}
            None => out.push((
                "por_anno_titolo",
                "Anno di conseguimento: un anno di quattro cifre".to_string(),
            )),
        }
    }
    let data = text(dati, "por_data_sottoscrizione");
    if !data.is_empty() && data > oggi {
        out.push((
            "por_data_sottoscrizione",
            "La data di sottoscrizione non può essere successiva a oggi".to_string(),
        ));
    }
    let iban_text = text(dati, "por_iban");
    if !iban_text.is_empty()
        && let Err(e) = iban(iban_text)
    {
        out.push(("por_iban", e));
    }
    for (campo, label) in [("por_email", "E-mail"), ("por_pec", "PEC")] {
        let t = text(dati, campo);
        if !t.is_empty() && !super::is_email(t) {
            out.push((campo, format!("{label}: un indirizzo come nome@dominio.it")));
        }
    }
    let piva = text(dati, "por_piva_datore");
    if !piva.is_empty() && !partita_iva(piva) {
        out.push((
            "por_piva_datore",
            "Partita IVA: 11 cifre, l'ultima di controllo (verificare il numero)".to_string(),
        ));
    }
    let cf = text(dati, "por_cf_datore");
    if !cf.is_empty()
        && let Err(e) = codice_fiscale_datore(cf)
    {
        out.push(("por_cf_datore", e));
    }
    let codice = text(dati, "por_ateco");
    if !codice.is_empty() && !ateco(codice) {
        out.push((
            "por_ateco",
            "Codice ATECO: cifre separate da punti, per esempio 47.11 o 47.11.10".to_string(),
        ));
    }
    out
}

/// What a started block still misses to be complete: (field, Italian message). A block not
/// started asks nothing.
pub fn mancanti(dati: &Map<String, Value>) -> Vec<(&'static str, String)> {
    if !iniziato(dati) {
        return Vec::new();
    }
    let mut out: Vec<(&'static str, String)> = RICHIESTI
        .iter()
        .filter(|(campo, _)| text(dati, campo).is_empty())
        .map(|(campo, what)| (*campo, format!("Dati POR / FSE: indicare {what}")))
        .collect();
    if dati
        .get("por_comunica_vulnerabilita")
        .and_then(Value::as_bool)
        == Some(true)
        && text(dati, "por_vulnerabilita").is_empty()
    {
        out.push((
            "por_vulnerabilita",
            "Dati POR / FSE: indicare la condizione di vulnerabilità che l'utente comunica"
                .to_string(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dati(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn fields(p: Vec<(&'static str, String)>) -> Vec<&'static str> {
        p.into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn iban_checked_with_its_check_digits() {
        assert_eq!(
            iban("it60 x054 2811 1010 0000 0123 456").as_deref(),
            Ok("IT60X0542811101000000123456")
        );
        let bad = iban("IT61X0542811101000000123456").unwrap_err();
        assert!(bad.contains("cifre di controllo"), "{bad}");
        assert!(iban("DE89370400440532013000").unwrap_err().contains("IT"));
        assert!(
            iban("IT60X054281110100000012345")
                .unwrap_err()
                .contains("27")
        );
        assert!(iban("IT6XX0542811101000000123456").is_err(), "check digits");
        assert!(iban("IT6010542811101000000123456").is_err(), "CIN a letter");
    }

    #[test]
    fn partita_iva_and_employer_cf() {
        assert!(partita_iva("00743110157"));
        assert!(partita_iva("01234567897"));
        assert!(!partita_iva("00743110158"), "wrong check digit");
        assert!(!partita_iva("0074311015"), "10 digits");
        assert!(!partita_iva("0074311015A"));
        assert!(codice_fiscale_datore("00743110157").is_ok());
        assert!(codice_fiscale_datore("rssmra80a01h501u").is_ok());
        let e = codice_fiscale_datore("RSSMRA80A01H501X").unwrap_err();
        assert!(e.starts_with("Codice fiscale del datore"), "{e}");
        assert!(codice_fiscale_datore("00743110158").is_err());
    }

    #[test]
    fn email_and_pec_syntax() {
        assert!(crate::domain::is_email("mario.rossi@example.it"));
        assert!(crate::domain::is_email("ditta.srl@pec.it"));
        assert!(crate::domain::is_email("a+b_c-d@sub.dominio.com"));
        for bad in [
            "mario.rossi",
            "mario@",
            "@pec.it",
            "mario@pec",
            "mario rossi@pec.it",
            "mario@@pec.it",
            "mario..rossi@pec.it",
            "mario@-pec.it",
            "mario@pec.1",
        ] {
            assert!(!crate::domain::is_email(bad), "{bad}");
        }
    }

    #[test]
    fn ateco_format() {
        for ok in ["47", "47.1", "47.11", "47.11.1", "47.11.10", "01.11.00"] {
            assert!(ateco(ok), "{ok}");
        }
        for bad in [
            "4",
            "471",
            "47.",
            "47.111",
            "47.11.100",
            "AB.11",
            "47.11.10.1",
            "47,11",
        ] {
            assert!(!ateco(bad), "{bad}");
        }
    }

    #[test]
    fn typed_values_are_checked_with_their_field() {
        let oggi = "2026-11-30";
        let ok = dati(&[
            ("data_nascita", "1990-05-04".into()),
            ("por_anno_titolo", Value::from(2009)),
            ("por_data_sottoscrizione", "2026-11-30".into()),
            ("por_iban", "IT60X0542811101000000123456".into()),
            ("por_email", "anna@example.it".into()),
            ("por_pec", "ditta@pec.it".into()),
            ("por_piva_datore", "00743110157".into()),
            ("por_cf_datore", "00743110157".into()),
            ("por_ateco", "47.11.10".into()),
        ]);
        assert!(problemi(&ok, oggi).is_empty(), "{:?}", problemi(&ok, oggi));
        let bad = dati(&[
            ("data_nascita", "1990-05-04".into()),
            ("por_anno_titolo", Value::from(1993)),
            ("por_data_sottoscrizione", "2026-12-01".into()),
            ("por_iban", "IT61X0542811101000000123456".into()),
            ("por_email", "anna@".into()),
            ("por_pec", "ditta.pec.it".into()),
            ("por_piva_datore", "00743110158".into()),
            ("por_cf_datore", "ABC".into()),
            ("por_ateco", "4711".into()),
        ]);
        let p = problemi(&bad, oggi);
        assert_eq!(
            fields(p.clone()),
            [
                "por_anno_titolo",
                "por_data_sottoscrizione",
                "por_iban",
                "por_email",
                "por_pec",
                "por_piva_datore",
                "por_cf_datore",
                "por_ateco"
            ]
        );
        assert!(p[0].1.contains("nato nel 1990"), "{}", p[0].1);
        let futuro = dati(&[("por_anno_titolo", Value::from(2027))]);
        assert!(problemi(&futuro, oggi)[0].1.contains("successivo"));
    }

    #[test]
    fn a_started_block_names_what_it_misses() {
        assert!(mancanti(&dati(&[])).is_empty(), "not started");
        assert!(
            mancanti(&dati(&[("por_altro_corso", Value::Bool(false))])).is_empty(),
            "an unset flag does not start it"
        );
        let iniziato = dati(&[("por_progetto", "Inclusione attiva".into())]);
        let m = mancanti(&iniziato);
        assert_eq!(
            fields(m.clone()),
            [
                "por_titolo_studio",
                "por_condizione_lavoro",
                "por_data_sottoscrizione",
                "por_soggetto_attuatore"
            ]
        );
        assert_eq!(m[0].1, "Dati POR / FSE: indicare il titolo di studio");
        let mut completo = iniziato.clone();
        for (campo, v) in [
            ("por_titolo_studio", "diploma"),
            ("por_condizione_lavoro", "3"),
            ("por_data_sottoscrizione", "2026-11-20"),
            ("por_soggetto_attuatore", "Cooperativa Aurora"),
        ] {
            completo.insert(campo.into(), v.into());
        }
        assert!(mancanti(&completo).is_empty());
        completo.insert("por_comunica_vulnerabilita".into(), Value::Bool(true));
        assert_eq!(fields(mancanti(&completo)), ["por_vulnerabilita"]);
    }
}
