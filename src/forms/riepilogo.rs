//! A record's extra values (the JSON object a form's non-core fields are stored as, e.g. the
//! sub-form of a richiesta) read back as (label, text) pairs for read-only display: codes by their
//! label, money in euro, dates in Italian, flags as «sì»; empty and unset values left out.

use super::condition::Lists;
use super::{FieldKind, FormDef};
use crate::domain::date::italian;
use crate::domain::money::format_euro;

/// The non-core fields of `def` that `json` holds a value for, in the form's order.
pub fn riepilogo(def: &FormDef, json: &str, lists: &Lists) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json) else {
        return Vec::new();
    };
    let label = |list: Option<&str>, code: &str| {
        list.and_then(|l| lists.get(l))
            .and_then(|l| l.iter().find(|(c, _)| c == code))
            .map_or_else(|| code.to_string(), |(_, t)| t.clone())
    };
    def.fields()
        .filter(|f| !f.core)
        .filter_map(|f| {
            let list = f.code_list.as_deref();
            let text = match (f.kind, map.get(&f.id)?) {
                (_, serde_json::Value::Null) | (_, serde_json::Value::Bool(false)) => return None,
                (_, serde_json::Value::Bool(true)) => "sì".to_string(),
                (FieldKind::Money, serde_json::Value::Number(n)) => format_euro(n.as_i64()?),
                (FieldKind::Date, serde_json::Value::String(s)) => italian(s),
                (FieldKind::CodeList, serde_json::Value::String(s)) => label(list, s),
                (FieldKind::MultiCodeList, serde_json::Value::String(s)) => s
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(|c| label(list, c))
                    .collect::<Vec<_>>()
                    .join(", "),
                (_, serde_json::Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            (!text.trim().is_empty()).then(|| (f.label.clone(), text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::Screens;

    #[test]
    fn a_sub_form_reads_back_with_labels_euro_and_flags() {
        let screens = Screens::embedded().unwrap();
        let def = screens.get("richiesta").unwrap();
        let mut lists = Lists::new();
        lists.insert(
            "abitativa_problemi".into(),
            vec![
                ("canone".into(), "Canone elevato".into()),
                ("vicini".into(), "Problemi con i vicini".into()),
            ],
        );
        let json = r#"{"tipo_ricerca":"locazione","problemi_alloggio":"canone, vicini",
            "canone_massimo":45000,"zona":"","persone_alloggio":3,"note":"x","patente":false}"#;
        let got = riepilogo(def, json, &lists);
        assert_eq!(
            got,
            vec![
                ("Tipo di ricerca".to_string(), "locazione".to_string()),
                (
                    "Problemi dell'alloggio".into(),
                    "Canone elevato, Problemi con i vicini".into()
                ),
                ("Canone massimo €/mese".into(), format_euro(45000)),
                ("Persone da alloggiare".into(), "3".into()),
            ],
            "a code without its list stays the code; core fields (note) and empty or false values are left out"
        );
        assert!(riepilogo(def, "non json", &lists).is_empty());
    }
}
