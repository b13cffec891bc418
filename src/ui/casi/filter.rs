//! The filters of the list of cases (`screens/filtro_casi.toml`): state, responsabile, categoria
//! sociale, period of opening, person.

use crate::domain::caso::FiltroCasi;
use crate::domain::date::italian;
use crate::service::codes::Lists;
use crate::ui::widgets::form::{FieldSpec, Form};

pub const FILTER_FORM_ID: &str = "filtro_casi";

/// The filter form's values into a filter; dates `gg/mm/aaaa`.
pub fn from_form(form: &Form, today: time::Date) -> Result<FiltroCasi, (String, String)> {
    let text = |id: &str| form.text(id);
    let date = |id: &str| form.date_iso(id, today);
    let f = FiltroCasi {
        stato: text("stato"),
        responsabile: text("responsabile"),
        categoria: text("categoria"),
        dal: date("dal")?,
        al: date("al")?,
        persona: text("persona"),
    };
    if let (Some(d), Some(a)) = (&f.dal, &f.al)
        && d > a
    {
        return Err(("al".into(), "La data finale precede quella iniziale".into()));
    }
    Ok(f)
}

/// The filter form filled from the current filter.
pub fn form(title: &str, specs: Vec<FieldSpec>, lists: Lists, f: &FiltroCasi) -> Form {
    let mut form = Form::new(FILTER_FORM_ID, title, specs);
    form.code_lists = lists;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |d: &Option<String>| d.as_deref().map(italian).unwrap_or_default();
    form.set("stato", &opt(&f.stato));
    form.set("responsabile", &opt(&f.responsabile));
    form.set("categoria", &opt(&f.categoria));
    form.set("dal", &date(&f.dal));
    form.set("al", &date(&f.al));
    form.set("persona", &opt(&f.persona));
    form.changed_at = None;
    form
}

/// One line describing the active filters ("tutti i casi" when none).
pub fn summary(f: &FiltroCasi) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &f.stato {
        parts.push(format!("stato {s}"));
    }
    if let Some(r) = &f.responsabile {
        parts.push(format!("responsabile {r}"));
    }
    if let Some(c) = &f.categoria {
        parts.push(format!("categoria {c}"));
    }
    match (&f.dal, &f.al) {
        (Some(d), Some(a)) => parts.push(format!("aperti dal {} al {}", italian(d), italian(a))),
        (Some(d), None) => parts.push(format!("aperti dal {}", italian(d))),
        (None, Some(a)) => parts.push(format!("aperti fino al {}", italian(a))),
        (None, None) => {}
    }
    if let Some(p) = &f.persona {
        parts.push(format!("persona «{p}»"));
    }
    if parts.is_empty() {
        "tutti i casi".into()
    } else {
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_every_active_filter() {
        assert_eq!(summary(&FiltroCasi::default()), "tutti i casi");
        let f = FiltroCasi {
            stato: Some("sospeso".into()),
            dal: Some("2026-01-01".into()),
            persona: Some("rossi".into()),
            ..Default::default()
        };
        assert_eq!(
            summary(&f),
            "stato sospeso · aperti dal 01/01/2026 · persona «rossi»"
        );
    }
}
