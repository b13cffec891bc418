//! Tabular exports: the CSV bytes, the XLSX package read back as a zip, the PDF through
//! `pdftotext`.

#[path = "common/pdf.rs"]
mod pdf;

use std::io::Read;
use std::path::Path;

use sportello::export::{Cell, Format, Table, write};
use time::{Date, Month};

const INJECTION: &str = "\x1b]0;pwn\x07=cmd|' /C calc'!A0\u{202e}";

fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).unwrap()
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// Columns A–F: N., Nominativo, Data di nascita, Importo, Nota, Telefono.
fn table() -> Table {
    Table {
        title: "Accessi di marzo".into(),
        columns: vec![
            "N.".into(),
            "Nominativo".into(),
            "Data di nascita".into(),
            "Importo".into(),
            "Nota".into(),
            "Telefono".into(),
        ],
        rows: vec![
            vec![
                Cell::Int(1),
                text("Țăran Ștefan"),
                Cell::Date(date(2026, Month::March, 7)),
                Cell::Money(123_456),
                text("=cmd"),
                text("+39 333 1234567"),
            ],
            vec![
                Cell::Int(2),
                text("Иванова Мария"),
                Cell::Date(date(1948, Month::December, 31)),
                Cell::Money(-5),
                text(INJECTION),
                Cell::Empty,
            ],
            vec![
                Cell::Int(3),
                text("Niccolò \"Nico\" Bianchi; Łukasz"),
                Cell::Empty,
                Cell::Money(0),
                text("prima riga\r\nseconda riga"),
            ],
        ],
    }
}

fn no_controls(s: &str) {
    for bad in ['\x1b', '\x07', '\u{202e}'] {
        assert!(!s.contains(bad), "{bad:?} in {s:?}");
    }
}

#[test]
fn csv_is_italian_excel_friendly_and_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("accessi.csv");
    write(&table(), Format::Csv, &out).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "BOM");
    let s = String::from_utf8(bytes[3..].to_vec()).unwrap();
    no_controls(&s);
    assert!(s.starts_with("N.;Nominativo;Data di nascita;Importo;Nota;Telefono\r\n"));
    assert!(s.contains("\r\n1;Țăran Ștefan;07/03/2026;1234,56;'=cmd;'+39 333 1234567\r\n"));
    assert!(s.contains(
        "\r\n2;Иванова Мария;31/12/1948;-0,05;\"^[]0;pwn^G=cmd|' /C calc'!A0<U+202E>\";\r\n"
    ));
    assert!(s.contains(
        "\r\n3;\"Niccolò \"\"Nico\"\" Bianchi; Łukasz\";;0,00;\"prima riga\nseconda riga\";\r\n"
    ));
    assert!(s.ends_with("\r\n"));

    // Read back as RFC 4180.
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(s.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[2][1], "Niccolò \"Nico\" Bianchi; Łukasz");
    assert_eq!(&rows[2][4], "prima riga\nseconda riga");
    assert_eq!(&rows[2][5], "");
}

fn zip_entry(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The XML of cell `r` (e.g. `C2`) in a sheet.
fn xml_cell<'a>(sheet: &'a str, r: &str) -> &'a str {
    let start = sheet
        .find(&format!("<c r=\"{r}\""))
        .unwrap_or_else(|| panic!("no cell {r}"));
    let rest = &sheet[start..];
    let end = rest
        .find("</c>")
        .map(|e| e + 4)
        .unwrap_or_else(|| rest.find("/>").unwrap() + 2);
    &rest[..end]
}

