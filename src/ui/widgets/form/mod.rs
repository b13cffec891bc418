//! The form widget: fields declared in `screens/*.toml` (kinds text, multiline, date, codice fiscale,
//! code list, multi code list, money, integer, bool), focus movement, inline Italian validation next to
//! each field, required markers, a code-list picker with type-to-filter, multi-line notes
//! (ratatui-textarea), lists of records (rows filled with another form, see [`rows`]), fields and
//! sections shown only when their condition holds (`show_when`, see [`crate::forms::condition`]),
//! and the draft (unsaved state) as JSON. The picker, the editing keys, the rows and the drawing
//! live in [`picker`], [`edit`], [`rows`] and [`render`].

mod edit;
mod picker;
mod render;
pub mod rows;
#[cfg(test)]
mod visibility_tests;

pub use edit::line_key;
pub(crate) use edit::notes_key;

use std::collections::BTreeMap;

use ratatui::style::Style;
use ratatui_textarea::TextArea;

use super::text_input::TextInput;
use crate::ui::keys::{Key, KeyInput};

/// The kind of a field, as declared in the screen TOML.
pub use crate::forms::FieldKind as Kind;

/// A field as the form needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    pub id: String,
    pub label: String,
    pub kind: Kind,
    pub required: bool,
    pub max_len: usize,
    pub help: String,
    pub code_list: Option<String>,
    pub section: String,
    /// Bound to the typed domain model (false = an ente's extra attribute, stored as JSON).
    pub core: bool,
    /// Shown only when all of these hold (its section's condition and its own).
    pub show_when: Vec<crate::forms::condition::Condition>,
    /// For a list of records: the fields of one row (the form it names).
    pub row: Vec<FieldSpec>,
}

/// The value being edited.
#[derive(Debug, Clone)]
pub enum Value {
    Line(TextInput),
    Notes(Box<TextArea<'static>>),
    Flag(bool),
    Code(Option<String>),
    Codes(Vec<String>),
    /// A list of records and the highlighted one.
    Rows(rows::Rows),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub spec: FieldSpec,
    pub value: Value,
    pub error: Option<String>,
}

/// A code-list picker open on a field: type to filter, Up/Down, Enter to choose, Space to toggle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub field: usize,
    pub filter: TextInput,
    pub selected: usize,
    /// The folded labels of the field's list, computed once when the picker opens (a list of
    /// comuni has thousands: typing filters them, it does not fold them again).
    folded: Vec<String>,
}

/// An editable form.
#[derive(Debug, Clone)]
pub struct Form {
    pub id: String,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Code lists by id: (code, label), in display order.
    pub code_lists: BTreeMap<String, Vec<(String, String)>>,
    pub picker: Option<Picker>,
    /// Time (ms) of the last change not yet saved as a draft.
    pub changed_at: Option<i64>,
    /// The values as loaded from the record (see [`Form::set_base`]): drafts carry them so that a
    /// draft restored over a record changed meanwhile by someone else only re-applies what this
    /// operator changed.
    pub base: BTreeMap<String, String>,
}

/// What the form did with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// The value changed.
    Changed,
    /// Consumed without changing the value (cursor moved, picker moved).
    Consumed,
    /// Not for the form: the caller resolves it through the keymap.
    Ignored,
    /// For the screen module: act on the focused field (a list of records asks to add, edit or
    /// remove a row).
    Action(crate::ui::action::Action),
}

fn new_notes(text: &str) -> Box<TextArea<'static>> {
    let mut t = TextArea::new(text.split('\n').map(str::to_string).collect());
    t.set_cursor_line_style(Style::new());
    t.move_cursor(ratatui_textarea::CursorMove::Bottom);
    t.move_cursor(ratatui_textarea::CursorMove::End);
    Box::new(t)
}

