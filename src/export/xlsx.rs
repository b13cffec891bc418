//! XLSX with `rust_xlsxwriter`: bold frozen header row with an autofilter, dates as real date
//! cells (`dd/mm/yyyy`), integers and amounts as numbers (`#,##0.00 €`), text always as strings.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format as CellFormat, Workbook};

use super::{Cell, ExportError, Table, cell};
use crate::sanitize::{sanitize, sanitize_multiline};

/// Data rows in a sheet (Excel's 1,048,576 rows less the header).
pub const MAX_ROWS: usize = 1_048_575;
/// Longest text cell, in UTF-16 units (Excel's limit); longer text is cut with `…`.
const MAX_TEXT: usize = 32_767;
/// Column widths, in characters.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

pub(super) fn to_bytes(table: &Table) -> Result<Vec<u8>, ExportError> {
    workbook_bytes(&table.title, std::slice::from_ref(table))
}

/// A workbook titled `title` with one sheet per table (named by the table's title).
pub(super) fn workbook_bytes(title: &str, tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_title(sanitize(title)));
    for table in tables {
        sheet(&mut wb, table)?;
    }
    Ok(wb.save_to_buffer()?)
}

fn sheet(wb: &mut Workbook, table: &Table) -> Result<(), ExportError> {
    if table.rows.len() > MAX_ROWS {
        return Err(ExportError::TooManyRows(table.rows.len()));
    }
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&table.title))?;
    let bold = CellFormat::new().set_bold();
    let date = CellFormat::new().set_num_format("dd/mm/yyyy");
    let money = CellFormat::new().set_num_format("#,##0.00 €");
    let wrapped = CellFormat::new().set_text_wrap();

    let n = table.columns.len();
    let mut widths: Vec<usize> = Vec::with_capacity(n);
    for (c, name) in table.columns.iter().enumerate() {
        let name = sanitize(name);
        widths.push(name.chars().count() + 3); // room for the autofilter button
        ws.write_string_with_format(0, col(c), name, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, width) in widths.iter_mut().enumerate() {
            let shown = match cell(row, c) {
                Cell::Text(s) => {
                    let s = limit(sanitize_multiline(&s.replace("\r\n", "\n")));
                    let w = s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
                    if s.contains('\n') {
                        ws.write_string_with_format(r, col(c), s, &wrapped)?;
                    } else {
                        ws.write_string(r, col(c), s)?;
                    }
                    w
                }
                Cell::Date(d) => {
                    match ExcelDateTime::from_ymd(
                        u16::try_from(d.year()).unwrap_or(0),
                        u8::from(d.month()),
                        d.day(),
                    ) {
                        Ok(dt) => ws.write_datetime_with_format(r, col(c), &dt, &date)?,
                        // Before 1900 or after 9999: Excel has no such date, keep it as text.
                        Err(_) => {
                            ws.write_string(r, col(c), crate::domain::date::gg_mm_aaaa(*d))?
                        }
                    };
                    10
                }
                Cell::Int(v) => {
                    ws.write_number(r, col(c), *v as f64)?;
                    v.to_string().len()
                }
                Cell::Money(cents) => {
                    ws.write_number_with_format(r, col(c), *cents as f64 / 100.0, &money)?;
                    crate::domain::money::format_cents(*cents).len() + 2
                }
                Cell::Empty => 0,
            };
            *width = (*width).max(shown);
        }
    }
    if n > 0 {
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, table.rows.len() as u32, col(n - 1))?;
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col(c), (*w + 1).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
    }
    Ok(())
}

/// Column index (an out-of-range one makes `rust_xlsxwriter` report the limit).
fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Text cut to Excel's cell limit.
fn limit(s: String) -> String {
    if s.len() <= MAX_TEXT || s.encode_utf16().count() <= MAX_TEXT {
        return s;
    }
    let mut out = String::new();
    let mut units = 0;
    for ch in s.chars() {
        units += ch.len_utf16();
        if units > MAX_TEXT - 1 {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

/// A valid sheet name: no `[]:*?/\`, not starting or ending with `'`, at most 31 characters.
fn sheet_name(title: &str) -> String {
    let name: String = sanitize(title)
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .collect();
    let name: String = name.trim().trim_matches('\'').chars().take(31).collect();
    let name = name.trim().trim_matches('\'').to_string();
    if name.is_empty() {
        "Foglio1".to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid() {
        assert_eq!(
            sheet_name("Accessi [2026]: marzo/aprile?"),
            "Accessi 2026 marzoaprile"
        );
        assert_eq!(sheet_name("'*'"), "Foglio1");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
        assert_eq!(sheet_name("\x1b[2J"), "^2J");
    }

    #[test]
    fn long_text_is_cut_to_the_excel_limit() {
        let s = limit("€".repeat(40_000));
        assert_eq!(s.encode_utf16().count(), MAX_TEXT);
        assert!(s.ends_with('…'));
        assert_eq!(limit("breve".into()), "breve");
    }
}
