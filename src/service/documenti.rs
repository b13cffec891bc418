//! Documents made from schede: the printed scheda (headed with the scheda's own ente and office,
//! whoever prints it), the privacy form, the blank scheda for paper fallback, and the export of the
//! (filtered) list. Permission checks and audit rows here; layout in [`crate::print`] and
//! [`crate::export`].

use std::path::Path;

use serde_json::Value;

use super::Service;
use super::codes::Lists;
use super::rules::Op;
use super::scheda::MAX_ROWS;
use crate::domain::scheda::{Filtro, Scheda, SchedaRiga};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::export::{self, Cell, Format, Table};
use crate::forms::{FieldKind, FormDef};
use crate::print::office::{self, Delivered, Outputs};
use crate::print::{self, Document, Item, Section};
use crate::progress::Progress;
use crate::store::{StoreError, StoreResult};

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
            .map(crate::domain::money::format_euro)
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

/// The header of printed documents: the ente and office a record belongs to.
pub(super) fn header(
    store: &dyn crate::store::Store,
    ente: Option<i64>,
    ufficio: Option<i64>,
) -> Vec<String> {
    let mut h = Vec::new();
    if let Some(e) = ente.and_then(|id| store.ente(id).ok().flatten()) {
        h.push(e.nome);
    }
    if let Some(u) = ufficio.and_then(|id| store.ufficio(id).ok().flatten()) {
        h.push(format!("Servizi sociali · {}", u.nome));
    }
    if h.is_empty() {
        h.push("Servizi sociali".into());
    }
    h
}

