//! The POR / FSE form of an erogazione ("Domanda di iscrizione all'intervento", SISO-DOMAIN §1.3):
//! the participant's data and contacts, the intervento, its progetto, attività and financing, the
//! soggetto attuatore, the date and the signatures (participant and signatures shared with the
//! scheda's form, [`super::por`]). PDF with the layout of the other prints; audited as a read.

use std::path::Path;

use super::Service;
use super::documenti::{footer, header, pdf, write_file};
use super::por::{TITOLO, field, firme, partecipante};
use super::rules::Op;
use crate::domain::date::italian;
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::print::{Document, Section};
use crate::store::{StoreError, StoreResult};

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
        let dal = e.righe.iter().map(|r| r.data.as_str()).min().unwrap_or("");
        let partecipante = partecipante(
            &p,
            &[
                ("Telefono", p.telefono.clone()),
                ("Cellulare", p.cellulare.clone()),
                ("E-mail / PEC", p.email.clone()),
            ],
        );
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
            title: TITOLO.into(),
            header: header(self.store, Some(e.ente_id), actor.ufficio_id),
            sections: vec![
                partecipante,
                Section {
                    title: "Intervento".into(),
                    items: intervento_items,
                },
                firme(""),
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
