//! A single-line text editor: the value, a cursor in characters, a length limit, optional masking.
//! Pure state; [`TextInput::render`] draws it with horizontal scrolling by display width.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use unicode_width::UnicodeWidthChar;

use crate::sanitize;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    value: String,
    /// Cursor position in characters.
    cursor: usize,
    /// Maximum length in characters (0 = unlimited).
    max_len: usize,
    masked: bool,
}

impl TextInput {
    pub fn new(max_len: usize) -> TextInput {
        TextInput {
            max_len,
            ..Default::default()
        }
    }

    pub fn masked(max_len: usize) -> TextInput {
        TextInput {
            max_len,
            masked: true,
            ..Default::default()
        }
    }

    pub fn with_value(mut self, v: &str) -> TextInput {
        self.set(v);
        self
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn len(&self) -> usize {
        self.value.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the value (cleaned like typed text) and moves the cursor to the end.
    pub fn set(&mut self, v: &str) {
        self.value.clear();
        self.cursor = 0;
        self.insert_str(v);
    }

    pub fn clear(&mut self) {
        self.value.clear();
        self.cursor = 0;
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_idx)
            .map_or(self.value.len(), |(b, _)| b)
    }

    /// Inserts one character; controls are refused (typed text never carries escapes). Returns whether
    /// the value changed.
    pub fn insert(&mut self, c: char) -> bool {
        let c = if c == '\t' || c == '\n' || c == '\r' {
            ' '
        } else {
            c
        };
        if c.is_control()
            || sanitize::is_unsafe(c)
            || (self.max_len > 0 && self.len() >= self.max_len)
        {
            return false;
        }
        let at = self.byte_at(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
        true
    }

    /// Pastes text: newlines and tabs become spaces, controls are dropped, the limit is respected.
    pub fn insert_str(&mut self, s: &str) -> bool {
        let mut changed = false;
        for c in s.chars() {
            changed |= self.insert(c);
        }
        changed
    }

    pub fn backspace(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.cursor -= 1;
        let at = self.byte_at(self.cursor);
        self.value.remove(at);
        true
    }

    pub fn delete(&mut self) -> bool {
        if self.cursor >= self.len() {
            return false;
        }
        let at = self.byte_at(self.cursor);
        self.value.remove(at);
        true
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.len());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.len();
    }

    /// Draws the value in `area` (one line), scrolled so that the cursor is visible. Returns the cursor
    /// position on screen when `focused`.
    pub fn render(
        &self,
        area: Rect,
        buf: &mut Buffer,
        style: Style,
        focused: bool,
    ) -> Option<Position> {
        if area.width == 0 || area.height == 0 {
            return None;
        }
        let shown: Vec<char> = if self.masked {
            vec!['•'; self.len()]
        } else {
            self.value.chars().collect()
        };
        let width = |c: &char| c.width().unwrap_or(0) as u16;
        // First visible char: walk back from the cursor until the line is full.
        let room = area.width.saturating_sub(1).max(1);
        let mut start = self.cursor.min(shown.len());
        let mut used = 0;
        while start > 0 && used + width(&shown[start - 1]) <= room {
            start -= 1;
            used += width(&shown[start]);
        }
        buf.set_style(area, style);
        let mut x = area.x;
        let mut cursor_pos = None;
        for (i, c) in shown.iter().enumerate().skip(start) {
            if i == self.cursor {
                cursor_pos = Some(Position::new(x, area.y));
            }
            let w = width(c);
            if x + w > area.right() {
                break;
            }
            if w > 0 {
                buf[(x, area.y)].set_char(*c).set_style(style);
            }
            x += w;
        }
        if self.cursor >= shown.len() && x < area.right() {
            cursor_pos = Some(Position::new(x, area.y));
        }
        cursor_pos.filter(|_| focused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_by_characters_not_bytes() {
        let mut t = TextInput::new(10);
        t.insert_str("Città");
        t.left();
        t.backspace();
        assert_eq!(t.value(), "Cità");
        t.home();
        t.insert('N');
        t.end();
        t.insert('!');
        assert_eq!((t.value(), t.cursor()), ("NCità!", 6));
    }

    #[test]
    fn refuses_controls_and_respects_limit() {
        let mut t = TextInput::new(5);
        t.insert_str("a\x1b[2Jb\u{202e}c\nd");
        assert_eq!(t.value(), "a[2Jb");
        assert!(!t.insert('x'));
    }

    #[test]
    fn render_scrolls_to_keep_cursor_visible() {
        let mut t = TextInput::new(0);
        t.insert_str("abcdefghij");
        let area = Rect::new(0, 0, 5, 1);
        let mut buf = Buffer::empty(area);
        let pos = t.render(area, &mut buf, Style::new(), true).unwrap();
        assert_eq!(pos, Position::new(4, 0));
        let line: String = (0..5).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert_eq!(line, "ghij ");
        let masked = TextInput::masked(0).with_value("segreto");
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 1));
        masked.render(Rect::new(0, 0, 10, 1), &mut buf, Style::new(), false);
        assert!(!format!("{buf:?}").contains("segreto"));
    }
}
