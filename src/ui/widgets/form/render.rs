//! Drawing a form: sections, labels, values, errors beside their field, the picker over the form.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Widget};

use std::collections::BTreeMap;

use super::{Field, Form, Kind, Value};
use crate::sanitize::sanitize;
use crate::ui::theme::Theme;

impl Form {
    /// Draws the form; returns the cursor position.
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) -> Option<Position> {
        let label_w = 24u16.min(area.width / 3);
        let mut rows: Vec<(Option<usize>, u16)> = Vec::new(); // (field index or section header, height)
        let mut section = String::new();
        for (i, f) in self.fields.iter().enumerate() {
            if !self.visible(i) {
                continue;
            }
            if f.spec.section != section {
                section = f.spec.section.clone();
                rows.push((None, 1));
            }
            let lines = match &f.value {
                Value::Rows(r) => r.rows.len() as u16 + 1,
                _ if f.spec.kind == Kind::Multiline => 5,
                _ => 1,
            };
            rows.push((Some(i), lines + u16::from(f.error.is_some())));
        }
        // Scroll (derived, not stored): from the top unless the focused field would fall below.
        let focus_row = rows
            .iter()
            .position(|r| r.0 == Some(self.focus))
            .unwrap_or(0);
        let mut scroll = 0;
        while scroll < focus_row
            && rows[scroll..=focus_row].iter().map(|r| r.1).sum::<u16>() > area.height
        {
            scroll += 1;
        }
        let mut y = area.y;
        let mut cursor = None;
        for (row, h) in rows.iter().skip(scroll) {
            if y + h > area.bottom() {
                break;
            }
            match row {
                // Section titles are drawn by `render_section_titles`.
                None => y += 1,
                Some(i) => {
                    let f = &self.fields[*i];
                    let focused = *i == self.focus && self.picker.is_none();
                    let marker = if f.spec.required { "*" } else { " " };
                    buf.set_stringn(area.x, y, marker, 1, theme.required());
                    buf.set_stringn(
                        area.x + 1,
                        y,
                        &f.spec.label,
                        (label_w - 1) as usize,
                        Style::new(),
                    );
                    let value_area = Rect::new(
                        area.x + label_w,
                        y,
                        area.width - label_w,
                        *h - u16::from(f.error.is_some()),
                    );
                    let style = if focused {
                        theme.focus()
                    } else {
                        theme.field()
                    };
                    let c =
                        render_value(f, value_area, buf, style, focused, &self.code_lists, theme);
                    if focused {
                        cursor = c;
                    }
                    if let Some(e) = &f.error {
                        let ey = y + h - 1;
                        buf.set_stringn(
                            area.x + label_w,
                            ey,
                            format!("↑ {e}"),
                            (area.width - label_w) as usize,
                            theme.error(),
                        );
                    }
                    y += h;
                }
            }
        }
        self.render_section_titles(area, buf, theme, &rows, scroll);
        if self.picker.is_some() {
            cursor = self.render_picker(area, buf, theme);
        }
        cursor
    }

    fn render_section_titles(
        &self,
        area: Rect,
        buf: &mut Buffer,
        theme: &Theme,
        rows: &[(Option<usize>, u16)],
        scroll: usize,
    ) {
        let mut y = area.y;
        for (k, (row, h)) in rows.iter().enumerate().skip(scroll) {
            if y + h > area.bottom() {
                break;
            }
            if row.is_none() {
                let next_field = rows[k + 1..].iter().find_map(|r| r.0);
                if let Some(i) = next_field {
                    let title = format!("── {} ", self.fields[i].spec.section);
                    let title = if theme.ascii {
                        title.replace('─', "-")
                    } else {
                        title
                    };
                    buf.set_stringn(
                        area.x,
                        y,
                        title,
                        area.width as usize,
                        theme.accent(crate::ui::theme::Area::Sistema),
                    );
                }
            }
            y += h;
        }
    }

    fn render_picker(&self, area: Rect, buf: &mut Buffer, theme: &Theme) -> Option<Position> {
        let p = self.picker.as_ref()?;
        let options = self.picker_options();
        // Wide enough for long labels (the nomenclatore's), never narrower than before.
        let longest = options
            .iter()
            .map(|(_, l, _)| l.chars().count())
            .max()
            .unwrap_or(0);
        let w = (longest as u16 + 6).clamp(50, 96).min(area.width);
        let h = 12.min(area.height);
        let rect = Rect::new(
            area.x + (area.width - w) / 2,
            area.y + (area.height - h) / 2,
            w,
            h,
        );
        ratatui::widgets::Clear.render(rect, buf);
        let field = &self.fields[p.field];
        let block = Block::default()
            .borders(Borders::ALL)
            .border_set(theme.border())
            .title(format!(" {} ", field.spec.label));
        let inner = block.inner(rect);
        block.render(rect, buf);
        buf.set_stringn(inner.x, inner.y, "Filtro: ", 8, theme.dim());
        let cursor = p.filter.render(
            Rect::new(inner.x + 8, inner.y, inner.width.saturating_sub(8), 1),
            buf,
            theme.field(),
            true,
        );
        let multi = field.spec.kind == Kind::MultiCodeList;
        let visible = inner.height.saturating_sub(1) as usize;
        let start = p.selected.saturating_sub(visible.saturating_sub(1));
        for (row, (i, (_, label, chosen))) in options
            .iter()
            .enumerate()
            .skip(start)
            .take(visible)
            .enumerate()
        {
            let mark = if multi {
                if *chosen { "[x] " } else { "[ ] " }
            } else {
                ""
            };
            let style = if i == p.selected {
                theme.focus()
            } else {
                Style::new()
            };
            buf.set_stringn(
                inner.x,
                inner.y + 1 + row as u16,
                format!("{mark}{}", sanitize(label)),
                inner.width as usize,
                style,
            );
        }
        if options.is_empty() {
            buf.set_stringn(
                inner.x,
                inner.y + 1,
                "Nessuna voce corrisponde",
                inner.width as usize,
                theme.dim(),
            );
        }
        cursor
    }
}