/// The runtime's view of a form definition's fields, section by section.
pub fn specs(def: &crate::forms::FormDef) -> Vec<FieldSpec> {
    let mut out = Vec::new();
    for section in &def.sections {
        for f in &section.fields {
            out.push(FieldSpec {
                id: f.id.clone(),
                label: f.label.clone(),
                kind: f.kind,
                required: f.required,
                max_len: f.max_len.unwrap_or(0) as usize,
                help: f.help.clone().unwrap_or_default(),
                code_list: f.code_list.clone(),
                section: section.title.clone(),
                core: f.core,
                show_when: section
                    .show_when
                    .iter()
                    .chain(f.show_when.iter())
                    .cloned()
                    .collect(),
                row: Vec::new(),
            });
        }
    }
    out
}

impl Field {
    pub fn new(spec: FieldSpec) -> Field {
        let value = match spec.kind {
            Kind::Multiline => Value::Notes(new_notes("")),
            Kind::Bool => Value::Flag(false),
            Kind::CodeList => Value::Code(None),
            Kind::MultiCodeList => Value::Codes(Vec::new()),
            Kind::Records => Value::Rows(rows::Rows::default()),
            _ => Value::Line(TextInput::new(spec.max_len)),
        };
        Field {
            spec,
            value,
            error: None,
        }
    }

    /// The value as text: what drafts store and validation reads.
    pub fn text(&self) -> String {
        match &self.value {
            Value::Line(t) => t.value().to_string(),
            Value::Notes(t) => t.lines().join("\n"),
            Value::Flag(b) => if *b { "true" } else { "false" }.to_string(),
            Value::Code(c) => c.clone().unwrap_or_default(),
            Value::Codes(c) => c.join(","),
            Value::Rows(r) => r.text(),
        }
    }

    /// Sets the value from its text form (drafts, records). Multiline text is sanitised for display
    /// but kept as typed; controls other than newlines cannot be typed anyway.
    pub fn set_text(&mut self, v: &str) {
        match &mut self.value {
            Value::Line(t) => t.set(v),
            Value::Notes(t) => {
                let clean = crate::sanitize::sanitize_multiline(v);
                let limit = if self.spec.max_len > 0 {
                    self.spec.max_len
                } else {
                    usize::MAX
                };
                *t = new_notes(&clean.chars().take(limit).collect::<String>());
            }
            Value::Flag(b) => *b = v == "true" || v == "1" || v.eq_ignore_ascii_case("sì"),
            Value::Code(c) => *c = (!v.is_empty()).then(|| v.to_string()),
            Value::Codes(c) => {
                *c = v
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            Value::Rows(r) => r.set_text(v),
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.value {
            Value::Flag(_) => false,
            _ => self.text().trim().is_empty(),
        }
    }
}

impl Form {
    pub fn new(id: &str, title: &str, specs: Vec<FieldSpec>) -> Form {
        Form {
            id: id.into(),
            title: title.into(),
            fields: specs.into_iter().map(Field::new).collect(),
            focus: 0,
            code_lists: BTreeMap::new(),
            picker: None,
            changed_at: None,
            base: BTreeMap::new(),
        }
    }

    /// Remembers the current values as the record's (call once the form is filled from it).
    pub fn set_base(&mut self) {
        self.base = self.values();
    }

    /// Whether a value differs from the record's (see [`Form::set_base`]).
    pub fn unsaved(&self) -> bool {
        self.values() != self.base
    }

    fn values(&self) -> BTreeMap<String, String> {
        self.fields
            .iter()
            .map(|f| (f.spec.id.clone(), f.text()))
            .collect()
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.spec.id == id)
    }

    pub fn field_mut(&mut self, id: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.spec.id == id)
    }

    pub fn value(&self, id: &str) -> String {
        self.field(id).map(Field::text).unwrap_or_default()
    }

    /// The field's text trimmed; `None` when empty.
    pub fn text(&self, id: &str) -> Option<String> {
        Some(self.value(id).trim().to_string()).filter(|s| !s.is_empty())
    }

