//! A table on A4 landscape pages: title and header on top of every page, the column headers
//! repeated after each page break, long cells wrapped to two lines and then cut with `…`. A table
//! too wide for the page at the normal size is printed smaller (down to [`MIN_SIZE`]).

use super::PrintError;
use super::canvas::{Canvas, Face, MM, PageSize};

/// Font size of the cells, and the smallest it is reduced to for wide tables.
const SIZE: f32 = 7.5;
const MIN_SIZE: f32 = 5.5;
/// Line height, relative to the font size.
const LEADING: f32 = 1.25;
/// Horizontal and vertical cell padding.
const HPAD: f32 = 1.2 * MM;
const VPAD: f32 = 0.8 * MM;
/// Body cells show at most this many lines, headers a few more.
const MAX_CELL_LINES: usize = 2;
const MAX_HEAD_LINES: usize = 3;
/// No column is sized wider than this share of the page from its content alone.
const MAX_SHARE: f32 = 0.4;

/// A table to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    /// Bold first line of the header of every page.
    pub title: String,
    /// Further header lines (e.g. the ente), under the title.
    pub header: Vec<String>,
    pub columns: Vec<String>,
    /// Columns aligned to the right (numbers, amounts); missing entries mean left.
    pub right_aligned: Vec<bool>,
    /// Cells as text; a row shorter than `columns` leaves the rest empty.
    pub rows: Vec<Vec<String>>,
    pub footer: String,
}

/// Renders the table as an A4 landscape PDF.
pub fn render_grid(grid: &Grid) -> Result<Vec<u8>, PrintError> {
    let mut header = vec![grid.title.clone()];
    header.extend(grid.header.iter().cloned());
    let mut c = Canvas::new(PageSize::A4Landscape, &grid.title, &header, &grid.footer)?;
    let m = c.m;
    let one_line = |s: &str| m.clean(&s.replace(['\r', '\n'], " "));
    let columns: Vec<String> = grid.columns.iter().map(|s| one_line(s)).collect();
    let rows: Vec<Vec<String>> = grid
        .rows
        .iter()
        .map(|r| r.iter().take(columns.len()).map(|s| one_line(s)).collect())
        .collect();
    let (size, widths) = column_widths(&c, &columns, &rows);
    let line = size * LEADING;
    let right: Vec<bool> = (0..columns.len())
        .map(|i| grid.right_aligned.get(i).copied().unwrap_or(false))
        .collect();

    head(&mut c, &columns, &widths, size)?;
    if rows.is_empty() {
        c.text(
            c.left() + HPAD,
            c.y - VPAD - size,
            Face::Regular,
            size,
            "Nessuna riga",
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let cells: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| match row.get(i) {
                Some(s) if !s.is_empty() => {
                    c.m.wrap_max(Face::Regular, size, s, w - 2.0 * HPAD, MAX_CELL_LINES)
                }
                _ => Vec::new(),
            })
            .collect();
        let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = n as f32 * line + 2.0 * VPAD;
        if c.ensure(h)? {
            head(&mut c, &columns, &widths, size)?;
        }
        if r % 2 == 1 {
            c.fill(c.left(), c.y - h, widths.iter().sum(), h, 0.93);
        }
        draw_cells(&mut c, &cells, &widths, &right, Face::Regular, size);
        c.y -= h;
    }
    c.finish()
}

/// The column header row, on a grey band.
fn head(c: &mut Canvas, columns: &[String], widths: &[f32], size: f32) -> Result<(), PrintError> {
    let cells: Vec<Vec<String>> = columns
        .iter()
        .zip(widths)
        .map(|(s, w)| {
            c.m.wrap_max(Face::Bold, size, s, w - 2.0 * HPAD, MAX_HEAD_LINES)
        })
        .collect();
    let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let line = size * LEADING;
    let h = n as f32 * line + 2.0 * VPAD;
    c.ensure(h + line + 2.0 * VPAD)?;
    let total: f32 = widths.iter().sum();
    c.fill(c.left(), c.y - h, total, h, 0.82);
    draw_cells(c, &cells, widths, &[], Face::Bold, size);
    c.y -= h;
    c.rule(c.left(), c.left() + total, c.y, 0.6, 0.3);
    Ok(())
}

fn draw_cells(
    c: &mut Canvas,
    cells: &[Vec<String>],
    widths: &[f32],
    right: &[bool],
    face: Face,
    size: f32,
) {
    let mut x = c.left();
    for (i, (lines, w)) in cells.iter().zip(widths).enumerate() {
        for (k, line) in lines.iter().enumerate() {
            let base = c.y - VPAD - size - k as f32 * size * LEADING;
            if right.get(i).copied().unwrap_or(false) {
                c.text_right(x + w - HPAD, base, face, size, line);
            } else {
                c.text(x + HPAD, base, face, size, line);
            }
        }
        x += w;
    }
}

