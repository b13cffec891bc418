//! Folding of names, one rule for search keys and for the letters of the codice fiscale.
//!
//! The shared rule: Unicode NFD, combining marks dropped (`Niccolò` → `NICCOLO`, `Ștefan` →
//! `STEFAN`); the Latin letters that do not decompose transliterated by [`transliterate`] (`ß` →
//! `SS`, `Æ` → `AE`, `Œ` → `OE` as in the table of the Ministero dell'Interno's circolare 1/2008,
//! which the Agenzia delle Entrate adopted with circolare 34/E of 2011; `Ł`, `Ø`, `Đ` → their base
//! letter); apostrophes and dots vanish (`D'ANGELO` → `DANGELO`); upper case.
//!
//! Two differences, on purpose:
//! - **German umlauts.** The circolare writes `Ä`, `Ö`, `Ü` as `AE`, `OE`, `UE`, and that
//!   transliteration is what the Agenzia computes a codice fiscale from ([`cf_letters`]): `Öz`
//!   gives `ZOE`, not `ZOX`. Search keys ([`fold`]) drop the diaeresis like any other mark, so that
//!   `Muller` typed at the desk finds `Müller`; they are also stored in the database (the
//!   `*_key` columns), so changing them would need every key rebuilt.
//! - **What is kept.** Search keys keep digits and letters of other scripts (`Иван` stays
//!   searchable) and turn anything else into a single space between words; the codice fiscale
//!   alphabet is the 26 letters `A`–`Z` only ([`letters`], [`cf_letters`]).

use unicode_normalization::UnicodeNormalization;

/// A Latin letter that Unicode decomposition leaves whole, in ASCII letters; `None` for others.
pub fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "SS",
        'Æ' | 'æ' => "AE",
        'Œ' | 'œ' => "OE",
        'Ł' | 'ł' => "L",
        'Ø' | 'ø' => "O",
        'Đ' | 'đ' => "D",
        _ => return None,
    })
}

/// The combining diaeresis (umlaut) of NFD.
const DIAERESIS: char = '\u{308}';

/// The shared fold. With `umlaut_e`, a diaeresis on `A`, `O` or `U` becomes an `E` after it.
fn fold_with(s: &str, umlaut_e: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        if let Some(t) = transliterate(c) {
            push(&mut out, &mut space, t.chars());
        } else if matches!(c, '\'' | '’' | '`' | '´' | '.') {
            continue;
        } else if unicode_normalization::char::is_combining_mark(c) {
            if umlaut_e && c == DIAERESIS && out.ends_with(['A', 'O', 'U']) {
                out.push('E');
            }
        } else if c.is_ascii_alphanumeric() {
            push(&mut out, &mut space, [c.to_ascii_uppercase()]);
        } else if c.is_alphanumeric() {
            // Letters of other scripts are kept (upper-cased) so that such names stay searchable.
            push(&mut out, &mut space, c.to_uppercase());
        } else {
            space = true;
        }
    }
    out
}

/// Appends `text`, after one space if a word break came before it.
fn push(out: &mut String, space: &mut bool, text: impl IntoIterator<Item = char>) {
    if *space && !out.is_empty() {
        out.push(' ');
    }
    *space = false;
    out.extend(text);
}

/// The search key of a name: what the receptionist types and what the registry wrote (`NICCOLO'`,
/// `Niccolò`, `Nicolò`) compare equal after folding. Words are separated by one space.
pub fn fold(s: &str) -> String {
    fold_with(s, false)
}

/// The letters `A`–`Z` of [`fold`]: digits, spaces and other scripts dropped. Matches place names.
pub fn letters(s: &str) -> Vec<u8> {
    only_letters(fold(s))
}

/// The letters `A`–`Z` a codice fiscale is computed from: as [`letters`], with `Ä`, `Ö`, `Ü` written
/// `AE`, `OE`, `UE` as in the Agenzia's transliteration.
pub fn cf_letters(s: &str) -> Vec<u8> {
    only_letters(fold_with(s, true))
}

fn only_letters(folded: String) -> Vec<u8> {
    let mut b = folded.into_bytes();
    b.retain(u8::is_ascii_uppercase);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(b: Vec<u8>) -> String {
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn accents_apostrophes_and_case_fold_away() {
        assert_eq!(fold("Niccolò"), "NICCOLO");
        assert_eq!(fold("NICCOLO'"), "NICCOLO");
        assert_eq!(fold("d'Angelo"), "DANGELO");
        assert_eq!(fold("  De   Luca "), "DE LUCA");
        assert_eq!(fold("Ștefan Țăran"), "STEFAN TARAN");
        assert_eq!(fold("Łukasz Wiśniewski"), "LUKASZ WISNIEWSKI");
        assert_eq!(fold("Müller-Lüdenscheidt"), "MULLER LUDENSCHEIDT");
        assert_eq!(fold("Иван"), "ИВАН");
    }

    #[test]
    fn letters_keep_a_to_z_only() {
        assert_eq!(text(letters("D'Angelo De Luca")), "DANGELODELUCA");
        assert_eq!(
            text(letters("Reggio nell'Emilia (RE)")),
            "REGGIONELLEMILIARE"
        );
        assert_eq!(text(letters("Weiß Æsa Œuvre")), "WEISSAESAOEUVRE");
        assert_eq!(text(letters("Işık Đorđe Øre")), "ISIKDORDEORE");
        assert_eq!(text(letters("Müller Иван 2")), "MULLER");
        assert_eq!(text(cf_letters("Müller")), "MUELLER");
        assert_eq!(text(cf_letters("Öz Bär")), "OEZBAER");
        // Decomposed input reads the same as precomposed.
        assert_eq!(text(cf_letters("Mu\u{308}ller")), "MUELLER");
        // The circolare keeps Ë, Ï and Ÿ as plain vowels.
        assert_eq!(text(cf_letters("Zoë Ïo Ÿ")), "ZOEIOY");
    }
}
