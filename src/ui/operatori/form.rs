//! The operator form (`screens/operatore.toml`): filled from an account, read back into an edit.

use crate::domain::{NewOperatore, Operatore, Role, RoleSet};
use crate::service::organisation::{OperatoreEdit, OperatoriData};
use crate::ui::widgets::form::{FieldSpec, Form};

pub const FORM_ID: &str = "operatore";

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
            // The roles held in the ente of the admin's session (or the account's first).
            form.set("ruoli", &o.roles_in(o.editing_ente(data.ente)).codes());
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