/// The font size and the column widths, as in an HTML table: every column gets at least its
/// longest word (so that codes and dates do not break) and the room left is shared in proportion
/// to how much more each column's widest cell needs. When the longest words do not fit at
/// [`SIZE`] the font gets smaller (down to [`MIN_SIZE`], then words break). A column sized by its
/// content alone never takes more than [`MAX_SHARE`] of the width.
fn column_widths(c: &Canvas, columns: &[String], rows: &[Vec<String>]) -> (f32, Vec<f32>) {
    let total = c.content_width();
    let pads = 2.0 * HPAD * columns.len() as f32;
    // Text widths at a 1-point font: (longest word, whole text) per column.
    let cap = total * MAX_SHARE / SIZE;
    let space = c.m.width(Face::Regular, 1.0, " ");
    let mut need: Vec<(f32, f32)> = columns
        .iter()
        .map(|h| {
            let (word, _) = measure(c, Face::Bold, h, space);
            (word.min(cap), word.min(cap))
        })
        .collect();
    for row in rows {
        for (i, s) in row.iter().enumerate() {
            let (word, whole) = measure(c, Face::Regular, s, space);
            need[i].0 = need[i].0.max(word.min(cap));
            need[i].1 = need[i].1.max(whole.min(cap));
        }
    }
    let min_units: f32 = need.iter().map(|n| n.0).sum();
    let size = if min_units * SIZE + pads <= total || min_units <= 0.0 {
        SIZE
    } else {
        ((total - pads) / min_units).clamp(MIN_SIZE, SIZE)
    };
    let px = |units: f32| units * size + 2.0 * HPAD;
    let min: f32 = need.iter().map(|n| px(n.0)).sum();
    let max: f32 = need.iter().map(|n| px(n.1)).sum();
    let widths = if max <= total {
        need.iter()
            .map(|n| px(n.1) * total / max.max(1.0))
            .collect()
    } else if min <= total {
        let k = (total - min) / (max - min);
        need.iter()
            .map(|n| px(n.0) + (px(n.1) - px(n.0)) * k)
            .collect()
    } else {
        need.iter().map(|n| px(n.0) * total / min).collect()
    };
    (size, widths)
}

/// Widths of the longest word and of the whole text at a 1-point font.
fn measure(c: &Canvas, face: Face, s: &str, space: f32) -> (f32, f32) {
    let mut longest: f32 = 0.0;
    let mut whole = 0.0;
    for (k, word) in s.split(' ').enumerate() {
        let w = c.m.width(face, 1.0, word);
        longest = longest.max(w);
        whole += w + if k > 0 { space } else { 0.0 };
    }
    (longest, whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas() -> Canvas {
        Canvas::new(PageSize::A4Landscape, "t", &[], "").unwrap()
    }

    #[test]
    fn narrow_tables_fill_the_page() {
        let c = canvas();
        let cols = vec!["A".to_string(), "Nominativo".to_string()];
        let rows = vec![vec!["1".to_string(), "Rossi Mario".to_string()]];
        let (size, w) = column_widths(&c, &cols, &rows);
        assert_eq!(size, SIZE);
        assert!((w.iter().sum::<f32>() - c.content_width()).abs() < 0.1);
        assert!(w[1] > w[0]);
    }

    #[test]
    fn wide_tables_keep_codes_and_dates_whole() {
        let c = canvas();
        let cols: Vec<String> = (0..15).map(|i| format!("Colonna {i}")).collect();
        let row: Vec<String> = [
            "RSSMRA80A01H501U",
            "25/04/1941",
            "Rossi",
            "Francesco",
            "M",
            "Reggio nell'Emilia",
            "Piazza della Repubblica 12",
            "San Giovanni in Persiceto",
            "+39 351 1033601",
            "07/03/2026",
            "Richiesta di informazioni",
            "Assistenza domiciliare",
            "1.234,56",
            "12345",
            "Presentata documentazione ISEE aggiornata; in attesa della valutazione",
        ]
        .map(String::from)
        .to_vec();
        let (size, w) = column_widths(&c, &cols, std::slice::from_ref(&row));
        assert!((MIN_SIZE..=SIZE).contains(&size));
        assert!((w.iter().sum::<f32>() - c.content_width()).abs() < 0.1);
        for (i, text) in row.iter().enumerate().take(2) {
            let lines = c.m.wrap(Face::Regular, size, text, w[i] - 2.0 * HPAD);
            assert_eq!(lines.len(), 1, "{text} breaks in {} pt", w[i]);
        }
    }
}
