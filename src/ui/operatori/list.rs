//! The table of operators.

use crate::domain::Operatore;
use crate::service::organisation::OperatoriData;
use crate::ui::widgets::table::Table;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatoriState {
    pub table: Table,
    pub data: Option<OperatoriData>,
    pub error: Option<String>,
    /// The accounts are to be asked (again).
    pub stale: bool,
}

impl Default for OperatoriState {
    fn default() -> Self {
        OperatoriState {
            table: Table::new(vec![
                ("Utente", 16),
                ("Cognome", 16),
                ("Nome", 14),
                ("Ruoli", 20),
                ("Stato", 12),
            ]),
            data: None,
            error: None,
            stale: true,
        }
    }
}

impl OperatoriState {
    pub fn set_data(&mut self, data: OperatoriData) {
        let rows = data
            .operatori
            .iter()
            .map(|o| {
                (
                    o.id.to_string(),
                    vec![
                        o.username.clone(),
                        o.cognome.clone(),
                        o.nome.clone(),
                        roles_label(o),
                        if o.attivo { "attivo" } else { "disabilitato" }.to_string(),
                    ],
                )
            })
            .collect();
        self.table.set_rows(rows);
        self.data = Some(data);
    }

    pub fn selected(&self) -> Option<&Operatore> {
        let key = self.table.selected_key()?;
        self.data
            .as_ref()?
            .operatori
            .iter()
            .find(|o| o.id.to_string() == key)
    }
}

/// The roles of an account: one set when they are the same in every ente, else those of each
/// ente in the order of its enti ("responsabile | sportello").
fn roles_label(o: &Operatore) -> String {
    if o.ruoli.windows(2).all(|w| w[0].1 == w[1].1) {
        return o.roles.codes();
    }
    o.ruoli
        .iter()
        .map(|(_, roles)| roles.codes())
        .collect::<Vec<_>>()
        .join(" | ")
}
