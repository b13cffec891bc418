//! CSV for Italian spreadsheets: UTF-8 with BOM, `;` separator, CRLF line ends, RFC 4180 quoting,
//! dates `gg/mm/aaaa`, amounts `1234,56`, text formula-neutralised.

use super::{Cell, Table, cell};
use crate::sanitize::{spreadsheet_text, spreadsheet_text_multiline};

/// A CSV writer for Italian spreadsheets on `out`: the BOM first, then `;` and CRLF (the cells are
/// the caller's to neutralise, with [`spreadsheet_text`]).
pub fn excel_writer<W: std::io::Write>(mut out: W) -> std::io::Result<::csv::Writer<W>> {
    out.write_all("\u{feff}".as_bytes())?;
    Ok(::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(out))
}

pub(super) fn to_bytes(table: &Table) -> Vec<u8> {
    let mut out = Vec::new();
    let io = "writing to memory cannot fail";
    let mut w = excel_writer(&mut out).expect(io);
    w.write_record(table.columns.iter().map(|c| spreadsheet_text(c)))
        .expect(io);
    let n = table.columns.len();
    for row in &table.rows {
        w.write_record((0..n).map(|i| text(cell(row, i))))
            .expect(io);
    }
    w.flush().expect(io);
    drop(w);
    out
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => spreadsheet_text_multiline(s),
        Cell::Date(d) => crate::domain::date::gg_mm_aaaa(*d),
        Cell::Int(n) => n.to_string(),
        Cell::Money(cents) => crate::domain::money::format_cents_ungrouped(*cents),
        Cell::Empty => String::new(),
    }
}
