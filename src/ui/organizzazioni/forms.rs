//! The organisation, settore and punto di contatto forms (`screens/organizzazione.toml`,
//! `screens/settore.toml`, `screens/punto_contatto.toml`): filled from a record, read back into
//! what the service saves, checked with the registry's rules so that a refusal lands on its field.

use crate::domain::organizzazione::{self, Organizzazione, PuntoContatto, Settore};
use crate::ui::widgets::form::{FieldSpec, Form};

pub const ORGANIZZAZIONE: &str = "organizzazione";
pub const SETTORE: &str = "settore";
pub const PUNTO: &str = "punto_contatto";

/// The code list of the organisation form's «Tipo».
pub const TIPI: &str = "tipo_organizzazione";

fn flag(v: bool) -> &'static str {
    if v { "true" } else { "false" }
}

fn on(form: &Form, id: &str) -> bool {
    form.value(id) == "true"
}

fn set_all(form: &mut Form, values: &[(&str, &Option<String>)]) {
    for (id, v) in values {
        form.set(id, v.as_deref().unwrap_or(""));
    }
}

/// The organisation form, with the tipi to choose from.
pub fn organizzazione_form(
    title: &str,
    specs: Vec<FieldSpec>,
    tipi: &[(String, String)],
    o: Option<&Organizzazione>,
) -> Form {
    let mut form = Form::new(ORGANIZZAZIONE, title, specs);
    form.code_lists.insert(TIPI.into(), tipi.to_vec());
    match o {
        Some(o) => {
            form.set("nome", &o.nome);
            form.set("tipo", &o.tipo);
            form.set("attivo", flag(o.attivo));
            set_all(
                &mut form,
                &[
                    ("zona", &o.zona),
                    ("codice_fiscale", &o.codice_fiscale),
                    ("indirizzo", &o.indirizzo),
                    ("telefono", &o.telefono),
                    ("email", &o.email),
                    ("pec", &o.pec),
                ],
            );
        }
        None => form.set("attivo", "true"),
    }
    form.changed_at = None;
    form
}

/// The organisation typed in the form, over `existing` (its settori kept); a new one gets one
/// settore with its name and every role, as `sportello org add` does. `Err`: (field, message),
/// the field empty when the problem is not one of the form's.
pub fn organizzazione(
    form: &Form,
    existing: Option<&Organizzazione>,
) -> Result<Organizzazione, (String, String)> {
    let nome = form.value("nome").trim().to_string();
    let settori = match existing {
        Some(o) => o.settori.clone(),
        None => vec![Settore {
            nome: nome.clone(),
            inviante: true,
            interlocutore: true,
            erogatore: true,
            attivo: true,
            ..Default::default()
        }],
    };
    let o = Organizzazione {
        nome,
        tipo: form.value("tipo"),
        zona: form.text("zona"),
        codice_fiscale: form.text("codice_fiscale").map(|c| c.to_uppercase()),
        indirizzo: form.text("indirizzo"),
        telefono: form.text("telefono"),
        email: form.text("email"),
        pec: form.text("pec"),
        attivo: on(form, "attivo"),
        settori,
        ..existing.cloned().unwrap_or_default()
    };
    checked(o, false)
}

/// The settore form.
pub fn settore_form(title: &str, specs: Vec<FieldSpec>, s: Option<&Settore>) -> Form {
    let mut form = Form::new(SETTORE, title, specs);
    match s {
        Some(s) => {
            form.set("nome", &s.nome);
            set_all(
                &mut form,
                &[
                    ("telefono", &s.telefono),
                    ("email", &s.email),
                    ("orari", &s.orari),
                ],
            );
            for (id, v) in [
                ("inviante", s.inviante),
                ("interlocutore", s.interlocutore),
                ("erogatore", s.erogatore),
                ("attivo", s.attivo),
            ] {
                form.set(id, flag(v));
            }
        }
        None => {
            for id in ["inviante", "interlocutore", "erogatore", "attivo"] {
                form.set(id, "true");
            }
        }
    }
    form.changed_at = None;
    form
}

