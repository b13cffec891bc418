//! A table with sortable columns and paging: rows of text, a selected row, the sort column and order.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_width::UnicodeWidthStr;

use crate::sanitize::sanitize;
use crate::ui::action::Action;
use crate::ui::theme::Theme;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column titles and widths (the last column takes the rest).
    pub columns: Vec<(&'static str, u16)>,
    /// Cells as text; the first element of each row is its key (not shown).
    pub rows: Vec<(String, Vec<String>)>,
    pub sort_col: usize,
    pub reverse: bool,
    /// Index into the sorted order.
    pub selected: usize,
    /// Rows per page, set from the window height.
    pub page: usize,
    /// False while the rows keep their natural order (no sort arrow shown).
    pub sorted: bool,
}

/// How a cell sorts: dates (`gg/mm/aaaa`) by the calendar, whole numbers by value, any other text
/// alphabetically without case.
fn sort_key(cell: &str) -> String {
    let b = cell.as_bytes();
    let date = b.len() >= 10
        && b[2] == b'/'
        && b[5] == b'/'
        && [0, 1, 3, 4, 6, 7, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit());
    if date {
        return format!(
            "{}{}{}{}",
            &cell[6..10],
            &cell[3..5],
            &cell[0..2],
            &cell[10..]
        );
    }
    if !cell.is_empty() && cell.len() <= 18 && cell.bytes().all(|c| c.is_ascii_digit()) {
        return format!("{cell:0>18}");
    }
    cell.to_lowercase()
}

impl Table {
    pub fn new(columns: Vec<(&'static str, u16)>) -> Table {
        Table {
            columns,
            page: 10,
            ..Default::default()
        }
    }

    pub fn set_rows(&mut self, rows: Vec<(String, Vec<String>)>) {
        self.rows = rows;
        self.sort();
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    fn sort(&mut self) {
        self.sorted = true;
        let c = self.sort_col;
        let key = |r: &(String, Vec<String>)| r.1.get(c).map(|s| sort_key(s)).unwrap_or_default();
        self.rows
            .sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.0.cmp(&b.0)));
        if self.reverse {
            self.rows.reverse();
        }
    }

    /// The key of the selected row.
    pub fn selected_key(&self) -> Option<&str> {
        self.rows.get(self.selected).map(|r| r.0.as_str())
    }

    /// Moves (and, when `sortable`, sorts) for a navigation action; `false` when `a` is none of
    /// them and the screen handles it. Search results are not sortable: they come best first.
    pub fn navigate(&mut self, a: Action, sortable: bool) -> bool {
        if !Table::moves(a, sortable) {
            return false;
        }
        match a {
            Action::FieldDown | Action::NextField => self.down(),
            Action::FieldUp | Action::PrevField => self.up(),
            Action::NextPage => self.next_page(),
            Action::PrevPage => self.prev_page(),
            Action::SortNextColumn => self.sort_next(),
            _ => self.sort_reverse(),
        }
        true
    }

    /// Whether [`Table::navigate`] acts on `a` (the keys a screen with a table offers).
    pub fn moves(a: Action, sortable: bool) -> bool {
        matches!(
            a,
            Action::FieldDown
                | Action::NextField
                | Action::FieldUp
                | Action::PrevField
                | Action::NextPage
                | Action::PrevPage
        ) || (sortable && matches!(a, Action::SortNextColumn | Action::SortReverse))
    }

