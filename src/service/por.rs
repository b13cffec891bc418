//! The POR / FSE "Domanda di iscrizione all'intervento" (SISO-DOMAIN.md §1.3) of a scheda di
//! accesso, from its POR block, and the parts it shares with the erogazione's form
//! ([`super::erogazioni_stampe`]): the participant and the signatures. Audited as a read.

use std::path::Path;

use serde_json::Value;

use super::Service;
use super::documenti::{footer, header, pdf, value_text, write_file};
use super::rules::Op;
use crate::domain::date::italian;
use crate::domain::persona::Soggetto;
use crate::domain::{Actor, AuditEvent, Outcome, por};
use crate::forms::FormDef;
use crate::print::{Document, Item, Section};
use crate::store::{StoreError, StoreResult};

/// Title of both POR prints.
pub(super) const TITOLO: &str = "Domanda di iscrizione all'intervento (POR / FSE)";

/// The block's fields printed by group: (section title, fields).
const GRUPPI: [(&str, &[&str]); 3] = [
    (
        "Istruzione e condizione professionale",
        &[
            "por_titolo_studio",
            "por_anno_titolo",
            "por_condizione_lavoro",
            "por_durata_ricerca",
            "por_altro_corso",
            "por_vulnerabilita",
        ],
    ),
    (
        "Datore di lavoro",
        &[
            "por_tipo_lavoro",
            "por_orario",
            "por_ragione_sociale",
            "por_piva_datore",
            "por_cf_datore",
            "por_via_datore",
            "por_comune_datore",
            "por_ateco",
            "por_forma_giuridica",
            "por_dimensione",
        ],
    ),
    (
        "Intervento",
        &[
            "por_soggetto_attuatore",
            "por_progetto",
            "por_sottocorso",
            "por_iban",
        ],
    ),
];

pub(super) fn field(label: &str, value: impl Into<String>) -> Item {
    Item::Field {
        label: label.into(),
        value: value.into(),
    }
}

/// The participant: name, codice fiscale, birth, sex, residence, then the `recapiti` given
/// (label, value; empty ones left out).
pub(super) fn partecipante(p: &Soggetto, recapiti: &[(&str, Option<String>)]) -> Section {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let luogo = p
        .luogo_nascita
        .as_deref()
        .and_then(crate::domain::belfiore::current_name)
        .unwrap_or_default();
    let residenza = [
        o(&p.res_indirizzo),
        o(&p.res_civico),
        o(&p.res_cap),
        p.res_comune
            .as_deref()
            .and_then(crate::domain::belfiore::current_name)
            .unwrap_or_default()
            .to_string(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .cloned()
    .collect::<Vec<_>>()
    .join(" ");
    let mut items = vec![
        field("Cognome e nome", format!("{} {}", p.cognome, p.nome)),
        field("Codice fiscale", o(&p.codice_fiscale)),
        field(
            "Nato/a il",
            format!(
                "{} a {luogo}",
                p.data_nascita.as_deref().map(italian).unwrap_or_default()
            ),
        ),
        field("Sesso", o(&p.sesso)),
        field("Residenza", residenza),
    ];
    for (label, v) in recapiti {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            items.push(field(label, v));
        }
    }
    Section {
        title: "Partecipante".into(),
        items,
    }
}

/// The signatures, with the date of sottoscrizione (`gg/mm/aaaa`, empty to be written by hand).
pub(super) fn firme(data: &str) -> Section {
    Section {
        title: "Firme".into(),
        items: vec![
            field("Data di sottoscrizione", data),
            Item::Signature {
                label: "Il/la partecipante".into(),
            },
            Item::Signature {
                label: "Per il soggetto attuatore".into(),
            },
        ],
    }
}

impl Service<'_> {
    /// Prints the POR / FSE form of scheda `id` (its POR block, labelled as `def` labels the
    /// scheda's fields) to `out` (PDF). The condizione di vulnerabilità only for who holds "dati
    /// riservati"; a scheda without POR data is refused.
    pub fn print_por_scheda(
        &mut self,
        actor: &Actor,
        id: i64,
        def: &FormDef,
        out: &Path,
        now: time::OffsetDateTime,
    ) -> StoreResult<()> {
        let actor = self.guard(actor, Op::PrintPorScheda, None, "scheda")?;
        let s = self.scheda_in_scope(&actor, id, Op::PrintPorScheda)?;
        if s.deleted_reason.is_some() {
            return Err(StoreError::NotFound(format!("scheda {id}")));
        }
        let dati = &s.edit.dati;
        if !por::iniziato(dati) {
            return Err(StoreError::Invalid(format!(
                "la scheda n. {} non ha dati POR / FSE",
                s.numero
            )));
        }
        let riservati = self.holds_riservati(&actor, s.ente_id)?;
        let p = self
            .store
            .soggetto(s.edit.soggetto_id)?
            .ok_or_else(|| StoreError::NotFound(format!("persona {}", s.edit.soggetto_id)))?;
        let lists = self.form_lists(&actor, def.code_lists(), true)?;
        let testo = |campo: &str| {
            dati.get(campo)
                .and_then(Value::as_str)
                .map(str::to_string)
                .filter(|t| !t.trim().is_empty())
        };
        let recapiti = [
            ("Telefono", testo("por_telefono").or(p.telefono.clone())),
            ("Cellulare", testo("por_cellulare").or(p.cellulare.clone())),
            ("E-mail", testo("por_email").or(p.email.clone())),
            ("PEC", testo("por_pec")),
        ];
        let occupato = testo("por_condizione_lavoro").as_deref() == Some(por::OCCUPATO);
        let comunica = dati
            .get("por_comunica_vulnerabilita")
            .and_then(Value::as_bool)
            == Some(true);
        let mut sections = vec![partecipante(&p, &recapiti)];
        for (titolo, campi) in GRUPPI {
            // The employer only for an occupied person.
            if titolo == GRUPPI[1].0 && !occupato {
                continue;
            }
            let items: Vec<Item> = campi
                .iter()
                .filter(|c| **c != "por_vulnerabilita" || (comunica && riservati))
                .filter_map(|c| {
                    let f = def.field(c)?;
                    let v = dati.get(*c)?;
                    let text = value_text(f.kind, f.code_list.as_deref(), v, &lists);
                    let empty = text.trim().is_empty() || text == "No";
                    (!empty).then(|| field(&f.label, text))
                })
                .collect();
            if !items.is_empty() {
                sections.push(Section {
                    title: titolo.into(),
                    items,
                });
            }
        }
        sections.push(firme(
            &testo("por_data_sottoscrizione")
                .map(|d| italian(&d))
                .unwrap_or_default(),
        ));
        let doc = Document {
            title: TITOLO.into(),
            header: header(self.store, Some(s.ente_id), s.ufficio_id),
            sections,
            footer: footer(&actor, now),
        };
        write_file(out, &pdf(&doc)?)?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::PrintPorScheda.rule().action, Outcome::Ok)
                .on("scheda", Some(id))
                .section("stampa_por"),
        )
    }
}
