//! Documents made from schede: the code lists a scheda form shows, the printed scheda, the privacy
//! form, the blank scheda for paper fallback, and the export of the (filtered) list. Permission
//! checks and audit rows here; layout in [`crate::print`] and [`crate::export`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::require;
use super::scheda::{MAX_ROWS, list_schede, read_scheda};
use crate::domain::scheda::{Filtro, Scheda, SchedaRiga};
use crate::domain::{Actor, AuditEvent, Outcome, Permission};
use crate::export::{self, Cell, Format, Table};
use crate::forms::{FieldKind, FormDef};
use crate::print::{self, Document, Item, Section};
use crate::store::{Store, StoreError, StoreResult};

/// Code lists by id: (code, label) in display order.
pub type Lists = BTreeMap<String, Vec<(String, String)>>;

/// The code lists with the given ids (those a form uses): from the database, plus the lists the program knows (places,
/// operators and offices of the actor's ente). Disabled codes are kept when `with_disabled` (to
/// show old records), left out for new input otherwise.
pub fn code_lists<'a>(
    store: &dyn Store,
    actor: &Actor,
    ids: impl IntoIterator<Item = &'a str>,
    with_disabled: bool,
) -> StoreResult<Lists> {
    let mut out = Lists::new();
    for lista in ids {
        let codes = match lista {
            "belfiore" => crate::domain::belfiore::place_lists().0.clone(),
            "cittadinanza" => crate::domain::belfiore::place_lists().1.clone(),
            "operatore" => store
                .list_operatori()?
                .into_iter()
                .filter(|o| o.attivo || with_disabled)
                .filter(|o| o.enti.iter().any(|e| actor.enti.contains(e)))
                .map(|o| (o.username, format!("{} {}", o.cognome, o.nome)))
                .collect(),
            "uffici" => uffici(store)?
                .into_iter()
                .map(|(id, label)| (id.to_string(), label))
                .collect(),
            "bisogni" => {
                let classes: BTreeMap<String, String> = store
                    .codes("classe_bisogno")?
                    .into_iter()
                    .map(|c| (c.codice, c.etichetta))
                    .collect();
                store
                    .codes("bisogni")?
                    .into_iter()
                    .filter(|c| c.attivo || with_disabled)
                    .map(|c| {
                        let class = c
                            .gruppo
                            .as_ref()
                            .and_then(|g| classes.get(g))
                            .map(|g| format!("{g}: "))
                            .unwrap_or_default();
                        (c.codice, format!("{class}{}", c.etichetta))
                    })
                    .collect()
            }
            other => store
                .codes(other)?
                .into_iter()
                .filter(|c| c.attivo || with_disabled)
                .map(|c| (c.codice, c.etichetta))
                .collect(),
        };
        out.insert(lista.to_string(), codes);
    }
    Ok(out)
}

/// Every office of every ente, labelled "Ente · Ufficio", by id.
pub fn uffici(store: &dyn Store) -> StoreResult<Vec<(i64, String)>> {
    let mut v = Vec::new();
    for e in store.list_enti()? {
        for u in store.list_uffici(e.id)? {
            v.push((u.id, format!("{} · {}", e.nome, u.nome)));
        }
    }
    Ok(v)
}

/// Every value of a scheda by field id, as stored (columns and `dati` together).
pub fn scheda_values(s: &Scheda) -> serde_json::Map<String, Value> {
    let e = &s.edit;
    let mut m = e.dati.clone();
    m.insert("data_accesso".into(), e.data_accesso.clone().into());
    m.insert("operatore".into(), e.operatore.clone().into());
    m.insert("esito".into(), e.esito.clone().into());
    m.insert(
        "invio_ufficio".into(),
        e.invio_ufficio_id.map(|i| i.to_string()).into(),
    );
    m.insert("nota_privata".into(), e.nota_privata.clone().into());
    m.insert("bisogni".into(), e.bisogni.clone().into());
    m.insert("servizi".into(), e.servizi.clone().into());
    m.insert(
        "categorie_sociali".into(),
        e.categorie_sociali.clone().into(),
    );
    m
}

