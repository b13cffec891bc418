//! The forms of the cartella and the fascicolo (`screens/diario.toml`, `pai.toml`, `isee.toml`,
//! `documento.toml`, one per generic cartella section — `dati_sociali.toml`, `invalidita.toml`, … —
//! and `familiare.toml`): built with their code lists (the program's fixed ones and the database's)
//! and defaults, read back into the record to save.

use super::FormKind;
use crate::domain::caso::{self, Diario, Familiare, Isee, Pai, Sezione, Valutazione};
use crate::domain::date::{gg_mm_aaaa, iso, parse_typed};
use crate::domain::money::parse_money;
use crate::service::casi_documenti::NuovoDocumento;
use crate::service::codes::Lists;
use crate::ui::widgets::form::{FieldSpec, Form, Value};

/// A record read from a form.
pub enum Record {
    Diario(Diario),
    Pai(Pai),
    Isee(Isee),
    /// A document's metadata and the server path of its file.
    Documento(NuovoDocumento, std::path::PathBuf),
    /// A validity-dated row of a generic section: its fields and the first day it holds.
    Cartella(Sezione, serde_json::Map<String, serde_json::Value>, String),
    Familiare(Familiare),
    /// A valutazione (its form version is filled in by the caller, from the form definitions).
    Valutazione(Valutazione),
    /// A case to open: the person's codice fiscale and the categoria sociale.
    NuovoCaso(String, String),
    Categoria(caso::CategoriaCaso),
}

pub fn form_id(kind: FormKind) -> &'static str {
    match kind {
        FormKind::Diario => "diario",
        FormKind::Pai | FormKind::PaiVerifica(..) => "pai",
        FormKind::Isee => "isee",
        FormKind::Documento => "documento",
        FormKind::Sezione(s) => s.code(),
        FormKind::Familiare => "familiare",
        FormKind::Valutazione(_) => "valutazione",
        FormKind::NuovoCaso => "nuovo_caso",
        FormKind::Categoria => "categoria_caso",
    }
}

/// The assessment grids among the forms (`screens/valutazione_*.toml`): (id, title), by id.
pub fn griglie(config: &crate::ui::app::AppConfig) -> Vec<(String, String)> {
    config
        .defs
        .values()
        .filter(|d| d.id.starts_with(crate::forms::VALUTAZIONE_PREFIX))
        .map(|d| (d.id.clone(), d.title.clone()))
        .collect()
}

/// The id of the form a kind opens (a grid's own for a valutazione).
pub fn modulo(config: &crate::ui::app::AppConfig, kind: FormKind) -> String {
    match kind {
        FormKind::Valutazione(i) => griglie(config)
            .get(usize::from(i))
            .map(|(id, _)| id.clone())
            .unwrap_or_default(),
        other => form_id(other).to_string(),
    }
}

fn list(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect()
}

const TIPI_PAI: &[(&str, &str)] = &[
    ("pai", "PAI"),
    (
        "progetto_individuale",
        "Progetto individuale (L. 328/2000 art. 14)",
    ),
];
const RAGGIUNTO: &[(&str, &str)] = &[
    ("0", "Da valutare"),
    ("1", "No"),
    ("2", "Parzialmente"),
    ("3", "Sì"),
];
const TIPI_ISEE: &[(&str, &str)] = &[
    ("ordinario", "Ordinario"),
    ("minorenni", "Minorenni"),
    ("sociosanitario", "Socio-sanitario"),
    ("corrente", "Corrente"),
    ("universitario", "Universitario"),
];
const AUTOSUFFICIENZA: &[(&str, &str)] = &[
    ("AUTO", "Autosufficiente"),
    ("PARZ", "Parzialmente autosufficiente"),
    ("NAP", "Non autosufficiente"),
];
const PROTEZIONE_GIURIDICA: &[(&str, &str)] = &[
    ("nessuna", "Nessuna"),
    ("amministrazione_sostegno", "Amministrazione di sostegno"),
    ("tutela", "Tutela"),
    ("curatela", "Curatela"),
];
const PUNTEGGIO: &[(&str, &str)] = &[
    ("0", "0 — nessun problema"),
    ("1", "1 — lieve"),
    ("2", "2 — moderato"),
    ("3", "3 — grave"),
];
pub(crate) const TIPI_DOCUMENTO: &[(&str, &str)] = &[
    ("relazione", "Relazione"),
    ("certificato", "Certificato"),
    ("decreto", "Decreto o provvedimento"),
    ("documento_identita", "Documento d'identità"),
    ("corrispondenza", "Corrispondenza"),
    ("altro", "Altro"),
];

