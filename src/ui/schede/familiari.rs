//! The familiari e conviventi of the scheda form: on the list (a `records` field) Enter or Ctrl+N
//! opens a member's form (`screens/familiare.toml`, the cartella's record) over the scheda, Ctrl+S
//! puts the member back in the list, Del asks and removes one. The scheda itself is saved as
//! usual, with its list. The member's codice fiscale is not asked here: a third party's codice
//! fiscale is kept only with the «dati riservati» rules of the scheda.

use serde_json::Map;

use super::form::{iso_to_form, typed};
use super::{State, Then};
use crate::ui::action::Action;
use crate::ui::app::{App, Effect, Screen, Then as AppThen};
use crate::ui::popup::Popup;
use crate::ui::widgets::form::rows::{self, Row, Rows};
use crate::ui::widgets::form::{Form, Value};
use crate::ui::widgets::form_screen::FormScreen;

/// The form of one member.
pub const MEMBRO_FORM: &str = "familiare";

/// The member's fields the scheda does not ask.
const NOT_ASKED: [&str; 1] = ["codice_fiscale"];

/// The list of records the focus is on: (field index, rows).
fn focused_rows(form: &Form) -> Option<(usize, &Rows)> {
    match &form.focused()?.value {
        Value::Rows(r) => Some((form.focus, r)),
        _ => None,
    }
}

/// Add, edit or remove a member on the scheda form's focused list; `None` when the focus is
/// elsewhere (the action is not for the list).
pub fn action(app: &mut App, a: Action) -> Option<Vec<Effect>> {
    let Screen::Schede(State::Form(f, _)) = &app.screen else {
        return None;
    };
    let (field, r) = focused_rows(&f.form)?;
    if f.readonly {
        return None;
    }
    let index = match a {
        Action::NewRecord => None,
        Action::Edit | Action::Open => Some(r.current()?),
        Action::Delete => {
            let i = r.current()?;
            let who = rows::summary(
                &r.rows[i],
                &f.form.fields[field].spec.row,
                &f.form.code_lists,
            );
            app.popup = Some(Popup::confirm(
                format!("Togliere «{who}» dai familiari e conviventi?"),
                AppThen::Schede(Then::RemoveFamiliare(i)),
            ));
            return Some(Vec::new());
        }
        _ => return None,
    };
    let row = index.map(|i| r.rows[i].clone());
    let (title, specs) = app.config.form_def(MEMBRO_FORM);
    let specs = specs
        .into_iter()
        .filter(|s| !NOT_ASKED.contains(&s.id.as_str()))
        .collect();
    let mut form = Form::new(MEMBRO_FORM, &format!("{title} · familiare"), specs);
    form.code_lists = f.form.code_lists.clone();
    match &row {
        Some(row) => {
            for x in &mut form.fields {
                if let Some(v) = row.get(&x.spec.id) {
                    x.set_text(&iso_to_form(x.spec.kind, v));
                }
            }
        }
        None => form.set("tipo", "convivente"),
    }
    form.changed_at = None;
    let key = format!(
        "{}/{}",
        f.record_key,
        index.map_or("nuovo".to_string(), |i| i.to_string())
    );
    let screen = FormScreen::new(form, key);
    Some(app.push_form(Screen::Schede(State::Membro(Box::new(screen), index))))
}

/// The member's form read into a row; `Err` marks the fields to correct.
fn to_row(form: &mut Form, today: time::Date) -> Result<Row, ()> {
    if form.validate(today).is_some() {
        return Err(());
    }
    let mut row = Map::new();
    for f in &form.fields {
        let v = typed(f.spec.kind, &f.text(), today);
        if !v.is_null() && v != serde_json::Value::Bool(false) {
            row.insert(f.spec.id.clone(), v);
        }
    }
    Ok(row)
}

/// Ctrl+S on a member's form: back to the scheda with the member in its list.
pub fn save(app: &mut App) -> Vec<Effect> {
    let today = app.today();
    let now = app.now_ms;
    let Screen::Schede(State::Membro(f, index)) = &mut app.screen else {
        return Vec::new();
    };
    let index = *index;
    let Ok(row) = to_row(&mut f.form, today) else {
        app.status = Some(crate::ui::widgets::form_screen::MSG_FIX.into());
        return Vec::new();
    };
    let effects = app.form_saved(
        Ok(()),
        "Familiare nella scheda: salvare la scheda per registrarlo",
    );
    if let Some(rows) = scheda_rows(app) {
        rows.put(index, row);
    }
    touch(app, now);
    effects
}

/// Removes member `index` from the scheda form on screen.
pub fn remove(app: &mut App, index: usize) -> Vec<Effect> {
    let now = app.now_ms;
    if let Some(rows) = scheda_rows(app) {
        rows.remove(index);
        app.status = Some("Familiare tolto: salvare la scheda per registrarlo".into());
    }
    touch(app, now);
    Vec::new()
}

/// The scheda form's list of familiari (the field the member form was opened from).
fn scheda_rows(app: &mut App) -> Option<&mut Rows> {
    let Screen::Schede(State::Form(f, _)) = &mut app.screen else {
        return None;
    };
    let focus = f.form.focus;
    match &mut f.form.fields.get_mut(focus)?.value {
        Value::Rows(r) => Some(r),
        _ => None,
    }
}

/// The scheda changed: its draft is saved at the next tick.
fn touch(app: &mut App, now: i64) {
    if let Screen::Schede(State::Form(f, _)) = &mut app.screen {
        f.form.changed_at = Some(now);
    }
}
