//! The code-list picker of a form: opened on a code field, filtered as the operator types (folded
//! letters match labels, digits the start of a code), Enter or Space chooses.

use super::{Form, Handled, Kind, Picker, Value, line_key};
use crate::ui::keys::{Key, KeyInput};
use crate::ui::widgets::text_input::TextInput;

impl Form {
    /// Opens the picker on the focused code field.
    pub fn open_picker(&mut self) {
        if matches!(
            self.focused().map(|f| f.spec.kind),
            Some(Kind::CodeList | Kind::MultiCodeList)
        ) {
            self.picker = Some(self.new_picker(self.focus, TextInput::new(40)));
        }
    }

    fn list_of(&self, field: usize) -> &[(String, String)] {
        self.fields[field]
            .spec
            .code_list
            .as_ref()
            .and_then(|l| self.code_lists.get(l))
            .map_or(&[], Vec::as_slice)
    }

    pub(super) fn new_picker(&self, field: usize, filter: TextInput) -> Picker {
        let folded = self
            .list_of(field)
            .iter()
            .map(|(_, label)| {
                String::from_utf8(crate::domain::fold::letters(label)).unwrap_or_default()
            })
            .collect();
        Picker {
            field,
            filter,
            selected: 0,
            folded,
        }
    }

    /// The picker's visible options: (code, label, chosen).
    pub fn picker_options(&self) -> Vec<(&str, &str, bool)> {
        let Some(p) = &self.picker else {
            return Vec::new();
        };
        let typed = p.filter.value().trim();
        // Letters match the labels; digits alone ("2") would fold to nothing, so they match codes.
        let filter = String::from_utf8(crate::domain::fold::letters(typed)).unwrap_or_default();
        let code_prefix = |code: &str| {
            code.get(..typed.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(typed))
        };
        let chosen = self.fields[p.field].text();
        let chosen: Vec<&str> = chosen.split(',').collect();
        self.list_of(p.field)
            .iter()
            .zip(&p.folded)
            .filter(|((code, _), folded)| {
                typed.is_empty()
                    || (!filter.is_empty() && folded.contains(&filter))
                    || code_prefix(code)
            })
            .map(|((c, l), _)| (c.as_str(), l.as_str(), chosen.contains(&c.as_str())))
            .collect()
    }

    pub(super) fn picker_key(&mut self, k: &KeyInput, now: i64) -> Handled {
        let Some(p) = &mut self.picker else {
            return Handled::Ignored;
        };
        let choose = matches!(k.code, Key::Enter | Key::Char(' ')) && !k.mods.ctrl && !k.mods.alt;
        if !matches!(k.code, Key::Down | Key::Up | Key::Esc) && !choose {
            // Typing into the filter: the options are recomputed when shown.
            if line_key(&mut p.filter, k) == Handled::Ignored {
                return Handled::Ignored;
            }
            p.selected = 0;
            return Handled::Consumed;
        }
        if k.code == Key::Esc {
            self.picker = None;
            return Handled::Consumed;
        }
        let options = self.picker_options();
        let n = options.len();
        let current = options
            .get(
                self.picker
                    .as_ref()
                    .map_or(0, |p| p.selected)
                    .min(n.saturating_sub(1)),
            )
            .map(|(code, _, chosen)| (code.to_string(), *chosen));
        let Some(p) = &mut self.picker else {
            return Handled::Ignored;
        };
        match k.code {
            Key::Down if n > 0 => p.selected = (p.selected + 1) % n,
            Key::Up if n > 0 => p.selected = (p.selected + n - 1) % n,
            // No options: the arrows are not the picker's.
            Key::Down | Key::Up => return Handled::Ignored,
            _ => {
                let Some((code, chosen)) = current else {
                    if k.code == Key::Enter {
                        self.picker = None;
                    }
                    return Handled::Consumed;
                };
                let field_idx = p.field;
                let enter = k.code == Key::Enter;
                let field = &mut self.fields[field_idx];
                match &mut field.value {
                    Value::Code(c) => {
                        *c = Some(code);
                        self.picker = None;
                    }
                    // Multi-select: Space toggles; Enter closes, choosing the current entry only
                    // when nothing was chosen yet.
                    Value::Codes(cs) => {
                        if !enter && chosen {
                            cs.retain(|c| c != &code);
                        } else if !chosen && (!enter || cs.is_empty()) {
                            cs.push(code);
                        }
                        if enter {
                            self.picker = None;
                        }
                    }
                    _ => {}
                }
                self.focus = field_idx;
                self.touch(now);
                return Handled::Changed;
            }
        }
        Handled::Consumed
    }
}

#[cfg(test)]
mod tests {
    use super::super::FieldSpec;
    use super::*;
    use crate::ui::keys::Mods;

    fn sinba_form() -> Form {
        let spec = FieldSpec {
            id: "luogo".into(),
            label: "Luogo di vita".into(),
            kind: Kind::CodeList,
            required: false,
            max_len: 0,
            help: String::new(),
            code_list: Some("luogo".into()),
            section: "SINBA".into(),
            core: true,
        };
        let mut f = Form::new("t", "t", vec![spec]);
        let list = [
            ("0", "Famiglia di origine"),
            ("1", "Presso l'altro genitore"),
            ("2", "Presso parenti"),
            ("12", "Comunità educativa"),
        ];
        f.code_lists.insert(
            "luogo".into(),
            list.iter()
                .map(|(c, l)| (c.to_string(), l.to_string()))
                .collect(),
        );
        f
    }

    fn typed(f: &mut Form, text: &str) {
        for c in text.chars() {
            f.key(&KeyInput::new(Key::Char(c), Mods::NONE), 0);
        }
    }

    #[test]
    fn digits_match_codes_and_letters_match_labels() {
        let mut f = sinba_form();
        typed(&mut f, "2");
        let codes: Vec<&str> = f.picker_options().iter().map(|o| o.0).collect();
        assert_eq!(codes, ["2"], "a digit is a code, not an empty label filter");
        f.key(&KeyInput::new(Key::Enter, Mods::NONE), 0);
        assert_eq!(f.fields[0].text(), "2");

        let mut f = sinba_form();
        typed(&mut f, "1");
        let codes: Vec<&str> = f.picker_options().iter().map(|o| o.0).collect();
        assert_eq!(codes, ["1", "12"], "codes starting with what was typed");

        let mut f = sinba_form();
        typed(&mut f, "pres");
        let codes: Vec<&str> = f.picker_options().iter().map(|o| o.0).collect();
        assert_eq!(codes, ["1", "2"]);
    }
}
