//! The POR / FSE form of an erogazione ("Domanda di iscrizione all'intervento", SISO-DOMAIN §1.3):
//! the participant's data and contacts, the intervento, its progetto, attività and financing, the
//! soggetto attuatore, the date and the signatures. PDF with the layout of the other prints;
//! audited as a read.

use std::path::Path;

use super::Service;
use super::documenti::{footer, header, pdf, write_file};
use super::rules::Op;
use crate::domain::date::italian;
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::print::{Document, Item, Section};
use crate::store::{StoreError, StoreResult};

fn field(label: &str, value: impl Into<String>) -> Item {
    Item::Field {
        label: label.into(),
        value: value.into(),
    }
}

impl Service<'_> {
    /// Prints the POR / FSE form of erogazione `id` to `out` (PDF).
    pub fn print_por(
        &mut self,
        actor: &Actor,
        id: i64,
        out: &Path,
        now: time::OffsetDateTime,
    ) -> StoreResult<()> {
        let what = format!("erogazione {id}");
        let e = self.store.erogazione(id)?;
        let actor = self.guard(actor, Op::PrintPor, e.as_ref().map(|e| e.ente_id), &what)?;
        let e = e.ok_or(StoreError::NotFound(what))?;
        let p = self
            .store
            .soggetto(e.soggetto_id)?
            .ok_or_else(|| StoreError::NotFound(format!("persona {}", e.soggetto_id)))?;
        let tipo = self.store.tipo_intervento(e.tipo_id)?.unwrap_or_default();
        let intervento = match e.intervento_id {
            Some(i) => self.store.intervento(i)?,
            None => None,
        };
        let progetto = match intervento.as_ref().and_then(|i| i.progetto_id) {
            Some(pid) => self
                .store
                .progetti(e.ente_id)?
                .into_iter()
                .find(|x| x.id == pid),
            None => None,
        };
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
        let dal = e.righe.iter().map(|r| r.data.as_str()).min().unwrap_or("");
        let mut partecipante = vec![
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
        for (label, v) in [
            ("Telefono", &p.telefono),
            ("Cellulare", &p.cellulare),
            ("E-mail / PEC", &p.email),
        ] {
            if let Some(v) = v {
                partecipante.push(field(label, v.clone()));
            }
        }
        let mut intervento_items = vec![
            field("Intervento", tipo.etichetta.clone()),
            field("Dal", italian(dal)),
            field("Soggetto attuatore", o(&e.erogatore)),
            field("Protocollo della domanda", o(&e.protocollo_domanda)),
        ];
        if let Some(pr) = &progetto {
            intervento_items.push(field("Progetto", format!("{} — {}", pr.codice, pr.titolo)));
            intervento_items.push(field("Fonte di finanziamento", o(&pr.fonte)));
        }
        if let Some(a) = intervento.as_ref().and_then(|i| i.attivita.clone()) {
            intervento_items.push(field("Sottocorso / attività", a));
        }
        let doc = Document {
            title: "Domanda di iscrizione all'intervento (POR / FSE)".into(),
            header: header(self.store, Some(e.ente_id), actor.ufficio_id),
            sections: vec![
                Section {
                    title: "Partecipante".into(),
                    items: partecipante,
                },
                Section {
                    title: "Intervento".into(),
                    items: intervento_items,
                },
                Section {
                    title: "Firme".into(),
                    items: vec![
                        field("Data di sottoscrizione", ""),
                        Item::Signature {
                            label: "Il/la partecipante".into(),
                        },
                        Item::Signature {
                            label: "Per il soggetto attuatore".into(),
                        },
                    ],
                },
            ],
            footer: footer(&actor, now),
        };
        write_file(out, &pdf(&doc)?)?;
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::PrintPor.rule().action, Outcome::Ok)
                .on("erogazione", Some(id))
                .section("stampa_por"),
        )
    }
}
