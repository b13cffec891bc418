//! A list of records inside a form (`kind = "records"`): rows filled with another form (the
//! familiari of a scheda, each a `familiare.toml`), kept as JSON objects keyed by that form's
//! field ids (dates ISO, flags as booleans, codes as text). Up/Down move among the rows and the
//! «aggiungi» line after them; Enter edits the highlighted row (or adds one on that line),
//! Ctrl+N / F3 / Ins add one, Del removes the highlighted one: the form asks its screen to do so
//! ([`Handled::Action`]), which opens the row's form and puts the row back with [`Rows::put`].

use serde_json::{Map, Value};

use super::{FieldSpec, Handled, Kind};
use crate::ui::action::Action;
use crate::ui::keys::{Key, KeyInput};

/// One record: field id → value.
pub type Row = Map<String, Value>;

/// The rows and the highlighted one (`rows.len()` = the «aggiungi» line).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    pub rows: Vec<Row>,
    pub selected: usize,
}

/// The line after the rows, where Enter adds one.
pub const ADD_LINE: &str = "+ aggiungi (Invio o Ctrl+N)";

impl Rows {
    /// The rows as drafts and records keep them: a JSON array, `""` when there is none.
    pub fn text(&self) -> String {
        if self.rows.is_empty() {
            String::new()
        } else {
            Value::from(self.rows.clone()).to_string()
        }
    }

    /// Reads [`Rows::text`] back; anything else is no rows.
    pub fn set_text(&mut self, text: &str) {
        self.rows = serde_json::from_str::<Vec<Value>>(text)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect();
        self.selected = self.selected.min(self.rows.len());
    }

    /// Puts `row` at `index` (a new row when `None`) and highlights it.
    pub fn put(&mut self, index: Option<usize>, row: Row) {
        match index.filter(|&i| i < self.rows.len()) {
            Some(i) => {
                self.rows[i] = row;
                self.selected = i;
            }
            None => {
                self.rows.push(row);
                self.selected = self.rows.len() - 1;
            }
        }
    }

    /// Removes row `index`.
    pub fn remove(&mut self, index: usize) {
        if index < self.rows.len() {
            self.rows.remove(index);
            self.selected = self.selected.min(self.rows.len());
        }
    }

    /// The highlighted row, if it is one (not the «aggiungi» line).
    pub fn current(&self) -> Option<usize> {
        (self.selected < self.rows.len()).then_some(self.selected)
    }

    /// A key on the focused list.
    pub fn key(&mut self, k: &KeyInput) -> Handled {
        let plain = !k.mods.ctrl && !k.mods.alt;
        match k.code {
            Key::Down if plain && self.selected < self.rows.len() => {
                self.selected += 1;
                Handled::Consumed
            }
            Key::Up if plain && self.selected > 0 => {
                self.selected -= 1;
                Handled::Consumed
            }
            Key::Enter if plain => match self.current() {
                Some(_) => Handled::Action(Action::Edit),
                None => Handled::Action(Action::NewRecord),
            },
            Key::Char('n') if k.mods.ctrl && !k.mods.alt => Handled::Action(Action::NewRecord),
            Key::F(3) | Key::Insert if plain => Handled::Action(Action::NewRecord),
            Key::Delete if plain && self.current().is_some() => Handled::Action(Action::Delete),
            _ => Handled::Ignored,
        }
    }
}

/// One row as a line: its values in the order of the row's form, codes by label, dates
/// `gg/mm/aaaa`, a flag by its label when set.
pub fn summary(
    row: &Row,
    specs: &[FieldSpec],
    lists: &std::collections::BTreeMap<String, Vec<(String, String)>>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    for s in specs {
        let text = match (s.kind, row.get(&s.id)) {
            (_, None | Some(Value::Null)) => continue,
            (Kind::Bool, Some(Value::Bool(true))) => s.label.clone(),
            (Kind::Bool, _) => continue,
            (Kind::Date, Some(Value::String(d))) => crate::domain::date::italian(d),
            (Kind::CodeList, Some(Value::String(c))) => s
                .code_list
                .as_ref()
                .and_then(|l| lists.get(l))
                .and_then(|l| l.iter().find(|(code, _)| code == c))
                .map_or_else(|| c.clone(), |(_, label)| label.clone()),
            (_, Some(Value::String(t))) => t.clone(),
            (_, Some(other)) => other.to_string(),
        };
        if !text.trim().is_empty() {
            parts.push(text);
        }
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::keys::Mods;

    fn key(code: Key) -> KeyInput {
        KeyInput {
            code,
            mods: Mods::default(),
        }
    }

    fn row(cognome: &str) -> Row {
        let mut r = Row::new();
        r.insert("cognome".into(), cognome.into());
        r
    }

    #[test]
    fn rows_round_trip_as_text_and_move_with_the_keys() {
        let mut r = Rows::default();
        assert_eq!(r.text(), "");
        assert_eq!(
            r.key(&key(Key::Enter)),
            Handled::Action(Action::NewRecord),
            "on the «aggiungi» line Enter adds"
        );
        r.put(None, row("Rossi"));
        r.put(None, row("Bianchi"));
        assert_eq!(r.selected, 1);
        assert_eq!(r.key(&key(Key::Enter)), Handled::Action(Action::Edit));
        assert_eq!(r.key(&key(Key::Delete)), Handled::Action(Action::Delete));
        assert_eq!(r.key(&key(Key::Down)), Handled::Consumed);
        assert_eq!(r.current(), None, "the «aggiungi» line");
        assert_eq!(r.key(&key(Key::Delete)), Handled::Ignored);
        assert_eq!(r.key(&key(Key::Down)), Handled::Ignored, "next field");
        assert_eq!(r.key(&key(Key::Up)), Handled::Consumed);
        assert_eq!(r.key(&key(Key::Up)), Handled::Consumed);
        assert_eq!(r.key(&key(Key::Up)), Handled::Ignored, "previous field");
        let text = r.text();
        let mut back = Rows::default();
        back.set_text(&text);
        assert_eq!(back.rows, r.rows);
        back.put(Some(0), row("Verdi"));
        back.remove(1);
        assert_eq!(back.rows, vec![row("Verdi")]);
        back.set_text("non json");
        assert!(back.rows.is_empty() && back.selected == 0);
    }
}
