//! Folding of names for search and matching: what the receptionist types and what the registry wrote
//! (`NICCOLO'`, `Niccolò`, `Nicolò`) compare equal after folding.
//!
//! Rule: Unicode NFD, combining marks dropped, a few letters mapped by hand (ß→SS, Ł→L, Ø→O, Đ→D,
//! Æ→AE, Œ→OE), ASCII upper case; apostrophes and dots vanish (`D'ANGELO` → `DANGELO`); any other
//! non-alphanumeric character becomes a single space; trimmed.

use unicode_normalization::UnicodeNormalization;

pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        let mapped: &str = match c {
            'ß' => "SS",
            'Ł' | 'ł' => "L",
            'Ø' | 'ø' => "O",
            'Đ' | 'đ' => "D",
            'Æ' | 'æ' => "AE",
            'Œ' | 'œ' => "OE",
            '\'' | '’' | '`' | '´' | '.' => continue,
            c if unicode_normalization::char::is_combining_mark(c) => continue,
            _ => "",
        };
        if !mapped.is_empty() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push_str(mapped);
        } else if c.is_ascii_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c.to_ascii_uppercase());
        } else if c.is_alphanumeric() {
            // Letters of other scripts are kept (upper-cased) so that such names stay searchable.
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_uppercase());
        } else {
            space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

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
}
