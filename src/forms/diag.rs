//! Diagnostics for the data files of the UI (keymaps, screens): a problem with its file and
//! line, and the translation of TOML/serde messages into Italian.

use std::fmt;
use std::ops::Range;

/// One problem in a data file, shown to the administrator who edits it.
/// Displays as `file, riga N: problema` (Italian).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The file as the administrator knows it (path, or `keymaps/default.toml` for the embedded one).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, in Italian.
    pub message: String,
}

impl FileProblem {
    pub fn new(
        file: &str,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        FileProblem {
            file: file.to_string(),
            line: span.map(|s| line_of(text, s.start)),
            message: message.into(),
        }
    }

    /// A problem about the file as a whole (unreadable, missing).
    pub fn whole_file(file: &str, message: impl Into<String>) -> Self {
        FileProblem {
            file: file.to_string(),
            line: None,
            message: message.into(),
        }
    }

    /// A TOML syntax or structure error, translated.
    pub fn from_toml(file: &str, text: &str, e: &toml::de::Error) -> Self {
        Self::new(file, text, e.span(), italian_toml_message(e.message()))
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, riga {}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for FileProblem {}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Backticked names in a serde message: "`a`, `b`" → ["a", "b"].
fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

fn italian_type(s: &str) -> String {
    let s = s.trim();
    let words = [
        ("a string", "un testo"),
        ("string", "testo"),
        ("integer", "numero intero"),
        ("a boolean", "un valore vero/falso (true o false)"),
        ("boolean", "valore vero/falso"),
        ("sequence", "elenco"),
        ("an array", "un elenco"),
        ("array", "elenco"),
        ("map", "tabella"),
        ("a table", "una tabella"),
        ("table", "tabella"),
        ("floating point", "numero decimale"),
        ("float", "numero decimale"),
        ("datetime", "data/ora"),
        ("u32", "numero intero positivo"),
        ("u16", "numero intero positivo"),
        ("usize", "numero intero positivo"),
        ("struct", "tabella"),
    ];
    for (en, it) in words {
        if let Some(rest) = s.strip_prefix(en) {
            return format!("{it}{rest}");
        }
    }
    s.to_string()
}

/// Translates the common TOML/serde messages; anything else is kept, prefixed as a syntax error.
pub fn italian_toml_message(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let names = backticked(rest);
        if let Some((field, valid)) = names.split_first() {
            return if valid.is_empty() {
                format!("chiave sconosciuta «{field}»: qui non sono ammesse chiavi")
            } else {
                format!(
                    "chiave sconosciuta «{field}» (valide: {})",
                    valid.join(", ")
                )
            };
        }
    }
    if let Some(rest) = msg.strip_prefix("missing field ")
        && let Some(field) = backticked(rest).first()
    {
        return format!("manca la chiave obbligatoria «{field}»");
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let names = backticked(rest);
        if let Some((v, valid)) = names.split_first() {
            return format!("valore sconosciuto «{v}» (validi: {})", valid.join(", "));
        }
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "tipo di valore errato: trovato {}, atteso {}",
            italian_type(found),
            italian_type(expected)
        );
    }
    if msg.starts_with("duplicate key") {
        return format!("chiave ripetuta ({msg})");
    }
    format!("errore di sintassi TOML: {msg}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based() {
        let t = "a\nb\nc";
        assert_eq!(line_of(t, 0), 1);
        assert_eq!(line_of(t, 2), 2);
        assert_eq!(line_of(t, 4), 3);
        assert_eq!(line_of(t, 99), 3);
    }

    #[test]
    fn translates_serde_messages() {
        assert_eq!(
            italian_toml_message("unknown field `colour`, expected one of `on`, `run`, `desc`"),
            "chiave sconosciuta «colour» (valide: on, run, desc)"
        );
        assert_eq!(
            italian_toml_message("missing field `run`"),
            "manca la chiave obbligatoria «run»"
        );
        assert_eq!(
            italian_toml_message("invalid type: integer `3`, expected a string"),
            "tipo di valore errato: trovato numero intero `3`, atteso un testo"
        );
        assert!(italian_toml_message("expected `=`").starts_with("errore di sintassi TOML"));
    }

    #[test]
    fn problem_display_names_file_and_line() {
        let p = FileProblem::new("k.toml", "a\nb", Some(2..3), "guasto");
        assert_eq!(p.to_string(), "k.toml, riga 2: guasto");
        assert_eq!(
            FileProblem::whole_file("k.toml", "illeggibile").to_string(),
            "k.toml: illeggibile"
        );
    }
}
