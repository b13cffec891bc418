//! The ente and ufficio forms (`screens/ente.toml`, `screens/ufficio.toml`): filled from a record,
//! read back into what the service saves.

use crate::domain::impostazioni::ImpostazioniUfficio;
use crate::domain::{Contatto, Ente, NewEnte, Ufficio};
use crate::service::organisation::{ENTE_TIPI, UfficioUscita};
use crate::ui::widgets::form::{FieldSpec, Form};

pub const ENTE: &str = "ente";
pub const UFFICIO: &str = "ufficio";

/// An ente as the form saves it: a new one, or a change of an existing one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnteSave {
    New(NewEnte),
    Edit(Ente),
}

/// An ufficio as the form saves it (`ufficio.id == 0`: a new one of `ufficio.ente_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UfficioSave {
    pub ufficio: Ufficio,
    pub uscita: UfficioUscita,
    /// Its settings, when the form changed them.
    pub impostazioni: Option<ImpostazioniUfficio>,
}

fn flag(v: bool) -> &'static str {
    if v { "true" } else { "false" }
}

/// The ente form, with the ambiti to choose from.
pub fn ente_form(title: &str, specs: Vec<FieldSpec>, enti: &[Ente], e: Option<&Ente>) -> Form {
    let mut form = Form::new(ENTE, title, specs);
    form.code_lists.insert(
        "tipi_ente".into(),
        ENTE_TIPI
            .iter()
            .map(|t| (t.to_string(), t.to_string()))
            .collect(),
    );
    form.code_lists.insert(
        "ambiti".into(),
        enti.iter()
            .filter(|a| a.tipo == "ambito")
            .map(|a| (a.id.to_string(), a.nome.clone()))
            .collect(),
    );
    match e {
        Some(e) => {
            form.set("nome", &e.nome);
            form.set("tipo", &e.tipo);
            form.set("belfiore", e.belfiore.as_deref().unwrap_or(""));
            form.set("istat", e.istat.as_deref().unwrap_or(""));
            form.set(
                "ambito",
                &e.ambito_id.map(|a| a.to_string()).unwrap_or_default(),
            );
            form.set("capofila", flag(e.capofila));
            form.set("attivo", flag(e.attivo));
        }
        None => {
            form.set("tipo", "comune");
            form.set("attivo", "true");
        }
    }
    form.changed_at = None;
    form
}

fn text(form: &Form, id: &str) -> Option<String> {
    Some(form.value(id).trim().to_string()).filter(|v| !v.is_empty())
}

/// The ente typed in the form.
pub fn ente_save(form: &Form, existing: Option<&Ente>) -> EnteSave {
    let ambito_id = form.value("ambito").parse().ok();
    let capofila = form.value("capofila") == "true";
    match existing {
        Some(e) => EnteSave::Edit(Ente {
            nome: form.value("nome").trim().to_string(),
            istat: text(form, "istat"),
            ambito_id,
            capofila,
            attivo: form.value("attivo") == "true",
            ..e.clone()
        }),
        None => EnteSave::New(NewEnte {
            nome: form.value("nome").trim().to_string(),
            belfiore: text(form, "belfiore"),
            istat: text(form, "istat"),
            tipo: form.value("tipo"),
            capofila,
            ambito_id,
        }),
    }
}

/// The ufficio form, with the office's settings `imp`.
pub fn ufficio_form(
    title: &str,
    specs: Vec<FieldSpec>,
    u: Option<&(Ufficio, UfficioUscita)>,
    imp: &ImpostazioniUfficio,
) -> Form {
    let mut form = Form::new(UFFICIO, title, specs);
    for (id, v) in [
        ("req_bisogni", imp.req_bisogni),
        ("req_servizi", imp.req_servizi),
        ("req_stranieri", imp.req_stranieri),
        ("vis_interventi", imp.vis_interventi),
    ] {
        form.set(id, flag(v));
    }
    form.set(
        "template_invio",
        imp.template_invio.as_deref().unwrap_or(""),
    );
    match u {
        Some((u, uscita)) => {
            let c = &u.contatto;
            form.set("nome", &u.nome);
            form.set("attivo", flag(u.attivo));
            for (id, v) in [
                ("indirizzo", &c.indirizzo),
                ("telefono", &c.telefono),
                ("email", &c.email),
                ("orari", &c.orari),
                ("stampante", &uscita.stampante),
            ] {
                form.set(id, v.as_deref().unwrap_or(""));
            }
            form.set(
                "cartella",
                &uscita
                    .cartella
                    .as_ref()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
        }
        None => form.set("attivo", "true"),
    }
    form.changed_at = None;
    form
}

/// The ufficio typed in the form (`existing` `None`: a new one of `ente_id`); `imp` the settings it
/// was opened with.
pub fn ufficio_save(
    form: &Form,
    ente_id: i64,
    existing: Option<&Ufficio>,
    imp: &ImpostazioniUfficio,
) -> UfficioSave {
    let on = |id: &str| form.value(id) == "true";
    let typed = ImpostazioniUfficio {
        req_bisogni: on("req_bisogni"),
        req_servizi: on("req_servizi"),
        req_stranieri: on("req_stranieri"),
        vis_interventi: on("vis_interventi"),
        template_invio: text(form, "template_invio"),
        ..imp.clone()
    };
    let base = existing.cloned().unwrap_or(Ufficio {
        id: 0,
        version: 0,
        ente_id,
        nome: String::new(),
        attivo: true,
        contatto: Contatto::default(),
    });
    UfficioSave {
        ufficio: Ufficio {
            nome: form.value("nome").trim().to_string(),
            attivo: form.value("attivo") == "true",
            contatto: Contatto {
                indirizzo: text(form, "indirizzo"),
                telefono: text(form, "telefono"),
                email: text(form, "email"),
                orari: text(form, "orari"),
            },
            ..base
        },
        // Empty values clear the setting.
        uscita: UfficioUscita {
            stampante: Some(form.value("stampante").trim().to_string()),
            cartella: Some(form.value("cartella").trim().into()),
        },
        impostazioni: (typed != *imp).then_some(typed),
    }
}
