//! The tables of the code-list screens: the lists, and the codes of one list.

use crate::domain::codici::Codice;
use crate::ui::widgets::table::Table;

/// The lists with their number of codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListeState {
    pub table: Table,
    pub loaded: bool,
    pub error: Option<String>,
    /// To be asked (again).
    pub stale: bool,
}

impl Default for ListeState {
    fn default() -> Self {
        ListeState {
            table: Table::new(vec![("Lista", 30), ("Voci", 8)]),
            loaded: false,
            error: None,
            stale: true,
        }
    }
}

impl ListeState {
    pub fn set_data(&mut self, lists: Vec<(String, i64)>) {
        self.table.set_rows(
            lists
                .into_iter()
                .map(|(l, n)| (l.clone(), vec![l, n.to_string()]))
                .collect(),
        );
        self.loaded = true;
    }
}

/// The codes of one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodiciState {
    pub lista: String,
    pub table: Table,
    pub codes: Option<Vec<Codice>>,
    pub error: Option<String>,
    /// To be asked (again).
    pub stale: bool,
}

impl CodiciState {
    pub fn new(lista: &str) -> CodiciState {
        CodiciState {
            lista: lista.to_string(),
            table: Table::new(vec![
                ("Codice", 16),
                ("Etichetta", 36),
                ("Gruppo", 8),
                ("Stato", 12),
            ]),
            codes: None,
            error: None,
            stale: true,
        }
    }

    pub fn set_data(&mut self, codes: Vec<Codice>) {
        let rows = codes
            .iter()
            .map(|c| {
                (
                    c.id.to_string(),
                    vec![
                        c.codice.clone(),
                        c.etichetta.clone(),
                        c.gruppo.clone().unwrap_or_default(),
                        if c.attivo { "attivo" } else { "disattivato" }.to_string(),
                    ],
                )
            })
            .collect();
        // Keep the list's own order (by `ordine`) until the operator sorts.
        self.table.rows = rows;
        self.table.sorted = false;
        self.table.selected = self.table.selected.min(codes.len().saturating_sub(1));
        self.codes = Some(codes);
    }

    pub fn selected(&self) -> Option<&Codice> {
        let key = self.table.selected_key()?;
        self.codes
            .as_ref()?
            .iter()
            .find(|c| c.id.to_string() == key)
    }
}