    /// A date field typed `gg/mm/aaaa` (or the shortcuts of [`parse_typed`]) as ISO; `None` when
    /// empty; the error is (field id, Italian message).
    ///
    /// [`parse_typed`]: crate::domain::date::parse_typed
    pub fn date_iso(
        &self,
        id: &str,
        today: time::Date,
    ) -> Result<Option<String>, (String, String)> {
        match self.text(id) {
            None => Ok(None),
            Some(t) => crate::domain::date::parse_typed(&t, today)
                .map(|d| Some(crate::domain::date::iso(d)))
                .map_err(|e| (id.to_string(), e)),
        }
    }

    pub fn set(&mut self, id: &str, v: &str) {
        if let Some(f) = self.field_mut(id) {
            f.set_text(v);
        }
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// Whether the focused field takes printable keys as text.
    pub fn text_focus(&self) -> bool {
        self.picker.is_some()
            || matches!(
                self.focused().map(|f| &f.value),
                Some(Value::Line(_)) | Some(Value::Notes(_))
            )
    }

    /// Whether field `i` is shown: its conditions hold on the values typed now.
    pub fn visible(&self, i: usize) -> bool {
        self.fields.get(i).is_some_and(|f| {
            crate::forms::condition::all_hold(
                &f.spec.show_when,
                |id| self.value(id),
                &self.code_lists,
            )
        })
    }

    /// Whether the field `id` is on the form and shown.
    pub fn shown(&self, id: &str) -> bool {
        self.fields
            .iter()
            .position(|f| f.spec.id == id)
            .is_some_and(|i| self.visible(i))
    }

    /// The next shown field after (or before) the focus, wrapping; the focus itself when no other.
    fn step(&self, forward: bool) -> usize {
        let n = self.fields.len();
        (1..n)
            .map(|k| {
                if forward {
                    (self.focus + k) % n
                } else {
                    (self.focus + n - k) % n
                }
            })
            .find(|&i| self.visible(i))
            .unwrap_or(self.focus)
    }

    pub fn next(&mut self) {
        self.focus = self.step(true);
    }

    pub fn prev(&mut self) {
        self.focus = self.step(false);
    }

    /// Moves to the next field still to fill: one with an error shown, required and empty, or among
    /// `missing` (what the record's own rules still ask for), after the last from the top. Stays put
    /// when there is none.
    pub fn next_to_fill(&mut self, today: time::Date, missing: &[String]) -> bool {
        let n = self.fields.len();
        for step in 1..=n {
            let i = (self.focus + step) % n;
            let f = &self.fields[i];
            if !self.visible(i) {
                continue;
            }
            if f.error.is_some()
                || (f.spec.required && validate_field(f, today).is_err())
                || missing.contains(&f.spec.id)
            {
                self.focus = i;
                return true;
            }
        }
        false
    }

    /// The first shown field of each section, in order (sections with nothing shown left out).
    fn section_starts(&self) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for i in (0..self.fields.len()).filter(|&i| self.visible(i)) {
            let same = out
                .last()
                .is_some_and(|&j| self.fields[j].spec.section == self.fields[i].spec.section);
            if !same {
                out.push(i);
            }
        }
        out
    }

    /// Moves to the first field of the next (or previous) section shown.
    pub fn jump_section(&mut self, forward: bool) {
        let starts = self.section_starts();
        let Some(cur) = starts.iter().rposition(|&i| i <= self.focus) else {
            if let Some(&first) = starts.first() {
                self.focus = first;
            }
            return;
        };
        let n = starts.len();
        let next = if forward {
            (cur + 1) % n
        } else {
            (cur + n - 1) % n
        };
        self.focus = starts[next];
    }

    /// The first shown field of the `n`-th section (1-based), counting the hidden ones too so that
    /// a section keeps its number; a hidden section is not reached (false).
    pub fn goto_section(&mut self, n: usize) -> bool {
        let mut seen = 0;
        for i in 0..self.fields.len() {
            if i == 0 || self.fields[i - 1].spec.section != self.fields[i].spec.section {
                seen += 1;
            }
            if seen == n && self.visible(i) {
                self.focus = i;
                return true;
            }
            if seen > n {
                break;
            }
        }
        false
    }

