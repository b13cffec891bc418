//! A table on A4 landscape pages: title and header on top of every page, the column headers
//! repeated after each page break, long cells wrapped to two lines and then cut with `…`.

use super::PrintError;
use super::canvas::{Canvas, Face, MM, PageSize};

const SIZE: f32 = 7.5;
const LINE: f32 = SIZE * 1.25;
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
    let widths = column_widths(&c, &columns, &rows);
    let right: Vec<bool> = (0..columns.len())
        .map(|i| grid.right_aligned.get(i).copied().unwrap_or(false))
        .collect();

    head(&mut c, &columns, &widths)?;
    if rows.is_empty() {
        c.text(
            c.left() + HPAD,
            c.y - VPAD - SIZE,
            Face::Regular,
            SIZE,
            "Nessuna riga",
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let cells: Vec<Vec<String>> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| match row.get(i) {
                Some(s) if !s.is_empty() => {
                    c.m.wrap_max(Face::Regular, SIZE, s, w - 2.0 * HPAD, MAX_CELL_LINES)
                }
                _ => Vec::new(),
            })
            .collect();
        let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = n as f32 * LINE + 2.0 * VPAD;
        if c.ensure(h)? {
            head(&mut c, &columns, &widths)?;
        }
        if r % 2 == 1 {
            c.fill(c.left(), c.y - h, widths.iter().sum(), h, 0.93);
        }
        draw_cells(&mut c, &cells, &widths, &right, Face::Regular);
        c.y -= h;
    }
    c.finish()
}

/// The column header row, on a grey band.
fn head(c: &mut Canvas, columns: &[String], widths: &[f32]) -> Result<(), PrintError> {
    let cells: Vec<Vec<String>> = columns
        .iter()
        .zip(widths)
        .map(|(s, w)| {
            c.m.wrap_max(Face::Bold, SIZE, s, w - 2.0 * HPAD, MAX_HEAD_LINES)
        })
        .collect();
    let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let h = n as f32 * LINE + 2.0 * VPAD;
    c.ensure(h + LINE + 2.0 * VPAD)?;
    let total: f32 = widths.iter().sum();
    c.fill(c.left(), c.y - h, total, h, 0.82);
    draw_cells(c, &cells, widths, &[], Face::Bold);
    c.y -= h;
    c.rule(c.left(), c.left() + total, c.y, 0.6, 0.3);
    Ok(())
}

fn draw_cells(c: &mut Canvas, cells: &[Vec<String>], widths: &[f32], right: &[bool], face: Face) {
    let mut x = c.left();
    for (i, (lines, w)) in cells.iter().zip(widths).enumerate() {
        for (k, line) in lines.iter().enumerate() {
            let base = c.y - VPAD - SIZE - k as f32 * LINE;
            if right.get(i).copied().unwrap_or(false) {
                c.text_right(x + w - HPAD, base, face, SIZE, line);
            } else {
                c.text(x + HPAD, base, face, SIZE, line);
            }
        }
        x += w;
    }
}

/// Natural widths (widest cell, header words included), then: narrow columns keep theirs, wide
/// ones share what is left evenly; spare room is spread in proportion.
fn column_widths(c: &Canvas, columns: &[String], rows: &[Vec<String>]) -> Vec<f32> {
    let total = c.content_width();
    let n = columns.len();
    if n == 0 {
        return Vec::new();
    }
    let cap = total * MAX_SHARE;
    let mut natural: Vec<f32> = columns
        .iter()
        .map(|h| {
            let word = h
                .split(' ')
                .map(|w| c.m.width(Face::Bold, SIZE, w))
                .fold(0.0, f32::max);
            word + 2.0 * HPAD
        })
        .collect();
    for row in rows {
        for (i, s) in row.iter().enumerate() {
            let w = c.m.width(Face::Regular, SIZE, s) + 2.0 * HPAD;
            natural[i] = natural[i].max(w.min(cap));
        }
    }
    let sum: f32 = natural.iter().sum();
    if sum <= total {
        return natural.iter().map(|w| w * total / sum).collect();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| natural[*a].total_cmp(&natural[*b]));
    let mut widths = vec![0.0; n];
    let mut left = total;
    for (k, &i) in order.iter().enumerate() {
        let share = left / (n - k) as f32;
        widths[i] = natural[i].min(share);
        left -= widths[i];
    }
    widths
}