pub(super) fn footer(actor: &Actor, now: time::OffsetDateTime) -> String {
    format!(
        "Operatore: {} — stampato il {}",
        actor.username,
        crate::domain::date::gg_mm_aaaa_hh_mm(now)
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
            .flat_map(|f| match f.kind {
                // A list of records: one line per row (the familiari).
                FieldKind::Records => crate::domain::scheda_sezioni::familiari(&s.edit.dati)
                    .iter()
                    .enumerate()
                    .map(|(i, m)| Item::Field {
                        label: format!("{} {}", f.label, i + 1),
                        value: super::scheda_sezioni::familiare_text(m, lists),
                    })
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .chain(section.fields.iter().filter_map(|f| {
                if f.kind == FieldKind::Records {
                    return None;
                }
                let v = values.get(&f.id)?;
                let text = value_text(f.kind, f.code_list.as_deref(), v, lists);
                let empty = text.trim().is_empty() || (f.kind == FieldKind::Bool && text == "No");
                (!empty).then(|| Item::Field {
                    label: f.label.clone(),
                    value: text,
                })
            }))
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

/// Creates the folder of `path` when missing (the output folder of a fresh install), then writes
/// the file atomically and privately, with the operator's own identity.
pub(super) fn write_file(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    crate::files::as_operator(path, || {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        crate::files::write_atomically(path, bytes)
    })
    .map_err(|e| {
        StoreError::Output(format!(
            "impossibile scrivere «{}»: {e}",
            crate::sanitize::sanitize(&path.display().to_string())
        ))
    })
}

pub(super) fn pdf(doc: &Document) -> StoreResult<Vec<u8>> {
    print::render_pdf(doc).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Rows between two looks at the cancel flag of an export.
const CHECK_EVERY: usize = 256;

/// The columns of an export: the main fields, then the ente's extra fields of the form. Advances
/// `progress` by one per row and stops when it is cancelled.
fn export_table(
    rows: &[SchedaRiga],
    def: &FormDef,
    lists: &Lists,
    progress: &Progress,
) -> StoreResult<Table> {
    let sezioni: Vec<_> = super::scheda_sezioni::EXPORT_FIELDS
        .iter()
        .filter_map(|id| def.field(id))
        .collect();
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
    columns.extend(sezioni.iter().chain(&extras).map(|f| f.label.clone()));
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
        crate::domain::date::parse_iso(iso)
            .map(Cell::Date)
            .unwrap_or_else(|| Cell::Text(iso.to_string()))
    };
    let rows: Vec<Vec<Cell>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i % CHECK_EVERY == 0 {
                progress.check()?;
                progress.set_done(i as u64);
            }
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
            for f in sezioni.iter().chain(&extras) {
                let v = dati.get(&f.id).unwrap_or(&Value::Null);
                row.push(match (f.kind, v) {
                    (_, Value::Null) => Cell::Empty,
                    (FieldKind::Records, _) => Cell::Text(
                        crate::domain::scheda_sezioni::familiari(&dati)
                            .iter()
                            .map(|m| super::scheda_sezioni::familiare_text(m, lists))
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
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
            Ok(row)
        })
        .collect::<StoreResult<_>>()?;
    progress.set_done(rows.len() as u64);
    Ok(Table {
        title: "Schede di accesso".into(),
        columns,
        rows,
    })
}

impl Service<'_> {
    /// Makes a document of the actor's at `now_ms` and delivers it: a new file in their ufficio's
    /// output folder (else the configured one) named `<stem>-<operator>-<timestamp>-<suffix>.<ext>`,
    /// written by `write` (which returns a note, e.g. how many rows), then sent to the ufficio's
    /// or the operator's printer when it is a PDF and there is one. The Italian error otherwise;
    /// no partial file stays.
    pub fn deliver(
        &mut self,
        actor: &Actor,
        outputs: &Outputs,
        (stem, ext): (&str, &str),
        now_ms: i64,
        write: impl FnOnce(&mut Self, &Path, time::OffsetDateTime) -> StoreResult<String>,
    ) -> Result<Delivered, String> {
        self.deliver_to(actor, outputs, (stem, ext), now_ms, true, write)
    }

    /// As [`Service::deliver`], without sending it to a printer: a copy in the output folder.
    pub fn save_copy(
        &mut self,
        actor: &Actor,
        outputs: &Outputs,
        (stem, ext): (&str, &str),
        now_ms: i64,
        write: impl FnOnce(&mut Self, &Path, time::OffsetDateTime) -> StoreResult<String>,
    ) -> Result<Delivered, String> {
        self.deliver_to(actor, outputs, (stem, ext), now_ms, false, write)
    }

    fn deliver_to(
        &mut self,
        actor: &Actor,
        outputs: &Outputs,
        (stem, ext): (&str, &str),
        now_ms: i64,
        print: bool,
        write: impl FnOnce(&mut Self, &Path, time::OffsetDateTime) -> StoreResult<String>,
    ) -> Result<Delivered, String> {
        let uscita = self.ufficio_uscita(actor).map_err(|e| e.to_string())?;
        let mut dest = outputs.destination(&actor.username, uscita.cartella, uscita.stampante);
        if !print {
            dest.printer = None;
        }
        let at = crate::domain::date::local_ms(now_ms);
        let stamp = crate::domain::date::file_stamp(at);
        office::deliver(&dest, (stem, &actor.username, ext), &stamp, |out| {
            write(self, out, at)
        })
    }

    /// Prints scheda `id` to `out` (a PDF); the read is audited as a print.
    pub fn print_scheda(
        &mut self,
        actor: &Actor,
        id: i64,
        def: &FormDef,
        out: &Path,
        now: time::OffsetDateTime,
    ) -> StoreResult<()> {
        let actor = self.guard(actor, Op::PrintScheda, None, "scheda")?;
        self.scheda_in_scope(&actor, id, Op::PrintScheda)?;
        let s = self.read_scheda(&actor, id, "stampa")?;
        let lists = self.form_lists(&actor, def.code_lists(), true)?;
        let persona = self
            .store
            .soggetto(s.edit.soggetto_id)?
            .ok_or_else(|| StoreError::NotFound(format!("persona {}", s.edit.soggetto_id)))?;
        let doc = scheda_document(
            &s,
            &persona,
            def,
            &lists,
            header(self.store, Some(s.ente_id), s.ufficio_id),
            footer(&actor, now),
        );
        write_file(out, &pdf(&doc)?)
    }

    /// Prints the privacy form of a person.
    pub fn print_privacy(
        &mut self,
        actor: &Actor,
        soggetto_id: i64,
        out: &Path,
        now: time::OffsetDateTime,
    ) -> StoreResult<()> {
        let ente_id = super::ente_of(actor)?;
        let actor = self.guard(actor, Op::PrintPrivacy, Some(ente_id), "ente")?;
        let p = self
            .store
            .soggetto(soggetto_id)?
            .ok_or_else(|| StoreError::NotFound(format!("persona {soggetto_id}")))?;
        let ente = self
            .store
            .ente(ente_id)?
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
        let header = header(self.store, Some(ente_id), actor.ufficio_id);
        let mut doc = print::privacy_form(&person, &ente, &header);
        doc.footer = footer(&actor, now);
        write_file(out, &pdf(&doc)?)?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::PrintPrivacy.rule().action, Outcome::Ok)
                .on("soggetto", Some(soggetto_id)),
        )
    }

    /// Prints the blank scheda (paper fallback).
    pub fn print_blank(&mut self, actor: &Actor, def: &FormDef, out: &Path) -> StoreResult<()> {
        let actor = self.guard(actor, Op::PrintBlank, None, "scheda")?;
        let lists = self.form_lists(&actor, def.code_lists(), false)?;
        let options = |l: &str| {
            lists
                .get(l)
                .map(|v| v.iter().map(|(_, label)| label.clone()).collect())
                .unwrap_or_default()
        };
        let header = header(self.store, actor.ente(), actor.ufficio_id);
        let doc = print::blank_form(def, &header, &options);
        write_file(out, &pdf(&doc)?)
    }

    /// Exports the schede matching `filtro` to `out`; returns how many. Needs the export permission;
    /// audited with the filter and the count.
    pub fn export_schede(
        &mut self,
        actor: &Actor,
        filtro: &Filtro,
        def: &FormDef,
        format: Format,
        out: &Path,
    ) -> StoreResult<usize> {
        self.export_schede_with(actor, filtro, def, format, out, &Progress::default())
    }

    /// [`Service::export_schede`] reporting its rows to `progress` and stopping when it is
    /// cancelled ([`StoreError::Cancelled`]; `out` is then left as it was).
    pub fn export_schede_with(
        &mut self,
        actor: &Actor,
        filtro: &Filtro,
        def: &FormDef,
        format: Format,
        out: &Path,
        progress: &Progress,
    ) -> StoreResult<usize> {
        let actor = self.guard(actor, Op::ExportSchede, None, "schede")?;
        progress.check()?;
        let rows = self.list_schede(&actor, filtro, MAX_ROWS)?;
        progress.set_total(rows.len() as u64);
        let lists = self.form_lists(&actor, def.code_lists(), true)?;
        let table = export_table(&rows, def, &lists, progress)?;
        let bytes =
            export::to_bytes(&table, format).map_err(|e| StoreError::Invalid(e.to_string()))?;
        progress.check()?;
        write_file(out, &bytes)?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::ExportSchede.rule().action, Outcome::Ok)
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
}