fn label(lists: &Lists, list: Option<&str>, code: &str) -> String {
    list.and_then(|l| lists.get(l))
        .and_then(|l| l.iter().find(|(c, _)| c == code))
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| code.to_string())
}

/// A stored value as printed: dates `gg/mm/aaaa`, money `1.234,56 €`, flags Sì/No, codes by label.
pub fn value_text(kind: FieldKind, list: Option<&str>, v: &Value, lists: &Lists) -> String {
    match (kind, v) {
        (_, Value::Null) => String::new(),
        (FieldKind::Bool, Value::Bool(b)) => if *b { "Sì" } else { "No" }.into(),
        (FieldKind::Money, Value::Number(n)) => n
            .as_i64()
            .map(|c| format!("{} €", crate::forms::fields::format_money(c)))
            .unwrap_or_default(),
        (FieldKind::Date, Value::String(s)) => crate::domain::date::italian(s),
        (FieldKind::CodeList, Value::String(s)) => label(lists, list, s),
        (FieldKind::MultiCodeList, Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|c| label(lists, list, c))
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The ente header of printed documents.
fn header(store: &dyn Store, actor: &Actor) -> StoreResult<Vec<String>> {
    let mut h = Vec::new();
    if let Some(e) = actor
        .enti
        .first()
        .and_then(|id| store.ente(*id).ok().flatten())
    {
        h.push(e.nome);
    }
    if let Some(u) = actor
        .ufficio_id
        .and_then(|id| store.ufficio(id).ok().flatten())
    {
        h.push(format!("Servizi sociali · {}", u.nome));
    }
    if h.is_empty() {
        h.push("Servizi sociali".into());
    }
    Ok(h)
}

fn footer(actor: &Actor, now: time::OffsetDateTime) -> String {
    format!(
        "Operatore: {} — stampato il {:02}/{:02}/{:04} {:02}:{:02}",
        actor.username,
        now.day(),
        now.month() as u8,
        now.year(),
        now.hour(),
        now.minute()
    )
}

/// The printed scheda: every section with at least one filled field.
pub fn scheda_document(
    s: &Scheda,
    persona: &crate::domain::persona::Soggetto,
    def: &FormDef,
    lists: &Lists,
    header: Vec<String>,
    footer: String,
) -> Document {
    let values = scheda_values(s);
    let mut sections = vec![Section {
        title: String::new(),
        items: vec![
            Item::Field {
                label: "Numero".into(),
                value: s.numero.to_string(),
            },
            Item::Field {
                label: "Persona".into(),
                value: format!(
                    "{} {}{}",
                    persona.cognome,
                    persona.nome,
                    persona
                        .codice_fiscale
                        .as_deref()
                        .map(|c| format!(" ({c})"))
                        .unwrap_or_default()
                ),
            },
            Item::Field {
                label: "Stato".into(),
                value: match &s.deleted_reason {
                    Some(r) => format!("Eliminata ({r})"),
                    None => s.stato.label().to_string(),
                },
            },
        ],
    }];
    for section in &def.sections {
        let items: Vec<Item> = section
            .fields
            .iter()
            .filter_map(|f| {
                let v = values.get(&f.id)?;
                let text = value_text(f.kind, f.code_list.as_deref(), v, lists);
                let empty = text.trim().is_empty() || (f.kind == FieldKind::Bool && text == "No");
                (!empty).then(|| Item::Field {
                    label: f.label.clone(),
                    value: text,
                })
            })
            .collect();
        if !items.is_empty() {
            sections.push(Section {
                title: section.title.clone(),
                items,
            });
        }
    }
    Document {
        title: format!("Scheda di accesso n. {}", s.numero),
        header,
        sections,
        footer,
    }
}

/// Creates the folder of `path` when missing (the output folder of a fresh install).
fn ensure_parent(path: &Path) -> StoreResult<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(format!("impossibile creare {}: {e}", dir.display()))
        })?;
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    ensure_parent(path)?;
    crate::export::write_atomically(path, bytes).map_err(|e| {
        StoreError::Unavailable(format!("impossibile scrivere {}: {e}", path.display()))
    })
}

