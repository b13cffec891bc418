//! The filters of the list of schede (`screens/filtro_schede.toml`).

use crate::domain::date::iso;
use crate::domain::scheda::{Filtro, Stato};
use crate::forms::fields;
use crate::service::codes::Lists;
use crate::ui::widgets::form::{FieldSpec, Form};

pub const FILTER_FORM_ID: &str = "filtro_schede";

/// The filter form's values (`screens/filtro_schede.toml`) into a filter; dates `gg/mm/aaaa`.
pub fn filter_from_form(form: &Form, today: time::Date) -> Result<Filtro, (String, String)> {
    let date = |id: &str| -> Result<Option<String>, (String, String)> {
        let t = form.value(id);
        if t.trim().is_empty() {
            return Ok(None);
        }
        fields::parse_date(&t, today)
            .map(|d| Some(iso(d)))
            .map_err(|e| (id.to_string(), e))
    };
    let text = |id: &str| Some(form.value(id)).filter(|s| !s.trim().is_empty());
    let f = Filtro {
        dal: date("dal")?,
        al: date("al")?,
        ufficio_id: text("ufficio").and_then(|t| t.parse().ok()),
        operatore: text("operatore"),
        stato: text("stato").and_then(|s| Stato::parse(&s)),
        esito: text("esito"),
        bisogno: text("bisogno"),
        soggetti: None,
        eliminate: false,
        ricevute_da: None,
    };
    if let (Some(d), Some(a)) = (&f.dal, &f.al)
        && d > a
    {
        return Err(("al".into(), "La data finale precede quella iniziale".into()));
    }
    Ok(f)
}

/// Fills the filter form from the current filter.
pub fn filter_form(title: &str, specs: Vec<FieldSpec>, lists: Lists, f: &Filtro) -> Form {
    let mut form = Form::new(FILTER_FORM_ID, title, specs);
    form.code_lists = lists;
    form.code_lists.insert(
        "stato_scheda".into(),
        Stato::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.label().to_string()))
            .collect(),
    );
    let date = |d: &Option<String>| {
        d.as_deref()
            .map(crate::domain::date::italian)
            .unwrap_or_default()
    };
    form.set("dal", &date(&f.dal));
    form.set("al", &date(&f.al));
    form.set(
        "ufficio",
        &f.ufficio_id.map(|u| u.to_string()).unwrap_or_default(),
    );
    form.set("operatore", f.operatore.as_deref().unwrap_or(""));
    form.set("stato", f.stato.map(Stato::code).unwrap_or(""));
    form.set("esito", f.esito.as_deref().unwrap_or(""));
    form.set("bisogno", f.bisogno.as_deref().unwrap_or(""));
    form.changed_at = None;
    form
}
