//! The accounts screen (admin): the table of operators and the operator form (`screens/operatore.toml`).

use super::form::{FieldSpec, Form};
use super::requests::{OperatoreEdit, OperatoriData};
use super::table::Table;
use crate::domain::{NewOperatore, Operatore, Role, RoleSet};

pub const FORM_ID: &str = "operatore";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatoriState {
    pub table: Table,
    pub data: Option<OperatoriData>,
    pub error: Option<String>,
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
                        o.roles.codes(),
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

/// Builds the form from its declared fields, with the code lists and (when editing) the values.
pub fn new_form(
    title: &str,
    specs: Vec<FieldSpec>,
    data: &OperatoriData,
    existing: Option<&Operatore>,
    today: time::Date,
) -> Form {
    let mut form = Form::new(FORM_ID, title, specs);
    form.code_lists.insert(
        "ruoli".into(),
        Role::ALL
            .iter()
            .map(|r| (r.code().to_string(), r.label().to_string()))
            .collect(),
    );
    form.code_lists.insert(
        "enti".into(),
        data.enti
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
    );
    form.code_lists.insert(
        "uffici".into(),
        data.uffici
            .iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect(),
    );
    match existing {
        Some(o) => {
            form.set("username", &o.username);
            form.set("nome", &o.nome);
            form.set("cognome", &o.cognome);
            form.set("ruoli", &o.roles.codes());
            form.set(
                "enti",
                &o.enti
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            );
            form.set(
                "ufficio",
                &o.ufficio_id.map(|u| u.to_string()).unwrap_or_default(),
            );
            form.set("os_user", o.os_user.as_deref().unwrap_or(""));
            form.set("attivo", if o.attivo { "true" } else { "false" });
            form.load_extra(&o.extra, today);
        }
        None => form.set("attivo", "true"),
    }
    form.changed_at = None;
    form
}

/// Reads the form into an edit request; the error names the field and the Italian message.
pub fn to_edit(
    form: &Form,
    existing: &Option<Operatore>,
    today: time::Date,
) -> Result<OperatoreEdit, (String, String)> {
    let roles = RoleSet::parse_list(&form.value("ruoli")).map_err(|e| ("ruoli".to_string(), e))?;
    let enti: Vec<i64> = form
        .value("enti")
        .split(',')
        .filter_map(|s| s.parse().ok())
        .collect();
    if enti.is_empty() {
        return Err(("enti".into(), "Indicare almeno un ente".into()));
    }
    let username = match existing {
        Some(o) => o.username.clone(),
        None => form.value("username").trim().to_string(),
    };
    let os_user = Some(form.value("os_user").trim().to_string()).filter(|s| !s.is_empty());
    Ok(OperatoreEdit {
        existing: existing.clone(),
        new: NewOperatore {
            username,
            nome: form.value("nome").trim().to_string(),
            cognome: form.value("cognome").trim().to_string(),
            roles,
            enti,
            ufficio_id: form.value("ufficio").parse().ok(),
            os_user,
            extra: String::new(),
        },
        attivo: form.value("attivo") == "true",
        password: None,
        extra: form.extra_json(today),
    })
}
