//! Field values: pure parsing, validation and formatting of what the operator types
//! (dates `gg/mm/aaaa`, money `1.234,56`, integers, codice fiscale, lengths, required fields).
//! Every error is an Italian sentence ready to show beside the field. No clock is read:
//! `today` is a parameter.

use time::Date;

use super::{FieldDef, FieldKind};

/// The date parser and formatter of fields (the names the screens use).
pub use crate::domain::date::{MSG_DATE, gg_mm_aaaa as format_date, parse_typed as parse_date};
use crate::domain::money::grouped_digits;
/// The money parser and formatter of fields (the names the screens use).
pub use crate::domain::money::{MSG_MONEY, format_cents as format_money, parse_money};

/// A parsed field value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Nothing typed (allowed only for optional fields).
    Empty,
    Text(String),
    Date(Date),
    /// Euro cents.
    Money(i64),
    Integer(i64),
    Bool(bool),
    /// Codes of a multi-select, in input order, without repetitions.
    Codes(Vec<String>),
}

pub const MSG_REQUIRED: &str = "Campo obbligatorio";
pub const MSG_INTEGER: &str = "Numero non valido: es. 12";
pub const MSG_BOOL: &str = "Valore non valido: usare sì o no";

/// `Campo obbligatorio` when the input is blank.
pub fn check_required(input: &str) -> Result<(), String> {
    if input.trim().is_empty() {
        Err(MSG_REQUIRED.to_string())
    } else {
        Ok(())
    }
}

/// `Massimo N caratteri` when the input has more than `max` characters (not bytes).
pub fn check_max_len(input: &str, max: u32) -> Result<(), String> {
    let n = input.chars().count();
    if n > max as usize {
        Err(format!("Massimo {max} caratteri"))
    } else {
        Ok(())
    }
}

/// `La data non può essere futura` when `date` is after `today`.
pub fn check_not_future(date: Date, today: Date) -> Result<(), String> {
    if date > today {
        Err("La data non può essere futura".to_string())
    } else {
        Ok(())
    }
}

/// Parses an integer: `12`, `-3`, `1.000`.
pub fn parse_integer(input: &str) -> Result<i64, String> {
    let s = input.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let n = grouped_digits(s).ok_or_else(|| MSG_INTEGER.to_string())?;
    let n = i64::try_from(n).map_err(|_| MSG_INTEGER.to_string())?;
    Ok(if negative { -n } else { n })
}

/// Parses a yes/no answer typed as text (`sì`, `si`, `s`, `x`, `no`, `n`…).
pub fn parse_bool(input: &str) -> Result<bool, String> {
    match input.trim().to_lowercase().as_str() {
        "sì" | "si" | "s" | "x" | "1" | "vero" | "true" => Ok(true),
        "no" | "n" | "0" | "falso" | "false" => Ok(false),
        _ => Err(MSG_BOOL.to_string()),
    }
}

/// Normalises and checks a codice fiscale: upper case, spaces removed; 16 characters with a
/// correct check character, or 11 digits (provisional code).
pub fn parse_codice_fiscale(input: &str) -> Result<String, String> {
    let cf: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if cf.len() == 11 && cf.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(cf);
    }
    if cf.len() != 16
        || !cf
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Err(
            "Codice fiscale non valido: 16 caratteri (11 cifre se provvisorio)".to_string(),
        );
    }
    let b = cf.as_bytes();
    let letters_at = [0, 1, 2, 3, 4, 5, 8, 11, 15];
    if letters_at.iter().any(|i| !b[*i].is_ascii_uppercase()) || !b"ABCDEHLMPRST".contains(&b[8]) {
        return Err("Codice fiscale non valido: formato errato".to_string());
    }
    match crate::domain::cf::check_char(&b[..15]) {
        Some(c) if c == b[15] => Ok(cf),
        _ => Err("Codice fiscale non valido: carattere di controllo errato".to_string()),
    }
}

