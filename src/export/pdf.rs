//! A table as a landscape PDF grid ([`crate::print::render_grid`]): amounts and integers aligned
//! right, dates `gg/mm/aaaa`, amounts `1.234,56`.

use super::{Cell, Table, cell};
use crate::print::{Grid, PrintError, render_grid};

pub(super) fn to_bytes(table: &Table) -> Result<Vec<u8>, PrintError> {
    let n = table.columns.len();
    let numeric = |i: usize| {
        let mut cells = table.rows.iter().map(|r| cell(r, i));
        cells.clone().any(|c| !matches!(c, Cell::Empty))
            && cells.all(|c| matches!(c, Cell::Int(_) | Cell::Money(_) | Cell::Empty))
    };
    let rows = match table.rows.len() {
        1 => "1 riga".to_string(),
        n => format!("{n} righe"),
    };
    let grid = Grid {
        title: table.title.clone(),
        header: Vec::new(),
        columns: table.columns.clone(),
        right_aligned: (0..n).map(numeric).collect(),
        rows: table
            .rows
            .iter()
            .map(|r| (0..n).map(|i| cell(r, i).text()).collect())
            .collect(),
        footer: format!("{} — {rows}", table.title),
    };
    render_grid(&grid)
}
