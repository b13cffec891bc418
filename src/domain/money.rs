//! Money: amounts in integer euro cents, parsed from and formatted to the Italian form `1.234,56`
//! (comma for decimals, dot for thousands). The one place that does it, for fields, screens, paper
//! and exports.

/// The error of a money field that cannot be read.
pub const MSG_MONEY: &str = "Importo non valido: es. 12,50";

/// Digits with optional `.` thousands separators (`1.234.567`), or plain digits.
pub fn grouped_digits(s: &str) -> Option<u128> {
    if s.is_empty() {
        return None;
    }
    let groups: Vec<&str> = s.split('.').collect();
    let ok = if groups.len() == 1 {
        groups[0].bytes().all(|b| b.is_ascii_digit())
    } else {
        (1..=3).contains(&groups[0].len())
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
            && groups[1..].iter().all(|g| g.len() == 3)
    };
    if !ok || s.len() > 30 {
        return None;
    }
    groups.concat().parse().ok()
}

/// Parses an amount in euro into cents: `1.234,56`, `12,5`, `12`, `€ 12,50`, `12,50 €`, `-3,00`.
/// The decimal separator is the comma; the dot only groups thousands.
pub fn parse_money(input: &str) -> Result<i64, String> {
    let bad = || MSG_MONEY.to_string();
    let mut s = input.trim();
    if let Some(rest) = s.strip_prefix('€') {
        s = rest.trim_start();
    } else if let Some(rest) = s.strip_suffix('€') {
        s = rest.trim_end();
    }
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int_part, frac_part) = match s.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let euros = match (int_part, frac_part) {
        ("", Some(_)) => 0,
        _ => grouped_digits(int_part).ok_or_else(bad)?,
    };
    let cents = match frac_part {
        None => 0,
        Some(f) if (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            let v: u128 = f.parse().map_err(|_| bad())?;
            if f.len() == 1 { v * 10 } else { v }
        }
        Some(_) => return Err(bad()),
    };
    let total = euros
        .checked_mul(100)
        .and_then(|e| e.checked_add(cents))
        .ok_or_else(bad)?;
    let total = i64::try_from(total).map_err(|_| bad())?;
    Ok(if negative { -total } else { total })
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn format(cents: i64, grouped: bool) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let units = if grouped {
        group_thousands(abs / 100)
    } else {
        (abs / 100).to_string()
    };
    format!("{sign}{units},{:02}", abs % 100)
}

/// Cents to `1.234,56` (no currency sign): fields, screens, PDF tables.
pub fn format_cents(cents: i64) -> String {
    format(cents, true)
}

/// Cents to `1234,56`, without thousands separators: CSV cells, which spreadsheets read as numbers.
pub fn format_cents_ungrouped(cents: i64) -> String {
    format(cents, false)
}

/// Cents to `1.234,56 €`, as printed.
pub fn format_euro(cents: i64) -> String {
    format!("{} €", format_cents(cents))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_euro_with_comma_decimals() {
        assert_eq!(parse_money("1.234,56"), Ok(123_456));
        assert_eq!(parse_money("12,5"), Ok(1_250));
        assert_eq!(parse_money("12"), Ok(1_200));
        assert_eq!(parse_money("€ 12,50"), Ok(1_250));
        assert_eq!(parse_money("12,50 €"), Ok(1_250));
        assert_eq!(parse_money("€12"), Ok(1_200));
        assert_eq!(parse_money("0,05"), Ok(5));
        assert_eq!(parse_money(",50"), Ok(50));
        assert_eq!(parse_money("1.000.000"), Ok(100_000_000));
        assert_eq!(parse_money("-3,00"), Ok(-300));
        for bad in [
            "",
            "12.50",
            "1,234",
            "12,",
            "abc",
            "1..000",
            "1.2345",
            "€",
            "12,5a",
            "--1",
            "99999999999999999999",
        ] {
            assert_eq!(parse_money(bad), Err(MSG_MONEY.to_string()), "{bad}");
        }
    }

    #[test]
    fn money_formats_back() {
        assert_eq!(format_cents(123_456), "1.234,56");
        assert_eq!(format_cents(1_250), "12,50");
        assert_eq!(format_cents(5), "0,05");
        assert_eq!(format_cents(0), "0,00");
        assert_eq!(format_cents(-300), "-3,00");
        assert_eq!(format_cents(100_000_000), "1.000.000,00");
        assert_eq!(format_cents(i64::MIN), "-92.233.720.368.547.758,08");
        for cents in [0, 1, 99, 100, 123_456, 100_000_000, -1, -123_456] {
            assert_eq!(parse_money(&format_cents(cents)), Ok(cents));
        }
    }

    #[test]
    fn euro_and_ungrouped_forms() {
        assert_eq!(format_euro(15_050), "150,50 €");
        assert_eq!(format_euro(123_456), "1.234,56 €");
        assert_eq!(format_euro(-5), "-0,05 €");
        assert_eq!(parse_money(&format_euro(123_456)), Ok(123_456));
        assert_eq!(format_cents_ungrouped(123_456), "1234,56");
        assert_eq!(format_cents_ungrouped(-5), "-0,05");
        assert_eq!(format_cents_ungrouped(0), "0,00");
        assert_eq!(format_cents_ungrouped(i64::MIN), "-92233720368547758,08");
        assert_eq!(format_cents(123_456_789), "1.234.567,89");
        assert_eq!(format_cents(100_000), "1.000,00");
        for cents in [0, 1, 99, 100, 123_456, 100_000_000, -1, -123_456] {
            assert_eq!(parse_money(&format_cents_ungrouped(cents)), Ok(cents));
        }
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn parser_never_panics(s in ".{0,40}") {
                let _ = parse_money(&s);
            }

            #[test]
            fn money_round_trips(cents in any::<i64>().prop_filter("MIN has no positive twin", |c| *c != i64::MIN)) {
                prop_assert_eq!(parse_money(&format_cents(cents)), Ok(cents));
                prop_assert_eq!(parse_money(&format_euro(cents)), Ok(cents));
                prop_assert_eq!(parse_money(&format_cents_ungrouped(cents)), Ok(cents));
            }
        }
    }
}
