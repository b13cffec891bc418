//! Codice fiscale: computation from personal data, check character, omocodia, validation, decoding,
//! consistency with the personal data, and the temporary codes given to people without one.
//!
//! Rules: DM 23/12/1976 (three letters from the surname, three from the name, two digits of the year,
//! month letter, day (+40 for women), Belfiore code, check character); omocodia replaces digits with
//! letters from the right (`LMNPQRSTUV`). Names are read as the 26 letters of
//! [`super::fold::cf_letters`] (the Agenzia's transliteration of accents and foreign letters).
//!
//! Everything here is pure: "today" is a parameter, the Belfiore table is compiled in
//! ([`super::belfiore`]). Error and warning texts are Italian, for the operator.

use super::belfiore::{self, Date, Place};
use super::fold::cf_letters;
use crate::sanitize::sanitize;

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

impl Sesso {
    /// `M` or `F`.
    pub fn as_char(self) -> char {
        match self {
            Sesso::M => 'M',
            Sesso::F => 'F',
        }
    }
}

/// A place or name folded to the CF alphabet (upper-case `A`–`Z`, accents removed, everything else
/// dropped). Kept under this name for the callers outside the domain; see [`super::fold::letters`].
use super::fold::letters as fold_letters;

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

/// The three surname characters: consonants, then vowels, then `X`.
pub fn surname_code(cognome: &str) -> String {
    surname_letters(&cf_letters(cognome))
}

fn surname_letters(l: &[u8]) -> String {
    let mut out: Vec<u8> = l.iter().copied().filter(|c| !is_vowel(*c)).collect();
    out.extend(l.iter().copied().filter(|c| is_vowel(*c)));
    three(out)
}

/// The three name characters (1st, 3rd and 4th consonant when there are four or more).
pub fn name_code(nome: &str) -> String {
    name_letters(&cf_letters(nome))
}

fn name_letters(l: &[u8]) -> String {
    let cons: Vec<u8> = l.iter().copied().filter(|c| !is_vowel(*c)).collect();
    if cons.len() >= 4 {
        return three(vec![cons[0], cons[2], cons[3]]);
    }
    surname_letters(l)
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

/// Character classes of the 16 positions: `L` a letter, `N` a digit or an omocodia letter.
pub const PATTERN: &[u8; 16] = b"LLLLLLNNLNNLNNNL";

fn mese(month: &u8) -> &'static str {
    super::date::nome_mese(*month)
}

/// `gg/mm/aaaa` of a date the code or the Belfiore table gave (always a real date).
fn gg_mm_aaaa(d: &Date) -> String {
    super::date::from_ymd(*d)
        .map(super::date::gg_mm_aaaa)
        .unwrap_or_default()
}

/// Why a code is not a valid codice fiscale. `Display` is a short Italian reason for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CfError {
    /// A temporary code (see [`temporary`]): a placeholder, not a codice fiscale.
    #[error("codice provvisorio, non un codice fiscale")]
    Temporary,
    /// Not 16 characters (after trimming).
    #[error("lunghezza errata ({0} caratteri invece di 16)")]
    Length(usize),
    /// A character of the wrong kind at 1-based position `pos`.
    #[error("carattere non valido in posizione {pos} («{}»: attesa {expected})", found.escape_debug())]
    Char {
        pos: usize,
        found: char,
        expected: &'static str,
    },
    #[error("mese non valido (lettera {0})")]
    Month(char),
    /// The day field is not 01–31 (men) or 41–71 (women).
    #[error("giorno non valido ({0:02})")]
    Day(u8),
    /// A day the month does not have (31 April, 30 February).
    #[error("giorno non valido ({day} {})", mese(month))]
    DayOfMonth { day: u8, month: u8 },
    /// 29 February of a year that is not a leap year (two digits when the century is unknown).
    #[error("giorno non valido (29 febbraio, anno {0:02} non bisestile)")]
    NotLeap(i32),
    #[error("carattere di controllo errato (atteso {0})")]
    CheckChar(char),
    #[error("codice catastale sconosciuto ({0})")]
    UnknownPlace(String),
    /// The Belfiore code exists but did not stand for any place on the birth date.
    #[error(
        "codice catastale {code} ({name}) non valido alla data di nascita ({})",
        gg_mm_aaaa(date)
    )]
    PlaceNotValid {
        code: String,
        name: String,
        date: Date,
    },
    #[error("data di nascita nel futuro")]
    Future,
}

/// What a valid codice fiscale says about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub sesso: Sesso,
    pub birth_date: Date,
    /// The place as it was on the birth date (name and province of that time).
    pub place: Place,
}

