//! Editing keys of a single-line field and of the multi-line notes.

use ratatui_textarea::TextArea;

use super::Handled;
use crate::ui::keys::{Key, KeyInput};
use crate::ui::widgets::text_input::TextInput;

/// Editing keys of a single-line field; printable characters insert.
pub fn line_key(t: &mut TextInput, k: &KeyInput) -> Handled {
    if k.is_printable()
        && let Key::Char(c) = k.code
    {
        return if t.insert(c) {
            Handled::Changed
        } else {
            Handled::Consumed
        };
    }
    // Ctrl+U empties the field (as in a shell).
    if k.mods.ctrl && !k.mods.alt && k.code == Key::Char('u') {
        if t.value().is_empty() {
            return Handled::Consumed;
        }
        t.clear();
        return Handled::Changed;
    }
    if k.mods.ctrl || k.mods.alt {
        return Handled::Ignored;
    }
    match k.code {
        Key::Backspace => {
            if t.backspace() {
                Handled::Changed
            } else {
                Handled::Consumed
            }
        }
        Key::Delete => {
            if t.delete() {
                Handled::Changed
            } else {
                Handled::Consumed
            }
        }
        Key::Left => {
            t.left();
            Handled::Consumed
        }
        Key::Right => {
            t.right();
            Handled::Consumed
        }
        Key::Home => {
            t.home();
            Handled::Consumed
        }
        Key::End => {
            t.end();
            Handled::Consumed
        }
        _ => Handled::Ignored,
    }
}

pub(crate) fn notes_key(t: &mut TextArea<'static>, k: &KeyInput, max_len: usize) -> Handled {
    use ratatui_textarea::{Input, Key as TKey};
    let len = t
        .lines()
        .iter()
        .map(|l| l.chars().count() + 1)
        .sum::<usize>()
        .saturating_sub(1);
    let full = max_len > 0 && len >= max_len;
    let key = match k.code {
        Key::Char(c) if k.is_printable() => {
            if full {
                return Handled::Consumed;
            }
            TKey::Char(c)
        }
        Key::Enter if !k.mods.ctrl && !k.mods.alt => {
            if full {
                return Handled::Consumed;
            }
            TKey::Enter
        }
        Key::Backspace => TKey::Backspace,
        Key::Delete => TKey::Delete,
        Key::Left => TKey::Left,
        Key::Right => TKey::Right,
        Key::Up => TKey::Up,
        Key::Down => TKey::Down,
        Key::Home => TKey::Home,
        Key::End => TKey::End,
        _ => return Handled::Ignored,
    };
    if k.mods.ctrl || k.mods.alt {
        return Handled::Ignored;
    }
    let before = t.lines().to_vec();
    // Without shortcuts: the keymap owns Ctrl/Alt combinations.
    t.input_without_shortcuts(Input {
        key,
        ctrl: false,
        alt: false,
        shift: false,
    });
    if t.lines() != before.as_slice() {
        Handled::Changed
    } else {
        Handled::Consumed
    }
}
