//! The fascicolo forms (`screens/diario.toml`, `pai.toml`, `isee.toml`, `documento.toml`): built
//! with their fixed code lists and defaults, read back into the record to save.

use super::FormKind;
use crate::domain::caso::{self, Diario, Isee, Pai};
use crate::domain::date::{gg_mm_aaaa, iso, parse_typed};
use crate::domain::money::parse_money;
use crate::service::casi_documenti::NuovoDocumento;
use crate::ui::widgets::form::{FieldSpec, Form};

/// A record read from a form.
pub enum Record {
    Diario(Diario),
    Pai(Pai),
    Isee(Isee),
    /// A document's metadata and the server path of its file.
    Documento(NuovoDocumento, std::path::PathBuf),
}

pub fn form_id(kind: FormKind) -> &'static str {
    match kind {
        FormKind::Diario => "diario",
        FormKind::Pai => "pai",
        FormKind::Isee => "isee",
        FormKind::Documento => "documento",
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
const TIPI_DOCUMENTO: &[(&str, &str)] = &[
    ("relazione", "Relazione"),
    ("certificato", "Certificato"),
    ("decreto", "Decreto o provvedimento"),
    ("documento_identita", "Documento d'identità"),
    ("corrispondenza", "Corrispondenza"),
    ("altro", "Altro"),
];

/// A new record's form, with today's date and the usual type chosen.
pub fn new_form(
    id: &str,
    title: &str,
    specs: Vec<FieldSpec>,
    kind: FormKind,
    today: time::Date,
) -> Form {
    let mut form = Form::new(id, title, specs);
    let lists: &[(&str, &[(&str, &str)])] = &[
        ("tipo_diario", caso::TIPI_DIARIO),
        ("tipo_pai", TIPI_PAI),
        ("raggiunto", RAGGIUNTO),
        ("tipo_isee", TIPI_ISEE),
        ("tipo_documento", TIPI_DOCUMENTO),
    ];
    for (name, items) in lists {
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
        FormKind::Isee => form.set("tipo", "ordinario"),
        FormKind::Documento => {
            form.set("tipo", "relazione");
            form.set("data", &oggi);
            form.set("privato", "false");
        }
    }
    form.changed_at = None;
    form
}

fn opt(s: String) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
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
        FormKind::Pai => {
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
            Record::Pai(Pai {
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
                prossima_verifica: iso(caso::prima_verifica(start, mesi)),
                beneficiari: opt(form.value("beneficiari")),
                ..Default::default()
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
    })
}