/// The code lists the program fixes, by id.
const FIXED: &[(&str, &[(&str, &str)])] = &[
    ("tipo_diario", caso::TIPI_DIARIO),
    ("tipo_pai", TIPI_PAI),
    ("raggiunto", RAGGIUNTO),
    ("motivo_chiusura_pai", caso::MOTIVI_CHIUSURA_PAI),
    ("tipo_isee", TIPI_ISEE),
    ("tipo_documento", TIPI_DOCUMENTO),
    ("autosufficienza", AUTOSUFFICIENZA),
    ("protezione_giuridica", PROTEZIONE_GIURIDICA),
    ("tipo_familiare", caso::TIPI_FAMILIARE),
    ("punteggio", PUNTEGGIO),
];

/// The database code lists the records of a section are shown with: those of its form(s) that the
/// program does not fix.
pub fn section_lists(config: &crate::ui::app::AppConfig, sezione: Sezione) -> Vec<String> {
    let forms: Vec<String> = match sezione {
        // The scheda POR shown under the schede: the code lists of its fields (not the comuni:
        // the employer's comune is not shown there).
        Sezione::Schede => {
            let (_, specs) = config.form_def("scheda");
            let mut lists: Vec<String> = specs
                .iter()
                .filter(|f| f.id.starts_with(crate::domain::por::PREFIX))
                .filter_map(|f| f.code_list.clone())
                .filter(|l| l != "belfiore")
                .collect();
            lists.sort();
            lists.dedup();
            return lists;
        }
        Sezione::Valutazioni => griglie(config).into_iter().map(|(id, _)| id).collect(),
        Sezione::Risorse => vec!["familiare".into()],
        s if s.generica() => vec![s.code().into()],
        _ => Vec::new(),
    };
    let mut lists: Vec<String> = forms
        .iter()
        .flat_map(|f| config.list_ids(f))
        .filter(|l| !FIXED.iter().any(|(id, _)| id == l))
        .collect();
    lists.sort();
    lists.dedup();
    lists
}

/// The label of `code` in the program's fixed list `list`, if it is one of them.
pub fn fixed_label(list: &str, code: &str) -> Option<&'static str> {
    FIXED
        .iter()
        .find(|(id, _)| *id == list)
        .and_then(|(_, items)| items.iter().find(|(c, _)| *c == code))
        .map(|(_, l)| *l)
}

/// A new record's form, with today's date and the usual type chosen; `lists` are the database's
/// code lists it uses (the program's fixed ones are added here).
pub fn new_form(
    id: &str,
    title: &str,
    specs: Vec<FieldSpec>,
    lists: Lists,
    kind: FormKind,
    today: time::Date,
) -> Form {
    let mut form = Form::new(id, title, specs);
    form.code_lists = lists;
    for (name, items) in FIXED {
        form.code_lists.insert(name.to_string(), list(items));
    }
    let oggi = gg_mm_aaaa(today);
    match kind {
        FormKind::Diario => {
            form.set("tipo", "colloquio");
            form.set("data", &oggi);
            form.set("riservato", "false");
        }
        FormKind::Pai => {
            form.set("tipo", "pai");
            form.set("data_inizio", &oggi);
            form.set("verifica_mesi", "3");
            for r in ["raggiunto_breve", "raggiunto_medio", "raggiunto_lungo"] {
                form.set(r, "0");
            }
        }
        // Filled from the record by [`fill_pai`].
        FormKind::PaiVerifica(..) => {}
        FormKind::Isee => form.set("tipo", "ordinario"),
        FormKind::Documento => {
            form.set("tipo", "relazione");
            form.set("data", &oggi);
            form.set("privato", "false");
        }
        FormKind::Sezione(_) => form.set("dal", &oggi),
        FormKind::Valutazione(_) => form.set("data", &oggi),
        FormKind::Familiare => form.set("tipo", "convivente"),
        FormKind::NuovoCaso => {}
        FormKind::Categoria => {
            form.set("dal", &oggi);
            form.set("prevalente", "false");
        }
    }
    form.changed_at = None;
    form
}

