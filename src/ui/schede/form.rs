//! The scheda form (`screens/scheda.toml`): filling it from a stored scheda or from the person,
//! reading it back into an edit, and telling the operator what changed when someone else saved
//! first.

use serde_json::{Map, Value};

use crate::domain::date::iso;
use crate::domain::persona::Soggetto;
use crate::domain::scheda::{self, SchedaEdit};
use crate::forms::fields;
use crate::service::scheda::SchedaFormData;
use crate::ui::widgets::form::{FieldSpec, Form, Kind};

pub const FORM_ID: &str = "scheda";

/// A stored value as its field shows it.
pub(super) fn iso_to_form(kind: Kind, v: &Value) -> String {
    match (kind, v) {
        (_, Value::Null) => String::new(),
        (Kind::Date, Value::String(s)) => crate::domain::date::italian(s),
        (Kind::Money, Value::Number(n)) => n.as_i64().map(fields::format_money).unwrap_or_default(),
        (Kind::Bool, Value::Bool(b)) => b.to_string(),
        (Kind::MultiCodeList, Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(","),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The person's data as this visit's snapshot of the Utente section.
fn person_values(p: &Soggetto) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            m.insert(k.into(), Value::from(v));
        }
    };
    put("codice_fiscale", p.codice_fiscale.as_deref());
    put("cognome", Some(&p.cognome));
    put("nome", Some(&p.nome));
    put("alias", p.alias.as_deref());
    put("sesso", p.sesso.as_deref());
    put("data_nascita", p.data_nascita.as_deref());
    put("luogo_nascita", p.luogo_nascita.as_deref());
    put("stato_civile", p.stato_civile.as_deref());
    put("cittadinanza", p.cittadinanza.as_deref());
    put("cittadinanza2", p.cittadinanza2.as_deref());
    put("data_decesso", p.data_decesso.as_deref());
    put("struttura_accoglienza", p.struttura_accoglienza.as_deref());
    let address = |a: &Option<String>, c: &Option<String>| {
        [a.as_deref(), c.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    };
    put(
        "res_indirizzo",
        Some(&address(&p.res_indirizzo, &p.res_civico)),
    );
    put("res_comune", p.res_comune.as_deref());
    put(
        "dom_indirizzo",
        Some(&address(&p.dom_indirizzo, &p.dom_civico)),
    );
    put("dom_comune", p.dom_comune.as_deref());
    put("telefono", p.telefono.as_deref());
    put("cellulare", p.cellulare.as_deref());
    put("email", p.email.as_deref());
    m.insert("cf_temporaneo".into(), Value::Bool(p.cf_provvisorio));
    m.insert("anonimo".into(), Value::Bool(p.anonimo));
    m.insert(
        "senza_fissa_dimora".into(),
        Value::Bool(p.senza_fissa_dimora),
    );
    m
}

/// Fields shown only when the ente enables the POR / FSE data.
pub fn is_por(id: &str) -> bool {
    id.starts_with(crate::domain::por::PREFIX)
}

/// Builds the scheda form: a stored scheda's values, or a new visit of `data.soggetto` dated today
/// and received by `operatore`. The code lists are moved into the form (`data.lists` is left
/// empty: nothing else reads them).
pub fn new_form(
    title: &str,
    specs: Vec<FieldSpec>,
    data: &mut SchedaFormData,
    operatore: &str,
    today: time::Date,
) -> Form {
    let specs: Vec<FieldSpec> = specs
        .into_iter()
        .filter(|s| data.por || !is_por(&s.id))
        .collect();
    let mut form = Form::new(FORM_ID, title, specs);
    form.code_lists = std::mem::take(&mut data.lists);
    // The familiari's rows: the kinds of member are fixed by the program.
    form.code_lists.insert(
        "tipo_familiare".into(),
        crate::domain::caso::TIPI_FAMILIARE
            .iter()
            .map(|(c, l)| (c.to_string(), l.to_string()))
            .collect(),
    );
    let values = match &data.scheda {
        Some(s) => crate::service::documenti::scheda_values(s),
        None => {
            let mut m = person_values(&data.soggetto);
            m.insert("data_accesso".into(), Value::from(iso(today)));
            m.insert("operatore".into(), Value::from(operatore));
            m
        }
    };
    for f in &mut form.fields {
        if let Some(v) = values.get(&f.spec.id) {
            f.set_text(&iso_to_form(f.spec.kind, v));
        }
    }
    form.changed_at = None;
    form
}

/// Reads the form into an edit. `Err` has the fields whose text does not parse (dates, numbers…),
/// which stop any save; a required field left empty does not stop it (the scheda stays in sospeso):
/// the bool says whether one is empty.
pub fn to_edit(
    form: &Form,
    data: &SchedaFormData,
    today: time::Date,
) -> Result<(SchedaEdit, bool), Vec<(String, String)>> {
    let mut errors = Vec::new();
    let mut required_missing = false;
    // Hidden fields (a section that does not apply) are neither checked nor stored.
    let shown: Vec<bool> = (0..form.fields.len()).map(|i| form.visible(i)).collect();
    for (f, _) in form.fields.iter().zip(&shown).filter(|(_, s)| **s) {
        if let Err(e) = crate::ui::widgets::form::validate_field(f, today) {
            if e == fields::MSG_REQUIRED {
                required_missing = true;
            } else {
                errors.push((f.spec.id.clone(), e));
            }
        }
    }
    if let Ok(d) = fields::parse_date(&form.value("data_accesso"), today)
        && d > today
    {
        errors.push((
            "data_accesso".into(),
            "La data di accesso non può essere successiva a oggi".into(),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut dati = Map::new();
    for (f, _) in form.fields.iter().zip(&shown).filter(|(_, s)| **s) {
        let id = f.spec.id.as_str();
        if scheda::COLUMNS.contains(&id) {
            continue;
        }
        let v = typed(f.spec.kind, &f.text(), today);
        if !v.is_null() {
            dati.insert(id.to_string(), v);
        }
    }
    let oggi = iso(today);
    let mut problemi = crate::domain::scheda_sezioni::stranieri_problems(&dati, &oggi);
    if data.por {
        problemi.extend(crate::domain::por::problemi(&dati, &oggi));
    }
    if !problemi.is_empty() {
        return Err(problemi
            .into_iter()
            .map(|(id, m)| (id.to_string(), m))
            .collect());
    }
    // Stored values of fields this installation's form does not show are kept.
    if let Some(s) = &data.scheda {
        for (k, v) in &s.edit.dati {
            if form.field(k).is_none() {
                dati.entry(k.clone()).or_insert(v.clone());
            }
        }
    }
    let text = |id: &str| form.text(id);
    let nota_leggibile = data.scheda.as_ref().is_none_or(|s| s.nota_leggibile);
    let edit = SchedaEdit {
        id: data.scheda.as_ref().and_then(|s| s.edit.id),
        version: data.scheda.as_ref().map_or(0, |s| s.edit.version),
        soggetto_id: data.soggetto.id,
        data_accesso: text("data_accesso")
            .and_then(|t| fields::parse_date(&t, today).ok())
            .map(iso)
            .unwrap_or_default(),
        operatore: text("operatore").unwrap_or_default(),
        esito: text("esito"),
        bisogni: split(&form.value("bisogni")),
        servizi: split(&form.value("servizi")),
        categorie_sociali: split(&form.value("categorie_sociali")),
        invio_ufficio_id: text("invio_ufficio").and_then(|t| t.parse().ok()),
        nota_privata: if nota_leggibile {
            Some(form.value("nota_privata"))
        } else {
            None
        },
        dati,
    };
    Ok((edit, required_missing))
}

/// A field's text as stored: dates ISO, money in cents, numbers, flags as booleans, codes of a
/// multi-select as an array, a list of records as an array of objects; empty → null.
pub(super) fn typed(kind: Kind, text: &str, today: time::Date) -> Value {
    match kind {
        _ if text.trim().is_empty() && kind != Kind::Bool => Value::Null,
        Kind::Bool => Value::Bool(text == "true"),
        Kind::Date => fields::parse_date(text, today)
            .map(|d| Value::from(iso(d)))
            .unwrap_or(Value::Null),
        Kind::Money => fields::parse_money(text)
            .map(Value::from)
            .unwrap_or(Value::Null),
        Kind::Integer => fields::parse_integer(text)
            .map(Value::from)
            .unwrap_or(Value::Null),
        Kind::MultiCodeList => Value::from(split(text)),
        Kind::Records => serde_json::from_str(text).unwrap_or(Value::Null),
        Kind::CodiceFiscale => Value::from(crate::domain::cf::normalize(text)),
        _ => Value::from(text.trim_end().to_string()),
    }
}

/// The fields the save would still report missing (the rules between fields, e.g. a telephone or a
/// mobile), in form order: where Ctrl+V goes besides the required fields.
pub fn still_missing(form: &Form, data: &SchedaFormData, today: time::Date) -> Vec<String> {
    let Ok((edit, _)) = to_edit(form, data, today) else {
        return Vec::new();
    };
    let ctx = scheda::Contesto {
        oggi: iso(today),
        data_nascita: data.soggetto.data_nascita.clone(),
        anonimo: data.soggetto.anonimo,
        esiti_pic: data.esiti_pic.clone(),
        requisiti: data.requisiti,
        richieste: data.richieste,
        comuni_ambito: form
            .code_lists
            .get("comuni_ambito")
            .map(|l| l.iter().map(|(c, _)| c.clone()).collect())
            .unwrap_or_default(),
        por: data.por,
    };
    scheda::completion_problems(&edit, &ctx)
        .into_iter()
        .map(|(id, _)| id.to_string())
        .collect()
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// After a conflict: the fields another operator changed since the form was opened, with their
/// value now and, where this operator changed the same field, theirs too ("both versions").
pub fn conflict_report(form: &Form, stored: &Form) -> Vec<String> {
    let mut out = Vec::new();
    for f in &stored.fields {
        let id = &f.spec.id;
        let base = form.base.get(id).cloned().unwrap_or_default();
        let theirs = f.text();
        let mine = form.value(id);
        if theirs != base {
            let short = |s: &str| {
                let s: String = s.chars().take(40).collect();
                if s.is_empty() { "—".to_string() } else { s }
            };
            if mine != base && mine != theirs {
                out.push(format!(
                    "{}: l'altro operatore «{}», lei «{}»",
                    f.spec.label,
                    short(&theirs),
                    short(&mine)
                ));
            } else {
                out.push(format!("{}: ora «{}»", f.spec.label, short(&theirs)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(por: bool) -> SchedaFormData {
        SchedaFormData {
            lists: Default::default(),
            scheda: None,
            soggetto: Soggetto {
                id: 7,
                cognome: "Rossi".into(),
                nome: "Anna".into(),
                telefono: Some("075 1".into()),
                ..Default::default()
            },
            can_edit: true,
            por,
            esiti_pic: Vec::new(),
            requisiti: Default::default(),
            richieste: 0,
            invii: Vec::new(),
        }
    }

    fn today() -> time::Date {
        time::Date::from_calendar_date(2026, time::Month::November, 29).unwrap()
    }

    #[test]
    fn por_fields_only_when_the_ente_enables_them_and_the_person_is_snapshotted() {
        let forms = crate::ui::forms().unwrap();
        let (title, specs) = forms[FORM_ID].clone();
        let off = new_form(&title, specs.clone(), &mut data(false), "mrossi", today());
        assert!(off.field("por_progetto").is_none());
        let on = new_form(&title, specs, &mut data(true), "mrossi", today());
        assert!(on.field("por_progetto").is_some());
        assert_eq!(on.value("cognome"), "Rossi");
        assert_eq!(on.value("telefono"), "075 1");
        assert_eq!(on.value("operatore"), "mrossi");
        assert_eq!(on.value("data_accesso"), "29/11/2026");
        let (edit, incomplete) = to_edit(&on, &data(true), today()).unwrap();
        assert!(incomplete, "interlocutore and the others are still empty");
        assert_eq!(edit.soggetto_id, 7);
        assert_eq!(edit.data_accesso, "2026-11-29");
        assert_eq!(edit.text("cognome"), "Rossi");
    }
}
