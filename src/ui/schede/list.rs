//! The list of schede: a search box (persons, as in the anagrafe), the filters, the table.

use crate::domain::scheda::{Filtro, SchedaRiga};
use crate::ui::widgets::table::Table;
use crate::ui::widgets::text_input::TextInput;

/// The list of schede: a search box (persons, as in the anagrafe), the filters, the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedeState {
    pub input: TextInput,
    pub table: Table,
    pub rows: Vec<SchedaRiga>,
    pub filtro: Filtro,
    /// The text and filter of the last list sent (a new one goes out when they differ).
    pub sent: Option<(String, Filtro)>,
    pub loaded: bool,
    pub error: Option<String>,
    /// The next load follows another session's change: not a new (audited) read.
    pub quiet: bool,
}

impl Default for SchedeState {
    fn default() -> Self {
        SchedeState {
            input: TextInput::new(200),
            table: Table::new(vec![
                ("N.", 5),
                ("Data", 10),
                ("Cognome", 14),
                ("Nome", 12),
                ("Operatore", 10),
                ("Esito", 11),
                ("Stato", 10),
            ]),
            rows: Vec::new(),
            filtro: Filtro::default(),
            sent: None,
            loaded: false,
            error: None,
            quiet: false,
        }
    }
}

impl SchedeState {
    pub fn set_rows(&mut self, rows: Vec<SchedaRiga>, esiti: &[(String, String)]) {
        let table_rows = rows
            .iter()
            .map(|r| {
                let esito = r
                    .esito
                    .as_ref()
                    .map(|e| {
                        esiti
                            .iter()
                            .find(|(c, _)| c == e)
                            .map_or(e.clone(), |(_, l)| l.clone())
                    })
                    .unwrap_or_default();
                (
                    r.id.to_string(),
                    vec![
                        r.numero.to_string(),
                        crate::domain::date::italian(&r.data_accesso),
                        r.cognome.clone(),
                        r.nome.clone(),
                        r.operatore.clone(),
                        esito,
                        match r.ricevuta {
                            None => r.stato.label(),
                            Some(false) => "Da leggere",
                            Some(true) => "Ricevuta",
                        }
                        .to_string(),
                    ],
                )
            })
            .collect();
        // The selected scheda stays selected when still listed (a refresh adds rows above it).
        let key = self.table.selected_key().map(str::to_string);
        self.table.rows = table_rows;
        self.table.sorted = false;
        self.table.selected = key
            .and_then(|k| self.table.rows.iter().position(|r| r.0 == k))
            .unwrap_or(self.table.selected)
            .min(rows.len().saturating_sub(1));
        self.rows = rows;
        self.loaded = true;
        self.error = None;
    }

    pub fn selected(&self) -> Option<&SchedaRiga> {
        let key = self.table.selected_key()?;
        self.rows.iter().find(|r| r.id.to_string() == key)
    }

    /// One line describing the active filters.
    pub fn filter_summary(&self) -> String {
        let f = &self.filtro;
        let mut parts = Vec::new();
        match (&f.dal, &f.al) {
            (Some(d), Some(a)) => parts.push(format!(
                "dal {} al {}",
                crate::domain::date::italian(d),
                crate::domain::date::italian(a)
            )),
            (Some(d), None) => parts.push(format!("dal {}", crate::domain::date::italian(d))),
            (None, Some(a)) => parts.push(format!("fino al {}", crate::domain::date::italian(a))),
            _ => {}
        }
        if let Some(o) = &f.operatore {
            parts.push(format!("operatore {o}"));
        }
        if let Some(s) = f.stato {
            parts.push(s.label().to_lowercase());
        }
        if f.eliminate && f.stato.is_none() {
            parts.push("eliminate comprese".into());
        }
        if let Some(e) = &f.esito {
            parts.push(format!("esito {e}"));
        }
        if let Some(b) = &f.bisogno {
            parts.push(format!("bisogno {b}"));
        }
        if f.ufficio_id.is_some() {
            parts.push("un ufficio".into());
        }
        if parts.is_empty() {
            "tutte le schede".into()
        } else {
            parts.join(", ")
        }
    }
}