/// Organisation `o` with the settore typed in the form in place of settore `id` (`None`: added):
/// what the service saves, the whole list of settori with it. `Err`: (field, message).
pub fn con_settore(
    form: &Form,
    o: &Organizzazione,
    id: Option<i64>,
) -> Result<Organizzazione, (String, String)> {
    let mut o = o.clone();
    let base = id
        .and_then(|id| o.settori.iter().find(|s| s.id == id))
        .cloned()
        .unwrap_or_default();
    let s = Settore {
        nome: form.value("nome").trim().to_string(),
        telefono: form.text("telefono"),
        email: form.text("email"),
        orari: form.text("orari"),
        inviante: on(form, "inviante"),
        interlocutore: on(form, "interlocutore"),
        erogatore: on(form, "erogatore"),
        attivo: on(form, "attivo"),
        ..base
    };
    match o.settori.iter_mut().find(|x| id == Some(x.id)) {
        Some(x) => *x = s,
        None => o.settori.push(s),
    }
    checked(o, true)
}

/// `o` when the registry's rules accept it; else the problem with the field of the form it names
/// (empty when none).
fn checked(o: Organizzazione, settore: bool) -> Result<Organizzazione, (String, String)> {
    match organizzazione::check(&o) {
        Ok(()) => Ok(o),
        Err(e) => Err((campo(&e, settore).unwrap_or_default().to_string(), e)),
    }
}

/// The field of the organisation form (`settore` false) or of the settore form that a refusal of
/// the registry's rules names; `None` when it is about something else.
pub fn campo(msg: &str, settore: bool) -> Option<&'static str> {
    // Names quoted «…» in the message say nothing about the field.
    let mut plain = String::new();
    let mut quoted = false;
    for c in msg.chars() {
        match c {
            '«' => quoted = true,
            '»' => quoted = false,
            c if !quoted => plain.push(c),
            _ => {}
        }
    }
    if plain.contains("settore") != settore {
        return None;
    }
    if plain.contains("PEC") {
        Some("pec")
    } else if plain.contains("codice fiscale") {
        Some("codice_fiscale")
    } else if plain.contains("e-mail") {
        Some("email")
    } else if plain.contains("tipo di organizzazione") {
        Some("tipo")
    } else if ["nome", "esiste già", "ripetuto"]
        .iter()
        .any(|w| plain.contains(w))
    {
        Some("nome")
    } else {
        None
    }
}

/// The punto di contatto form.
pub fn punto_form(title: &str, specs: Vec<FieldSpec>, p: Option<&PuntoContatto>) -> Form {
    let mut form = Form::new(PUNTO, title, specs);
    match p {
        Some(p) => {
            form.set("nome", &p.nome);
            form.set("attivo", flag(p.attivo));
            set_all(
                &mut form,
                &[
                    ("indirizzo", &p.indirizzo),
                    ("telefono", &p.telefono),
                    ("orari", &p.orari),
                ],
            );
        }
        None => form.set("attivo", "true"),
    }
    form.changed_at = None;
    form
}

/// The punto di contatto typed in the form, over `existing` (`None`: a new one of `ufficio_id`).
pub fn punto(form: &Form, ufficio_id: i64, existing: Option<&PuntoContatto>) -> PuntoContatto {
    PuntoContatto {
        nome: form.value("nome").trim().to_string(),
        indirizzo: form.text("indirizzo"),
        telefono: form.text("telefono"),
        orari: form.text("orari"),
        attivo: on(form, "attivo"),
        ..existing.cloned().unwrap_or(PuntoContatto {
            ufficio_id,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::campo;

    #[test]
    fn a_refusal_lands_on_the_field_it_names() {
        assert_eq!(
            campo("indirizzo PEC «a b@x» non valido", false),
            Some("pec")
        );
        assert_eq!(
            campo(
                "codice fiscale «12» non valido: 11 cifre o 16 caratteri",
                false
            ),
            Some("codice_fiscale")
        );
        assert_eq!(
            campo("l'organizzazione «Settore Est» esiste già", false),
            Some("nome")
        );
        assert_eq!(
            campo("indirizzo e-mail del settore «x» non valido", true),
            Some("email")
        );
        assert_eq!(campo("il settore «CSM» è ripetuto", true), Some("nome"));
        // Another form's business.
        assert_eq!(campo("il settore «CSM» è ripetuto", false), None);
        assert_eq!(campo("indirizzo PEC «x» non valido", true), None);
    }
}
