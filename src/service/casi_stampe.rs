//! Prints of the cartella sociale: the summary of a case (anagrafica, iter, operators, the latest
//! dati sociali, risorse, PAI, ISEE; health, disability and court data only with "dati riservati")
//! and one PAI, as PDF with the same layout and font rules as the scheda print. Audited as reads.

use std::path::Path;

use super::Service;
use super::documenti::{footer, header, pdf, write_file};
use super::rules::Op;
use crate::domain::caso::{Caso, Pai, Sezione, motivo_chiusura_label, motivo_chiusura_pai_label};
use crate::domain::date::italian;
use crate::domain::money::{format_cents, format_euro};
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::print::{Document, Item, Section};
use crate::store::{StoreError, StoreResult};

fn field(label: &str, value: impl Into<String>) -> Item {
    Item::Field {
        label: label.into(),
        value: value.into(),
    }
}

fn raggiunto(r: u8) -> &'static str {
    match r {
        1 => "no",
        2 => "parzialmente",
        3 => "sì",
        _ => "da valutare",
    }
}

fn pai_items(p: &Pai) -> Vec<Item> {
    let mut items = vec![
        field(
            "Tipo",
            if p.tipo == "pai" {
                "PAI"
            } else {
                "Progetto individuale (L. 328/2000 art. 14)"
            },
        ),
        field("Data di inizio", italian(&p.data_inizio)),
        field("Motivazioni", p.motivazioni.clone()),
        field("Verifica", format!("ogni {} mesi", p.verifica_mesi)),
        field("Prossima verifica", italian(&p.prossima_verifica)),
    ];
    for (label, o, r) in [
        (
            "Obiettivo a breve termine",
            &p.obiettivo_breve,
            p.raggiunto_breve,
        ),
        (
            "Obiettivo a medio termine",
            &p.obiettivo_medio,
            p.raggiunto_medio,
        ),
        (
            "Obiettivo a lungo termine",
            &p.obiettivo_lungo,
            p.raggiunto_lungo,
        ),
    ] {
        if let Some(o) = o {
            items.push(field(label, format!("{o} (raggiunto: {})", raggiunto(r))));
        }
    }
    if let Some(b) = &p.beneficiari {
        items.push(field("Beneficiari", b.clone()));
    }
    if let (Some(d), Some(m)) = (&p.data_chiusura, &p.motivo_chiusura) {
        items.push(field(
            "Chiusura",
            format!("{} — {}", italian(d), motivo_chiusura_pai_label(m)),
        ));
    }
    items
}

fn caso_items(c: &Caso) -> Vec<Item> {
    let mut items = vec![
        field("Persona", format!("{} {}", c.cognome, c.nome)),
        field(
            "Codice fiscale",
            c.codice_fiscale.clone().unwrap_or_default(),
        ),
        field("Stato del caso", c.stato_label.clone()),
        field("Responsabile", c.responsabile.clone().unwrap_or_default()),
        field("Categorie sociali", c.categorie.join(", ")),
        field("Apertura", italian(&c.data_apertura)),
    ];
    if let Some(d) = &c.data_chiusura {
        items.push(field(
            "Chiusura",
            format!(
                "{} — {}",
                italian(d),
                c.motivo_chiusura
                    .as_deref()
                    .map(motivo_chiusura_label)
                    .unwrap_or("")
            ),
        ));
    }
    items
}