#[test]
fn xlsx_has_frozen_header_filter_dates_numbers_and_text_not_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("accessi.xlsx");
    write(&table(), Format::Xlsx, &out).unwrap();
    let sheet = zip_entry(&out, "xl/worksheets/sheet1.xml");
    let styles = zip_entry(&out, "xl/styles.xml");
    let workbook = zip_entry(&out, "xl/workbook.xml");
    let strings = zip_entry(&out, "xl/sharedStrings.xml");

    assert!(sheet.contains("ySplit=\"1\""), "{sheet}");
    assert!(sheet.contains("state=\"frozen\""));
    assert!(sheet.contains("<autoFilter ref=\"A1:F4\"/>"), "{sheet}");
    assert!(workbook.contains("name=\"Accessi di marzo\""));
    assert!(!sheet.contains("<f>"), "no formulas: {sheet}");
    assert!(sheet.contains("<col "), "column widths");

    // A real date: a serial number with a date style.
    let serial = (date(2026, Month::March, 7) - date(1899, Month::December, 30)).whole_days();
    let c2 = xml_cell(&sheet, "C2");
    assert!(c2.contains(&format!("<v>{serial}</v>")), "{c2}");
    assert!(!c2.contains("t=\""), "{c2}");
    assert!(c2.contains(" s=\""), "{c2}");
    assert!(styles.contains("formatCode=\"dd/mm/yyyy\""), "{styles}");
    assert!(styles.contains("formatCode=\"#,##0.00 €\""), "{styles}");
    assert!(styles.contains("<b/>"), "bold header");

    // Numbers.
    assert!(xml_cell(&sheet, "A2").contains("<v>1</v>"));
    assert!(xml_cell(&sheet, "D2").contains("<v>1234.56</v>"));
    assert!(xml_cell(&sheet, "D3").contains("<v>-0.05</v>"));

    // Text, including `=cmd`, as shared strings.
    let e2 = xml_cell(&sheet, "E2");
    assert!(e2.contains("t=\"s\""), "{e2}");
    assert!(strings.contains("<t>=cmd</t>"), "{strings}");
    assert!(strings.contains("<t>+39 333 1234567</t>"));
    assert!(strings.contains("Țăran Ștefan"));
    assert!(
        strings.contains("<t>^[]0;pwn^G=cmd|&apos;") || strings.contains("<t>^[]0;pwn^G=cmd|'")
    );
    no_controls(&strings);
    no_controls(&sheet);
}

#[test]
fn pdf_lists_headers_and_foreign_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("accessi.pdf");
    write(&table(), Format::Pdf, &out).unwrap();
    let text = pdf::pdf_file_text(&out);
    let flat = pdf::flat(&text);
    for s in [
        "Accessi di marzo",
        "N.",
        "Nominativo",
        "Data di nascita",
        "Importo",
        "Țăran Ștefan",
        "Иванова Мария",
        "07/03/2026",
        "1.234,56",
        "-0,05",
        "=cmd",
        "Pagina 1 di 1",
        "3 righe",
    ] {
        assert!(flat.contains(s), "{s:?} missing from:\n{text}");
    }
    no_controls(&text);
}

#[test]
fn empty_and_ragged_tables_export() {
    let dir = tempfile::tempdir().unwrap();
    let empty = Table {
        title: String::new(),
        columns: Vec::new(),
        rows: Vec::new(),
    };
    let ragged = Table {
        title: "Irregolare".into(),
        columns: vec!["A".into(), "B".into()],
        rows: vec![vec![], vec![text("x"), text("y"), text("in più")]],
    };
    for f in [Format::Csv, Format::Xlsx, Format::Pdf] {
        let out = dir.path().join(format!("vuota.{f}"));
        write(&empty, f, &out).unwrap();
        assert!(std::fs::metadata(&out).unwrap().len() > 0);
        let out = dir.path().join(format!("irregolare.{f}"));
        write(&ragged, f, &out).unwrap();
    }
    let csv = std::fs::read_to_string(dir.path().join("irregolare.csv")).unwrap();
    assert_eq!(csv, "\u{feff}A;B\r\n;\r\nx;y\r\n");
    let text = pdf::pdf_file_text(&dir.path().join("vuota.pdf"));
    assert!(text.contains("Nessuna riga"));
}