fn opt(s: String) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The values of a form but its date field `except`, as a JSON object (flags as «sì»/«no»).
fn values(form: &Form, except: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut dati = serde_json::Map::new();
    for f in form.fields.iter().filter(|f| f.spec.id != except) {
        let v = match &f.value {
            Value::Flag(b) => if *b { "sì" } else { "no" }.to_string(),
            _ => f.text().trim().to_string(),
        };
        if !v.is_empty() {
            dati.insert(f.spec.id.clone(), v.into());
        }
    }
    dati
}

/// Reads the form; the error names the field and the Italian message.
pub fn read(
    form: &Form,
    kind: FormKind,
    caso_id: i64,
    today: time::Date,
) -> Result<Record, (String, String)> {
    let date = |id: &str| {
        parse_typed(&form.value(id), today)
            .map(iso)
            .map_err(|e| (id.to_string(), e))
    };
    let money = |id: &str| parse_money(&form.value(id)).map_err(|e| (id.to_string(), e));
    Ok(match kind {
        FormKind::Diario => Record::Diario(Diario {
            caso_id,
            tipo: form.value("tipo"),
            data: date("data")?,
            testo: form.value("testo"),
            riservato: form.value("riservato") == "true",
            ..Default::default()
        }),
        FormKind::Pai | FormKind::PaiVerifica(..) => {
            let start = parse_typed(&form.value("data_inizio"), today)
                .map_err(|e| ("data_inizio".to_string(), e))?;
            let mesi: i64 = form
                .value("verifica_mesi")
                .trim()
                .parse()
                .ok()
                .filter(|m| (1..=60).contains(m))
                .ok_or_else(|| ("verifica_mesi".to_string(), "Da 1 a 60 mesi".to_string()))?;
            let raggiunto = |id: &str| form.value(id).parse::<u8>().unwrap_or(0);
            let prossima = if form.value("prossima_verifica").trim().is_empty() {
                iso(caso::prima_verifica(start, mesi))
            } else {
                date("prossima_verifica")?
            };
            let data_chiusura = if form.value("data_chiusura").trim().is_empty() {
                None
            } else {
                Some(date("data_chiusura")?)
            };
            let motivo_chiusura = opt(form.value("motivo_chiusura"));
            if data_chiusura.is_some() && motivo_chiusura.is_none() {
                return Err((
                    "motivo_chiusura".into(),
                    "Indicare il motivo della chiusura".into(),
                ));
            }
            if data_chiusura.is_none() && motivo_chiusura.is_some() {
                return Err((
                    "data_chiusura".into(),
                    "Indicare la data della chiusura".into(),
                ));
            }
            let (id, version) = match kind {
                FormKind::PaiVerifica(id, version) => (Some(id), version),
                _ => (None, 0),
            };
            Record::Pai(Pai {
                id,
                version,
                caso_id,
                tipo: form.value("tipo"),
                motivazioni: form.value("motivazioni"),
                obiettivo_breve: opt(form.value("obiettivo_breve")),
                raggiunto_breve: raggiunto("raggiunto_breve"),
                obiettivo_medio: opt(form.value("obiettivo_medio")),
                raggiunto_medio: raggiunto("raggiunto_medio"),
                obiettivo_lungo: opt(form.value("obiettivo_lungo")),
                raggiunto_lungo: raggiunto("raggiunto_lungo"),
                verifica_mesi: mesi,
                data_inizio: iso(start),
                prossima_verifica: prossima,
                beneficiari: opt(form.value("beneficiari")),
                data_chiusura,
                motivo_chiusura,
            })
        }
        FormKind::Isee => {
            let scala = parse_money(&form.value("scala"))
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| ("scala".to_string(), "Un numero come 1,57".to_string()))?;
            Record::Isee(Isee {
                caso_id,
                tipo: form.value("tipo"),
                data_dsu: date("data_dsu")?,
                scadenza: date("scadenza")?,
                ise_cents: money("ise")?,
                scala_cents: scala,
                isee_cents: money("isee")?,
                note: opt(form.value("note")),
                ..Default::default()
            })
        }
        FormKind::Documento => Record::Documento(
            NuovoDocumento {
                caso_id,
                titolo: form.value("titolo"),
                tipo: form.value("tipo"),
                data: date("data")?,
                privato: form.value("privato") == "true",
            },
            std::path::PathBuf::from(form.value("file").trim()),
        ),
        FormKind::Sezione(sezione) => Record::Cartella(sezione, values(form, "dal"), date("dal")?),
        FormKind::Valutazione(_) => Record::Valutazione(Valutazione {
            caso_id,
            modulo: form.id.clone(),
            data: date("data")?,
            dati: serde_json::Value::Object(values(form, "data")).to_string(),
            ..Default::default()
        }),
        FormKind::Categoria => Record::Categoria(caso::CategoriaCaso {
            codice: form.value("categoria"),
            prevalente: form.value("prevalente") == "true",
            dal: date("dal")?,
            al: if form.value("al").trim().is_empty() {
                None
            } else {
                Some(date("al")?)
            },
        }),
        FormKind::NuovoCaso => Record::NuovoCaso(
            form.value("codice_fiscale").trim().to_uppercase(),
            form.value("categoria"),
        ),
        FormKind::Familiare => Record::Familiare(Familiare {
            tipo: form.value("tipo"),
            cognome: form.value("cognome").trim().to_string(),
            nome: form.value("nome").trim().to_string(),
            relazione: opt(form.value("relazione")),
            codice_fiscale: opt(form.value("codice_fiscale")).map(|cf| cf.to_uppercase()),
            data_nascita: match opt(form.value("data_nascita")) {
                None => None,
                Some(_) => Some(date("data_nascita")?),
            },
            sesso: opt(form.value("sesso")),
            condizione_lavorativa: opt(form.value("condizione_lavorativa")),
            note: opt(form.value("note")),
            ..Default::default()
        }),
    })
}