/// Parses and validates the text typed in a field according to its definition.
/// Blank input gives [`Value::Empty`] (or `Campo obbligatorio`); bool fields are `false` when blank.
/// Code-list fields return the code(s) as typed: checking them against the list is the caller's job.
pub fn parse_value(field: &FieldDef, input: &str, today: Date) -> Result<Value, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return match field.kind {
            FieldKind::Bool => Ok(Value::Bool(false)),
            _ if field.required => Err(MSG_REQUIRED.to_string()),
            _ => Ok(Value::Empty),
        };
    }
    if let Some(max) = field.max_len {
        let text = if field.kind == FieldKind::Multiline {
            input.trim_end()
        } else {
            trimmed
        };
        check_max_len(text, max)?;
    }
    match field.kind {
        FieldKind::Text | FieldKind::CodeList | FieldKind::Records => {
            Ok(Value::Text(trimmed.to_string()))
        }
        FieldKind::Multiline => Ok(Value::Text(input.trim_end().to_string())),
        FieldKind::Date => parse_date(trimmed, today).map(Value::Date),
        FieldKind::CodiceFiscale => parse_codice_fiscale(trimmed).map(Value::Text),
        FieldKind::Money => parse_money(trimmed).map(Value::Money),
        FieldKind::Integer => parse_integer(trimmed).map(Value::Integer),
        FieldKind::Bool => parse_bool(trimmed).map(Value::Bool),
        FieldKind::MultiCodeList => {
            let mut codes: Vec<String> = Vec::new();
            for code in trimmed.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                if !codes.iter().any(|c| c == code) {
                    codes.push(code.to_string());
                }
            }
            if codes.is_empty() && field.required {
                return Err(MSG_REQUIRED.to_string());
            }
            Ok(Value::Codes(codes))
        }
    }
}