/// A structurally valid code with omocodia undone.
struct Parts {
    /// The first 15 characters with the omocodia letters turned back into digits.
    plain: Vec<u8>,
    sesso: Sesso,
    yy: u8,
    month: u8,
    day: u8,
}

impl Parts {
    fn belfiore(&self) -> &str {
        std::str::from_utf8(&self.plain[11..15]).unwrap_or_default()
    }
}

/// Trims and upper-cases a typed code.
pub fn normalize(code: &str) -> String {
    code.trim().to_uppercase()
}

/// Checks a code without knowing today's date: syntax (omocodia letters accepted in the numeric
/// positions, in any combination), month letter, day, day of the month, check character, and that the
/// Belfiore code exists. 29 February is accepted when the two-digit year is a multiple of 4 (the
/// century is unknown here). [`decode`] does the full check.
pub fn validate(code: &str) -> Result<(), CfError> {
    parse(code).map(|_| ())
}

/// Decodes a code, checking everything [`validate`] checks plus the exact date, that it is not after
/// `today`, and that the Belfiore code stood for a place on the birth date.
///
/// Century: the two-digit year becomes the most recent year with those digits that is not after
/// `today`'s year ([`full_year`]); a resulting date later than `today` is rejected as in the future.
pub fn decode(code: &str, today: Date) -> Result<Decoded, CfError> {
    let p = parse(code)?;
    let year = full_year(p.yy, today.0);
    check_day(p.day, p.month, is_leap(year), year)?;
    let birth_date = (year, p.month, p.day);
    if birth_date > today {
        return Err(CfError::Future);
    }
    let code = p.belfiore();
    let place = belfiore::lookup(code, Some(birth_date)).ok_or_else(|| CfError::PlaceNotValid {
        code: code.to_string(),
        name: belfiore::lookup(code, None)
            .map(|p| p.name)
            .unwrap_or_default(),
        date: birth_date,
    })?;
    Ok(Decoded {
        sesso: p.sesso,
        birth_date,
        place,
    })
}

/// The most recent year ending in `yy` that is not after `today_year`: with today in 2026, `26` is
/// 2026 and `27` is 1927.
pub fn full_year(yy: u8, today_year: i32) -> i32 {
    let year = today_year - today_year.rem_euclid(100) + i32::from(yy % 100);
    if year > today_year { year - 100 } else { year }
}

/// The code with omocodia undone (digits restored, check character recomputed): the same for every
/// omocodia variant of one person.
pub fn base_code(code: &str) -> Result<String, CfError> {
    let mut plain = parse(code)?.plain;
    plain.push(check_char(&plain).unwrap_or(b'X'));
    Ok(String::from_utf8(plain).unwrap_or_default())
}

fn parse(code: &str) -> Result<Parts, CfError> {
    let code = normalize(code);
    if is_temporary(&code) {
        return Err(CfError::Temporary);
    }
    let len = code.chars().count();
    if len != 16 {
        return Err(CfError::Length(len));
    }
    check_syntax(&code)?;
    let b = code.as_bytes();
    let plain = undo_omocodia(&b[..15]);
    let month = MONTHS
        .iter()
        .position(|&m| m == plain[8])
        .ok_or(CfError::Month(char::from(plain[8])))? as u8
        + 1;
    let (sesso, day) = match two_digits(&plain[9..11]) {
        d @ 1..=31 => (Sesso::M, d),
        d @ 41..=71 => (Sesso::F, d - 40),
        d => return Err(CfError::Day(d)),
    };
    let yy = two_digits(&plain[6..8]);
    check_day(day, month, yy.is_multiple_of(4), i32::from(yy))?;
    let expected = check_char(&b[..15]).unwrap_or(b'X');
    if b[15] != expected {
        return Err(CfError::CheckChar(char::from(expected)));
    }
    let parts = Parts {
        plain,
        sesso,
        yy,
        month,
        day,
    };
    if !belfiore::is_known(parts.belfiore()) {
        return Err(CfError::UnknownPlace(parts.belfiore().to_string()));
    }
    Ok(parts)
}

/// Letters where letters go, digits (or omocodia letters) where digits go.
fn check_syntax(code: &str) -> Result<(), CfError> {
    for (i, (c, class)) in code.chars().zip(PATTERN).enumerate() {
        let (ok, expected) = match class {
            b'L' => (c.is_ascii_uppercase(), "una lettera"),
            _ => (
                c.is_ascii_digit() || c.is_ascii() && OMOCODIA.contains(&(c as u8)),
                "una cifra",
            ),
        };
        if !ok {
            return Err(CfError::Char {
                pos: i + 1,
                found: c,
                expected,
            });
        }
    }
    Ok(())
}