fn dati_items(dati: &str) -> Vec<Item> {
    match serde_json::from_str(dati) {
        Ok(serde_json::Value::Object(m)) => m
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                field(&k.replace('_', " "), v)
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl Service<'_> {
    fn audit_print(&mut self, actor: &Actor, op: Op, caso: i64, what: &str) -> StoreResult<()> {
        self.audit_ok(
            actor,
            AuditEvent::new(op.rule().action, Outcome::Ok)
                .on("caso", Some(caso))
                .section(what),
        )
    }

    /// Prints the summary of a case to `out` (PDF). Sensitive sections are printed only for those
    /// holding "dati riservati"; riservato diary entries are never printed.
    pub fn print_cartella(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        out: &Path,
        now: time::OffsetDateTime,
    ) -> StoreResult<()> {
        let actor = self.guard(actor, Op::PrintCartella, None, "caso")?;
        let caso = self.caso_in_scope(&actor, caso_id, Op::PrintCartella)?;
        self.need_completo(&actor, Op::PrintCartella, caso_id, "stampa")?;
        let riservati = self.holds_riservati(&actor, caso.ente_id)?;
        let s = &self.store;
        let mut sections = vec![Section {
            title: String::new(),
            items: caso_items(&caso),
        }];
        let steps = s.steps(caso_id)?;
        sections.push(Section {
            title: "Cronologia".into(),
            items: steps
                .iter()
                .map(|st| {
                    field(
                        &italian(&st.data),
                        format!(
                            "{} — {}{}{}",
                            st.stato_label,
                            st.operatore,
                            st.target
                                .as_deref()
                                .map(|t| format!(", segnalato a {t}"))
                                .unwrap_or_default(),
                            st.nota
                                .as_deref()
                                .map(|n| format!(" — {n}"))
                                .unwrap_or_default()
                        ),
                    )
                })
                .collect(),
        });
        let operatori = s.operatori_caso(caso_id)?;
        sections.push(Section {
            title: "Operatori".into(),
            items: operatori
                .iter()
                .map(|o| {
                    field(
                        &o.operatore,
                        format!(
                            "{}dal {}{}",
                            if o.responsabile { "responsabile, " } else { "" },
                            italian(&o.dal),
                            o.al.as_deref()
                                .map(|a| format!(" al {}", italian(a)))
                                .unwrap_or_default()
                        ),
                    )
                })
                .collect(),
        });
        let familiari = s.familiari(caso_id)?;
        if !familiari.is_empty() {
            sections.push(Section {
                title: "Risorse".into(),
                items: familiari
                    .iter()
                    .map(|f| {
                        field(
                            &f.tipo,
                            format!(
                                "{} {} ({})",
                                f.cognome,
                                f.nome,
                                f.relazione.as_deref().unwrap_or("—")
                            ),
                        )
                    })
                    .collect(),
            });
        }
        let mut generiche = vec![Sezione::DatiSociali, Sezione::Servizi, Sezione::Note];
        if riservati {
            generiche.extend([Sezione::Invalidita, Sezione::Disabilita, Sezione::Tribunale]);
        }
        for sez in generiche {
            if let Some(d) = s
                .cartella_dati(caso_id, sez.code())?
                .into_iter()
                .find(|d| d.al.is_none())
            {
                sections.push(Section {
                    title: format!("{} (dal {})", sez.label(), italian(&d.dal)),
                    items: dati_items(&d.dati),
                });
            }
        }
        for p in s.pai(caso_id)?.iter().filter(|p| p.data_chiusura.is_none()) {
            sections.push(Section {
                title: "PAI in corso".into(),
                items: pai_items(p),
            });
        }
        let isee = s.isee(caso_id)?;
        if !isee.is_empty() {
            sections.push(Section {
                title: "ISEE".into(),
                items: isee
                    .iter()
                    .map(|i| {
                        field(
                            &i.tipo,
                            format!(
                                "DSU {} · scadenza {} · ISE {} · scala {} · ISEE {}",
                                italian(&i.data_dsu),
                                italian(&i.scadenza),
                                format_euro(i.ise_cents),
                                format_cents(i.scala_cents),
                                format_euro(i.isee_cents)
                            ),
                        )
                    })
                    .collect(),
            });
        }
        let doc = Document {
            title: format!("Cartella sociale — caso n. {}", caso.numero),
            header: header(self.store, Some(caso.ente_id), caso.ufficio_id),
            sections,
            footer: footer(&actor, now),
        };
        write_file(out, &pdf(&doc)?)?;
        self.audit_print(&actor, Op::PrintCartella, caso_id, "stampa")
    }

    /// Prints PAI `pai_id` of a case to `out` (PDF).
    pub fn print_pai(
        &mut self,
        actor: &Actor,
        caso_id: i64,
        pai_id: i64,
        out: &Path,
        now: time::OffsetDateTime,
    ) -> StoreResult<()> {
        let actor = self.guard(actor, Op::PrintPai, None, "caso")?;
        let caso = self.caso_in_scope(&actor, caso_id, Op::PrintPai)?;
        self.need_completo(&actor, Op::PrintPai, caso_id, "pai")?;
        let pai = self
            .store
            .pai(caso_id)?
            .into_iter()
            .find(|p| p.id == Some(pai_id))
            .ok_or_else(|| StoreError::NotFound(format!("PAI {pai_id}")))?;
        let doc = Document {
            title: format!(
                "Progetto assistenziale individualizzato — caso n. {}",
                caso.numero
            ),
            header: header(self.store, Some(caso.ente_id), caso.ufficio_id),
            sections: vec![
                Section {
                    title: String::new(),
                    items: caso_items(&caso),
                },
                Section {
                    title: "Progetto".into(),
                    items: pai_items(&pai),
                },
                Section {
                    title: "Firme".into(),
                    items: vec![
                        Item::Signature {
                            label: "L'assistente sociale".into(),
                        },
                        Item::Signature {
                            label: "La persona o chi la rappresenta".into(),
                        },
                    ],
                },
            ],
            footer: footer(&actor, now),
        };
        write_file(out, &pdf(&doc)?)?;
        self.audit_print(&actor, Op::PrintPai, caso_id, "stampa_pai")
    }
}