/// Fills the PAI form with a stored PAI, to verify or close it.
pub fn fill_pai(form: &mut Form, p: &Pai) {
    let date = |d: &str| {
        crate::domain::date::parse_iso(d)
            .map(gg_mm_aaaa)
            .unwrap_or_default()
    };
    form.set("tipo", &p.tipo);
    form.set("motivazioni", &p.motivazioni);
    form.set("data_inizio", &date(&p.data_inizio));
    form.set("verifica_mesi", &p.verifica_mesi.to_string());
    form.set("beneficiari", p.beneficiari.as_deref().unwrap_or(""));
    for (o, r, obiettivo, raggiunto) in [
        (
            "obiettivo_breve",
            "raggiunto_breve",
            &p.obiettivo_breve,
            p.raggiunto_breve,
        ),
        (
            "obiettivo_medio",
            "raggiunto_medio",
            &p.obiettivo_medio,
            p.raggiunto_medio,
        ),
        (
            "obiettivo_lungo",
            "raggiunto_lungo",
            &p.obiettivo_lungo,
            p.raggiunto_lungo,
        ),
    ] {
        form.set(o, obiettivo.as_deref().unwrap_or(""));
        form.set(r, &raggiunto.to_string());
    }
    form.set("prossima_verifica", &date(&p.prossima_verifica));
    form.set(
        "data_chiusura",
        &date(p.data_chiusura.as_deref().unwrap_or("")),
    );
    form.set(
        "motivo_chiusura",
        p.motivo_chiusura.as_deref().unwrap_or(""),
    );
    form.changed_at = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schede_section_shows_the_scheda_por_with_its_labels() {
        let config = crate::ui::app::AppConfig::headless(false);
        let lists = section_lists(&config, Sezione::Schede);
        for l in [
            "titolo_studio",
            "mercato_lavoro",
            "durata_ricerca",
            "vulnerabilita",
        ] {
            assert!(lists.iter().any(|x| x == l), "{l} in {lists:?}");
        }
        assert!(!lists.iter().any(|x| x == "belfiore"), "{lists:?}");
    }
}
