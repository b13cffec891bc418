//! The monthly report "attività dello sportello" of an office: the counts of the store
//! ([`crate::domain::rapporto`]) with the labels of the code lists, as tables — one sheet each in
//! the XLSX file, one section each in the PDF (through [`crate::print`]). For whoever may export
//! (responsabile, amministrativo), for an office of the session's ente; audited.

use std::collections::BTreeMap;
use std::path::Path;

use super::Service;
use super::documenti::{footer, header, pdf, write_file};
use super::rules::Op;
use crate::domain::rapporto::{DatiAttivita, Mese};
use crate::domain::richieste::format_minuti;
use crate::domain::{Actor, AuditEvent, Outcome};
use crate::export::{Cell, Format, Table};
use crate::print::{Document, Item, Section};
use crate::store::{StoreError, StoreResult};

/// The report of an office for a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rapporto {
    /// «Attività dello sportello · novembre 2026».
    pub titolo: String,
    /// Ente and office.
    pub intestazione: Vec<String>,
    /// Riepilogo, accessi per motivo / bisogno / esito, richieste per servizio, ore per tipo
    /// attività, operatori.
    pub tabelle: Vec<Table>,
}

/// What an absent code is called.
const NON_INDICATO: &str = "Non indicato";

fn ore(minuti: i64) -> Cell {
    Cell::Text(format_minuti(minuti))
}

