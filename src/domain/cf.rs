//! Codice fiscale: computation from personal data, check character, omocodia.
//!
//! Rules: DM 23/12/1976 (three letters from the surname, three from the name, two digits of the year,
//! month letter, day (+40 for women), Belfiore code, check character); omocodia replaces digits with
//! letters from the right (`LMNPQRSTUV`).

/// Month letters A..T for months 1..12.
pub const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
/// Omocodia substitutions for the digits 0..9.
pub const OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";
/// Positions of the digits that omocodia may replace, right to left.
pub const OMOCODIA_POSITIONS: [usize; 7] = [14, 13, 12, 10, 9, 7, 6];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sesso {
    M,
    F,
}

/// Folds a name to the CF alphabet: upper-case ASCII letters, accents removed, everything else dropped.
pub fn fold_letters(s: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter_map(|c| {
            let c = match c {
                'ß' => 'S',
                'Ł' | 'ł' => 'L',
                'Ø' | 'ø' => 'O',
                'Đ' | 'đ' => 'D',
                'Æ' | 'æ' => 'A',
                c => c,
            };
            c.is_ascii_alphabetic()
                .then(|| c.to_ascii_uppercase() as u8)
        })
        .collect()
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'A' | b'E' | b'I' | b'O' | b'U')
}

fn three(mut chars: Vec<u8>) -> String {
    chars.truncate(3);
    while chars.len() < 3 {
        chars.push(b'X');
    }
    String::from_utf8(chars).unwrap_or_default()
}

/// The three surname characters.
pub fn surname_code(cognome: &str) -> String {
    let l = fold_letters(cognome);
    let mut out: Vec<u8> = l.iter().copied().filter(|c| !is_vowel(*c)).collect();
    out.extend(l.iter().copied().filter(|c| is_vowel(*c)));
    three(out)
}

/// The three name characters (1st, 3rd and 4th consonant when there are four or more).
pub fn name_code(nome: &str) -> String {
    let l = fold_letters(nome);
    let cons: Vec<u8> = l.iter().copied().filter(|c| !is_vowel(*c)).collect();
    if cons.len() >= 4 {
        return three(vec![cons[0], cons[2], cons[3]]);
    }
    let mut out = cons;
    out.extend(l.iter().copied().filter(|c| is_vowel(*c)));
    three(out)
}

/// The check character of the first 15 characters (which must be upper-case alphanumerics).
pub fn check_char(first15: &[u8]) -> Option<u8> {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    if first15.len() != 15 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in first15.iter().enumerate() {
        let idx = match c {
            b'0'..=b'9' => (c - b'0') as usize,
            b'A'..=b'Z' => (c - b'A') as usize,
            _ => return None,
        };
        // Positions are 1-based in the rule: odd positions are even indexes.
        sum += if i % 2 == 0 { ODD[idx] } else { idx as u32 };
    }
    Some(b'A' + (sum % 26) as u8)
}

/// Computes the codice fiscale. `belfiore` is the comune or foreign-state code of birth.
pub fn compute(
    cognome: &str,
    nome: &str,
    sesso: Sesso,
    year: i32,
    month: u8,
    day: u8,
    belfiore: &str,
) -> String {
    let mut s = String::with_capacity(16);
    s.push_str(&surname_code(cognome));
    s.push_str(&name_code(nome));
    s.push_str(&format!("{:02}", year.rem_euclid(100)));
    s.push(MONTHS[(month.clamp(1, 12) - 1) as usize] as char);
    let d = if sesso == Sesso::F { day + 40 } else { day };
    s.push_str(&format!("{d:02}"));
    s.push_str(&belfiore.to_ascii_uppercase());
    let check = check_char(s.as_bytes()).unwrap_or(b'X');
    s.push(check as char);
    s
}

/// The `level`-th omocodia variant of a valid CF (level 1..=7 replaces that many digits from the right).
pub fn omocode(cf: &str, level: usize) -> String {
    let mut b = cf.as_bytes()[..15].to_vec();
    for &pos in OMOCODIA_POSITIONS.iter().take(level) {
        if b[pos].is_ascii_digit() {
            b[pos] = OMOCODIA[(b[pos] - b'0') as usize];
        }
    }
    let c = check_char(&b).unwrap_or(b'X');
    b.push(c);
    String::from_utf8(b).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes() {
        // Mario Rossi, born in Roma (H501) on 1 January 1980.
        assert_eq!(
            compute("Rossi", "Mario", Sesso::M, 1980, 1, 1, "H501"),
            "RSSMRA80A01H501U"
        );
        // A woman: day + 40; accents folded.
        let cf = compute("Nicolò", "Anna", Sesso::F, 1975, 12, 3, "G478");
        assert_eq!(&cf[..11], "NCLNNA75T43");
        // Short names padded with X.
        assert_eq!(surname_code("Fo"), "FOX");
        assert_eq!(name_code("Gianfranco"), "GFR");
    }

    #[test]
    fn omocodia_keeps_a_valid_check_char() {
        let cf = compute("Rossi", "Mario", Sesso::M, 1980, 1, 1, "H501");
        let o = omocode(&cf, 1);
        assert_eq!(&o[..14], "RSSMRA80A01H50");
        assert_eq!(o.as_bytes()[14], b'M');
        assert_eq!(check_char(&o.as_bytes()[..15]), Some(o.as_bytes()[15]));
    }
}
