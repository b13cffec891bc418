//! The report of an import: a CSV (`riga;codice_fiscale;motivo`, UTF-8 with BOM so that spreadsheet
//! programs read the accents) with one line per rejected row or warning.
//!
//! Every cell goes through [`crate::sanitize::spreadsheet_text`]: no terminal controls, and a cell
//! starting like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'` so that a spreadsheet
//! shows it as text instead of evaluating it.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use super::Issue;
use crate::sanitize::spreadsheet_text as cell;

/// Longest codice fiscale cell: a 5,000-character "code" is cut.
const MAX_CF_CELL: usize = 40;

/// The code as shown in messages: sanitised and cut to a sensible length.
pub fn shown_code(code: &str) -> String {
    let code = code.trim();
    if code.chars().count() > MAX_CF_CELL {
        format!("{}…", code.chars().take(MAX_CF_CELL).collect::<String>())
    } else {
        code.to_string()
    }
}

/// The reason column: warnings start with `avviso: `.
pub fn motivo(issue: &Issue) -> String {
    if issue.warning {
        format!("avviso: {}", issue.reason)
    } else {
        issue.reason.clone()
    }
}

/// An open report file.
pub struct Report {
    w: csv::Writer<BufWriter<File>>,
}

impl Report {
    /// Creates (or replaces) the file, private (0600) and with the operator's own identity, and
    /// writes the BOM and the header. A target that is not a regular file is refused.
    pub fn create(path: &Path) -> std::io::Result<Report> {
        let file = crate::files::as_operator(path, || {
            crate::files::refuse_non_regular(path)?;
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            crate::files::create_private(path)
        })?;
        let mut w = crate::export::csv::excel_writer(BufWriter::new(file))?;
        w.write_record(["riga", "codice_fiscale", "motivo"])?;
        Ok(Report { w })
    }

    pub fn write(&mut self, issue: &Issue) -> std::io::Result<()> {
        self.w.write_record([
            issue.line.to_string(),
            cell(&shown_code(&issue.codice_fiscale)),
            cell(&motivo(issue)),
        ])?;
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.w.flush()?;
        let f = self.w.into_inner().map_err(|e| e.into_error())?;
        f.into_inner().map_err(|e| e.into_error())?.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_has_bom_header_and_quoting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        let mut r = Report::create(&path).unwrap();
        r.write(&Issue {
            line: 7,
            codice_fiscale: "=HYPERLINK(\"x\")".into(),
            reason: "cognome mancante; nome mancante".into(),
            warning: false,
        })
        .unwrap();
        r.write(&Issue {
            line: 1,
            codice_fiscale: String::new(),
            reason: "colonna «X» sconosciuta".into(),
            warning: true,
        })
        .unwrap();
        r.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "\u{feff}riga;codice_fiscale;motivo\r\n7;\"'=HYPERLINK(\"\"x\"\")\";\"cognome mancante; nome mancante\"\r\n1;;avviso: colonna «X» sconosciuta\r\n"
        );
    }
}
