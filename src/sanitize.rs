//! The one function that makes a foreign string (database, import, environment, error text) safe to
//! draw on a terminal or write to a log, export or recording.
//!
//! C0 controls (except `\n` when allowed), DEL, C1 controls (incl. 8-bit CSI U+009B and OSC U+009D),
//! bidi controls and overrides, line/paragraph separators and the BOM become visible placeholders:
//! caret notation (`^[`) for C0/DEL, `<U+XXXX>` for the others. Tabs become a space.
//!
//! [`spreadsheet_text`] adds formula neutralisation for cells of CSV files that a spreadsheet will
//! open (every CSV the program writes goes through it).

/// Sanitises a single-line string: newlines become `⏎`-free `^J` placeholders too.
pub fn sanitize(s: &str) -> String {
    sanitize_with(s, false)
}

/// Sanitises multi-line text: `\n` is kept, every other control is replaced.
pub fn sanitize_multiline(s: &str) -> String {
    sanitize_with(s, true)
}

/// True when `c` would be replaced by [`sanitize_multiline`].
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// A text cell for a spreadsheet (CSV): sanitised, and when it starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return (what a spreadsheet reads as a formula) prefixed with `'` so that it
/// is shown as text instead of evaluated.
pub fn spreadsheet_text(s: &str) -> String {
    neutralise_formula(s, sanitize(s))
}

/// Like [`spreadsheet_text`] but keeps line breaks (`\r\n` and `\r` become `\n`).
pub fn spreadsheet_text_multiline(s: &str) -> String {
    let text = s.replace("\r\n", "\n").replace('\r', "\n");
    neutralise_formula(s, sanitize_multiline(&text))
}

/// `clean` (the sanitised `raw`) with a leading `'` when `raw` starts like a formula.
fn neutralise_formula(raw: &str, clean: String) -> String {
    if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{clean}")
    } else {
        clean
    }
}

fn sanitize_with(s: &str, keep_newline: bool) -> String {
    if !s
        .chars()
        .any(|c| is_unsafe(c) || c == '\t' || c == '\n' && !keep_newline)
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_newline => out.push('\n'),
            '\t' => out.push(' '),
            '\u{0}'..='\u{1f}' => {
                out.push('^');
                out.push((b'@' + c as u8) as char);
            }
            '\u{7f}' => out.push_str("^?"),
            c if is_unsafe(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The injection corpus: none of these may reach the terminal as a control.
    pub const CORPUS: &[&str] = &[
        "\x1b[2J\x1b[H",
        "\x1b]52;c;ZWNobyBwd25lZA==\x07",
        "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
        "\u{9b}31m",
        "\u{9d}0;title\u{9c}",
        "a\0b",
        "del\x7f",
        "ret\rurn",
        "\u{202e}evil",
        "\u{2066}iso\u{2069}",
        "\u{feff}bom",
    ];

    #[test]
    fn corpus_comes_out_without_controls() {
        for s in CORPUS {
            let out = sanitize(s);
            assert!(
                !out.chars().any(|c| c.is_control() || is_unsafe(c)),
                "{s:?} -> {out:?}"
            );
        }
        assert_eq!(sanitize("\x1b[2J"), "^[[2J");
        assert_eq!(sanitize("a\u{202e}b"), "a<U+202E>b");
        assert_eq!(sanitize("x\ny"), "x^Jy");
        assert_eq!(sanitize_multiline("x\ny\r"), "x\ny^M");
    }

    #[test]
    fn spreadsheet_cells_are_neutralised() {
        assert_eq!(spreadsheet_text("=1+1"), "'=1+1");
        assert_eq!(spreadsheet_text("+39"), "'+39");
        assert_eq!(spreadsheet_text("-2"), "'-2");
        assert_eq!(spreadsheet_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_text("\t=1"), "' =1");
        assert_eq!(spreadsheet_text("\r=1"), "'^M=1");
        assert_eq!(spreadsheet_text("Rossi"), "Rossi");
        assert_eq!(spreadsheet_text("a=b"), "a=b");
        assert_eq!(spreadsheet_text("\x1b[31mRossi"), "^[[31mRossi");
        assert_eq!(
            spreadsheet_text("\x1b]0;pwn\x07=cmd|' /C calc'!A0\u{202e}"),
            "^[]0;pwn^G=cmd|' /C calc'!A0<U+202E>"
        );
        assert_eq!(spreadsheet_text_multiline("a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(spreadsheet_text_multiline("\r\n=x"), "'\n=x");
        assert_eq!(spreadsheet_text_multiline("=x\ny"), "'=x\ny");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for s in [
            "Niccolò",
            "Ștefan Țăran",
            "Łukasz",
            "€ 12,50",
            "O'Brien",
            "Ñandú",
            "مرحبا",
        ] {
            assert_eq!(sanitize(s), s);
        }
    }
}