impl Service<'_> {
    /// The report of office `ufficio_id` for `mese` (audited).
    pub fn rapporto_sportello(
        &mut self,
        actor: &Actor,
        ufficio_id: i64,
        mese: Mese,
    ) -> StoreResult<Rapporto> {
        let what = format!("ufficio {ufficio_id}");
        let ufficio = self
            .store
            .ufficio(ufficio_id)?
            .ok_or_else(|| StoreError::NotFound(what.clone()))?;
        let actor = self.guard(actor, Op::RapportoSportello, Some(ufficio.ente_id), &what)?;
        let dati = self
            .store
            .attivita_sportello(ufficio_id, &mese.dal(), &mese.al())?;
        let rapporto = Rapporto {
            titolo: format!("Attività dello sportello · {}", mese.label()),
            intestazione: header(self.store, Some(ufficio.ente_id), Some(ufficio_id)),
            tabelle: self.tabelle(&dati)?,
        };
        self.audit_ok(
            &actor,
            AuditEvent::new(Op::RapportoSportello.rule().action, Outcome::Ok)
                .on("ufficio", Some(ufficio_id))
                .detail(format!("{}: {} accessi", mese.codice(), dati.accessi)),
        )?;
        Ok(rapporto)
    }

    /// Writes the report of office `ufficio_id` for `mese` to `out` as XLSX or PDF.
    pub fn export_rapporto_sportello(
        &mut self,
        actor: &Actor,
        (ufficio_id, mese): (i64, Mese),
        format: Format,
        out: &Path,
        now: time::OffsetDateTime,
    ) -> StoreResult<String> {
        let r = self.rapporto_sportello(actor, ufficio_id, mese)?;
        match format {
            Format::Xlsx => crate::export::write_workbook(&r.titolo, &r.tabelle, out)
                .map_err(|e| StoreError::Output(e.to_string()))?,
            Format::Pdf => write_file(out, &pdf(&documento(&r, footer(actor, now)))?)?,
            Format::Csv => {
                return Err(StoreError::Invalid(
                    "il rapporto si esporta in xlsx o pdf".into(),
                ));
            }
        }
        Ok(r.titolo)
    }

    /// The tables of the report, with the labels of the codes.
    fn tabelle(&self, d: &DatiAttivita) -> StoreResult<Vec<Table>> {
        let labels = |lista: &str| -> StoreResult<BTreeMap<String, String>> {
            Ok(self
                .store
                .codes(lista)?
                .into_iter()
                .map(|c| (c.codice, c.etichetta))
                .collect())
        };
        let named = |lista: &str, rows: &[(String, i64)]| -> StoreResult<Vec<Vec<Cell>>> {
            let l = labels(lista)?;
            Ok(rows
                .iter()
                .map(|(code, n)| {
                    let label = match code.as_str() {
                        "" => NON_INDICATO.to_string(),
                        c => l.get(c).cloned().unwrap_or_else(|| c.to_string()),
                    };
                    vec![Cell::Text(label), Cell::Int(*n)]
                })
                .collect())
        };
        let table = |title: &str, columns: &[&str], rows: Vec<Vec<Cell>>| Table {
            title: title.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
        };
        let servizi = labels("servizi_richiesti")?;
        let mut per_servizio = Vec::new();
        for (servizio, tipo, n) in &d.per_servizio {
            let label = match (servizio, tipo) {
                (Some(s), _) => servizi.get(s).cloned().unwrap_or_else(|| s.clone()),
                (None, Some(t)) => match self.store.tipo_intervento(*t)? {
                    Some(t) => format!("Intervento: {}", t.etichetta),
                    None => format!("Intervento {t}"),
                },
                (None, None) => NON_INDICATO.to_string(),
            };
            per_servizio.push(vec![Cell::Text(label), Cell::Int(*n)]);
        }
        let tipi = labels("tipo_attivita")?;
        let attivita = d
            .attivita
            .iter()
            .map(|a| {
                let label = tipi.get(&a.tipo).cloned().unwrap_or_else(|| a.tipo.clone());
                vec![
                    Cell::Text(format!("{} {label}", a.tipo)),
                    Cell::Int(a.righe),
                    ore(a.minuti),
                    Cell::Int(a.minuti),
                    Cell::Int(a.minuti_operatore),
                ]
            })
            .collect();
        let mut operatori = Vec::new();
        for o in &d.operatori {
            let nome = match self.store.operatore_by_username(&o.username)? {
                Some(op) => format!("{} {} ({})", op.cognome, op.nome, o.username),
                None => o.username.clone(),
            };
            operatori.push(vec![
                Cell::Text(nome),
                Cell::Int(o.accessi),
                Cell::Int(o.richieste),
                ore(o.minuti),
                Cell::Int(o.minuti),
            ]);
        }
        let riepilogo = vec![
            vec![Cell::Text("Accessi".into()), Cell::Int(d.accessi)],
            vec![Cell::Text("Persone".into()), Cell::Int(d.persone)],
            vec![Cell::Text("Richieste".into()), Cell::Int(d.richieste)],
            vec![
                Cell::Text("Minuti di attività".into()),
                Cell::Int(d.minuti()),
            ],
            vec![
                Cell::Text("Operatori coinvolti".into()),
                Cell::Int(d.operatori.len() as i64),
            ],
        ];
        Ok(vec![
            table("Riepilogo", &["Voce", "Valore"], riepilogo),
            table(
                "Accessi per motivo",
                &["Motivo di accesso", "Accessi"],
                named("motivo_accesso", &d.per_motivo)?,
            ),
            table(
                "Accessi per bisogno",
                &["Bisogno", "Accessi"],
                named("bisogni", &d.per_bisogno)?,
            ),
            table(
                "Accessi per esito",
                &["Esito", "Accessi"],
                named("esito_scheda", &d.per_esito)?,
            ),
            table(
                "Richieste per servizio",
                &["Servizio richiesto", "Richieste"],
                per_servizio,
            ),
            table(
                "Ore per tipo attività",
                &[
                    "Tipo attività",
                    "Attività",
                    "Ore",
                    "Minuti",
                    "Minuti operatore",
                ],
                attivita,
            ),
            table(
                "Operatori",
                &["Operatore", "Accessi", "Richieste", "Ore", "Minuti"],
                operatori,
            ),
        ])
    }
}

/// The report as a printed document: a section per table, a line per row («label: values»).
fn documento(r: &Rapporto, footer: String) -> Document {
    let text = Cell::text;
    let sections = r
        .tabelle
        .iter()
        .map(|t| Section {
            title: t.title.clone(),
            items: if t.rows.is_empty() {
                vec![Item::Paragraph("Nessun dato nel mese.".into())]
            } else {
                t.rows
                    .iter()
                    .map(|row| {
                        let value = match row.len() {
                            0 | 1 => String::new(),
                            2 => text(&row[1]),
                            _ => row[1..]
                                .iter()
                                .zip(&t.columns[1..])
                                .map(|(c, name)| format!("{name}: {}", text(c)))
                                .collect::<Vec<_>>()
                                .join(" · "),
                        };
                        Item::Field {
                            label: row.first().map(text).unwrap_or_default(),
                            value,
                        }
                    })
                    .collect()
            },
        })
        .collect();
    Document {
        title: r.titolo.clone(),
        header: r.intestazione.clone(),
        sections,
        footer,
    }
}
