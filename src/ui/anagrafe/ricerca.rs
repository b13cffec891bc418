//! The "Ricerca anagrafe" screen: results update as the operator types.

use crate::domain::belfiore::name_or_code;
use crate::domain::date::italian;
use crate::domain::search::SearchHit;
use crate::ui::widgets::table::Table;
use crate::ui::widgets::text_input::TextInput;

/// The search box and its results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RicercaState {
    pub input: TextInput,
    pub table: Table,
    /// The text of the last search sent (a new one goes out when the box differs); `None` before
    /// the first, so that the empty box shows the persons followed recently.
    pub sent: Option<String>,
    pub error: Option<String>,
}

impl Default for RicercaState {
    fn default() -> Self {
        RicercaState {
            input: TextInput::new(200),
            table: Table::new(vec![
                ("Codice fiscale", 16),
                ("Cognome", 16),
                ("Nome", 13),
                ("Nato/a il", 10),
                ("Residenza", 13),
                ("C/P", 3),
            ]),
            sent: None,
            error: None,
        }
    }
}

impl RicercaState {
    pub fn set_hits(&mut self, hits: Vec<SearchHit>) {
        let rows = hits
            .iter()
            .map(|h| {
                let cognome = if h.deceased {
                    format!("{} †", h.cognome)
                } else {
                    h.cognome.clone()
                };
                (
                    h.id.to_string(),
                    vec![
                        h.codice_fiscale.clone().unwrap_or_default(),
                        cognome,
                        h.nome.clone(),
                        h.data_nascita.as_deref().map(italian).unwrap_or_default(),
                        h.res_comune
                            .as_deref()
                            .map(name_or_code)
                            .unwrap_or_default(),
                        format!(
                            "{}{}",
                            if h.marcatori.caso_aperto { "C" } else { "" },
                            if h.marcatori.privacy_firmata { "P" } else { "" }
                        ),
                    ],
                )
            })
            .collect();
        // Best first: the search order, not a column sort.
        self.table.rows = rows;
        self.table.sorted = false;
        self.table.selected = 0;
        self.error = None;
    }

    pub fn selected_id(&self) -> Option<i64> {
        self.table.selected_key()?.parse().ok()
    }
}