    pub fn down(&mut self) {
        if self.selected + 1 < self.rows.len() {
            self.selected += 1;
        }
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    pub fn next_page(&mut self) {
        self.selected = (self.selected + self.page.max(1)).min(self.rows.len().saturating_sub(1));
    }

    pub fn prev_page(&mut self) {
        self.selected = self.selected.saturating_sub(self.page.max(1));
    }

    /// Sorts by the next column, keeping the same row selected.
    pub fn sort_next(&mut self) {
        let key = self.selected_key().map(str::to_string);
        self.sort_col = (self.sort_col + 1) % self.columns.len().max(1);
        self.reverse = false;
        self.sort();
        self.reselect(key);
    }

    pub fn sort_reverse(&mut self) {
        let key = self.selected_key().map(str::to_string);
        self.reverse = !self.reverse;
        self.sort();
        self.reselect(key);
    }

    fn reselect(&mut self, key: Option<String>) {
        if let Some(k) = key {
            self.selected = self.rows.iter().position(|r| r.0 == k).unwrap_or(0);
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        if area.height < 2 {
            return;
        }
        let mut x = area.x;
        for (i, (title, w)) in self.columns.iter().enumerate() {
            let arrow = if self.sorted && i == self.sort_col {
                if self.reverse { " ▼" } else { " ▲" }
            } else {
                ""
            };
            let arrow = if theme.ascii {
                arrow.replace('▲', "^").replace('▼', "v")
            } else {
                arrow.to_string()
            };
            let room = (*w).min(area.right().saturating_sub(x));
            buf.set_stringn(
                x,
                area.y,
                format!("{title}{arrow}"),
                room as usize,
                theme.accent(crate::ui::theme::Area::Sistema),
            );
            x = x.saturating_add(*w + 1);
        }
        let body = area.height as usize - 1;
        let first = (self.selected / body.max(1)) * body.max(1);
        for (row, (_, cells)) in self.rows.iter().enumerate().skip(first).take(body) {
            let y = area.y + 1 + (row - first) as u16;
            let style = if row == self.selected {
                theme.focus()
            } else {
                Style::new()
            };
            buf.set_style(Rect::new(area.x, y, area.width, 1), style);
            let mut x = area.x;
            for (i, (_, w)) in self.columns.iter().enumerate() {
                let w = if i + 1 == self.columns.len() {
                    area.right().saturating_sub(x)
                } else {
                    *w
                };
                let cell = sanitize(cells.get(i).map(String::as_str).unwrap_or(""));
                let mut text = String::new();
                for c in cell.chars() {
                    if (text.as_str().width() + c.to_string().width()) as u16 > w {
                        break;
                    }
                    text.push(c);
                }
                buf.set_stringn(x, y, text, w as usize, style);
                x = x.saturating_add(w + 1);
                if x >= area.right() {
                    break;
                }
            }
        }
        if self.rows.len() > body {
            let info = format!(" {}/{} ", self.selected + 1, self.rows.len());
            let w = info.len() as u16;
            if area.width > w {
                buf.set_stringn(
                    area.right() - w,
                    area.bottom() - 1,
                    info,
                    w as usize,
                    theme.dim(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_sort_by_the_calendar_and_numbers_by_value() {
        let mut t = Table::new(vec![("Data", 10), ("N.", 4)]);
        let row = |k: &str, d: &str, n: &str| (k.to_string(), vec![d.to_string(), n.to_string()]);
        t.set_rows(vec![
            row("a", "04/02/2026", "9"),
            row("b", "03/03/2026", "10"),
            row("c", "04/06/2025", "100"),
        ]);
        let keys = |t: &Table| t.rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&t), ["c", "a", "b"]);
        t.sort_next();
        assert_eq!(keys(&t), ["a", "b", "c"]);
    }

    fn table() -> Table {
        let mut t = Table::new(vec![("Nome", 10), ("Ruolo", 10)]);
        t.set_rows(vec![
            ("1".into(), vec!["carla".into(), "b".into()]),
            ("2".into(), vec!["anna".into(), "c".into()]),
            ("3".into(), vec!["bruno".into(), "a".into()]),
        ]);
        t
    }

    #[test]
    fn sorts_and_keeps_selection() {
        let mut t = table();
        assert_eq!(
            t.rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
            ["2", "3", "1"]
        );
        t.down();
        assert_eq!(t.selected_key(), Some("3"));
        t.sort_next();
        assert_eq!(t.selected_key(), Some("3"));
        assert_eq!(t.selected, 0);
        t.sort_reverse();
        assert_eq!(t.selected_key(), Some("3"));
        assert_eq!(t.selected, 2);
    }

    #[test]
    fn pages() {
        let mut t = table();
        t.page = 2;
        t.next_page();
        assert_eq!(t.selected, 2);
        t.next_page();
        assert_eq!(t.selected, 2);
        t.prev_page();
        assert_eq!(t.selected, 0);
    }
}