    fn touch(&mut self, now: i64) {
        self.changed_at = Some(now);
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.error = None;
        }
    }

    /// Feeds a key to the focused field or the open picker.
    pub fn key(&mut self, k: &KeyInput, now: i64) -> Handled {
        if self.picker.is_some() {
            return self.picker_key(k, now);
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return Handled::Ignored;
        };
        let handled = match &mut field.value {
            Value::Line(t) => line_key(t, k),
            Value::Notes(t) => notes_key(t, k, field.spec.max_len),
            Value::Flag(b) => {
                if k.code == Key::Char(' ') && k.is_printable() {
                    *b = !*b;
                    Handled::Changed
                } else {
                    Handled::Ignored
                }
            }
            Value::Rows(r) => r.key(k),
            Value::Code(_) | Value::Codes(_) => {
                if k.code == Key::Enter && !k.mods.ctrl && !k.mods.alt {
                    // Enter opens the picker with the whole list.
                    self.picker = Some(self.new_picker(self.focus, TextInput::new(40)));
                    Handled::Consumed
                } else if k.is_printable() {
                    // Typing on a code field opens the picker with that text as the filter.
                    let mut filter = TextInput::new(40);
                    if let Key::Char(c) = k.code
                        && c != ' '
                    {
                        filter.insert(c);
                    }
                    self.picker = Some(self.new_picker(self.focus, filter));
                    Handled::Consumed
                } else {
                    Handled::Ignored
                }
            }
        };
        if handled == Handled::Changed {
            self.touch(now);
        }
        handled
    }

    /// Pastes text into the focused text field.
    pub fn paste(&mut self, s: &str, now: i64) {
        if let Some(p) = &mut self.picker {
            p.filter.insert_str(s);
            return;
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        let changed = match &mut field.value {
            Value::Line(t) => t.insert_str(s),
            Value::Notes(t) => {
                let clean = crate::sanitize::sanitize_multiline(s);
                let room = if field.spec.max_len > 0 {
                    field
                        .spec
                        .max_len
                        .saturating_sub(t.lines().join("\n").chars().count())
                } else {
                    usize::MAX
                };
                t.insert_str(clean.chars().take(room).collect::<String>())
            }
            _ => false,
        };
        if changed {
            self.touch(now);
        }
    }

    /// Validates every field; returns the index of the first field in error.
    pub fn validate(&mut self, today: time::Date) -> Option<usize> {
        let mut first = None;
        let shown: Vec<bool> = (0..self.fields.len()).map(|i| self.visible(i)).collect();
        for (i, f) in self.fields.iter_mut().enumerate() {
            f.error = if shown[i] {
                validate_field(f, today).err()
            } else {
                None
            };
            if f.error.is_some() && first.is_none() {
                first = Some(i);
            }
        }
        if let Some(i) = first {
            self.focus = i;
        }
        first
    }

    /// Shows (field id, message) errors beside their fields and moves the focus to the first.
    pub fn mark_errors(&mut self, errors: &[(String, String)]) {
        for f in &mut self.fields {
            f.error = None;
        }
        for (id, msg) in errors.iter().rev() {
            if let Some(i) = self.fields.iter().position(|f| &f.spec.id == id) {
                self.fields[i].error = Some(msg.clone());
                self.focus = i;
            }
        }
    }

    /// The unsaved state as JSON for the drafts table: `{"values": {id: text}, "base": {id: text}}`,
    /// the base being the record's values when the form was opened.
    pub fn draft_json(&self) -> String {
        serde_json::json!({ "values": self.values(), "base": self.base }).to_string()
    }

    /// Restores a draft. Only the fields the operator changed (draft value ≠ draft base) are applied,
    /// so a field someone else changed meanwhile keeps its new stored value; a field both changed
    /// takes the operator's text. Drafts without a base (older format) apply every field. Unknown ids
    /// (a field removed from the TOML) are ignored.
    pub fn restore_json(&mut self, json: &str) {
        #[derive(serde::Deserialize)]
        struct Draft {
            values: BTreeMap<String, String>,
            #[serde(default)]
            base: Option<BTreeMap<String, String>>,
        }
        let (values, base) = match serde_json::from_str::<Draft>(json) {
            Ok(d) => (d.values, d.base),
            Err(_) => match serde_json::from_str::<BTreeMap<String, String>>(json) {
                Ok(flat) => (flat, None),
                Err(_) => return,
            },
        };
        for (id, v) in values {
            let changed_by_operator = base
                .as_ref()
                .is_none_or(|b| b.get(&id).is_none_or(|old| old != &v));
            if changed_by_operator {
                self.set(&id, &v);
            }
        }
    }

    /// Values of the fields an ente added (not core), typed, as a JSON object for the record's extra
    /// column: money in integer cents, dates as `aaaa-mm-gg`, integers as numbers, flags as booleans.
    /// Hidden fields (their `show_when` does not hold) are left out. Call after [`Form::validate`]
    /// (a value that does not parse is kept as text).
    pub fn extra_json(&self, today: time::Date) -> String {
        use crate::forms::fields;
        let mut map = serde_json::Map::new();
        let extra = (self.fields.iter().enumerate())
            .filter(|(i, f)| !f.spec.core && self.visible(*i))
            .map(|(_, f)| f);
        for f in extra {
            let text = f.text();
            let value = match f.spec.kind {
                _ if text.trim().is_empty() && f.spec.kind != Kind::Bool => serde_json::Value::Null,
                Kind::Money => fields::parse_money(&text)
                    .map(serde_json::Value::from)
                    .unwrap_or(text.into()),
                Kind::Integer => fields::parse_integer(&text)
                    .map(serde_json::Value::from)
                    .unwrap_or(text.into()),
                Kind::Date => fields::parse_date(&text, today)
                    .map(|d| serde_json::Value::from(crate::domain::date::iso(d)))
                    .unwrap_or(text.into()),
                Kind::Bool => serde_json::Value::from(text == "true"),
                _ => text.into(),
            };
            map.insert(f.spec.id.clone(), value);
        }
        serde_json::Value::Object(map).to_string()
    }

    /// Shows the extra attributes of a record (see [`Form::extra_json`]) in the fields.
    pub fn load_extra(&mut self, json: &str, today: time::Date) {
        use crate::forms::fields;
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json)
        else {
            return;
        };
        for (id, v) in map {
            let Some(f) = self.field_mut(&id) else {
                continue;
            };
            let text = match (&f.spec.kind, &v) {
                (_, serde_json::Value::Null) => String::new(),
                (Kind::Money, serde_json::Value::Number(n)) => {
                    n.as_i64().map(fields::format_money).unwrap_or_default()
                }
                (Kind::Date, serde_json::Value::String(s)) => fields::parse_date(s, today)
                    .map(fields::format_date)
                    .unwrap_or_else(|_| s.clone()),
                (_, serde_json::Value::Bool(b)) => b.to_string(),
                (_, serde_json::Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            f.set_text(&text);
        }
    }
}

/// Checks one field by its kind; the error is the Italian message shown beside it.
pub fn validate_field(f: &Field, today: time::Date) -> Result<(), String> {
    if f.spec.required && f.is_empty() {
        return Err(crate::forms::fields::MSG_REQUIRED.into());
    }
    let text = f.text();
    if text.trim().is_empty() {
        return Ok(());
    }
    if f.spec.max_len > 0 && text.chars().count() > f.spec.max_len {
        return Err(format!("Massimo {} caratteri", f.spec.max_len));
    }
    match f.spec.kind {
        Kind::Date => crate::forms::fields::parse_date(&text, today).map(|_| ()),
        Kind::Money => crate::forms::fields::parse_money(&text).map(|_| ()),
        Kind::Integer => crate::forms::fields::parse_integer(&text).map(|_| ()),
        Kind::CodiceFiscale => crate::domain::persona::classify_cf(&text, today)
            .map(|_| ())
            .map_err(|e| {
                let mut c = e.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }),
        _ => Ok(()),
    }
}
