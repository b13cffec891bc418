//! Tabular exports: a [`Table`] of typed cells written as CSV (for spreadsheets, Italian
//! conventions), XLSX (real dates and numbers) or a landscape PDF (through [`crate::print`]).
//!
//! Every text goes through [`crate::sanitize`]; CSV text cells are also formula-neutralised,
//! XLSX text cells are always written as strings, never as formulas. The file is written to a
//! temporary name and renamed into place ([`crate::files::write_atomically`]), so a failed export
//! leaves no half-written file; the file is private (0600).

pub mod csv;
mod pdf;
pub mod siuss;
mod xlsx;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::print::PrintError;
use crate::sanitize::sanitize;

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Date(time::Date),
    Int(i64),
    /// An amount in euro cents.
    Money(i64),
    Empty,
}

impl Cell {
    /// The cell as printed text: dates `gg/mm/aaaa`, amounts `1.234,56`.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Date(d) => crate::domain::date::gg_mm_aaaa(*d),
            Cell::Int(n) => n.to_string(),
            Cell::Money(cents) => crate::domain::money::format_cents(*cents),
            Cell::Empty => String::new(),
        }
    }
}

/// A table to export. A row shorter than `columns` is padded with empty cells, extra cells are
/// ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Pdf,
}

impl Format {
    pub const ALL: &'static [Format] = &[Format::Csv, Format::Xlsx, Format::Pdf];

    /// File extension, also the name accepted by [`FromStr`].
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// An unknown format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("formato «{0}» non riconosciuto: usare csv, xlsx o pdf")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    /// `csv`, `xlsx` or `pdf`, in any case, surrounding spaces ignored.
    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        let name = s.trim().to_ascii_lowercase();
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.extension() == name)
            .ok_or_else(|| UnknownFormat(sanitize(s)))
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("impossibile scrivere «{}»: {source}", sanitize(&path.display().to_string()))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("errore nella creazione del file Excel: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("troppe righe per un foglio Excel: {0} (al massimo {max})", max = xlsx::MAX_ROWS)]
    TooManyRows(usize),
    #[error(transparent)]
    Pdf(#[from] PrintError),
}

/// Writes `table` to `out` in `format`, replacing the file if it exists.
pub fn write(table: &Table, format: Format, out: &Path) -> Result<(), ExportError> {
    save(out, &to_bytes(table, format)?)
}

/// Writes `tables` to `out` as one XLSX workbook titled `title`, a sheet per table (sheet names
/// come from the tables' titles and must differ), replacing the file if it exists.
pub fn write_workbook(title: &str, tables: &[Table], out: &Path) -> Result<(), ExportError> {
    save(out, &xlsx::workbook_bytes(title, tables)?)
}

/// Writes `bytes` to `out` atomically, as the operator.
fn save(out: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    crate::files::as_operator(out, || crate::files::write_atomically(out, bytes)).map_err(
        |source| ExportError::Io {
            path: out.to_path_buf(),
            source,
        },
    )
}

/// The exported file's bytes.
pub fn to_bytes(table: &Table, format: Format) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Csv => Ok(csv::to_bytes(table)),
        Format::Xlsx => xlsx::to_bytes(table),
        Format::Pdf => Ok(pdf::to_bytes(table)?),
    }
}

/// The cell of `row` under column `i` (missing cells are empty).
fn cell(row: &[Cell], i: usize) -> &Cell {
    row.get(i).unwrap_or(&Cell::Empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_with_an_italian_error() {
        assert_eq!("csv".parse::<Format>(), Ok(Format::Csv));
        assert_eq!(" XLSX ".parse::<Format>(), Ok(Format::Xlsx));
        assert_eq!("Pdf".parse::<Format>(), Ok(Format::Pdf));
        let e = "ods\x1b[2J".parse::<Format>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "formato «ods^[[2J» non riconosciuto: usare csv, xlsx o pdf"
        );
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>(), Ok(*f));
        }
    }

    #[test]
    fn write_replaces_the_file_and_reports_errors_in_italian() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("e.csv");
        std::fs::write(&out, "vecchio").unwrap();
        let table = Table {
            title: "T".into(),
            columns: vec!["A".into()],
            rows: vec![vec![Cell::Int(1)]],
        };
        write(&table, Format::Csv, &out).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"\xef\xbb\xbfA\r\n1\r\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let missing = dir.path().join("non/esiste.csv");
        let e = write(&table, Format::Csv, &missing).unwrap_err();
        assert!(e.to_string().starts_with("impossibile scrivere «"), "{e}");
    }
}
