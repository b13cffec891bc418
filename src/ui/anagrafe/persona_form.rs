//! The person form (`screens/persona.toml`) and the privacy-consent form (`screens/privacy.toml`):
//! building them from a stored person or from the search text, the codice fiscale filling sex, birth
//! date and birthplace as it is typed, and reading them back into edits for the service layer.

use std::collections::BTreeMap;

use crate::domain::persona::{self, Consenso, PersonaEdit, Privacy, Soggetto};
use crate::forms::fields;
use crate::ui::widgets::form::{FieldSpec, Form, Kind};

pub const FORM_ID: &str = "persona";
pub const PRIVACY_FORM_ID: &str = "privacy";

/// One code list: (code, label) in display order.
pub use crate::domain::belfiore::CodeList;

/// Code lists of the person form by list id.
pub type Lists = BTreeMap<String, CodeList>;

/// "rossi" → "Rossi", "de luca" → "De Luca".
fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The person form: a stored person's values, or for a new person what the search text says (a
/// codice fiscale, a birth date, then surname and name words).
pub fn new_form(
    title: &str,
    specs: Vec<FieldSpec>,
    lists: Lists,
    existing: Option<&Soggetto>,
    search_text: &str,
    today: time::Date,
) -> Form {
    let mut form = Form::new(FORM_ID, title, specs);
    form.code_lists = lists;
    match existing {
        Some(s) => {
            let edit = PersonaEdit::from_soggetto(s, None);
            for (campo, v) in &edit.values {
                let v = v.as_deref().unwrap_or_default();
                let text = match form.field(campo).map(|f| f.spec.kind) {
                    Some(Kind::Date) => crate::domain::date::italian(v),
                    Some(Kind::Bool) => (v == "1").to_string(),
                    _ => v.to_string(),
                };
                form.set(campo, &text);
            }
            form.load_extra(&s.extra, today);
        }
        None => prefill(&mut form, search_text, today),
    }
    form.changed_at = None;
    form
}

fn prefill(form: &mut Form, text: &str, today: time::Date) {
    let mut words = Vec::new();
    for piece in text.split_whitespace() {
        let upper = piece.to_uppercase();
        if upper.len() == 16 && upper.chars().all(|c| c.is_ascii_alphanumeric()) {
            form.set("codice_fiscale", &upper);
        } else if piece.chars().any(|c| c.is_ascii_digit()) {
            if let Ok(d) = fields::parse_date(piece, today) {
                form.set("data_nascita", &fields::format_date(d));
            }
        } else {
            words.push(title_case(piece));
        }
    }
    if let Some((first, rest)) = words.split_first() {
        form.set("cognome", first);
        form.set("nome", &rest.join(" "));
    }
    fill_from_cf(form, today);
}

/// After the codice fiscale changed: a valid code fills sex, birth date and birthplace when they are
/// empty, and a mismatch with the typed data is shown under the code as a warning (the save is not
/// blocked: the code may be right and the data wrong, or the reverse).
pub fn fill_from_cf(form: &mut Form, today: time::Date) {
    let cf = form.value("codice_fiscale");
    if let Some((sesso, data, luogo)) = persona::from_cf(&cf, today) {
        for (id, v) in [
            ("sesso", sesso),
            ("data_nascita", crate::domain::date::italian(&data)),
            ("luogo_nascita", luogo),
        ] {
            if form.value(id).trim().is_empty() {
                form.set(id, &v);
            }
        }
    }
    let warning = match to_edit(form, None, today) {
        Ok(edit) => persona::cf_warnings(&edit).join("; "),
        Err(_) => String::new(),
    };
    if let Some(f) = form.field_mut("codice_fiscale") {
        f.error = (!warning.is_empty()).then(|| format!("Attenzione: {warning}"));
    }
}

/// Reads the form into an edit; the errors are (field id, Italian message), the first to fix first.
pub fn to_edit(
    form: &Form,
    existing: Option<&Soggetto>,
    today: time::Date,
) -> Result<PersonaEdit, Vec<(String, String)>> {
    let mut edit = PersonaEdit {
        id: existing.map(|s| s.id),
        version: existing.map_or(0, |s| s.version),
        ..Default::default()
    };
    let mut errors = Vec::new();
    for campo in persona::CAMPI {
        if campo == "extra" {
            continue;
        }
        let Some(f) = form.field(campo) else {
            // Not on this installation's form: keep the stored value.
            let stored = existing
                .map(|s| PersonaEdit::from_soggetto(s, None))
                .and_then(|e| e.get(campo).map(str::to_string));
            edit.set(campo, stored.as_deref());
            continue;
        };
        let text = f.text();
        let value = match f.spec.kind {
            Kind::Date if !text.trim().is_empty() => match fields::parse_date(&text, today) {
                Ok(d) => Some(crate::domain::date::iso(d)),
                Err(e) => {
                    errors.push((campo.to_string(), e));
                    None
                }
            },
            Kind::Bool => Some(if text == "true" { "1" } else { "0" }.to_string()),
            Kind::CodiceFiscale => Some(crate::domain::cf::normalize(&text)),
            _ => Some(text.trim().to_string()),
        };
        edit.set(campo, value.as_deref());
    }
    edit.set("extra", Some(&form.extra_json(today)));
    for (campo, msg) in persona::validate(&edit, today) {
        if !errors.iter().any(|(c, _)| c == campo) {
            errors.push((campo.to_string(), msg));
        }
    }
    if errors.is_empty() {
        Ok(edit)
    } else {
        // In form order.
        errors.sort_by_key(|(c, _)| form.fields.iter().position(|f| &f.spec.id == c));
        Err(errors)
    }
}