fn pdf(doc: &Document) -> StoreResult<Vec<u8>> {
    print::render_pdf(doc).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Prints scheda `id` to `out` (a PDF); the read is audited as a print.
pub fn print_scheda(
    store: &mut dyn Store,
    actor: &Actor,
    id: i64,
    def: &FormDef,
    out: &Path,
    now: time::OffsetDateTime,
) -> StoreResult<()> {
    require(store, actor, Permission::PrintSchede, "stampa_scheda")?;
    let s = read_scheda(store, actor, id, "stampa")?;
    let lists = code_lists(store, actor, def.code_lists(), true)?;
    let persona = store
        .soggetto(s.edit.soggetto_id)?
        .ok_or_else(|| StoreError::NotFound(format!("persona {}", s.edit.soggetto_id)))?;
    let doc = scheda_document(
        &s,
        &persona,
        def,
        &lists,
        header(store, actor)?,
        footer(actor, now),
    );
    write_file(out, &pdf(&doc)?)
}

/// Prints the privacy form of a person.
pub fn print_privacy(
    store: &mut dyn Store,
    actor: &Actor,
    soggetto_id: i64,
    out: &Path,
    now: time::OffsetDateTime,
) -> StoreResult<()> {
    require(store, actor, Permission::PrintSchede, "stampa_privacy")?;
    let p = store
        .soggetto(soggetto_id)?
        .ok_or_else(|| StoreError::NotFound(format!("persona {soggetto_id}")))?;
    let ente = actor
        .enti
        .first()
        .and_then(|id| store.ente(*id).ok().flatten())
        .map(|e| e.nome)
        .unwrap_or_else(|| "l'ente".into());
    let person = print::PrivacyPerson {
        cognome: p.cognome.clone(),
        nome: p.nome.clone(),
        codice_fiscale: p.codice_fiscale.clone().unwrap_or_default(),
        data_nascita: p
            .data_nascita
            .as_deref()
            .map(crate::domain::date::italian)
            .unwrap_or_default(),
        luogo_nascita: p
            .luogo_nascita
            .as_deref()
            .map(crate::domain::belfiore::name_or_code)
            .unwrap_or_default(),
    };
    let mut doc = print::privacy_form(&person, &ente, &header(store, actor)?);
    doc.footer = footer(actor, now);
    write_file(out, &pdf(&doc)?)?;
    store.audit(
        actor,
        &AuditEvent::new("stampa_privacy", Outcome::Ok).on("soggetto", Some(soggetto_id)),
    )
}

/// Prints the blank scheda (paper fallback).
pub fn print_blank(
    store: &mut dyn Store,
    actor: &Actor,
    def: &FormDef,
    out: &Path,
) -> StoreResult<()> {
    require(store, actor, Permission::PrintSchede, "stampa_scheda_vuota")?;
    let lists = code_lists(store, actor, def.code_lists(), false)?;
    let options = |l: &str| {
        lists
            .get(l)
            .map(|v| v.iter().map(|(_, label)| label.clone()).collect())
            .unwrap_or_default()
    };
    let doc = print::blank_form(def, &header(store, actor)?, &options);
    write_file(out, &pdf(&doc)?)
}

/// The columns of an export: the main fields, then the ente's extra fields of the form.
fn export_table(rows: &[SchedaRiga], def: &FormDef, lists: &Lists) -> Table {
    let extras: Vec<_> = def.fields().filter(|f| !f.core).collect();
    let mut columns: Vec<String> = [
        "Numero",
        "Data accesso",
        "Cognome",
        "Nome",
        "Codice fiscale",
        "Operatore",
        "Ufficio",
        "Modalità di accesso",
        "Motivo di accesso",
        "Interlocutore",
        "Bisogni",
        "Servizi richiesti",
        "Esito",
        "Categorie sociali",
        "Stato",
    ]
    .map(String::from)
    .to_vec();
    columns.extend(extras.iter().map(|f| f.label.clone()));
    let code = |list: &str, c: &Option<String>| {
        c.as_deref()
            .map(|c| Cell::Text(label(lists, Some(list), c)))
            .unwrap_or(Cell::Empty)
    };
    let codes = |list: &str, cs: &[String]| {
        Cell::Text(
            cs.iter()
                .map(|c| label(lists, Some(list), c))
                .collect::<Vec<_>>()
                .join("; "),
        )
    };
    let text = |dati: &serde_json::Map<String, Value>, campo: &str| {
        dati.get(campo).and_then(Value::as_str).map(str::to_string)
    };
    let date = |iso: &str| {
        let p: Vec<i32> = iso.split('-').filter_map(|x| x.parse().ok()).collect();
        time::Month::try_from(p.get(1).copied().unwrap_or(0) as u8)
            .ok()
            .and_then(|m| {
                time::Date::from_calendar_date(p[0], m, p.get(2).copied().unwrap_or(0) as u8).ok()
            })
            .map(Cell::Date)
            .unwrap_or_else(|| Cell::Text(iso.to_string()))
    };
    let rows = rows
        .iter()
        .map(|r| {
            let dati: serde_json::Map<String, Value> =
                serde_json::from_str(&r.dati).unwrap_or_default();
            let mut row = vec![
                Cell::Int(r.numero),
                date(&r.data_accesso),
                Cell::Text(r.cognome.clone()),
                Cell::Text(r.nome.clone()),
                Cell::Text(r.codice_fiscale.clone().unwrap_or_default()),
                Cell::Text(r.operatore.clone()),
                Cell::Text(r.ufficio.clone().unwrap_or_default()),
                code("modalita_accesso", &text(&dati, "modalita_accesso")),
                code("motivo_accesso", &text(&dati, "motivo_accesso")),
                code("interlocutore", &text(&dati, "interlocutore")),
                codes("bisogni", &r.bisogni),
                codes("servizi_richiesti", &r.servizi),
                code("esito_scheda", &r.esito),
                codes("categoria_sociale", &r.categorie_sociali),
                Cell::Text(r.stato.label().into()),
            ];
            for f in &extras {
                let v = dati.get(&f.id).unwrap_or(&Value::Null);
                row.push(match (f.kind, v) {
                    (_, Value::Null) => Cell::Empty,
                    (FieldKind::Money, Value::Number(n)) => {
                        n.as_i64().map(Cell::Money).unwrap_or(Cell::Empty)
                    }
                    (FieldKind::Integer, Value::Number(n)) => {
                        n.as_i64().map(Cell::Int).unwrap_or(Cell::Empty)
                    }
                    (FieldKind::Date, Value::String(s)) => date(s),
                    _ => Cell::Text(value_text(f.kind, f.code_list.as_deref(), v, lists)),
                });
            }
            row
        })
        .collect();
    Table {
        title: "Schede di accesso".into(),
        columns,
        rows,
    }
}

/// Exports the schede matching `filtro` to `out`; returns how many. Needs the export permission;
/// audited with the filter and the count.
pub fn export_schede(
    store: &mut dyn Store,
    actor: &Actor,
    filtro: &Filtro,
    def: &FormDef,
    format: Format,
    out: &Path,
) -> StoreResult<usize> {
    require(store, actor, Permission::Export, "esporta_schede")?;
    let rows = list_schede(store, actor, filtro, MAX_ROWS)?;
    let lists = code_lists(store, actor, def.code_lists(), true)?;
    let table = export_table(&rows, def, &lists);
    ensure_parent(out)?;
    export::write(&table, format, out).map_err(|e| StoreError::Unavailable(e.to_string()))?;
    store.audit(
        actor,
        &AuditEvent::new("esporta_schede", Outcome::Ok)
            .on("scheda", None)
            .detail(format!(
                "{} schede in {} (dal {} al {})",
                rows.len(),
                format.extension(),
                filtro.dal.as_deref().unwrap_or("inizio"),
                filtro.al.as_deref().unwrap_or("oggi")
            )),
    )?;
    Ok(rows.len())
}

/// A file name in `dir` for a print or an export: `<stem>-<timestamp>.<ext>`.
pub fn output_path(dir: &Path, stem: &str, ext: &str, now: time::OffsetDateTime) -> PathBuf {
    dir.join(format!(
        "{stem}-{:04}{:02}{:02}-{:02}{:02}{:02}.{ext}",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    ))
}