fn render_value(
    f: &Field,
    area: Rect,
    buf: &mut Buffer,
    style: Style,
    focused: bool,
    lists: &BTreeMap<String, Vec<(String, String)>>,
    theme: &Theme,
) -> Option<Position> {
    let label_of = |code: &str| -> String {
        f.spec
            .code_list
            .as_ref()
            .and_then(|l| lists.get(l))
            .and_then(|l| l.iter().find(|(c, _)| c == code))
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| code.to_string())
    };
    match &f.value {
        Value::Line(t) => t.render(
            Rect::new(area.x, area.y, area.width, 1),
            buf,
            style,
            focused,
        ),
        Value::Notes(t) => {
            let mut t = (**t).clone();
            t.set_style(style);
            t.set_cursor_style(if focused {
                theme
                    .focus()
                    .add_modifier(ratatui::style::Modifier::REVERSED)
            } else {
                style
            });
            t.render(area, buf);
            // Sanitise what the textarea drew: notes may come from the database.
            for y in area.top()..area.bottom() {
                for x in area.left()..area.right() {
                    let cell = &mut buf[(x, y)];
                    if cell
                        .symbol()
                        .chars()
                        .any(|c| c.is_control() || crate::sanitize::is_unsafe(c))
                    {
                        cell.set_symbol("�");
                    }
                }
            }
            None
        }
        Value::Flag(b) => {
            buf.set_stringn(
                area.x,
                area.y,
                if *b { "[x] sì" } else { "[ ] no" },
                area.width as usize,
                style,
            );
            None
        }
        Value::Code(c) => {
            let text = c.as_deref().map(label_of).unwrap_or_default();
            buf.set_style(Rect::new(area.x, area.y, area.width, 1), style);
            buf.set_stringn(area.x, area.y, sanitize(&text), area.width as usize, style);
            None
        }
        Value::Rows(r) => {
            for (k, line) in r
                .rows
                .iter()
                .map(|row| super::rows::summary(row, &f.spec.row, lists))
                .chain(std::iter::once(super::rows::ADD_LINE.to_string()))
                .enumerate()
                .take(area.height as usize)
            {
                let y = area.y + k as u16;
                let style = if focused && k == r.selected {
                    style
                } else if k == r.rows.len() {
                    theme.dim()
                } else {
                    theme.field()
                };
                buf.set_style(Rect::new(area.x, y, area.width, 1), style);
                let text = format!("{}. {}", k + 1, sanitize(&line));
                let text = if k == r.rows.len() {
                    sanitize(&line)
                } else {
                    text
                };
                buf.set_stringn(area.x, y, text, area.width as usize, style);
            }
            None
        }
        Value::Codes(cs) => {
            let text = cs
                .iter()
                .map(|c| label_of(c))
                .collect::<Vec<_>>()
                .join(", ");
            buf.set_style(Rect::new(area.x, area.y, area.width, 1), style);
            buf.set_stringn(area.x, area.y, sanitize(&text), area.width as usize, style);
            None
        }
    }
}