/// Turns omocodia letters back into digits (input: the first 15 characters, syntax already checked).
fn undo_omocodia(first15: &[u8]) -> Vec<u8> {
    let mut b = first15.to_vec();
    for &pos in &OMOCODIA_POSITIONS {
        if let Some(d) = OMOCODIA.iter().position(|&l| l == b[pos]) {
            b[pos] = b'0' + d as u8;
        }
    }
    b
}

fn two_digits(b: &[u8]) -> u8 {
    (b[0] - b'0') * 10 + (b[1] - b'0')
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(month: u8, leap: bool) -> u8 {
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `year_shown` only appears in the error for 29 February.
fn check_day(day: u8, month: u8, leap: bool, year_shown: i32) -> Result<(), CfError> {
    if day <= days_in_month(month, leap) {
        Ok(())
    } else if month == 2 && day == 29 {
        Err(CfError::NotLeap(year_shown))
    } else {
        Err(CfError::DayOfMonth { day, month })
    }
}

/// A temporary code for a person without a codice fiscale, deterministic from `seed` (use stable
/// data: surname, name, date and place of birth, or the person's id).
///
/// Form: `[`, the first 14 upper-case hex digits of SHA-256 of `sportello-cf-provvisorio:` followed
/// by the seed, `]`; SISO brackets its placeholders the same way. Sixteen characters like a real code,
/// so it fits the same fields; brackets never occur in a codice fiscale (nor in the Agenzia's 11-digit
/// numeric codes), so it can never collide with one.
pub fn temporary(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("sportello-cf-provvisorio:{seed}").as_bytes());
    format!("[{}]", &hex::encode_upper(digest)[..14])
}

/// True for a bracketed placeholder code (`[` letters and digits `]`), ours from [`temporary`] or
/// SISO's.
pub fn is_temporary(code: &str) -> bool {
    let c = code.trim();
    c.len() > 2
        && c.starts_with('[')
        && c.ends_with(']')
        && c[1..c.len() - 1].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Italian warnings where `code` does not match the personal data (omocodia-aware); empty when it
/// matches or is a temporary code. Empty `cognome`, `nome` or `belfiore` are not compared. An invalid
/// code gives a single warning with the reason.
pub fn consistency(
    code: &str,
    cognome: &str,
    nome: &str,
    sesso: Sesso,
    date: Date,
    belfiore: &str,
) -> Vec<String> {
    if is_temporary(code) {
        return Vec::new();
    }
    let p = match parse(code) {
        Ok(p) => p,
        Err(e) => return vec![format!("codice fiscale non valido: {e}")],
    };
    let in_code =
        |range: std::ops::Range<usize>| String::from_utf8_lossy(&p.plain[range]).into_owned();
    let mut warnings = Vec::new();
    // A code given before the Agenzia wrote umlauts as AE, OE, UE (or by an office that dropped
    // them) has the letters of the plain vowels: both match.
    let matches = |code: fn(&[u8]) -> String, name: &str, in_code: &str| {
        code(&cf_letters(name)) == in_code || code(&fold_letters(name)) == in_code
    };
    if !cognome.trim().is_empty() && !matches(surname_letters, cognome, &in_code(0..3)) {
        warnings.push(format!(
            "il cognome non corrisponde (lettere attese {}, nel codice {})",
            surname_code(cognome),
            in_code(0..3)
        ));
    }
    if !nome.trim().is_empty() && !matches(name_letters, nome, &in_code(3..6)) {
        warnings.push(format!(
            "il nome non corrisponde (lettere attese {}, nel codice {})",
            name_code(nome),
            in_code(3..6)
        ));
    }
    if sesso != p.sesso {
        warnings.push(format!(
            "il sesso non corrisponde (nel codice {})",
            p.sesso.as_char()
        ));
    }
    if (date.0.rem_euclid(100), date.1, date.2) != (i32::from(p.yy), p.month, p.day) {
        warnings.push(format!(
            "la data di nascita non corrisponde (nel codice {:02}/{:02}/{:02})",
            p.day, p.month, p.yy
        ));
    }
    let belfiore = normalize(belfiore);
    if !belfiore.is_empty() && belfiore != p.belfiore() {
        let place = belfiore::lookup(p.belfiore(), Some(date))
            .or_else(|| belfiore::lookup(p.belfiore(), None));
        let name = place
            .map(|pl| format!(", {}", pl.label()))
            .unwrap_or_default();
        warnings.push(format!(
            "il luogo di nascita non corrisponde (nel codice {}{name})",
            p.belfiore()
        ));
    }
    warnings
}

/// One line for `sportello cf check`: the code, a tab, then `valido` or the reason it is not (the
/// full check of [`decode`]). The bool is true when valid. Fields are sanitised.
pub fn check_line(code: &str, today: Date) -> (String, bool) {
    let shown = sanitize(&normalize(code));
    match decode(code, today) {
        Ok(_) => (format!("{shown}\tvalido"), true),
        Err(e) => (format!("{shown}\t{}", sanitize(&e.to_string())), false),
    }
}

/// One line for `sportello cf decode`: as [`check_line`], and when valid also sex (`M`/`F`), birth
/// date `gg/mm/aaaa` and birthplace (`Roma (RM)`, or the foreign state), tab-separated.
pub fn cli_line(code: &str, today: Date) -> (String, bool) {
    let shown = sanitize(&normalize(code));
    match decode(code, today) {
        Ok(d) => {
            let line = format!(
                "{shown}\tvalido\t{}\t{}\t{}",
                d.sesso.as_char(),
                gg_mm_aaaa(&d.birth_date),
                sanitize(&d.place.label())
            );
            (line, true)
        }
        Err(e) => (format!("{shown}\t{}", sanitize(&e.to_string())), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TODAY: Date = (2026, 11, 29);

    /// Appends the right check character to 15 characters.
    fn with_check(first15: &str) -> String {
        let c = check_char(first15.as_bytes()).unwrap();
        format!("{first15}{}", char::from(c))
    }

    fn reason(code: &str, today: Date) -> String {
        decode(code, today).unwrap_err().to_string()
    }

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

    /// Real-world-style persons and their codes as computed outside this crate, by an independent
    /// implementation of DM 23/12/1976 with the transliteration table of the Ministero dell'Interno's
    /// circolare 1/2008 (adopted by the Agenzia delle Entrate with circolare 34/E of 2011: `ß` `SS`,
    /// `Æ` `AE`, `Œ` `OE`, `Ä` `Ö` `Ü` `AE` `OE` `UE`, other diacritics dropped) and the other Latin
    /// letters as their base letter (`Ł` `L`, `ı` `I`, `Đ` `D`, `Ø` `O`).
    #[rustfmt::skip]
    const AGENZIA: &[(&str, &str, Sesso, Date, &str, &str)] = &[
        ("D'Angelo", "Gianfranco", Sesso::M, (1962, 7, 14), "F839", "DNGGFR62L14F839U"),
        ("De Luca", "Maria Grazia", Sesso::F, (1971, 3, 2), "H501", "DLCMGR71C42H501P"),
        ("Dell'Acqua", "Niccolò", Sesso::M, (1985, 11, 30), "F205", "DLLNCL85S30F205K"),
        ("Orrù", "Lù", Sesso::F, (1990, 1, 9), "G478", "RROLUX90A49G478S"),
        ("Nicolò", "Zoë", Sesso::F, (2001, 12, 25), "L219", "NCLZOE01T65L219J"),
        ("O'Neill", "Siobhán", Sesso::F, (1979, 6, 4), "Z116", "NLLSHN79H44Z116Y"),
        ("Weiß", "Jürgen", Sesso::M, (1958, 9, 17), "A952", "WSSJGN58P17A952G"),
        ("Strauß", "Jörg", Sesso::M, (1955, 3, 3), "Z112", "STRJRG55C03Z112T"),
        ("Müller", "Björn", Sesso::M, (1966, 2, 28), "Z112", "MLLBRN66B28Z112Y"),
        ("Öz", "Ayşe", Sesso::F, (1994, 5, 19), "Z243", "ZOEYSA94E59Z243B"),
        ("Yıldız", "Işık", Sesso::M, (1988, 10, 3), "Z243", "YLDSKI88R03Z243X"),
        ("Şahin", "Ümit", Sesso::M, (1975, 8, 21), "Z243", "SHNMTU75M21Z243M"),
        ("Wiśniewski", "Łucja", Sesso::F, (1983, 4, 11), "Z127", "WSNLCJ83D51Z127H"),
        ("Łukasiewicz", "Paweł", Sesso::M, (1969, 12, 1), "Z127", "LKSPWL69T01Z127A"),
        ("Țăran", "Ștefan", Sesso::M, (1992, 3, 27), "Z129", "TRNSFN92C27Z129I"),
        ("Muñoz", "Iñaki", Sesso::M, (1980, 7, 7), "Z131", "MNZNKI80L07Z131P"),
        ("García Núñez", "José María", Sesso::M, (1973, 1, 31), "Z131", "GRCJMR73A31Z131D"),
        ("Kjær", "Søren", Sesso::M, (1960, 6, 15), "Z107", "KJRSRN60H15Z107Q"),
        ("Sæther", "Åse", Sesso::F, (1957, 9, 9), "Z125", "STHSAE57P49Z125D"),
        ("Œuvrard", "Anne-Sophie", Sesso::F, (1986, 2, 14), "Z110", "VRRNSP86B54Z110L"),
        ("Bœuf", "Léa", Sesso::F, (1991, 9, 30), "Z110", "BFOLEA91P70Z110S"),
        ("Lefèvre", "Chloé", Sesso::F, (1999, 8, 8), "Z110", "LFVCHL99M48Z110R"),
        ("Nguyễn", "Văn", Sesso::M, (1978, 11, 11), "Z251", "NGYVNA78S11Z251I"),
        ("Đorđević", "Đurđa", Sesso::F, (1964, 4, 4), "Z158", "DRDDRD64D44Z158D"),
        ("Lü", "Åsa", Sesso::F, (2003, 10, 10), "Z132", "LUESAA03R50Z132Z"),
        ("Fo", "Ali", Sesso::M, (1970, 1, 1), "Z330", "FOXLAI70A01Z330W"),
    ];

    #[test]
    fn accents_apostrophes_and_foreign_letters_give_the_agenzia_codes() {
        for &(cognome, nome, sesso, date, place, code) in AGENZIA {
            let who = format!("{cognome} {nome}");
            assert_eq!(
                compute(cognome, nome, sesso, date.0, date.1, date.2, place),
                code,
                "{who}"
            );
            let d = decode(code, TODAY).unwrap_or_else(|e| panic!("{who}: {e}"));
            assert_eq!(
                (d.sesso, d.birth_date, d.place.code.as_str()),
                (sesso, date, place)
            );
            assert!(
                consistency(code, cognome, nome, sesso, date, place).is_empty(),
                "{who}"
            );
        }
    }

    #[test]
    fn codes_made_with_plain_umlauts_still_match_but_a_single_s_for_eszett_does_not() {
        // Before 2011 (or at an office that dropped the diaeresis) Öz was written OZ: ZOX.
        let old = compute("Oz", "Ayse", Sesso::F, 1994, 5, 19, "Z243");
        assert_eq!(&old[..6], "ZOXYSA");
        assert!(consistency(&old, "Öz", "Ayşe", Sesso::F, (1994, 5, 19), "Z243").is_empty());
        // ß was never a single S: WSE is not Weiß's code.
        let wrong = compute("Weis", "Jurgen", Sesso::M, 1958, 9, 17, "A952");
        assert_eq!(
            consistency(&wrong, "Weiß", "Jürgen", Sesso::M, (1958, 9, 17), "A952"),
            ["il cognome non corrisponde (lettere attese WSS, nel codice WSE)"]
        );
    }

    /// The shared folding agrees with the CF letters on every name of the data files; the codes are
    /// the same even where the umlaut rule differs (`Müller`).
    #[test]
    fn search_folding_gives_the_cf_letters_of_the_name_lists() {
        let cognomi = include_str!("../../data/cognomi.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty());
        let nomi = include_str!("../../data/nomi-propri.csv")
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(',').map(|(n, _)| n));
        let mut checked = 0;
        for name in cognomi.chain(nomi) {
            let search = super::super::fold::letters(name);
            let cf = cf_letters(name);
            if !name.contains(['Ä', 'Ö', 'Ü', 'ä', 'ö', 'ü']) {
                assert_eq!(search, cf, "{name}");
            }
            assert_eq!(surname_letters(&search), surname_letters(&cf), "{name}");
            assert_eq!(name_letters(&search), name_letters(&cf), "{name}");
            checked += 1;
        }
        assert!(checked > 1400, "{checked}");
    }

    #[test]
    fn omocodia_keeps_a_valid_check_char() {
        let cf = compute("Rossi", "Mario", Sesso::M, 1980, 1, 1, "H501");
        let o = omocode(&cf, 1);
        assert_eq!(&o[..14], "RSSMRA80A01H50");
        assert_eq!(o.as_bytes()[14], b'M');
        assert_eq!(check_char(&o.as_bytes()[..15]), Some(o.as_bytes()[15]));
    }

    #[test]
    fn valid_code_decodes() {
        assert_eq!(validate("RSSMRA80A01H501U"), Ok(()));
        let d = decode("RSSMRA80A01H501U", TODAY).unwrap();
        assert_eq!((d.sesso, d.birth_date), (Sesso::M, (1980, 1, 1)));
        assert_eq!(
            (d.place.code.as_str(), d.place.label()),
            ("H501", "Roma (RM)".to_string())
        );
        let d = decode(
            &compute("Nicolò", "Anna", Sesso::F, 1975, 12, 3, "G478"),
            TODAY,
        )
        .unwrap();
        assert_eq!(
            (d.sesso, d.birth_date, d.place.name.as_str()),
            (Sesso::F, (1975, 12, 3), "Perugia")
        );
    }

    #[test]
    fn lowercase_and_spaces_are_normalised() {
        assert_eq!(validate("  rssmra80a01h501u\n"), Ok(()));
        assert_eq!(
            decode("rssmra80a01h501u", TODAY).unwrap().birth_date,
            (1980, 1, 1)
        );
        assert_eq!(normalize(" rssmra80a01h501u "), "RSSMRA80A01H501U");
    }

    #[test]
    fn bad_codes_give_italian_reasons() {
        let cases = [
            (
                "RSSMRA80A01H501X".to_string(),
                "carattere di controllo errato (atteso U)",
            ),
            (
                "RSSMRA80A01H501".to_string(),
                "lunghezza errata (15 caratteri invece di 16)",
            ),
            (
                "RSSMRA80A01H501UU".to_string(),
                "lunghezza errata (17 caratteri invece di 16)",
            ),
            (
                "".to_string(),
                "lunghezza errata (0 caratteri invece di 16)",
            ),
            (
                "1SSMRA80A01H501U".to_string(),
                "carattere non valido in posizione 1 («1»: attesa una lettera)",
            ),
            (
                "RSSMRA8OA01H501U".to_string(),
                "carattere non valido in posizione 8 («O»: attesa una cifra)",
            ),
            (
                "RSSMRA80A01H5-1U".to_string(),
                "carattere non valido in posizione 14 («-»: attesa una cifra)",
            ),
            (with_check("RSSMRA80Z01H501"), "mese non valido (lettera Z)"),
            (with_check("RSSMRA80A32H501"), "giorno non valido (32)"),
            (with_check("RSSMRA80A00H501"), "giorno non valido (00)"),
            (with_check("RSSMRA80A72H501"), "giorno non valido (72)"),
            (
                with_check("RSSMRA80D31H501"),
                "giorno non valido (31 aprile)",
            ),
            (
                with_check("RSSMRA80B30H501"),
                "giorno non valido (30 febbraio)",
            ),
            (
                with_check("RSSMRA80B70H501"),
                "giorno non valido (30 febbraio)",
            ),
            (
                with_check("RSSMRA81B29H501"),
                "giorno non valido (29 febbraio, anno 81 non bisestile)",
            ),
            (
                with_check("RSSMRA80A01Z999"),
                "codice catastale sconosciuto (Z999)",
            ),
            (
                with_check("RSSMRA80A01A003"),
                "codice catastale A003 (Abbadia Alpina) non valido alla data di nascita (01/01/1980)",
            ),
            (with_check("RSSMRA26T01H501"), "data di nascita nel futuro"),
            (
                temporary("seed"),
                "codice provvisorio, non un codice fiscale",
            ),
        ];
        for (code, expected) in cases {
            assert_eq!(reason(&code, TODAY), expected, "{code}");
        }
    }

    #[test]
    fn validate_checks_structure_decode_checks_dates_and_places() {
        // Not known without today's date or the birth date: only decode rejects these.
        assert_eq!(validate(&with_check("RSSMRA26T01H501")), Ok(()));
        assert_eq!(validate(&with_check("RSSMRA80A01A003")), Ok(()));
        // 29 February: leap years only; "00" is accepted by validate (2000 was a leap year).
        assert_eq!(validate(&with_check("RSSMRA80B29H501")), Ok(()));
        assert_eq!(validate(&with_check("RSSMRA00B29H501")), Ok(()));
        assert_eq!(
            decode(&with_check("RSSMRA00B29H501"), TODAY)
                .unwrap()
                .birth_date,
            (2000, 2, 29)
        );
        assert_eq!(
            decode(&with_check("RSSMRA00B29H501"), (1999, 1, 1)),
            Err(CfError::NotLeap(1900))
        );
    }

    #[test]
    fn century_is_the_most_recent_not_in_the_future() {
        assert_eq!(full_year(26, 2026), 2026);
        assert_eq!(full_year(27, 2026), 1927);
        assert_eq!(full_year(0, 2026), 2000);
        assert_eq!(full_year(99, 2000), 1999);
        assert_eq!(full_year(0, 2000), 2000);
        // Born earlier this year: fine; later this year: in the future.
        assert_eq!(
            decode(&with_check("RSSMRA26A01H501"), TODAY)
                .unwrap()
                .birth_date,
            (2026, 1, 1)
        );
        assert_eq!(
            decode(&with_check("RSSMRA26S29H501"), TODAY)
                .unwrap()
                .birth_date,
            (2026, 11, 29)
        );
        assert_eq!(
            decode(&with_check("RSSMRA26S30H501"), TODAY),
            Err(CfError::Future)
        );
        assert_eq!(
            decode(&with_check("RSSMRA27A01H501"), TODAY)
                .unwrap()
                .birth_date,
            (1927, 1, 1)
        );
    }

    #[test]
    fn place_is_the_one_valid_on_the_birth_date() {
        // Decoded as of 1950, so that "20" and "30" mean 1920 and 1930.
        let today = (1950, 1, 1);
        // A003 was Abbadia Alpina (TO) until 1928; A001 was Abano before becoming Abano Terme in 1924.
        let d = decode(&with_check("RSSMRA20A01A003"), today).unwrap();
        assert_eq!(d.place.label(), "Abbadia Alpina (TO)");
        assert_eq!(
            decode(&with_check("RSSMRA20A01A001"), today)
                .unwrap()
                .place
                .name,
            "Abano"
        );
        assert_eq!(
            decode(&with_check("RSSMRA30A01A001"), today)
                .unwrap()
                .place
                .name,
            "Abano Terme"
        );
    }

    #[test]
    fn omocodia_variants_decode_to_the_same_person() {
        let base = "RSSMRA80A01H501U";
        let person = decode(base, TODAY).unwrap();
        for level in 1..=7 {
            let o = omocode(base, level);
            assert_eq!(validate(&o), Ok(()), "{o}");
            assert_eq!(decode(&o, TODAY).unwrap(), person, "{o}");
            assert_eq!(base_code(&o).unwrap(), base);
            assert!(consistency(&o, "Rossi", "Mario", Sesso::M, (1980, 1, 1), "H501").is_empty());
        }
        assert_eq!(omocode(base, 7), "RSSMRAULALMHRLMD");
        assert_eq!(decode("rssmraulalmhrlmd", TODAY).unwrap(), person);
        // Any combination of omocodia letters is accepted, not only the right-to-left ones.
        let partial = with_check("RSSMRA8LA01H501");
        assert_eq!(decode(&partial, TODAY).unwrap(), person);
    }

    #[test]
    fn foreign_born() {
        let cf = compute("Smith", "John", Sesso::M, 1970, 5, 10, "Z404");
        let d = decode(&cf, TODAY).unwrap();
        assert!(d.place.foreign);
        assert_eq!(
            (d.place.name.as_str(), d.place.provincia.as_deref()),
            ("Stati Uniti D'America", None)
        );
        let (line, ok) = cli_line(&cf, TODAY);
        assert!(ok);
        assert_eq!(
            line,
            format!("{cf}\tvalido\tM\t10/05/1970\tStati Uniti D'America")
        );
    }

    #[test]
    fn temporary_codes_are_deterministic_and_never_real() {
        let t = temporary("Rossi|Mario|1980-01-01|H501");
        assert_eq!(t, temporary("Rossi|Mario|1980-01-01|H501"));
        assert_ne!(t, temporary("Rossi|Maria|1980-01-01|H501"));
        assert_eq!(t.chars().count(), 16);
        assert!(t.starts_with('[') && t.ends_with(']'));
        assert!(is_temporary(&t) && is_temporary(&t.to_lowercase()) && is_temporary("[ABC123]"));
        assert!(!is_temporary("RSSMRA80A01H501U") && !is_temporary("[]") && !is_temporary("[A B]"));
        assert_eq!(validate(&t), Err(CfError::Temporary));
        assert!(consistency(&t, "Rossi", "Mario", Sesso::M, (1980, 1, 1), "H501").is_empty());
    }

    #[test]
    fn consistency_warns_on_each_mismatch() {
        let cf = "RSSMRA80A01H501U";
        assert!(consistency(cf, "Rossi", "Mario", Sesso::M, (1980, 1, 1), "h501").is_empty());
        // Empty fields are not compared.
        assert!(consistency(cf, "", " ", Sesso::M, (1980, 1, 1), "").is_empty());
        assert_eq!(
            consistency(cf, "Rossi", "Mario", Sesso::F, (1981, 1, 2), "F205"),
            vec![
                "il sesso non corrisponde (nel codice M)",
                "la data di nascita non corrisponde (nel codice 01/01/80)",
                "il luogo di nascita non corrisponde (nel codice H501, Roma (RM))",
            ]
        );
        assert_eq!(
            consistency(cf, "Bianchi", "Gianfranco", Sesso::M, (1980, 1, 1), "H501"),
            vec![
                "il cognome non corrisponde (lettere attese BNC, nel codice RSS)",
                "il nome non corrisponde (lettere attese GFR, nel codice MRA)",
            ]
        );
        assert_eq!(
            consistency(
                "RSSMRA80A01H501X",
                "Rossi",
                "Mario",
                Sesso::M,
                (1980, 1, 1),
                "H501"
            ),
            vec!["codice fiscale non valido: carattere di controllo errato (atteso U)"]
        );
    }

    #[test]
    fn cli_lines() {
        assert_eq!(
            cli_line(" rssmra80a01h501u", TODAY),
            (
                "RSSMRA80A01H501U\tvalido\tM\t01/01/1980\tRoma (RM)".into(),
                true
            )
        );
        assert_eq!(
            check_line("RSSMRA80A01H501U", TODAY),
            ("RSSMRA80A01H501U\tvalido".into(), true)
        );
        let bad = (
            "RSSMRA80A01H501X\tcarattere di controllo errato (atteso U)".to_string(),
            false,
        );
        assert_eq!(cli_line("RSSMRA80A01H501X", TODAY), bad);
        assert_eq!(check_line("RSSMRA80A01H501X", TODAY), bad);
        // Control characters in the input never reach the terminal.
        let (line, ok) = check_line("\x1b[2JRSSMRA80A01H501U", TODAY);
        assert!(!ok && !line.contains('\x1b'), "{line}");
    }

    const COGNOMI: &[&str] = &[
        "Rossi",
        "D'Angelo",
        "Nicolò",
        "Dell'Acqua",
        "Fo",
        "Wu",
        "O'Neill",
        "Müller",
        "La Rosa",
        "Zà",
    ];
    const NOMI: &[&str] = &[
        "Mario",
        "Anna",
        "Gianfranco",
        "Maria Grazia",
        "Zoë",
        "Lù",
        "Jean-Luc",
        "Niccolò",
        "Ali",
        "Ïo",
    ];

    fn julian(d: Date) -> i32 {
        let month = time::Month::try_from(d.1).unwrap();
        time::Date::from_calendar_date(d.0, month, d.2)
            .unwrap()
            .to_julian_day()
    }

    fn from_julian(j: i32) -> Date {
        let d = time::Date::from_julian_day(j).unwrap();
        (d.year(), u8::from(d.month()), d.day())
    }

    /// Periods overlapping 1900–2025, with the julian days of that overlap.
    fn periods() -> &'static [(Place, i32, i32)] {
        static P: std::sync::OnceLock<Vec<(Place, i32, i32)>> = std::sync::OnceLock::new();
        P.get_or_init(|| {
            belfiore::all()
                .filter_map(|p| {
                    let lo = julian(p.valid_from.max((1900, 1, 1)));
                    let hi = julian(p.valid_to.unwrap_or((2025, 12, 31)).min((2025, 12, 31)));
                    (lo <= hi).then_some((p, lo, hi))
                })
                .collect()
        })
    }

    /// A random person: surname, name, sex, birth date 1900–2025, a place valid on that date.
    fn person() -> impl Strategy<Value = (&'static str, &'static str, Sesso, Date, Place)> {
        (
            prop::sample::select(COGNOMI),
            prop::sample::select(NOMI),
            any::<bool>(),
            any::<prop::sample::Index>(),
            any::<prop::sample::Index>(),
        )
            .prop_map(|(cognome, nome, female, place, day)| {
                let (p, lo, hi) = place.get(periods()).clone();
                let date = from_julian(lo + day.index((hi - lo + 1) as usize) as i32);
                (
                    cognome,
                    nome,
                    if female { Sesso::F } else { Sesso::M },
                    date,
                    p,
                )
            })
    }

    proptest! {
        #[test]
        fn computed_codes_validate_and_decode_back((cognome, nome, sesso, date, place) in person(), years_later in 0..100i32) {
            let today = (date.0 + years_later, 12, 31);
            let cf = compute(cognome, nome, sesso, date.0, date.1, date.2, &place.code);
            prop_assert_eq!(validate(&cf), Ok(()));
            let d = decode(&cf, today).unwrap();
            prop_assert_eq!((d.sesso, d.birth_date), (sesso, date));
            prop_assert_eq!(&d.place.code, &place.code);
            prop_assert!(d.place.valid_on(date));
            prop_assert_eq!(d.place.foreign, place.foreign);
            prop_assert!(consistency(&cf, cognome, nome, sesso, date, &place.code).is_empty());
            for level in 1..=7 {
                let o = omocode(&cf, level);
                prop_assert_eq!(validate(&o), Ok(()));
                prop_assert_eq!(&decode(&o, today).unwrap(), &d);
                prop_assert_eq!(base_code(&o).unwrap(), cf.clone());
                prop_assert!(consistency(&o, cognome, nome, sesso, date, &place.code).is_empty());
            }
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,20}|[A-Z0-9LMNPQRSTUV]{16}") {
            let _ = validate(&s);
            let _ = decode(&s, TODAY);
            let _ = base_code(&s);
            let _ = consistency(&s, "Rossi", "Mario", Sesso::M, (1980, 1, 1), "H501");
            let (line, ok) = cli_line(&s, TODAY);
            prop_assert_eq!(ok, decode(&s, TODAY).is_ok());
            prop_assert!(!line.contains('\n'));
        }
    }
}
