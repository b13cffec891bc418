//! The filters of the list of erogazioni (`screens/filtro_erogazioni.toml`): beneficiary, tipo,
//! period of the operations, progetto, erogatore, sent to SIUSS or not.

use crate::domain::date::italian;
use crate::domain::erogazioni::FiltroErogazioni;
use crate::ui::widgets::form::Form;

pub const FILTER_FORM_ID: &str = "filtro_erogazioni";

/// The filter form's values into a filter; dates `gg/mm/aaaa`.
pub fn from_form(form: &Form, today: time::Date) -> Result<FiltroErogazioni, (String, String)> {
    let text = |id: &str| form.text(id);
    let date = |id: &str| form.date_iso(id, today);
    let f = FiltroErogazioni {
        persona: text("beneficiario"),
        tipo_id: text("tipo").and_then(|t| t.parse().ok()),
        dal: date("dal")?,
        al: date("al")?,
        progetto_id: text("progetto").and_then(|t| t.parse().ok()),
        erogatore: text("erogatore"),
        esportata: text("esportata").map(|e| e == "si"),
        soggetto_id: None,
    };
    if let (Some(d), Some(a)) = (&f.dal, &f.al)
        && d > a
    {
        return Err(("al".into(), "La data finale precede quella iniziale".into()));
    }
    Ok(f)
}

/// Fills the filter form with the current filter.
pub fn fill(form: &mut Form, f: &FiltroErogazioni) {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
    let date = |d: &Option<String>| d.as_deref().map(italian).unwrap_or_default();
    form.set("beneficiario", &opt(&f.persona));
    form.set("tipo", &id(f.tipo_id));
    form.set("dal", &date(&f.dal));
    form.set("al", &date(&f.al));
    form.set("progetto", &id(f.progetto_id));
    form.set("erogatore", &opt(&f.erogatore));
    form.set(
        "esportata",
        match f.esportata {
            Some(true) => "si",
            Some(false) => "no",
            None => "",
        },
    );
    form.changed_at = None;
}

/// One line describing the active filters ("tutte le erogazioni" when none); `tipo` and
/// `progetto` name the chosen tipo and progetto.
pub fn summary(f: &FiltroErogazioni, tipo: Option<&str>, progetto: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &f.persona {
        parts.push(format!("beneficiario «{p}»"));
    }
    if let Some(t) = tipo {
        parts.push(format!("tipo {t}"));
    }
    match (&f.dal, &f.al) {
        (Some(d), Some(a)) => parts.push(format!("dal {} al {}", italian(d), italian(a))),
        (Some(d), None) => parts.push(format!("dal {}", italian(d))),
        (None, Some(a)) => parts.push(format!("fino al {}", italian(a))),
        (None, None) => {}
    }
    if let Some(p) = progetto {
        parts.push(format!("progetto {p}"));
    }
    if let Some(e) = &f.erogatore {
        parts.push(format!("erogatore «{e}»"));
    }
    match f.esportata {
        Some(true) => parts.push("inviate a SIUSS".into()),
        Some(false) => parts.push("non inviate a SIUSS".into()),
        None => {}
    }
    if parts.is_empty() {
        "tutte le erogazioni".into()
    } else {
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_every_active_filter() {
        assert_eq!(
            summary(&FiltroErogazioni::default(), None, None),
            "tutte le erogazioni"
        );
        let f = FiltroErogazioni {
            persona: Some("rossi".into()),
            dal: Some("2026-01-01".into()),
            esportata: Some(false),
            ..Default::default()
        };
        assert_eq!(
            summary(&f, Some("TD01"), None),
            "beneficiario «rossi» · tipo TD01 · dal 01/01/2026 · non inviate a SIUSS"
        );
    }
}
