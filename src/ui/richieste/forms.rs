//! The richiesta and consuntivo forms (`screens/richiesta.toml`, `screens/consuntivo.toml`): filled
//! from a record, read back into one with the Italian error on the field that is wrong. The
//! richiesta's sub-form (the section shown for its servizio) is read into `dettagli`.

use crate::domain::date::{gg_mm_aaaa, iso, parse_iso};
use crate::domain::richieste::{
    Consuntivo, Richiesta, format_minuti, parse_minuti, problemi_consuntivo, problemi_richiesta,
};
use crate::service::codes::Lists;
use crate::ui::widgets::form::Form;

pub const RICHIESTA: &str = "richiesta";
pub const CONSUNTIVO: &str = "consuntivo";

/// A field's error: (field id, Italian message).
pub type Errore = (String, String);

fn date(iso_date: &str, today: time::Date) -> String {
    gg_mm_aaaa(parse_iso(iso_date).unwrap_or(today))
}

fn flag(v: bool) -> &'static str {
    if v { "true" } else { "false" }
}

/// The richiesta form filled from `r` (a new one: today's date).
pub fn fill_richiesta(form: &mut Form, r: &Richiesta, lists: &Lists, today: time::Date) {
    form.code_lists = lists.clone();
    form.set("data_richiesta", &date(&r.data_richiesta, today));
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    form.set("servizio", &opt(&r.servizio));
    form.set(
        "tipo_intervento",
        &r.tipo_intervento_id
            .map(|t| t.to_string())
            .unwrap_or_default(),
    );
    form.set("settore", &opt(&r.settore));
    form.set("erogatore", &opt(&r.erogatore));
    form.set("erogabile_accoglienza", flag(r.erogabile_accoglienza));
    form.set("note", &opt(&r.note));
    form.load_extra(r.dettagli.as_deref().unwrap_or("{}"), today);
    form.changed_at = None;
}