/// The privacy form of a person towards the operator's ente, with the stored consent if any.
pub fn privacy_form(title: &str, specs: Vec<FieldSpec>, current: Option<&Consenso>) -> Form {
    let mut form = Form::new(PRIVACY_FORM_ID, title, specs);
    form.code_lists.insert(
        "privacy_stato".into(),
        [Privacy::Firmato, Privacy::NonFirmato, Privacy::Anonimo]
            .iter()
            .map(|p| (p.code().to_string(), p.label().to_string()))
            .collect(),
    );
    if let Some(c) = current {
        form.set("stato", c.stato.code());
        form.set(
            "data_firma",
            &c.data_firma
                .as_deref()
                .map(crate::domain::date::italian)
                .unwrap_or_default(),
        );
    }
    form.changed_at = None;
    form
}

/// Reads the privacy form: (state, ISO signature date).
pub fn privacy_values(
    form: &Form,
    today: time::Date,
) -> Result<(Privacy, Option<String>), (String, String)> {
    let stato = Privacy::parse(&form.value("stato")).ok_or_else(|| {
        (
            "stato".to_string(),
            crate::forms::fields::MSG_REQUIRED.to_string(),
        )
    })?;
    let text = form.value("data_firma");
    let data = if text.trim().is_empty() {
        None
    } else {
        let d = fields::parse_date(&text, today).map_err(|e| ("data_firma".to_string(), e))?;
        fields::check_not_future(d, today).map_err(|e| ("data_firma".to_string(), e))?;
        Some(crate::domain::date::iso(d))
    };
    match (stato, &data) {
        (Privacy::Firmato, None) => Err((
            "data_firma".into(),
            "Indicare la data di firma del consenso".into(),
        )),
        (Privacy::Firmato, _) => Ok((stato, data)),
        _ => Ok((stato, None)),
    }
}

/// The place lists (comuni and foreign states; foreign states only), from the Belfiore tables.
pub use crate::domain::belfiore::place_lists;

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> time::Date {
        time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
    }

    fn form() -> Form {
        let forms = crate::ui::forms().unwrap();
        let (title, specs) = forms[FORM_ID].clone();
        let (comuni, stati) = place_lists().clone();
        let mut lists = Lists::new();
        lists.insert("belfiore".into(), comuni);
        lists.insert("cittadinanza".into(), stati);
        new_form(&title, specs, lists, None, "", today())
    }

    #[test]
    fn search_text_prefills_names_date_and_code() {
        let mut f = form();
        prefill(&mut f, "rossi mario 12/03/1980", today());
        assert_eq!(f.value("cognome"), "Rossi");
        assert_eq!(f.value("nome"), "Mario");
        assert_eq!(f.value("data_nascita"), "12/03/1980");
        let mut f = form();
        let cf = crate::domain::cf::compute(
            "Rossi",
            "Mario",
            crate::domain::cf::Sesso::M,
            1980,
            3,
            12,
            "G478",
        );
        prefill(&mut f, &cf.to_lowercase(), today());
        assert_eq!(f.value("codice_fiscale"), cf);
        assert_eq!(f.value("sesso"), "M");
        assert_eq!(f.value("data_nascita"), "12/03/1980");
        assert_eq!(f.value("luogo_nascita"), "G478");
    }

    #[test]
    fn a_code_that_does_not_match_the_data_gives_a_warning() {
        let mut f = form();
        f.set("cognome", "Bianchi");
        f.set("nome", "Mario");
        f.set(
            "codice_fiscale",
            &crate::domain::cf::compute(
                "Rossi",
                "Mario",
                crate::domain::cf::Sesso::M,
                1980,
                3,
                12,
                "G478",
            ),
        );
        fill_from_cf(&mut f, today());
        let err = f.field("codice_fiscale").unwrap().error.clone().unwrap();
        assert!(err.contains("cognome non corrisponde"), "{err}");
    }

    #[test]
    fn place_lists_hold_each_code_once() {
        let (comuni, stati) = place_lists();
        let roma: Vec<_> = comuni.iter().filter(|(c, _)| c == "H501").collect();
        assert_eq!(roma.len(), 1);
        assert!(roma[0].1.starts_with("Roma"));
        assert!(stati.iter().all(|(c, _)| c.starts_with('Z')));
        assert!(comuni.len() > 7000, "{}", comuni.len());
    }
}
