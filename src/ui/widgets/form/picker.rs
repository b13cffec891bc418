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

    /// The picker's visible options: (code, label, chosen). Every word typed must match: letters
    /// alone match the folded label anywhere; a word with digits or dots ("2", "A1.04", "TD01")
    /// matches the start of the code or of a word of the label (long lists such as the
    /// nomenclatore name their codes in the label).
    pub fn picker_options(&self) -> Vec<(&str, &str, bool)> {
        let Some(p) = &self.picker else {
            return Vec::new();
        };
        let terms: Vec<(&str, String)> = p
            .filter
            .value()
            .split_whitespace()
            .map(|t| {
                let letters =
                    String::from_utf8(crate::domain::fold::letters(t)).unwrap_or_default();
                (t, letters)
            })
            .collect();
        let starts = |text: &str, term: &str| {
            text.get(..term.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(term))
        };
        let matches = |code: &str, label: &str, folded: &str| {
            terms.iter().all(|(term, letters)| {
                let code_like = term.chars().any(|c| !c.is_alphabetic());
                if code_like || letters.is_empty() {
                    starts(code, term) || label.split_whitespace().any(|w| starts(w, term))
                } else {
                    folded.contains(letters.as_str()) || starts(code, term)
                }
            })
        };
        let chosen = self.fields[p.field].text();
        let chosen: Vec<&str> = chosen.split(',').collect();
        self.list_of(p.field)
            .iter()
            .zip(&p.folded)
            .filter(|((code, label), folded)| matches(code, label, folded))
            .map(|((c, l), _)| (c.as_str(), l.as_str(), chosen.contains(&c.as_str())))
            .collect()
    }

    pub(super) fn picker_key(&mut self, k: &KeyInput, now: i64) -> Handled {
        let Some(p) = &mut self.picker else {
            return Handled::Ignored;
        };
        // In a single choice, Space after some text is a word break of the filter ("contributi
        // affitto"); in a multi-select it toggles.
        let single = self.fields[p.field].spec.kind == Kind::CodeList;
        let word_break = single && k.code == Key::Char(' ') && !p.filter.value().trim().is_empty();
        let choose = matches!(k.code, Key::Enter | Key::Char(' '))
            && !k.mods.ctrl
            && !k.mods.alt
            && !word_break;
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
            show_when: Vec::new(),
            row: Vec::new(),
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

    #[test]
    fn every_word_must_match_and_codes_in_labels_are_found() {
        let mut f = sinba_form();
        f.code_lists.insert(
            "luogo".into(),
            [
                (
                    "7",
                    "TD01 Contributi economici a integrazione del reddito · SIUSS A1.04",
                ),
                (
                    "8",
                    "TD02 Contributi economici per l'alloggio · SIUSS A1.05.01",
                ),
                ("9", "IS03 Assistenza domiciliare · SIUSS A2.07"),
            ]
            .iter()
            .map(|(c, l)| (c.to_string(), l.to_string()))
            .collect(),
        );
        let options = |f: &mut Form, text: &str| {
            f.picker = None;
            typed(f, text);
            f.picker_options()
                .iter()
                .map(|o| o.0.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(options(&mut f, "contributi alloggio"), ["8"]);
        assert_eq!(options(&mut f, "a1.0"), ["7", "8"], "a SIUSS code");
        assert_eq!(options(&mut f, "is03"), ["9"], "an ISTAT code");
        assert_eq!(options(&mut f, "contributi a1.05"), ["8"]);
        assert!(options(&mut f, "contributi domiciliare").is_empty());
    }
}