/// Formats a value back into the text shown in its field.
pub fn format_value(value: &Value) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(s) => s.clone(),
        Value::Date(d) => format_date(*d),
        Value::Money(c) => format_money(*c),
        Value::Integer(n) => n.to_string(),
        Value::Bool(true) => "sì".to_string(),
        Value::Bool(false) => "no".to_string(),
        Value::Codes(c) => c.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 05 - 14);

    fn field(kind: FieldKind, required: bool, max_len: Option<u32>) -> FieldDef {
        FieldDef {
            id: "f".into(),
            label: "F".into(),
            kind,
            required,
            max_len,
            help: None,
            code_list: None,
            sensitive: false,
            core: false,
            width: None,
            show_when: None,
            form: None,
            line: 1,
        }
    }

    #[test]
    fn dates_format_and_are_not_future() {
        assert_eq!(format_date(date!(1981 - 07 - 03)), "03/07/1981");
        assert_eq!(
            check_not_future(date!(2026 - 05 - 15), TODAY).unwrap_err(),
            "La data non può essere futura"
        );
        assert!(check_not_future(TODAY, TODAY).is_ok());
    }

    #[test]
    fn integers() {
        assert_eq!(parse_integer("12"), Ok(12));
        assert_eq!(parse_integer(" -3 "), Ok(-3));
        assert_eq!(parse_integer("+7"), Ok(7));
        assert_eq!(parse_integer("1.000"), Ok(1000));
        for bad in ["", "1,5", "dodici", "1.00", "99999999999999999999"] {
            assert_eq!(parse_integer(bad), Err(MSG_INTEGER.to_string()), "{bad}");
        }
    }

    #[test]
    fn required_and_max_len() {
        assert_eq!(check_required("  "), Err("Campo obbligatorio".to_string()));
        assert!(check_required("x").is_ok());
        assert_eq!(
            check_max_len(&"a".repeat(81), 80),
            Err("Massimo 80 caratteri".to_string())
        );
        assert!(
            check_max_len(&"è".repeat(80), 80).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn codice_fiscale() {
        assert_eq!(
            parse_codice_fiscale("rssmra85t10a562s"),
            Ok("RSSMRA85T10A562S".to_string())
        );
        assert_eq!(
            parse_codice_fiscale("RSS MRA 85T10 A562S"),
            Ok("RSSMRA85T10A562S".to_string())
        );
        assert_eq!(
            parse_codice_fiscale("12345678901"),
            Ok("12345678901".to_string())
        );
        assert!(
            parse_codice_fiscale("RSSMRA85T10A562X")
                .unwrap_err()
                .contains("carattere di controllo")
        );
        assert!(
            parse_codice_fiscale("RSSMRA85T10A562")
                .unwrap_err()
                .contains("16 caratteri")
        );
        assert!(
            parse_codice_fiscale("1SSMRA85T10A562S")
                .unwrap_err()
                .contains("formato")
        );
        assert!(
            parse_codice_fiscale("RSSMRA85Z10A562S")
                .unwrap_err()
                .contains("formato"),
            "Z is not a month"
        );
    }

    #[test]
    fn parse_value_by_kind() {
        let f = field(FieldKind::Text, true, Some(5));
        assert_eq!(
            parse_value(&f, "", TODAY),
            Err("Campo obbligatorio".to_string())
        );
        assert_eq!(
            parse_value(&f, " abc ", TODAY),
            Ok(Value::Text("abc".into()))
        );
        assert_eq!(
            parse_value(&f, "abcdef", TODAY),
            Err("Massimo 5 caratteri".to_string())
        );
        let f = field(FieldKind::Date, false, None);
        assert_eq!(parse_value(&f, "  ", TODAY), Ok(Value::Empty));
        assert_eq!(
            parse_value(&f, "1/2/2000", TODAY),
            Ok(Value::Date(date!(2000 - 02 - 01)))
        );
        assert_eq!(parse_value(&f, "1/2", TODAY), Err(MSG_DATE.to_string()));
        let f = field(FieldKind::Money, false, None);
        assert_eq!(parse_value(&f, "12,50", TODAY), Ok(Value::Money(1250)));
        let f = field(FieldKind::Integer, false, None);
        assert_eq!(parse_value(&f, "74", TODAY), Ok(Value::Integer(74)));
        let f = field(FieldKind::Bool, true, None);
        assert_eq!(parse_value(&f, "", TODAY), Ok(Value::Bool(false)));
        assert_eq!(parse_value(&f, "Sì", TODAY), Ok(Value::Bool(true)));
        assert_eq!(parse_value(&f, "forse", TODAY), Err(MSG_BOOL.to_string()));
        let f = field(FieldKind::MultiCodeList, true, None);
        assert_eq!(
            parse_value(&f, "a, b,a", TODAY),
            Ok(Value::Codes(vec!["a".into(), "b".into()]))
        );
        assert_eq!(parse_value(&f, " , ", TODAY), Err(MSG_REQUIRED.to_string()));
        let f = field(FieldKind::Multiline, false, Some(10));
        assert_eq!(
            parse_value(&f, "riga 1\nriga 2\n\n", TODAY),
            Err("Massimo 10 caratteri".to_string())
        );
        assert_eq!(
            parse_value(&f, "  a\nb \n", TODAY),
            Ok(Value::Text("  a\nb".into()))
        );
        let f = field(FieldKind::CodiceFiscale, false, None);
        assert_eq!(
            parse_value(&f, "rssmra85t10a562s", TODAY),
            Ok(Value::Text("RSSMRA85T10A562S".into()))
        );
    }

    #[test]
    fn values_format_back() {
        assert_eq!(format_value(&Value::Money(123_456)), "1.234,56");
        assert_eq!(
            format_value(&Value::Date(date!(2000 - 02 - 01))),
            "01/02/2000"
        );
        assert_eq!(format_value(&Value::Bool(true)), "sì");
        assert_eq!(
            format_value(&Value::Codes(vec!["a".into(), "b".into()])),
            "a, b"
        );
        assert_eq!(format_value(&Value::Empty), "");
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;
        use time::macros::date;

        proptest! {
            #[test]
            fn parsers_never_panic(s in ".{0,40}") {
                let _ = parse_date(&s, date!(2026 - 05 - 14));
                let _ = parse_money(&s);
                let _ = parse_integer(&s);
                let _ = parse_codice_fiscale(&s);
            }
        }
    }
}