fn first(problems: Vec<(&'static str, String)>) -> Result<(), Errore> {
    match problems.into_iter().next() {
        Some((field, msg)) => Err((field.to_string(), msg)),
        None => Ok(()),
    }
}

/// The richiesta typed, over `base` (its scheda, id and version).
pub fn read_richiesta(
    form: &Form,
    base: &Richiesta,
    today: time::Date,
) -> Result<Richiesta, Errore> {
    let r = Richiesta {
        data_richiesta: form.date_iso("data_richiesta", today)?.unwrap_or_default(),
        servizio: form.text("servizio"),
        tipo_intervento_id: form.text("tipo_intervento").and_then(|t| t.parse().ok()),
        settore: form.text("settore"),
        erogatore: form.text("erogatore"),
        erogabile_accoglienza: form.value("erogabile_accoglienza") == "true",
        note: form.text("note"),
        // The sub-form shown for the servizio (its fields are the form's non-core ones).
        dettagli: Some(form.extra_json(today)).filter(|j| j != "{}"),
        consuntivo: Vec::new(),
        ..base.clone()
    };
    first(problemi_richiesta(&r, &iso(today)))?;
    Ok(r)
}

/// The consuntivo form filled from `c` (a new row: today, one operator).
pub fn fill_riga(form: &mut Form, c: &Consuntivo, lists: &Lists, today: time::Date) {
    form.code_lists = lists.clone();
    form.set("data", &date(&c.data, today));
    form.set("tipo_attivita", &c.tipo_attivita);
    form.set(
        "durata",
        &if c.minuti > 0 {
            format_minuti(c.minuti).replace(' ', "")
        } else {
            String::new()
        },
    );
    form.set("operatori", &c.operatori.max(1).to_string());
    form.set("descrizione", c.descrizione.as_deref().unwrap_or(""));
    form.changed_at = None;
}

/// The consuntivo row typed, over `base` (its richiesta, id and version).
pub fn read_riga(form: &Form, base: &Consuntivo, today: time::Date) -> Result<Consuntivo, Errore> {
    let minuti = parse_minuti(&form.value("durata")).map_err(|e| ("durata".to_string(), e))?;
    let operatori = crate::forms::fields::parse_integer(&form.value("operatori"))
        .map_err(|e| ("operatori".to_string(), e))?;
    let c = Consuntivo {
        data: form.date_iso("data", today)?.unwrap_or_default(),
        tipo_attivita: form.value("tipo_attivita"),
        minuti,
        operatori,
        descrizione: form.text("descrizione"),
        ..base.clone()
    };
    first(problemi_consuntivo(&c, &iso(today)))?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::Screens;
    use crate::ui::widgets::form::specs;

    const TODAY: time::Date = time::macros::date!(2026 - 11 - 29);

    fn form(id: &str) -> Form {
        let def = Screens::embedded().unwrap().get(id).unwrap().clone();
        Form::new(id, id, specs(&def))
    }

    #[test]
    fn a_consuntivo_row_reads_its_durata_and_says_what_is_wrong() {
        let mut f = form(CONSUNTIVO);
        let base = Consuntivo {
            richiesta_id: 4,
            ..Default::default()
        };
        fill_riga(&mut f, &base, &Lists::new(), TODAY);
        assert_eq!(f.value("data"), "29/11/2026");
        assert_eq!(f.value("operatori"), "1");
        f.set("tipo_attivita", "2");
        f.set("durata", "1,5 h");
        let c = read_riga(&f, &base, TODAY).unwrap();
        assert_eq!(
            (c.richiesta_id, c.minuti, c.data.as_str()),
            (4, 90, "2026-11-29")
        );
        f.set("durata", "un'ora");
        let (field, msg) = read_riga(&f, &base, TODAY).unwrap_err();
        assert_eq!(field, "durata");
        assert!(msg.starts_with("Durata non valida «un'ora»"), "{msg}");
        f.set("durata", "2h");
        f.set("operatori", "0");
        assert_eq!(read_riga(&f, &base, TODAY).unwrap_err().0, "operatori");
        // Back as typed, for an edit.
        fill_riga(&mut f, &c, &Lists::new(), TODAY);
        assert_eq!(f.value("durata"), "1h30min");
    }

    #[test]
    fn a_richiesta_needs_a_servizio_or_a_tipo() {
        let mut f = form(RICHIESTA);
        let base = Richiesta {
            scheda_id: 9,
            ..Default::default()
        };
        fill_richiesta(&mut f, &base, &Lists::new(), TODAY);
        assert_eq!(read_richiesta(&f, &base, TODAY).unwrap_err().0, "servizio");
        f.set("tipo_intervento", "12");
        f.set("erogabile_accoglienza", "true");
        let r = read_richiesta(&f, &base, TODAY).unwrap();
        assert_eq!(
            (r.scheda_id, r.tipo_intervento_id, r.erogabile_accoglienza),
            (9, Some(12), true)
        );
    }

    #[test]
    fn the_sub_form_of_the_servizio_is_stored_as_dettagli() {
        let mut f = form(RICHIESTA);
        let base = Richiesta {
            scheda_id: 9,
            ..Default::default()
        };
        fill_richiesta(&mut f, &base, &Lists::new(), TODAY);
        f.set("servizio", "abitativa");
        f.set("tipo_ricerca", "locazione");
        f.set("canone_massimo", "450");
        f.set("mansione", "cuoco");
        assert!(f.shown("canone_massimo") && !f.shown("mansione"));
        let r = read_richiesta(&f, &base, TODAY).unwrap();
        let d: serde_json::Value = serde_json::from_str(r.dettagli.as_deref().unwrap()).unwrap();
        assert_eq!(d["tipo_ricerca"], "locazione");
        assert_eq!(d["canone_massimo"], 45000, "money in cents");
        assert!(
            d.get("mansione").is_none(),
            "a hidden sub-form is not stored"
        );
        // Reopened: the values come back.
        let mut g = form(RICHIESTA);
        fill_richiesta(&mut g, &r, &Lists::new(), TODAY);
        assert_eq!(g.value("canone_massimo"), "450,00");
        // Another servizio: no sub-form, nothing stored.
        f.set("servizio", "info");
        assert_eq!(read_richiesta(&f, &base, TODAY).unwrap().dettagli, None);
    }
}
